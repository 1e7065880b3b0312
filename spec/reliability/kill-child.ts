/**
 * Child process of kill.spec.ts: `node --import tsx spec/reliability/kill-child.ts <journalPath> [count]`.
 *
 * Runs a network on a FileJournal with a slow handler, sends `count` signals (in groups, so the
 * journal group-commits them), prints each accepted id as a JSON line, prints
 * `{"phase":"shutdown"}` and shuts down with a long drain. The parent SIGKILLs it mid-drain.
 * Each signal carries the idempotency key `job-<n>`. Lines on stdout: `{"accepted":id}`, `{"refused":reason}`, `{"phase":"shutdown"}`, `{"phase":"done"}`.
 */
import { createNetwork } from '../../lib/index.ts';
import { FileJournal } from '../../lib/delivery/file-journal.ts';

/** Name of the node; the parent restarts a node of the same name. */
const KILL_NODE = 'slow';
const GROUP = 50;

/** The idempotency key of job `n` (kill.spec.ts re-sends by the same keys). */
const jobKey = (n: number): string => `job-${n}`;

const path = process.argv[2];
const count = Number(process.argv[3] ?? 500);
if (path === undefined || !(count > 0)) {
  process.stderr.write('usage: kill-child.ts <journalPath> [count]\n');
  process.exit(2);
}

const out = (o: unknown): void => void process.stdout.write(`${JSON.stringify(o)}\n`);

const net = createNetwork({ name: 'kill', journal: new FileJournal({ path }) });
net.node(KILL_NODE, {
  partitions: 2,
  capacity: 10_000,
  retry: false,
  // Real time on purpose: the parent kills this process while handlers are still running.
  handle: () => new Promise<void>((r) => setTimeout(r, 2 + Math.random() * 3)),
});
await net.start();
for (let i = 0; i < count; i += GROUP) {
  const group = Array.from({ length: Math.min(GROUP, count - i) }, (_, k) =>
    // Keyed, as a producer that re-sends after a crash keys its signals (the parent re-sends them).
    net
      .send(KILL_NODE, { type: 'job', payload: { n: i + k }, idempotencyKey: jobKey(i + k) })
      .then((r) => out(r.status === 'accepted' ? { accepted: r.id } : { refused: r.status === 'rejected' ? r.reason : r.status })),
  );
  await Promise.all(group);
}
out({ phase: 'shutdown' });
await net.shutdown({ timeoutMs: 60_000 });
out({ phase: 'done' });
