/**
 * Subject, stream and consumer names from network and node names. Node and network names may
 * hold `.` and `:`, which NATS reads as token separators (or forbids in names), so each name
 * becomes one token of `A-Za-z0-9_-`; a name that had to change gets a hash of the original so
 * that `a.b` and `a_b` stay apart.
 */
import { fnv1a } from '../../util/fnv1a.ts';

/** One subject token / stream or consumer name part for `name`. */
export function token(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_-]/g, '_');
  return safe === name ? name : `${safe}_${fnv1a(name).toString(36)}`;
}

/** The subject signals for `node` of `network` travel on. */
export function subjectFor(prefix: string, network: string, node: string): string {
  return `${prefix}.${token(network)}.${token(node)}`;
}

/** The subjects of a network's stream. */
export function streamSubjects(prefix: string, network: string): string {
  return `${prefix}.${token(network)}.>`;
}

/** The default stream name of a network. */
export function defaultStream(network: string): string {
  return `PLEXUS_${token(network)}`.slice(0, 64);
}

/** The durable consumer of `node`: every process hosting the node shares it. */
export function durableFor(node: string): string {
  return `plexus_${token(node)}`;
}

/** Longest bucket name kept whole (its stream is `KV_<bucket>`); a longer one is cut and gets a hash. */
const MAX_BUCKET_NAME = 60;

/** The JetStream key-value bucket `bucket` of `network` (each network has its own). */
export function kvBucketFor(network: string, bucket: string): string {
  const name = `plexus_${token(network)}_${token(bucket)}`;
  return name.length <= MAX_BUCKET_NAME ? name : `${name.slice(0, MAX_BUCKET_NAME - 8)}_${fnv1a(name).toString(36)}`;
}
