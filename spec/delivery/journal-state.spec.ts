import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { FileJournal } from '../../lib/delivery/file-journal.ts';
import { createSignal } from '../../lib/signal/create-signal.ts';

const limits = { maxBytes: 1 << 20, maxDepth: 32 };

describe('delivery/file-journal: kept states (record kind 8)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plexus-state-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('recover gives back the last state of each key, across compactions; malformed state lines are skipped', async () => {
    const path = join(dir, 'j.jsonl');
    const first = new FileJournal({ path, maxBytes: 1_000 });
    await first.recover();
    first.keepState('failover:pay', { active: 'pay-a', n: 1 });
    first.keepState('failover:pay', { active: 'pay-b', n: 2 });
    first.keepState('failover:db', { active: 'primary' });
    for (let i = 0; i < 30; i++) {
      const signal = createSignal({ type: 't', payload: 'x'.repeat(100) }, 'w', 1_000 + i, limits);
      await first.append(signal);
      first.settle(signal, 'completed', 2_000 + i);
    }
    await first.close();
    expect(first.stats().compactions).to.be.greaterThan(0);
    const text = await readFile(path, 'utf8');
    expect(text).to.not.include('"n":1');
    await appendFile(path, '[8,"",1]\n[8,"failover:x"]\n');

    const second = new FileJournal({ path });
    const recovery = await second.recover();
    await second.close();
    expect(recovery.states).to.deep.equal([
      { key: 'failover:pay', value: { active: 'pay-b', n: 2 } },
      { key: 'failover:db', value: { active: 'primary' } },
    ]);
    expect(second.stats().skippedLines).to.equal(2);
  });

  it('a state that is not JSON throws and keeps nothing', async () => {
    const journal = new FileJournal({ path: join(dir, 'j.jsonl') });
    expect(() => journal.keepState('k', 10n)).to.throw();
    const recovery = await journal.recover();
    await journal.close();
    expect(recovery.states).to.deep.equal([]);
  });
});
