/**
 * Two real processes share failover group `pay` over NATS: its lock is a JetStream key-value
 * entry (compare-and-set on the revision, a lease the holder renews). Exactly one process holds
 * it; SIGKILL the holder and the other takes over within the lease; their holding intervals,
 * each logged with wall-clock times by the process itself, never overlap. Real time, bounded.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { expect } from 'chai';
import { createNetwork } from '../../../lib/index.ts';
import { NATS_URL, deleteBuckets, deleteStream, describeNats, testTransport, uniqueNetwork, until } from './support.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..', '..');
const LEASE_MS = 1_500;
const RENEW_MS = 300;
/** Both processes read the same machine clock; this much covers the gap between an event and its log line. */
const CLOCK_ERROR_MS = 50;

/** One child process and what it logged. */
interface Child {
  readonly process: ChildProcess;
  readonly member: string;
  /** `taken`/`lost` of the lock and `active` changes, with their wall-clock times. */
  readonly log: { what: string; at: number; member?: string }[];
  readonly ready: Promise<void>;
  readonly exited: Promise<number | null>;
}

function spawnChild(network: string, member: string, other: string): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, 'failover-child.ts'), NATS_URL, network, member, other, String(LEASE_MS), String(RENEW_MS)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: Child['log'] = [];
  let pending = '';
  let err = '';
  let onReady!: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout!.on('data', (data: Buffer) => {
    pending += data.toString();
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const [what, at, active] = pending.slice(0, nl).split(' ');
      // `active` is the member for `active` lines, the payload for `handled` lines.
      pending = pending.slice(nl + 1);
      if (what === 'ready') onReady();
      else log.push({ what: what!, at: Number(at), ...(active === undefined ? {} : { member: active }) });
    }
  });
  child.stderr!.on('data', (data: Buffer) => (err += data.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exited.then(() => {
    if (err !== '' && !child.killed) console.error(`failover child ${member}: ${err}`);
  });
  return { process: child, member, log, ready: Promise.race([ready, exited.then((code) => Promise.reject(new Error(`child ${member} exited with ${code}: ${err}`)))]), exited };
}

/** The intervals in which a child held the lock; one still open ends at `end`. */
function intervals(child: Child, end: number): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (const entry of child.log) {
    if (entry.what === 'taken') out.push({ from: entry.at, to: Number.POSITIVE_INFINITY });
    else if (entry.what === 'lost' && out.length > 0) out[out.length - 1]!.to = entry.at;
  }
  return out.map((interval) => ({ from: interval.from, to: Math.min(interval.to, end) }));
}

const holds = (child: Child): boolean => child.log.filter((e) => e.what === 'taken').length > child.log.filter((e) => e.what === 'lost').length;

describeNats('transport/nats: a failover group shared by two processes', () => {
  let network: string;
  let children: Child[] = [];

  before(async function () {
    try {
      const nc = await connect({ servers: NATS_URL, timeout: 2_000, noAsyncTraces: true });
      await nc.close();
    } catch (error) {
      console.log(`      skipped: the NATS server at ${NATS_URL} does not answer (${(error as Error).message})`);
      this.skip();
    }
  });
  beforeEach(() => {
    network = uniqueNetwork('failover');
    children = [];
  });
  afterEach(async () => {
    for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await Promise.all(children.map((child) => child.exited));
    await deleteStream(network);
    await deleteBuckets(network, ['failover']);
  });

  it('started together, exactly one process holds the group', async () => {
    const a = spawnChild(network, 'pay-a', 'pay-b');
    const b = spawnChild(network, 'pay-b', 'pay-a');
    children.push(a, b);
    await Promise.all([a.ready, b.ready]);
    await until(() => holds(a) || holds(b), 'one process to take the lock');
    // Several renewals and a whole lease: nobody else takes it.
    await new Promise((resolve) => setTimeout(resolve, 2 * LEASE_MS));
    expect([holds(a), holds(b)].filter(Boolean)).to.have.length(1);
    const holder = holds(a) ? a : b;
    const follower = holder === a ? b : a;
    expect(holder.log.filter((e) => e.what === 'active').at(-1)?.member).to.equal(holder.member);
    expect(follower.log.filter((e) => e.what === 'active').at(-1)?.member).to.equal(holder.member);
    expect(follower.log.some((e) => e.what === 'taken')).to.equal(false);
  });

  it('SIGKILL the holder: the other takes over within the lease, and they never both hold it', async () => {
    const a = spawnChild(network, 'pay-a', 'pay-b');
    children.push(a);
    await a.ready;
    await until(() => holds(a), 'the first process to take the lock');
    const b = spawnChild(network, 'pay-b', 'pay-a');
    children.push(b);
    await b.ready;
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + RENEW_MS));
    expect(holds(b), 'the second process waits while the first renews').to.equal(false);
    const killedAt = Date.now();
    a.process.kill('SIGKILL');
    await until(() => holds(b), 'the second process to take over', 3 * LEASE_MS);
    const takenAt = b.log.find((e) => e.what === 'taken')!.at;
    expect(takenAt - killedAt, 'takeover within the lease (plus one renewal and the watch)').to.be.at.most(LEASE_MS + RENEW_MS + 500);
    expect(takenAt - killedAt, 'not before the lease could have run out').to.be.at.least(LEASE_MS - RENEW_MS - CLOCK_ERROR_MS);
    expect(b.log.filter((e) => e.what === 'active').at(-1)?.member).to.equal('pay-b');
    // a held it until it was killed (its process ended there); b only after.
    const all = [...intervals(a, killedAt), ...intervals(b, Date.now())].sort((x, y) => x.from - y.from);
    for (let i = 1; i < all.length; i++) expect(all[i]!.from + CLOCK_ERROR_MS, 'holding intervals overlap').to.be.at.least(all[i - 1]!.to);
    expect(all).to.have.length(2);
  });

  it('a third process without members of its own routes the group to whichever member the lock names', async () => {
    const a = spawnChild(network, 'pay-a', 'pay-b');
    children.push(a);
    await a.ready;
    await until(() => holds(a), 'the first process to take the lock');
    const b = spawnChild(network, 'pay-b', 'pay-a');
    children.push(b);
    await b.ready;
    const sender = createNetwork({ name: network, transport: testTransport(), journal: false });
    sender.remote('pay-a').remote('pay-b');
    const group = sender.failover('pay', { members: ['pay-a', 'pay-b'], lock: { leaseMs: LEASE_MS, renewMs: RENEW_MS } });
    try {
      await sender.start();
      // The start read the lock before the network opened: the first signal finds its member.
      expect(group.active).to.equal('pay-a');
      for (let n = 0; n < 5; n++) expect((await sender.send('pay', { type: 'charge', payload: `first-${n}` })).status).to.equal('accepted');
      await until(() => a.log.filter((e) => e.what === 'handled').length === 5, 'pay-a to handle the first signals');
      a.process.kill('SIGKILL');
      await until(() => group.active === 'pay-b', 'the sender to follow the takeover', 3 * LEASE_MS);
      for (let n = 0; n < 5; n++) expect((await sender.send('pay', { type: 'charge', payload: `second-${n}` })).status).to.equal('accepted');
      await until(() => b.log.filter((e) => e.what === 'handled').length === 5, 'pay-b to handle the second signals');
      // Partitions may take them in any order: which signals, not their order.
      expect(
        a.log
          .filter((e) => e.what === 'handled')
          .map((e) => e.member)
          .sort(),
      ).to.deep.equal(['first-0', 'first-1', 'first-2', 'first-3', 'first-4']);
      expect(
        b.log
          .filter((e) => e.what === 'handled')
          .map((e) => e.member)
          .sort(),
      ).to.deep.equal(['second-0', 'second-1', 'second-2', 'second-3', 'second-4']);
      expect(group.holding).to.equal(false);
    } finally {
      await sender.shutdown({ timeoutMs: 2_000 });
    }
  });
});
