import { expect } from 'chai';
import { RecentKeys } from '../../lib/delivery/recent-keys.ts';
import { decodeRecord } from '../../lib/delivery/record-decode.ts';
import { RecordBuffer } from '../../lib/delivery/record-buffer.ts';

describe("delivery/RecentKeys (the journal's idempotency keys for the dedup window)", () => {
  it('holds at most maxKeys, the newest, oldest first, growing from small', () => {
    const keys = new RecentKeys(1_000, 3_000);
    for (let i = 0; i < 10_000; i++) keys.add(i % 2 === 0 ? 'a' : 'b', `k${i}`, i);
    expect(keys.size).to.equal(3_000);
    // Within 1,000 ms of the latest (9,999): keys 8,999 to 9,999, in order.
    const inWindow = keys.inWindow();
    expect(inWindow.map((k) => k.key)).to.deep.equal(Array.from({ length: 1_001 }, (_, i) => `k${8_999 + i}`));
    expect(inWindow[0]).to.deep.equal({ node: 'b', key: 'k8999', at: 8_999 });
  });

  it('writes its keys as records that read back exactly: escapes, Latin-1, long and non-Latin-1 keys, fractional times', () => {
    const keys = new RecentKeys(1_000, 100);
    const odd = ['plain', 'quote"back\\slash', 'ctl\u0001\n', 'café', 'ключ', 'x'.repeat(41), 'a-uuid-0197a3c2-7e4b-7c1d-9f2e-1a2b3c4d5e6f'];
    odd.forEach((k, i) => {
      keys.add(i % 2 === 0 ? 'n1' : 'n2', k, 1_700_000_000_000.125 + i);
    });
    const out = new RecordBuffer();
    keys.writeInWindow(out);
    const lines = Buffer.concat(out.take().slices).toString('utf8').split('\n').slice(0, -1);
    expect(lines.map((l) => decodeRecord(l))).to.deep.equal(odd.map((k, i) => ({ op: 'key', node: i % 2 === 0 ? 'n1' : 'n2', key: k, at: 1_700_000_000_000.125 + i })));
    expect(keys.inWindow().map((k) => k.key)).to.deep.equal(odd);
  });

  it('a cap below the window keeps the newest maxKeys only', () => {
    const keys = new RecentKeys(60_000, 5);
    for (let i = 0; i < 12; i++) keys.add('n', `k${i}`, i);
    expect(keys.inWindow().map((k) => k.key)).to.deep.equal(['k7', 'k8', 'k9', 'k10', 'k11']);
  });

  it('its records (and dead letter records) decode back, and malformed ones are skipped', () => {
    expect(decodeRecord('[7,"work","K","Qni8_laABAA"]')).to.deep.equal({ op: 'key', node: 'work', key: 'K', at: 1_700_000_000_000.25 });
    expect(decodeRecord('[6,"id-1"]')).to.deep.equal({ op: 'dead-letter-removed', id: 'id-1' });
    for (const bad of [
      '[7,"work",3,1]',
      '[7,"work","K"]',
      '[6,1]',
      '[5,"id",[],"",[0,1,"no-such-reason",1,1,1,{"name":"E","message":"m","code":"C"}]]',
      '[5,"id",[],"AAAAAAAAAAA",[0,1,"timeout",1,1,1,{"name":"E"}]]',
    ]) {
      expect(decodeRecord(bad), bad).to.equal(undefined);
    }
    const ok = decodeRecord('[5,"id",[],"AAAAAAAAAAA",[0,1,"timeout",2,1,3,{"name":"E","message":"m","code":"C"}]]');
    expect(ok).to.deep.include({ op: 'settle', id: 'id', outcome: 'dead-lettered', at: 0 });
    expect((ok as { deadLetter: unknown }).deadLetter).to.deep.equal({
      node: undefined,
      partition: 1,
      reason: 'timeout',
      attempts: 2,
      firstFailureAt: 1,
      lastFailureAt: 3,
      error: { name: 'E', message: 'm', code: 'C' },
    });
  });
});
