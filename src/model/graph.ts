/**
 * Graph queries over stories (pure, no I/O): dependents, ready, blocked, cycles, waves, critical
 * path. Edges point from a story to each story it depends on.
 *
 * Conventions (the claiming rules agent teams keep in their queue files: claim only a `[ ]` story
 * whose dependencies are all `[DONE]`):
 * - A dependency is satisfied when it names a done story, or names no story but carries a done mark.
 * - A story is *ready* when it is `todo`, or `blocked` only by dependencies, and every dependency is
 *   satisfied, and it is on no cycle. A *manual hold* (`[BLOCKED: reason]`, or `[BLOCKED]` with no
 *   dependencies) is never ready.
 * - A *parent* with an open child is a container, not work: it is not ready until its children are
 *   done. A story that *needs decomposition* (`Story.needsDecomposition`) is planning work: never
 *   ready for implementation, offered by {@link QueueGraph.planning} instead.
 * - *Waves* are topological levels of the open stories: wave 1 can start now, wave k+1 once wave k
 *   is done (Kahn's algorithm).
 */
import { CATEGORIES, DONE, findCycles, GraphCore, withStatuses, type GraphArrays } from './core.js';
import type { Story } from '../domain/types.js';
import { OPEN_CATEGORIES } from '../domain/status.js';
import { waitsOnDependencies } from '../dialect/status.js';

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
  /** Its open children (a parent waits on its children), in file order. */
  children: string[];
  /** It needs decomposition: planning work, which `queue ready --planning` offers. */
  planning: boolean;
  /** It is written in more than one place (two rows, a row and an item), or its places disagree on
   * its status: every write refuses it until a person says which is the story (`queue validate` says where). */
  duplicate: boolean;
  /** Its status is the section it sits in, and no section beside it says in progress: no claim can
   * move it (a warning `no_claim_section` says so). */
  unclaimable: boolean;
}

/** How far a parent's children are: how many are done, of how many, and how many in each status category. */
export interface Rollup {
  done: number;
  total: number;
  /** Whole percent of the children done (0 for none). */
  percent: number;
  byCategory: Partial<Record<Story['status']['category'], number>>;
}

/** Categories of a story that is not finished: everything but `done` and `cancelled` (an `unknown`
 * status is not taken for finished). {@link QueueGraph.unblockCount} counts dependents in these. */
export const OPEN = OPEN_CATEGORIES;

const CODE = new Map<string, number>(CATEGORIES.map((c, i) => [c, i]));

/**
 * A manual hold: `[BLOCKED]` with a reason, or with no dependencies, a word that holds the story
 * itself whatever its dependencies (`On hold`, `Proposed`: `dialect/status.ts` waitsOnDependencies),
 * or listed under a `## Blocked` heading (a listing row says why it is held; its dependencies being
 * done does not release it).
 */
export function isHold(story: Story): boolean {
  if (story.status.category !== 'blocked') return false;
  return (
    !waitsOnDependencies(story.status) || story.deps.length === 0 || story.occurrences.some((o) => o.kind === 'log' && o.section !== undefined && o.status.category === 'blocked')
  );
}

/** Whether a story is written in more than one place that is not a log or listing row: the writes
 * refuse it (`edit/common.ts`), so `ready` never offers it. */
function writtenTwice(story: Story): boolean {
  if (story.occurrences.length < 2) return false;
  let n = 0;
  for (const o of story.occurrences) if (o.kind !== 'log' && ++n > 1) return true;
  return false;
}

/** Whether a story is a heading block whose status is the section it sits in, with no section
 * beside it saying in progress: no claim can move it (`no_claim_section`). */
export function unclaimable(s: Story): boolean {
  return s.occurrences[0]?.section?.claimable === false;
}

/** Whether something but its dependencies holds a story back: a manual hold, places that disagree,
 * a story written twice, a block whose status is a section no claim can move it out of. */
function heldItself(s: Story): boolean {
  // A story whose rows disagree (one says held, another open) is offered to nobody until a person says which holds.
  // Not ready either: a story whose places disagree, or one written in two places (two rows, a row
  // and an item), which every write refuses until a person says which one is the story.
  return isHold(s) || placesDisagree(s) || writtenTwice(s) || unclaimable(s);
}

/** Whether one of a story's places says another status category than the story. */
function placesDisagree(s: Story): boolean {
  for (let k = 0; k < s.occurrences.length; k++) if (s.occurrences[k].status.category !== s.status.category) return true;
  return false;
}

/**
 * A story's {@link GraphArrays} hold, but for a parent's open children (which `graphArrays` adds):
 * 1 when something other than its dependencies holds it back (a manual hold, places that disagree,
 * a story written twice), or it is planning work (`QueueGraph.planning` offers it, not `ready`).
 */
export function holdOf(s: Story): number {
  return heldItself(s) || s.needsDecomposition ? 1 : 0;
}

/** The {@link GraphArrays} of stories (dependencies resolved), id → index, and the cycles (as indices). */
export function graphArrays(stories: readonly Story[]): { arrays: GraphArrays; index: Map<string, number>; cycles: number[][] } {
  const n = stories.length;
  const index = new Map<string, number>();
  const category = new Uint8Array(n);
  const hold = new Uint8Array(n);
  let edges = 0;
  let nested = false;
  for (let i = 0; i < n; i++) {
    const s = stories[i];
    index.set(s.id, i);
    category[i] = CODE.get(s.status.category)!;
    hold[i] = holdOf(s);
    if (s.parent !== null) nested = true;
    edges += s.deps.length;
  }
  // A parent with an open child is a container: it waits on its children.
  if (nested) {
    for (let i = 0; i < n; i++) {
      const s = stories[i];
      if (s.parent === null || !OPEN.has(s.status.category)) continue;
      const p = index.get(s.parent);
      if (p !== undefined) hold[p] = 1;
    }
  }
  const depStart = new Int32Array(n + 1);
  const list = new Int32Array(edges);
  const unsatisfied = new Int32Array(n);
  let e = 0;
  for (let i = 0; i < n; i++) {
    depStart[i] = e;
    let waiting = 0;
    const deps = stories[i].deps;
    for (let k = 0; k < deps.length; k++) {
      const d = deps[k];
      const j = d.id === null ? undefined : index.get(d.id);
      if (j !== undefined) list[e++] = j;
      if (j !== undefined ? category[j] !== DONE : !d.markedDone) waiting++;
    }
    unsatisfied[i] = waiting;
  }
  depStart[n] = e;
  const depList = list.subarray(0, e);
  const cyclic = new Uint8Array(n);
  const cycles = findCycles(n, depStart, depList);
  for (const c of cycles) for (const i of c) cyclic[i] = 1;
  return { arrays: { n, category, hold, depStart, depList, unsatisfied, cyclic }, index, cycles };
}

/** Stories by id: what a graph answers for `byId` (a `Map<string, Story>` gives the same answers). */
export interface StoriesById {
  get(id: string): Story | undefined;
  has(id: string): boolean;
  readonly size: number;
}

/**
 * The queue's dependency graph, indexed. Build once per read with {@link QueueGraph.from}.
 * The arithmetic runs on integer arrays ({@link GraphCore}), so every query is O(V + E) with no
 * per-edge allocation: a 50,000-story queue is answered in milliseconds.
 */
export class QueueGraph {
  /** Each story by its id, as written (a view of `stories` through the graph's index: no map of its own). */
  readonly byId: StoriesById;
  /** Every cycle, as the ids on it (strongly connected components of size > 1, or self-loops). */
  readonly cycles: string[][];
  /** The array form the queries run on. */
  readonly core: GraphCore;
  /** id → position in `stories`. */
  private readonly index: Map<string, number>;
  private dependentsMap: Map<string, string[]> | null = null;
  private childrenMap: Map<string, string[]> | null = null;

  private constructor(
    readonly stories: Story[],
    arrays: GraphArrays,
    index: Map<string, number>,
    cycles: string[][],
  ) {
    this.index = index;
    this.byId = {
      get: (id) => {
        const i = index.get(id);
        return i === undefined ? undefined : stories[i];
      },
      has: (id) => index.has(id),
      size: stories.length,
    };
    this.core = new GraphCore(arrays);
    this.cycles = cycles;
  }

  /** The graph of `stories` (dependencies resolved). */
  static from(stories: Story[]): QueueGraph {
    const { arrays, index, cycles } = graphArrays(stories);
    return new QueueGraph(
      stories,
      arrays,
      index,
      cycles.map((c) => c.map((i) => stories[i].id)),
    );
  }

  /**
   * The graph of `stories`, which are this graph's stories but for the positions `changed`, where a
   * story may differ in its status only: the same id, the same dependencies, neither a parent nor a
   * child. Gives what {@link QueueGraph.from} gives for them, recomputing only what a status reaches:
   * the changed stories' categories and holds, and the unsatisfied counts of the dependents of a
   * story that became done or stopped being done.
   */
  withStatuses(stories: Story[], changed: readonly number[]): QueueGraph {
    const changes = new Map(changed.map((i) => [i, { category: CODE.get(stories[i].status.category)!, hold: holdOf(stories[i]) }]));
    return new QueueGraph(stories, withStatuses(this.core.a, changes), this.index, this.cycles);
  }

  /** Position of a story in file order, or -1. */
  indexOf(id: string): number {
    return this.index.get(id) ?? -1;
  }

  /** The story with id `id`, written exactly so or differing only in case (`q-3` finds `Q-3`); undefined when none. */
  lookup(id: string): Story | undefined {
    const exact = this.byId.get(id);
    if (exact) return exact;
    const lower = id.toLowerCase();
    return this.stories.find((x) => x.id.toLowerCase() === lower);
  }

  /** story id → ids of stories that depend on it, in file order. Built on first use. */
  get dependents(): Map<string, string[]> {
    if (this.dependentsMap === null) {
      const m = new Map<string, string[]>();
      const { start, list } = this.core.reverseEdges();
      for (const [i, s] of this.stories.entries())
        m.set(
          s.id,
          Array.from(list.subarray(start[i], start[i + 1]), (j) => this.stories[j].id),
        );
      this.dependentsMap = m;
    }
    return this.dependentsMap;
  }

  /** Ids of the stories whose parent is `id`, in file order (empty for none). */
  children(id: string): string[] {
    if (this.childrenMap === null) {
      const m = new Map<string, string[]>();
      for (const s of this.stories) {
        if (s.parent === null) continue;
        const list = m.get(s.parent);
        if (list) list.push(s.id);
        else m.set(s.parent, [s.id]);
      }
      this.childrenMap = m;
    }
    return this.childrenMap.get(id) ?? [];
  }

  /** The parent of story `id` (null for none or an unknown id). */
  parentOf(id: string): string | null {
    return this.byId.get(id)?.parent ?? null;
  }

  /** Open children of story `id`, in file order: while there are any, the parent is not ready. */
  openChildren(id: string): string[] {
    return this.children(id).filter((c) => OPEN.has(this.byId.get(c)!.status.category));
  }

  /** How far story `id`'s children are ({@link Rollup}); null when it has none. Direct children only. */
  rollup(id: string): Rollup | null {
    const kids = this.children(id);
    if (kids.length === 0) return null;
    const byCategory: Rollup['byCategory'] = {};
    for (const c of kids) {
      const cat = this.byId.get(c)!.status.category;
      byCategory[cat] = (byCategory[cat] ?? 0) + 1;
    }
    const done = byCategory.done ?? 0;
    return { done, total: kids.length, percent: Math.floor((done * 100) / kids.length), byCategory };
  }

  /**
   * Whether `story` is planning work that could be taken now: it needs decomposition, and would be
   * ready but for that (to do, not held, written once, its dependencies done, on no cycle). A
   * planning agent claims it by id; `claim` without an id never offers it.
   */
  isPlanningReady(story: Story): boolean {
    if (!story.needsDecomposition || heldItself(story)) return false;
    const c = story.status.category;
    if (c !== 'todo' && c !== 'blocked') return false;
    return !this.inCycle(story.id) && story.deps.every((d) => this.satisfied(d));
  }

  /** Planning work that can be taken now ({@link isPlanningReady}), in file order. */
  planning(): Story[] {
    return this.stories.filter((s) => s.needsDecomposition && this.isPlanningReady(s));
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
    return isHold(story);
  }

  inCycle(id: string): boolean {
    const i = this.index.get(id);
    return i !== undefined && this.core.a.cyclic[i] === 1;
  }

  isReady(story: Story): boolean {
    const i = this.index.get(story.id);
    return i !== undefined && this.core.readyAt(i);
  }

  /** Ready stories in file order. */
  ready(): Story[] {
    return this.core.readyIndices().map((i) => this.stories[i]);
  }

  /** Stories that are todo or blocked and not ready, with what each waits on. */
  blocked(): BlockedInfo[] {
    const out: BlockedInfo[] = [];
    for (let i = 0; i < this.stories.length; i++) {
      const s = this.stories[i];
      const c = s.status.category;
      if ((c !== 'todo' && c !== 'blocked') || this.core.readyAt(i)) continue;
      out.push({
        story: s,
        waitingOn: this.waitingOn(s),
        hold: isHold(s),
        reason: s.status.reason,
        inCycle: this.core.a.cyclic[i] === 1,
        children: this.openChildren(s.id),
        planning: s.needsDecomposition,
        duplicate: writtenTwice(s) || placesDisagree(s),
        unclaimable: unclaimable(s),
      });
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
      for (const d of this.dependents.get(x) ?? []) stack.push(d);
    }
    let n = 0;
    for (const x of seen) if (OPEN.has(this.byId.get(x)!.status.category)) n++;
    return n;
  }

  /**
   * For every story, how many open dependents would become ready-by-dependencies once it is done:
   * those whose only unsatisfied dependency it is.
   */
  unblockCounts(): Map<string, number> {
    const counts = this.core.unblockCounts();
    const out = new Map<string, number>();
    for (const [i, s] of this.stories.entries()) out.set(s.id, counts[i]);
    return out;
  }

  /**
   * Topological waves of open stories (not done, not cancelled), outside cycles and not waiting
   * on unknown dependencies: `waves[0]` can run in parallel now, `waves[1]` once `waves[0]` is done.
   * Stories that cannot be scheduled (cycles, unknown dependencies, or depending on those) are in
   * `unschedulable`.
   */
  waves(): { waves: string[][]; unschedulable: string[] } {
    const ids = (xs: readonly number[]) => xs.map((i) => this.stories[i].id);
    const { levels, unschedulable } = this.core.levels();
    return { waves: levels.map(ids), unschedulable: ids(unschedulable) };
  }

  /** Story `id`'s level in the whole graph (1 with no dependency in the queue, else one more than its
   * deepest dependency, done or not), or null when it is unknown or on or behind a cycle. */
  depth(id: string): number | null {
    const i = this.index.get(id);
    if (i === undefined) return null;
    this.depthCache ??= this.core.depths();
    return this.depthCache[i] || null;
  }

  private depthCache: Int32Array | null = null;

  /** The longest chain of open stories (by count) through the schedulable part, first to last. */
  criticalPath(): string[] {
    return this.core.criticalPath().map((i) => this.stories[i].id);
  }
}
