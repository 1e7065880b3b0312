import { expect } from 'chai';
import { eventLoopHealth, memoryHealth, nodeHealth, transportCheck } from '../../lib/control/built-in-checks.ts';
import {
  EVENT_LOOP_DEGRADED_MS,
  EVENT_LOOP_UNHEALTHY_MS,
  HEAP_DEGRADED_RATIO,
  HEAP_UNHEALTHY_RATIO,
  NODE_ERROR_RATE_DEGRADED,
  NODE_FILL_DEGRADED,
  NODE_FILL_UNHEALTHY,
} from '../../lib/control/health-options.ts';

describe('control: built-in checks', () => {
  it('a node: unhealthy with its breaker open or a nearly full mailbox; degraded half-open, filling up or failing', () => {
    const status = (fill: number, breaker: 'closed' | 'open' | 'half-open' | undefined, errorRate: number) => nodeHealth({ fill, breaker, errorRate }).status;
    expect(status(0, undefined, 0)).to.equal('healthy');
    expect(status(NODE_FILL_DEGRADED - 0.01, 'closed', NODE_ERROR_RATE_DEGRADED)).to.equal('healthy');
    expect(status(NODE_FILL_DEGRADED, 'closed', 0)).to.equal('degraded');
    expect(status(0, 'half-open', 0)).to.equal('degraded');
    expect(status(0, 'closed', NODE_ERROR_RATE_DEGRADED + 0.01)).to.equal('degraded');
    expect(status(NODE_FILL_UNHEALTHY, 'closed', 0)).to.equal('unhealthy');
    expect(status(0, 'open', 0)).to.equal('unhealthy');
  });

  it('the event loop and memory, at their thresholds', () => {
    expect(eventLoopHealth(EVENT_LOOP_DEGRADED_MS).status).to.equal('healthy');
    expect(eventLoopHealth(EVENT_LOOP_DEGRADED_MS + 1).status).to.equal('degraded');
    expect(eventLoopHealth(EVENT_LOOP_UNHEALTHY_MS + 1).status).to.equal('unhealthy');
    expect(memoryHealth(HEAP_DEGRADED_RATIO * 1000, 1000).status).to.equal('healthy');
    expect(memoryHealth(HEAP_DEGRADED_RATIO * 1000 + 1, 1000).status).to.equal('degraded');
    expect(memoryHealth(HEAP_UNHEALTHY_RATIO * 1000 + 1, 1000).status).to.equal('unhealthy');
  });

  it('the transport is degraded while publishes fail or are refused between two checks', async () => {
    const counts = { publishFailed: 0, publishRefused: 0, publishPending: 0, unacked: 0 };
    const check = transportCheck(() => ({ ...counts }));
    const run = async () => {
      const result = await check(new AbortController().signal);
      return typeof result === 'string' ? result : result.status;
    };
    expect(await run()).to.equal('healthy');
    counts.publishFailed = 2;
    expect(await run()).to.equal('degraded');
    expect(await run()).to.equal('healthy', 'no new failure since');
    counts.publishRefused = 1;
    expect(await run()).to.equal('degraded');
  });
});
