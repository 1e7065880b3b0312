import { fnv1a } from '../util/fnv1a.ts';

/**
 * The partition of a key: FNV-1a over its UTF-16 units, modulo the partition count. Stable
 * across processes and runs, so a key always lands in the same partition of a node.
 */
export function partitionOf(key: string, partitions: number): number {
  if (partitions === 1) return 0;
  return fnv1a(key) % partitions;
}
