/**
 * The graph's arithmetic on integer arrays (pure, no I/O, no Story objects): stories are numbered in
 * file order, edges kept as CSR arrays. {@link QueueGraph} builds one from stories; the queue index
 * (`app/index-cache.ts`) stores one, so `queue ready --json` on an unchanged 10,000-story file never
 * materializes 10,000 stories. Both answer with the same code below.
 *
 * Readiness: `todo`, or `blocked` that is not a manual hold, whose rows agree, with every dependency satisfied, and on
 * no cycle (a story may be claimed only when it is open and all its dependencies are done).
 */
import { CATEGORIES } from '../domain/status.js';

/** Status category codes, in {@link CATEGORIES} order. */
export { CATEGORIES };
/** A status category as its index in {@link CATEGORIES} (0 = todo … 6 = unknown). */
export type CategoryCode = number;
/** Category codes the graph arithmetic tests directly (indices into {@link CATEGORIES}). */
export const TODO = 0;
export const BLOCKED = 1;
export const DONE = 4;
export const CANCELLED = 5;

/** The arrays a graph is made of. `n` stories, `depList[depStart[i] .. depStart[i + 1])` are story i's dependencies. */
export interface GraphArrays {
  n: number;
  category: Uint8Array;
  /** 1 for a story held back by something other than its dependencies: a manual hold (`[BLOCKED: reason]`,
   * or `[BLOCKED]` with no dependencies), or rows of the story that disagree on its status. */
  hold: Uint8Array;
  depStart: Int32Array;
  depList: Int32Array;
  /** Unsatisfied dependencies per story: open dependencies in the queue plus unknown, unmarked refs. */
  unsatisfied: Int32Array;
  /** 1 on a dependency cycle. */
  cyclic: Uint8Array;
}

/**
 * `a` with the stories at the positions `changes` names given a new category and hold (the edges
 * unchanged): the dependents of a story that became done, or stopped being done, wait on one
 * dependency less or more. What an edit of stories' statuses changes in a graph, without building it
 * again (`model/graph.ts` QueueGraph.withStatuses, the queue index's patch).
 */
export function withStatuses(a: GraphArrays, changes: ReadonlyMap<number, { category: CategoryCode; hold: number }>): GraphArrays {
  const category = a.category.slice();
  const hold = a.hold.slice();
  const flipped = new Int8Array(a.n);
  let flips = false;
  for (const [i, c] of changes) {
    category[i] = c.category;
    hold[i] = c.hold;
    if ((c.category === DONE) !== (a.category[i] === DONE)) {
      flipped[i] = c.category === DONE ? -1 : 1;
      flips = true;
    }
  }
  let unsatisfied = a.unsatisfied;
  if (flips) {
    unsatisfied = a.unsatisfied.slice();
    for (let i = 0; i < a.n; i++) for (let k = a.depStart[i]; k < a.depStart[i + 1]; k++) unsatisfied[i] += flipped[a.depList[k]];
  }
  return { ...a, category, hold, unsatisfied };
}

/** Graph algorithms over {@link GraphArrays}. */
export class GraphCore {
  readonly done: Uint8Array;
  readonly open: Uint8Array;

  constructor(readonly a: GraphArrays) {
    this.done = new Uint8Array(a.n);
    this.open = new Uint8Array(a.n);
    for (let i = 0; i < a.n; i++) {
      const c = a.category[i];
      this.done[i] = c === DONE ? 1 : 0;
      this.open[i] = c !== DONE && c !== CANCELLED ? 1 : 0;
    }
  }

  readyAt(i: number): boolean {
    const c = this.a.category[i];
    if (this.a.hold[i] === 1 || (c !== TODO && c !== BLOCKED)) return false;
    return this.a.cyclic[i] === 0 && this.a.unsatisfied[i] === 0;
  }

  /** Indices of ready stories, in file order. */
  readyIndices(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.a.n; i++) if (this.readyAt(i)) out.push(i);
    return out;
  }

  /**
   * For every story, how many open dependents would become ready-by-dependencies once it is done:
   * those whose only unsatisfied dependency it is. One pass over the edges (O(E)).
   */
  unblockCounts(): Int32Array {
    const { n, depStart, depList, unsatisfied } = this.a;
    const counts = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (this.open[i] === 0 || unsatisfied[i] !== 1) continue;
      // The one unsatisfied dependency; it counts only when it is a story of this queue.
      for (let k = depStart[i]; k < depStart[i + 1]; k++) {
        const j = depList[k];
        if (this.done[j] === 0) {
          if (j !== i) counts[j]++;
          break;
        }
      }
    }
    return counts;
  }

  /** Edges reversed (dependency → dependents), self-loops left out, in file order. */
  reverseEdges(): { start: Int32Array; list: Int32Array } {
    const { n, depStart, depList } = this.a;
    const start = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) for (let k = depStart[i]; k < depStart[i + 1]; k++) if (depList[k] !== i) start[depList[k] + 1]++;
    for (let i = 0; i < n; i++) start[i + 1] += start[i];
    const fill = start.slice(0, n);
    const list = new Int32Array(start[n]);
    for (let i = 0; i < n; i++) for (let k = depStart[i]; k < depStart[i + 1]; k++) if (depList[k] !== i) list[fill[depList[k]]++] = i;
    return { start, list };
  }

  /**
   * Every story's level in the whole graph, done or not: 1 for a story with no dependency in the
   * queue, else one more than its deepest dependency; 0 on or behind a cycle (no level). Iterative
   * (Kahn's order), so a long chain does not grow the stack.
   */
  depths(): Int32Array {
    const { n, depStart, depList } = this.a;
    const depth = new Int32Array(n);
    const pending = new Int32Array(n);
    for (let i = 0; i < n; i++) pending[i] = depStart[i + 1] - depStart[i];
    const dependents = this.reverseEdges();
    const queue: number[] = [];
    for (let i = 0; i < n; i++) if (pending[i] === 0) queue.push(i);
    for (let q = 0; q < queue.length; q++) {
      const i = queue[q];
      let d = 1;
      for (let k = depStart[i]; k < depStart[i + 1]; k++) d = Math.max(d, depth[depList[k]] + 1);
      depth[i] = d;
      for (let k = dependents.start[i]; k < dependents.start[i + 1]; k++) if (--pending[dependents.list[k]] === 0) queue.push(dependents.list[k]);
    }
    return depth;
  }

  /**
   * Topological levels of open stories (Kahn's algorithm), each sorted by file order, and the open
   * stories that cannot be scheduled (on a cycle, waiting on an unknown or cancelled dependency, or
   * on such a story).
   */
  levels(): { levels: number[][]; unschedulable: number[] } {
    const { n, depStart, depList, unsatisfied, cyclic } = this.a;
    const pending = new Int32Array(n);
    const bad = new Uint8Array(n);
    const level = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      if (this.open[i] === 0) continue;
      if (cyclic[i] === 1) bad[i] = 1;
      let known = 0;
      let cancelled = 0;
      for (let k = depStart[i]; k < depStart[i + 1]; k++) {
        const j = depList[k];
        if (this.done[j] === 1) continue;
        if (this.open[j] === 0) {
          bad[i] = 1;
          cancelled++;
        } else known++;
      }
      if (unsatisfied[i] > known + cancelled) bad[i] = 1; // an unknown, unmarked reference
      pending[i] = known;
    }
    const dependents = this.reverseEdges();
    let frontier: number[] = [];
    for (let i = 0; i < n; i++) if (this.open[i] === 1 && bad[i] === 0 && pending[i] === 0) frontier.push(i);
    const levels: number[][] = [];
    while (frontier.length) {
      levels.push(frontier);
      const next: number[] = [];
      for (let f = 0; f < frontier.length; f++) {
        const i = frontier[f];
        level[i] = levels.length - 1;
        for (let k = dependents.start[i]; k < dependents.start[i + 1]; k++) {
          const j = dependents.list[k];
          if (this.open[j] === 0 || bad[j] === 1) continue;
          if (--pending[j] === 0) next.push(j);
        }
      }
      frontier = isAscending(next) ? next : next.sort((x, y) => x - y);
    }
    const unschedulable: number[] = [];
    for (let i = 0; i < n; i++) if (this.open[i] === 1 && level[i] === -1) unschedulable.push(i);
    return { levels, unschedulable };
  }

  /** The longest chain of open stories (by count) through the schedulable part, first to last. */
  criticalPath(): number[] {
    const { n, depStart, depList } = this.a;
    const len = new Int32Array(n);
    const prev = new Int32Array(n).fill(-1);
    let end = -1;
    const waves = this.levels().levels;
    for (let w = 0; w < waves.length; w++) {
      const wave = waves[w];
      for (let f = 0; f < wave.length; f++) {
        const i = wave[f];
        len[i] = 1;
        for (let k = depStart[i]; k < depStart[i + 1]; k++) {
          const j = depList[k];
          if (len[j] > 0 && len[j] + 1 > len[i]) {
            len[i] = len[j] + 1;
            prev[i] = j;
          }
        }
        if (end === -1 || len[i] > len[end]) end = i;
      }
    }
    const path: number[] = [];
    for (let x = end; x !== -1; x = prev[x]) path.push(x);
    return path.reverse();
  }
}

/** Whether `list` is in ascending order (then sorting it would change nothing). */
function isAscending(list: readonly number[]): boolean {
  for (let k = 1; k < list.length; k++) if (list[k - 1] > list[k]) return false;
  return true;
}

/**
 * Tarjan's strongly connected components over CSR edges, iteratively (deep chains must not overflow
 * the stack). Returns the components that form cycles (size > 1, or a self-loop), each from its root
 * in DFS order.
 */
export function findCycles(n: number, depStart: Int32Array, depList: Int32Array): number[][] {
  const idx = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  let sp = 0;
  const work = new Int32Array(n);
  const cursor = new Int32Array(n);
  const out: number[][] = [];
  let counter = 0;
  let wp = 0;
  const visit = (v: number) => {
    idx[v] = low[v] = counter++;
    stack[sp++] = v;
    onStack[v] = 1;
    cursor[v] = depStart[v];
    work[wp++] = v;
  };
  for (let root = 0; root < n; root++) {
    if (idx[root] !== -1) continue;
    visit(root);
    while (wp > 0) {
      const v = work[wp - 1];
      if (cursor[v] < depStart[v + 1]) {
        const w = depList[cursor[v]++];
        if (idx[w] === -1) visit(w);
        else if (onStack[w] === 1 && idx[w] < low[v]) low[v] = idx[w];
        continue;
      }
      wp--;
      if (wp > 0) {
        const parent = work[wp - 1];
        if (low[v] < low[parent]) low[parent] = low[v];
      }
      if (low[v] === idx[v] && stack[sp - 1] === v) {
        // A component of one story (most are): a cycle only when it depends on itself.
        sp--;
        onStack[v] = 0;
        for (let k = depStart[v]; k < depStart[v + 1]; k++)
          if (depList[k] === v) {
            out.push([v]);
            break;
          }
      } else if (low[v] === idx[v]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack[--sp];
          onStack[w] = 0;
          comp.push(w);
        } while (w !== v);
        let self = false;
        for (let k = depStart[v]; k < depStart[v + 1]; k++) if (depList[k] === v) self = true;
        if (comp.length > 1 || self) out.push(comp.reverse());
      }
    }
  }
  return out;
}

/** What {@link rankIndices} needs besides the graph. */
export interface RankInputs {
  /** Priority rank of story i (lower first); asked for ready stories only. */
  priority: (i: number) => number;
  /** Whether the agent may take story i (the Owner column leaves it to the agent,
   * `domain/config.ts` ownerTakes); asked for ready stories only. None: every story. */
  takes?: (i: number) => boolean;
  /** {@link GraphCore.unblockCounts}, when already known. */
  unblocks?: Int32Array;
  /** {@link GraphCore.criticalPath}, when already known. */
  critical?: ArrayLike<number>;
  /** 1 for a story `queue claim` without an id may take (`model/rank.ts` offeredForms); the others
   * are left out. None: every ready story. */
  offered?: ArrayLike<number>;
}

/**
 * Ready stories an agent may take (of those `r.offered` offers), best first (the order `queue claim` takes them in): priority
 * rank (lower first), then the story whose completion unblocks most dependents, then one on the
 * critical path, then file order.
 */
export function rankIndices(core: GraphCore, r: RankInputs): number[] {
  const ready = core.readyIndices().filter((i) => (!r.offered || r.offered[i] === 1) && (!r.takes || r.takes(i)));
  if (ready.length < 2) return ready;
  const priority = new Map(ready.map((i) => [i, r.priority(i)]));
  const unblocks = r.unblocks ?? core.unblockCounts();
  let critical: Set<number> | null = r.critical ? new Set(Array.from(r.critical)) : null;
  const onPath = (i: number) => {
    critical ??= new Set(core.criticalPath());
    return critical.has(i) ? 0 : 1;
  };
  return ready.sort((x, y) => priority.get(x)! - priority.get(y)! || unblocks[y] - unblocks[x] || onPath(x) - onPath(y) || x - y);
}
