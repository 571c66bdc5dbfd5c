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

/**
 * The queue's dependency graph, indexed. Build once per read with {@link QueueGraph.from}.
 * Internally stories are numbered in file order and edges are kept as integer arrays (CSR), so every
 * query is O(V + E) with no per-edge allocation: a 50,000-story queue is answered in milliseconds.
 */
export class QueueGraph {
  readonly byId: Map<string, Story>;
  /** Every cycle, as the ids on it (strongly connected components of size > 1, or self-loops). */
  readonly cycles: string[][];
  /** id → position in `stories`. */
  private readonly index: Map<string, number>;
  /** Edges from story i to the stories it depends on: `depList[depStart[i] .. depStart[i + 1])`. */
  private readonly depStart: Int32Array;
  private readonly depList: Int32Array;
  /** 1 where the story is done. */
  private readonly done: Uint8Array;
  /** 1 where the story is open (not done, not cancelled). */
  private readonly open: Uint8Array;
  /** Number of unsatisfied dependencies of each story. */
  private readonly unsatisfied: Int32Array;
  /** 1 where the story lies on a cycle. */
  private readonly cyclic: Uint8Array;
  private dependentsMap: Map<string, string[]> | null = null;

  private constructor(readonly stories: Story[]) {
    const n = stories.length;
    this.byId = new Map();
    this.index = new Map();
    this.done = new Uint8Array(n);
    this.open = new Uint8Array(n);
    let edges = 0;
    for (let i = 0; i < n; i++) {
      const s = stories[i];
      this.byId.set(s.id, s);
      this.index.set(s.id, i);
      const c = s.status.category;
      this.done[i] = c === 'done' ? 1 : 0;
      this.open[i] = c !== 'done' && c !== 'cancelled' ? 1 : 0;
      edges += s.deps.length;
    }
    this.depStart = new Int32Array(n + 1);
    const list = new Int32Array(edges);
    this.unsatisfied = new Int32Array(n);
    let e = 0;
    for (let i = 0; i < n; i++) {
      this.depStart[i] = e;
      let waiting = 0;
      for (const d of stories[i].deps) {
        const j = d.id === null ? undefined : this.index.get(d.id);
        if (j !== undefined) list[e++] = j;
        if (j !== undefined ? this.done[j] === 0 : !d.markedDone) waiting++;
      }
      this.unsatisfied[i] = waiting;
    }
    this.depStart[n] = e;
    this.depList = list.subarray(0, e);
    this.cyclic = new Uint8Array(n);
    this.cycles = this.findCycles();
    for (const c of this.cycles) for (const id of c) this.cyclic[this.index.get(id)!] = 1;
  }

  static from(stories: Story[]): QueueGraph {
    return new QueueGraph(stories);
  }

  /** story id → ids of stories that depend on it, in file order. Built on first use. */
  get dependents(): Map<string, string[]> {
    if (this.dependentsMap === null) {
      const m = new Map<string, string[]>();
      for (const s of this.stories) m.set(s.id, []);
      this.forEachEdge((from, to) => {
        if (from !== to) m.get(this.stories[to].id)!.push(this.stories[from].id);
      });
      this.dependentsMap = m;
    }
    return this.dependentsMap;
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
    const i = this.index.get(id);
    return i !== undefined && this.cyclic[i] === 1;
  }

  isReady(story: Story): boolean {
    const i = this.index.get(story.id);
    return i !== undefined && this.readyAt(i);
  }

  private readyAt(i: number): boolean {
    const s = this.stories[i];
    const c = s.status.category;
    if (c !== 'todo' && !(c === 'blocked' && !this.isHold(s))) return false;
    return this.cyclic[i] === 0 && this.unsatisfied[i] === 0;
  }

  /** Ready stories in file order. */
  ready(): Story[] {
    const out: Story[] = [];
    for (let i = 0; i < this.stories.length; i++) if (this.readyAt(i)) out.push(this.stories[i]);
    return out;
  }

  /** Stories that are todo or blocked and not ready, with what each waits on. */
  blocked(): BlockedInfo[] {
    const out: BlockedInfo[] = [];
    for (let i = 0; i < this.stories.length; i++) {
      const s = this.stories[i];
      const c = s.status.category;
      if ((c !== 'todo' && c !== 'blocked') || this.readyAt(i)) continue;
      out.push({ story: s, waitingOn: this.waitingOn(s), hold: this.isHold(s), reason: s.status.reason, inCycle: this.cyclic[i] === 1 });
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
    const counts = new Int32Array(this.stories.length);
    for (let i = 0; i < this.stories.length; i++) {
      if (this.open[i] === 0 || this.unsatisfied[i] !== 1) continue;
      // The one unsatisfied dependency; it counts only when it is a story of this queue.
      for (let k = this.depStart[i]; k < this.depStart[i + 1]; k++) {
        const j = this.depList[k];
        if (this.done[j] === 0) {
          if (j !== i) counts[j]++;
          break;
        }
      }
    }
    const out = new Map<string, number>();
    for (let i = 0; i < this.stories.length; i++) out.set(this.stories[i].id, counts[i]);
    return out;
  }

  /**
   * Topological waves of open stories (not done, not cancelled), outside cycles and not waiting
   * on unknown dependencies: `waves[0]` can run in parallel now, `waves[1]` once `waves[0]` is done.
   * Stories that cannot be scheduled (cycles, unknown dependencies, or depending on those) are in
   * `unschedulable`.
   */
  waves(): { waves: string[][]; unschedulable: string[] } {
    const ids = (xs: ArrayLike<number>) => Array.from(xs, (i) => this.stories[i].id);
    const { levels, unschedulable } = this.levels();
    return { waves: levels.map(ids), unschedulable: ids(unschedulable) };
  }

  /** Kahn's algorithm on indices; each level sorted by file order. */
  private levels(): { levels: number[][]; unschedulable: number[] } {
    const n = this.stories.length;
    const pending = new Int32Array(n);
    const bad = new Uint8Array(n);
    const level = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      if (this.open[i] === 0) continue;
      if (this.cyclic[i] === 1) bad[i] = 1;
      // An unsatisfied dependency on no story of this queue, or on a story that is not open
      // (cancelled), can never be met.
      let known = 0;
      for (let k = this.depStart[i]; k < this.depStart[i + 1]; k++) {
        const j = this.depList[k];
        if (this.done[j] === 1) continue;
        if (this.open[j] === 0) bad[i] = 1;
        else known++;
      }
      if (this.unsatisfied[i] > known + this.cancelledDeps(i)) bad[i] = 1;
      pending[i] = known;
    }
    const dependents = this.reverseEdges();
    let frontier: number[] = [];
    for (let i = 0; i < n; i++) if (this.open[i] === 1 && bad[i] === 0 && pending[i] === 0) frontier.push(i);
    const levels: number[][] = [];
    while (frontier.length) {
      levels.push(frontier);
      const next: number[] = [];
      for (const i of frontier) {
        level[i] = levels.length - 1;
        for (let k = dependents.start[i]; k < dependents.start[i + 1]; k++) {
          const j = dependents.list[k];
          if (this.open[j] === 0 || bad[j] === 1) continue;
          if (--pending[j] === 0) next.push(j);
        }
      }
      frontier = next.sort((a, b) => a - b);
    }
    const unschedulable: number[] = [];
    for (let i = 0; i < n; i++) if (this.open[i] === 1 && level[i] === -1) unschedulable.push(i);
    return { levels, unschedulable };
  }

  /** Unsatisfied dependencies of story i on cancelled stories (counted among `unsatisfied`). */
  private cancelledDeps(i: number): number {
    let n = 0;
    for (let k = this.depStart[i]; k < this.depStart[i + 1]; k++) {
      const j = this.depList[k];
      if (this.done[j] === 0 && this.open[j] === 0) n++;
    }
    return n;
  }

  /** The longest chain of open stories (by count) through the schedulable part, first to last. */
  criticalPath(): string[] {
    const { levels } = this.levels();
    const n = this.stories.length;
    const len = new Int32Array(n);
    const prev = new Int32Array(n).fill(-1);
    let end = -1;
    for (const wave of levels) {
      for (const i of wave) {
        len[i] = 1;
        for (let k = this.depStart[i]; k < this.depStart[i + 1]; k++) {
          const j = this.depList[k];
          if (len[j] > 0 && len[j] + 1 > len[i]) {
            len[i] = len[j] + 1;
            prev[i] = j;
          }
        }
        if (end === -1 || len[i] > len[end]) end = i;
      }
    }
    const path: string[] = [];
    for (let x = end; x !== -1; x = prev[x]) path.unshift(this.stories[x].id);
    return path;
  }

  private forEachEdge(f: (from: number, to: number) => void): void {
    for (let i = 0; i < this.stories.length; i++) for (let k = this.depStart[i]; k < this.depStart[i + 1]; k++) f(i, this.depList[k]);
  }

  /** Edges reversed (dependency → dependents), self-loops left out, in file order. */
  private reverseEdges(): { start: Int32Array; list: Int32Array } {
    const n = this.stories.length;
    const start = new Int32Array(n + 1);
    this.forEachEdge((from, to) => {
      if (from !== to) start[to + 1]++;
    });
    for (let i = 0; i < n; i++) start[i + 1] += start[i];
    const fill = start.slice(0, n);
    const list = new Int32Array(start[n]);
    this.forEachEdge((from, to) => {
      if (from !== to) list[fill[to]++] = from;
    });
    return { start, list };
  }

  /**
   * Tarjan's strongly connected components, iteratively (deep chains must not overflow the stack);
   * returns the components that form cycles, each from its root in DFS order.
   */
  private findCycles(): string[][] {
    const n = this.stories.length;
    const idx = new Int32Array(n).fill(-1);
    const low = new Int32Array(n);
    const onStack = new Uint8Array(n);
    const stack = new Int32Array(n);
    let sp = 0;
    const work = new Int32Array(n); // DFS path of vertices
    const cursor = new Int32Array(n); // next edge to look at, per vertex
    const out: string[][] = [];
    let counter = 0;
    for (let root = 0; root < n; root++) {
      if (idx[root] !== -1) continue;
      let wp = 0;
      const visit = (v: number) => {
        idx[v] = low[v] = counter++;
        stack[sp++] = v;
        onStack[v] = 1;
        cursor[v] = this.depStart[v];
        work[wp++] = v;
      };
      visit(root);
      while (wp > 0) {
        const v = work[wp - 1];
        if (cursor[v] < this.depStart[v + 1]) {
          const w = this.depList[cursor[v]++];
          if (idx[w] === -1) visit(w);
          else if (onStack[w] === 1 && idx[w] < low[v]) low[v] = idx[w];
          continue;
        }
        wp--;
        if (wp > 0) {
          const parent = work[wp - 1];
          if (low[v] < low[parent]) low[parent] = low[v];
        }
        if (low[v] === idx[v]) {
          const comp: string[] = [];
          let w: number;
          do {
            w = stack[--sp];
            onStack[w] = 0;
            comp.push(this.stories[w].id);
          } while (w !== v);
          let self = false;
          for (let k = this.depStart[v]; k < this.depStart[v + 1]; k++) if (this.depList[k] === v) self = true;
          if (comp.length > 1 || self) out.push(comp.reverse());
        }
      }
    }
    return out;
  }
}
