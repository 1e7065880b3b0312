import { expect } from 'chai';
import { createFlaky, InjectedFailure, TestingOptionError, VirtualClock } from '../../lib/testing/index.ts';

describe('testing/flaky', () => {
  it('fails a seeded share of calls, reproducibly', async () => {
    const run = async (seed: number): Promise<number[]> => {
      const f = createFlaky(async (x: number) => x * 2, { failShare: 0.3, seed });
      const failed: number[] = [];
      for (let i = 0; i < 1_000; i++) await f(i).catch(() => failed.push(i));
      expect(f.calls).to.equal(1_000);
      expect(f.injected + f.successes).to.equal(1_000);
      return failed;
    };
    const a = await run(5);
    expect(await run(5)).to.deep.equal(a);
    expect(a.length).to.be.within(250, 350);
  });

  it('keeps the type, the arguments, the result and `this`', async () => {
    const obj = {
      base: 10,
      async add(n: number): Promise<number> {
        return this.base + n;
      },
    };
    const add = createFlaky(obj.add, { failShare: 0 });
    const r: number = await add.call(obj, 5);
    expect(r).to.equal(15);
  });

  it('fails before calling through by default, after with failWhen: after', async () => {
    let effects = 0;
    const effect = async (): Promise<void> => void effects++;
    const before = createFlaky(effect, { failShare: 1 });
    expect(await before().catch((e: unknown) => e)).to.be.instanceOf(InjectedFailure);
    expect(effects).to.equal(0);
    const after = createFlaky(effect, { failShare: 1, failWhen: 'after' });
    expect(await after().catch((e: unknown) => e)).to.be.instanceOf(InjectedFailure);
    expect(effects).to.equal(1, 'the effect happened, only the reply was lost');
  });

  it('adds latency on the given clock', async () => {
    const clock = new VirtualClock();
    const f = createFlaky(async () => 'ok', { failShare: 0, delayMs: 20, clock });
    let out: string | undefined;
    void f().then((v) => (out = v));
    await clock.advance(19);
    expect(out).to.equal(undefined);
    await clock.advance(1);
    expect(out).to.equal('ok');
  });

  it('passes through errors of the wrapped function (not counted as injected)', async () => {
    const f = createFlaky(
      async () => {
        throw new Error('real');
      },
      { failShare: 0 },
    );
    expect(await f().catch((e: Error) => e.message)).to.equal('real');
    expect(f.injected).to.equal(0);
  });

  it('validates options', () => {
    const fn = async (): Promise<void> => {};
    expect(() => createFlaky(fn, { failShare: 2 })).to.throw(TestingOptionError, /failShare/);
    expect(() => createFlaky(fn, { failShare: 0.1, delayMs: -5 })).to.throw(TestingOptionError, /delayMs/);
    expect(() => createFlaky(fn, { failShare: 0.1, failWhen: 'never' as 'after' })).to.throw(TestingOptionError, /failWhen/);
    expect(() => createFlaky(42 as never, { failShare: 0.1 })).to.throw(TestingOptionError, /fn/);
  });
});
