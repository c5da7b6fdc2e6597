// Pure placement of one deployment's instances over live nodes: as spread as the nodes allow, never idle capacity.

/** Where one instance of a set runs: its node and its slot (0 is the owner's own; others count from 1). */
export interface InstancePlace {
  nodeId: string;
  slot: number;
}

/**
 * Nodes for `count` new instances of a set whose instances run now on `current` (one node id per instance). Each goes
 * to the node of `able` holding the fewest of the set — a node without one first — ties broken by `able`'s order; so
 * per-node counts stay within 1 of each other. With fewer able nodes than instances, nodes hold several.
 */
export function spreadInstances(count: number, current: readonly string[], able: readonly string[]): string[] {
  if (able.length === 0 || count <= 0) return [];
  const load = new Map(able.map((n) => [n, 0]));
  for (const n of current) if (load.has(n)) load.set(n, load.get(n)! + 1);
  const out: string[] = [];
  for (let i = 0; i < count; i += 1) {
    let best = able[0]!;
    for (const n of able) if (load.get(n)! < load.get(best)!) best = n;
    load.set(best, load.get(best)! + 1);
    out.push(best);
  }
  return out;
}

/** The lowest `count` slots from 1 up that `used` does not hold: a new instance's identity beside its node. */
export function freeSlots(count: number, used: readonly number[]): number[] {
  const taken = new Set(used);
  const out: number[] = [];
  for (let slot = 1; out.length < count; slot += 1) if (!taken.has(slot)) out.push(slot);
  return out;
}

/**
 * Which instances leave when a set of `set.length` shrinks to `wanted`: each from the node holding the most (the
 * highest slot there), never slot 0, so the remaining set stays as spread as before.
 */
export function surplusInstances<T extends InstancePlace>(set: readonly T[], wanted: number): T[] {
  const left = [...set];
  const out: T[] = [];
  while (left.length > Math.max(wanted, 1)) {
    const load = new Map<string, number>();
    for (const w of left) load.set(w.nodeId, (load.get(w.nodeId) ?? 0) + 1);
    const removable = left.filter((w) => w.slot !== 0);
    if (removable.length === 0) break;
    const pick = removable.reduce((a, b) => {
      const byLoad = load.get(b.nodeId)! - load.get(a.nodeId)!;
      return byLoad > 0 || (byLoad === 0 && b.slot > a.slot) ? b : a;
    });
    left.splice(left.indexOf(pick), 1);
    out.push(pick);
  }
  return out;
}
