import { expect } from 'chai';
import { VirtualClock, DEFAULT_VIRTUAL_START } from '../../lib/testing/index.ts';
import { sleep } from '../../lib/util/clock.ts';

describe('testing/VirtualClock', () => {
  it('starts at a fixed time and only moves when advanced', async () => {
    const clock = new VirtualClock();
    expect(clock.now()).to.equal(DEFAULT_VIRTUAL_START);
    await clock.advance(250);
    expect(clock.now()).to.equal(DEFAULT_VIRTUAL_START + 250);
  });

  it('fires timers in due order (ties in creation order), each at its own time', async () => {
    const clock = new VirtualClock({ start: 0 });
    const log: string[] = [];
    clock.setTimeout(() => log.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => log.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => log.push(`c@${clock.now()}`), 20);
    const cleared = clock.setTimeout(() => log.push('never'), 15);
    clock.clearTimeout(cleared);
    clock.clearTimeout(cleared);
    await clock.advance(100);
    expect(log).to.deep.equal(['a@10', 'b@20', 'c@20']);
  });

  it('lets promise chains settle between timers, so async loops on sleep() run through', async () => {
    const clock = new VirtualClock({ start: 0 });
    const ticks: number[] = [];
    void (async () => {
      for (let i = 0; i < 5; i++) {
        await sleep(clock, 10);
        await Promise.resolve();
        ticks.push(clock.now());
      }
    })();
    await clock.advance(45);
    expect(ticks).to.deep.equal([10, 20, 30, 40]);
    await clock.runAll();
    expect(ticks).to.deep.equal([10, 20, 30, 40, 50]);
  });

  it('rejects negative advances and stops runaway runAll', async () => {
    const clock = new VirtualClock();
    expect(await clock.advance(-1).catch((e: unknown) => e)).to.be.instanceOf(RangeError);
    const again = (): void => void clock.setTimeout(again, 1);
    again();
    expect(await clock.runAll(50).catch((e: unknown) => e)).to.be.instanceOf(Error);
  });
});
