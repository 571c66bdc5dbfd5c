/**
 * Graph queries over stories (pure, no I/O): dependents, ready, blocked, cycles, waves, critical
 * path. Edges point from a story to each story it depends on.
 *
 * Conventions (issue 2; rgrid's "Claiming Rules", ../shared/corpus/history/rgrid):
 * - A dependency is satisfied when it names a done story, or names no story but carries a done mark.
 * - A story is *ready* when it is `todo`, or `blocked` only by dependencies, and every dependency is
 *   satisfied, and it is on no cycle. A *manual hold* (`[BLOCKED: reason]`, or `[BLOCKED]` with no
 *   dependencies) is never ready.
 * - *Waves* are topological levels of the open stories: wave 1 can start now, wave k+1 once wave k
 *   is done (Kahn's algorithm).
 */
import type { Story } from './types.js';

/** Why a story is not ready. */
export interface BlockedInfo {
  story: Story;
  /** Ids (or refs, for unknown dependencies) of the unsatisfied dependencies. */
  waitingOn: string[];
  /** True for a manual hold, which no dependency change releases. */
  hold: boolean;
  /** The hold's reason, if written. */
  reason: string | null;
  /** On a dependency cycle. */
  inCycle: boolean;
}

export const OPEN = new Set(['todo', 'blocked', 'in_progress', 'review', 'unknown']);

/** The queue's dependency graph, indexed. Build once per read with {@link QueueGraph.from}. */
export class QueueGraph {
  readonly byId: Map<string, Story>;
  /** story id → ids of stories that depend on it, in file order. */
  readonly dependents: Map<string, string[]>;
  /** Every cycle, as the ids on it (strongly connected components of size > 1, or self-loops). */
  readonly cycles: string[][];
  private readonly cyclic: Set<string>;
  private readonly position: Map<string, number>;

  private constructor(readonly stories: Story[]) {
    this.byId = new Map(stories.map((s) => [s.id, s]));
    this.position = new Map(stories.map((s, i) => [s.id, i]));
    this.dependents = new Map(stories.map((s) => [s.id, []]));
    for (const s of stories) for (const d of s.deps) if (d.id !== null && d.id !== s.id) this.dependents.get(d.id)!.push(s.id);
    this.cycles = findCycles(stories, this.byId);
    this.cyclic = new Set(this.cycles.flat());
  }

  static from(stories: Story[]): QueueGraph {
    return new QueueGraph(stories);
  }

  isDone(id: string): boolean {
    return this.byId.get(id)?.status.category === 'done';
  }

  /** Is this dependency of `story` satisfied? */
  satisfied(dep: Story['deps'][number]): boolean {
    return dep.id !== null ? this.isDone(dep.id) : dep.markedDone;
  }

  /** Unsatisfied dependencies of a story, as ids (refs for unknown ones). */
  waitingOn(story: Story): string[] {
    return story.deps.filter((d) => !this.satisfied(d)).map((d) => d.id ?? d.ref);
  }

  /** A manual hold: `[BLOCKED]` with a reason or with no dependencies. */
  isHold(story: Story): boolean {
    return story.status.category === 'blocked' && (story.status.reason !== null || story.deps.length === 0);
  }

  inCycle(id: string): boolean {
    return this.cyclic.has(id);
  }

  isReady(story: Story): boolean {
    const c = story.status.category;
    if (c !== 'todo' && !(c === 'blocked' && !this.isHold(story))) return false;
    if (this.cyclic.has(story.id)) return false;
    return story.deps.every((d) => this.satisfied(d));
  }

  /** Ready stories in file order. */
  ready(): Story[] {
    return this.stories.filter((s) => this.isReady(s));
  }

  /** Stories that are todo or blocked and not ready, with what each waits on. */
  blocked(): BlockedInfo[] {
    const out: BlockedInfo[] = [];
    for (const s of this.stories) {
      const c = s.status.category;
      if ((c !== 'todo' && c !== 'blocked') || this.isReady(s)) continue;
      out.push({ story: s, waitingOn: this.waitingOn(s), hold: this.isHold(s), reason: s.status.reason, inCycle: this.cyclic.has(s.id) });
    }
    return out;
  }

  /** Number of open stories that depend on `id`, directly or transitively. */
  unblockCount(id: string): number {
    const seen = new Set<string>();
    const stack = [...(this.dependents.get(id) ?? [])];
    while (stack.length) {
      const x = stack.pop()!;
      if (seen.has(x)) continue;
      seen.add(x);
      stack.push(...(this.dependents.get(x) ?? []));
    }
    let n = 0;
    for (const x of seen) if (OPEN.has(this.byId.get(x)!.status.category)) n++;
    return n;
  }

  /**
   * For every story, how many open dependents would become ready-by-dependencies once it is done:
   * those whose only unsatisfied dependency it is. One pass over the edges (O(E)).
   */
  unblockCounts(): Map<string, number> {
    const out = new Map<string, number>(this.stories.map((s) => [s.id, 0]));
    for (const s of this.stories) {
      if (!OPEN.has(s.status.category)) continue;
      let only: string | null = null;
      let n = 0;
      for (const d of s.deps) {
        if (this.satisfied(d)) continue;
        n++;
        only = d.id;
      }
      if (n === 1 && only !== null && only !== s.id) out.set(only, out.get(only)! + 1);
    }
    return out;
  }

  /**
   * Topological waves of open stories (not done, not cancelled), outside cycles and not waiting
   * on unknown dependencies: `waves[0]` can run in parallel now, `waves[1]` once `waves[0]` is done.
   * Stories that cannot be scheduled (cycles, unknown dependencies, or depending on those) are in
   * `unschedulable`.
   */
  waves(): { waves: string[][]; unschedulable: string[] } {
    const open = this.stories.filter((s) => OPEN.has(s.status.category));
    const level = new Map<string, number>();
    const pending = new Map<string, number>();
    const bad = new Set<string>();
    for (const s of open) {
      let n = 0;
      for (const d of s.deps) {
        if (this.satisfied(d)) continue;
        if (d.id === null || this.cyclic.has(s.id) || !OPEN.has(this.byId.get(d.id)!.status.category)) bad.add(s.id);
        else n++;
      }
      if (this.cyclic.has(s.id)) bad.add(s.id);
      pending.set(s.id, n);
    }
    let frontier = open.filter((s) => !bad.has(s.id) && pending.get(s.id) === 0).map((s) => s.id);
    const waves: string[][] = [];
    while (frontier.length) {
      waves.push(frontier);
      const next: string[] = [];
      for (const id of frontier) {
        level.set(id, waves.length - 1);
        for (const dep of this.dependents.get(id) ?? []) {
          if (!pending.has(dep) || bad.has(dep)) continue;
          const left = pending.get(dep)! - 1;
          pending.set(dep, left);
          if (left === 0) next.push(dep);
        }
      }
      frontier = next.sort((a, b) => this.order(a) - this.order(b));
    }
    const unschedulable = open.filter((s) => !level.has(s.id)).map((s) => s.id);
    return { waves, unschedulable };
  }

  /** The longest chain of open stories (by count) through the schedulable part, first to last. */
  criticalPath(): string[] {
    const { waves } = this.waves();
    const best = new Map<string, { len: number; prev: string | null }>();
    for (const wave of waves) {
      for (const id of wave) {
        let pick: { len: number; prev: string | null } = { len: 1, prev: null };
        for (const d of this.byId.get(id)!.deps) {
          const b = d.id ? best.get(d.id) : undefined;
          if (b && b.len + 1 > pick.len) pick = { len: b.len + 1, prev: d.id };
        }
        best.set(id, pick);
      }
    }
    let end: string | null = null;
    let len = 0;
    for (const [id, b] of best) if (b.len > len) [end, len] = [id, b.len];
    const path: string[] = [];
    for (let x = end; x !== null; x = best.get(x)!.prev) path.unshift(x);
    return path;
  }

  private order(id: string): number {
    return this.position.get(id)!;
  }
}

/** Tarjan's strongly connected components; returns components that form cycles. */
function findCycles(stories: Story[], byId: Map<string, Story>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const on = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  const edges = (s: Story) => s.deps.map((d) => d.id).filter((x): x is string => x !== null && byId.has(x));
  for (const root of stories) {
    if (idx.has(root.id)) continue;
    // Iterative DFS to survive deep chains.
    const work: Array<{ id: string; it: number; next: string[] }> = [];
    const visit = (id: string) => {
      idx.set(id, index);
      low.set(id, index);
      index++;
      stack.push(id);
      on.add(id);
      work.push({ id, it: 0, next: edges(byId.get(id)!) });
    };
    visit(root.id);
    while (work.length) {
      const top = work[work.length - 1];
      if (top.it < top.next.length) {
        const w = top.next[top.it++];
        if (!idx.has(w)) visit(w);
        else if (on.has(w)) low.set(top.id, Math.min(low.get(top.id)!, idx.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].id;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.id)!));
      }
      if (low.get(top.id) === idx.get(top.id)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          on.delete(w);
          comp.push(w);
        } while (w !== top.id);
        const self = byId.get(top.id)!.deps.some((d) => d.id === top.id);
        if (comp.length > 1 || self) out.push(comp.reverse());
      }
    }
  }
  return out;
}
