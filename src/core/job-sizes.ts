/** `total` records in `count` jobs whose sizes differ by at most one (Bedrock bills tokens, not jobs). */
export function spread(total: number, count: number): number[] {
  if (count <= 0) return [];
  const base = Math.floor(total / count);
  const extra = total - base * count;
  return Array.from({ length: count }, (_, i) => base + (i < extra ? 1 : 0));
}
