/** Events in version `v` of the index the index-safety child writes: sizes differ so versions cannot blend unseen. */
export function indexVersionSize(v: number): number {
  return 20_000 + ((v * 7919) % 20_000);
}
