import { expect } from 'chai';
import sinon from 'sinon';
import { CircuitBreaker } from '../../lib/resilience/breaker/breaker.ts';
import type { BreakerTransition } from '../../lib/resilience/breaker/types.ts';
import { Emitter, LISTENER_ERROR_WARNING } from '../../lib/resilience/emitter.ts';
import { VirtualClock } from '../../lib/testing/virtual-clock.ts';

/**
 * A breaker's (or protector's) listeners and subscribers: one that throws used to be rethrown on
 * a microtask (listeners) or from a setTimeout (RxJS, subscribers), an uncaught exception that
 * ends the process. Both are faked here, so a rethrow shows up as a scheduled callback.
 */
describe('resilience/Emitter: a throwing listener or subscriber', () => {
  let timers: sinon.SinonFakeTimers;
  let microtasks: sinon.SinonStub;
  let warnings: sinon.SinonStub;
  beforeEach(() => {
    timers = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    microtasks = sinon.stub(globalThis, 'queueMicrotask');
    warnings = sinon.stub(process, 'emitWarning');
  });
  afterEach(() => {
    timers.restore();
    microtasks.restore();
    warnings.restore();
  });

  it('is caught and counted, warned about once, and the others still hear every transition', () => {
    const breaker = new CircuitBreaker('store', { failureThreshold: 1 }, new VirtualClock());
    const heard: BreakerTransition[] = [];
    const seen: BreakerTransition[] = [];
    breaker.onStateChange(() => {
      throw new Error('listener bug');
    });
    breaker.onStateChange((t) => void heard.push(t));
    breaker.state$.subscribe(() => {
      throw new Error('subscriber bug');
    });
    breaker.state$.subscribe((t) => void seen.push(t));
    breaker.recordFailure(new Error('boom'));
    breaker.reset();
    expect(microtasks.callCount + timers.countTimers(), 'a rethrow was scheduled').to.equal(0);
    expect(breaker.state).to.equal('closed');
    expect(heard.map((t) => `${t.from}>${t.to}`)).to.deep.equal(['closed>open', 'open>closed']);
    expect(seen.map((t) => `${t.from}>${t.to}`)).to.deep.equal(['closed>open', 'open>closed']);
    const ours = warnings.getCalls().filter((c) => (c.args[1] as { code?: string } | undefined)?.code === LISTENER_ERROR_WARNING);
    expect(ours).to.have.length(1);
    expect(String(ours[0]!.args[0])).to.include('listener bug');
  });

  it('counts every error of listeners and subscribers, and warns only for the first', () => {
    const emitter = new Emitter<number>();
    const got: number[] = [];
    emitter.on(() => {
      throw new Error('listener');
    });
    emitter.observable.subscribe(() => {
      throw new Error('subscriber');
    });
    emitter.observable.subscribe((n) => void got.push(n));
    for (let n = 1; n <= 3; n++) emitter.emit(n);
    expect(microtasks.callCount + timers.countTimers(), 'a rethrow was scheduled').to.equal(0);
    expect(emitter.listenerErrors).to.equal(6);
    expect(got).to.deep.equal([1, 2, 3]);
    expect(warnings.getCalls().filter((c) => (c.args[1] as { code?: string } | undefined)?.code === LISTENER_ERROR_WARNING)).to.have.length(1);
  });
});
