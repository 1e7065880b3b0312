/**
 * The partition of a key: FNV-1a over its UTF-16 units, modulo the partition count. Stable
 * across processes and runs, so a key always lands in the same partition of a node.
 */
export function partitionOf(key: string, partitions: number): number {
  if (partitions === 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}
