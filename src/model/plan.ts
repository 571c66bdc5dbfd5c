/**
 * A schedule of the open stories on N agents (`queue plan`, the `queue:plan` generated block): list
 * scheduling on the dependency graph, longest remaining path first. Pure.
 *
 * - Effort comes from the story's Effort / Estimate / Size / Points column ({@link parseEffort}):
 *   a number, with `h`, `d` or `pts` after it, or a size word the config's `effort` maps (`S`, `M`,
 *   `L`); 1 when the story writes none or none that reads. A queue that writes both hours and days
 *   is planned in hours, a day counting {@link HOURS_PER_DAY}.
 * - Work already claimed (in progress, review) starts now (slot 0) on its holder's track; each
 *   holder has a track of its own. The other tracks are named by letter.
 * - A manual hold, a story on a cycle, one waiting on a dependency the queue does not know, one with
 *   a status that does not read, planning work (a story that needs decomposition: its stories are
 *   not written yet), and every story behind one of those, are left out and listed in
 *   `unscheduled` with the reason. A parent is behind its open children.
 * - A parent with open children is a container, not work: it takes no time, and it ends when the
 *   last of its open children ends (what depends on it waits for them).
 * - Whenever a track is free, it takes the ready story (all dependencies done or finished in the
 *   plan) with the longest remaining path: its own effort plus the longest chain of open stories
 *   behind it. Ties go to file order.
 *
 * The makespan is never below the critical path (the longest such chain) nor the total effort over
 * the tracks; on a chain, and on independent stories of equal effort, list scheduling reaches it.
 */
import type { Story } from '../domain/types.js';
import { isClaimed } from '../domain/status.js';
import type { QueueGraph } from './graph.js';

/** Hours in a day, when a queue writes efforts in both. */
export const HOURS_PER_DAY = 8;

/** What {@link plan} starts from. */
export interface PlanOptions {
  /** Agents to plan for (at least 1). Holders of claimed work beyond that get tracks of their own. */
  agents: number;
  /** Size word → effort units (the config's `effort`), matched without regard to case. */
  sizes?: Record<string, number>;
}

/** One story placed on a track: `[start, end)` in effort units from now. */
export interface PlannedStory {
  id: string;
  start: number;
  end: number;
  effort: number;
  /** True for work already claimed, started now on its holder's track. */
  claimed: boolean;
}

/** One agent's sequence of stories. */
export interface Track {
  /** `A`, `B`, … in order. */
  track: string;
  /** The holder whose claimed work the track carries, else `Track A`, `Track B`, … */
  agent: string;
  stories: PlannedStory[];
}

/** The schedule. */
export interface Plan {
  /** Agents asked for. */
  agents: number;
  /** The unit efforts are counted in: `hours`, `days`, `points`, or `units` (as written, or 1 each). */
  unit: string;
  /** When the last story ends. */
  makespan: number;
  /** The longest chain of open stories by effort, first to last, and its length. */
  criticalPath: string[];
  criticalLength: number;
  /** Busy time over the time the tracks are open (tracks × makespan), 0 to 1; 0 for an empty plan. */
  utilization: number;
  tracks: Track[];
  /** Open stories left out, in file order, with why. */
  unscheduled: Array<{ id: string; reason: string }>;
}

/** An effort as written, read: its number and unit (null for a size word or a bare number). */
interface Effort {
  value: number;
  unit: 'h' | 'd' | 'pt' | null;
}

/**
 * Read an effort cell: `3`, `2.5h`, `4 hours`, `2d`, `5 pts`, `8 SP`, `~3h`, or a size word of
 * `sizes` (`M`, case-insensitive). A range (`2-3d`) counts its upper end. Null when it reads as none
 * of those.
 */
export function parseEffort(text: string | null, sizes: Record<string, number> = {}): { value: number; unit: 'h' | 'd' | 'pt' | null } | null {
  if (text === null) return null;
  const t = text
    .trim()
    .replace(/[*_`~≈]/g, '')
    .trim();
  if (t === '') return null;
  const size = Object.entries(sizes).find(([k]) => k.toLowerCase() === t.toLowerCase());
  if (size) return { value: size[1], unit: null };
  const m = /^(?:\d+(?:\.\d+)?\s*[-–]\s*)?(\d+(?:[.,]\d+)?)\s*(h|hrs?|hours?|d|days?|pts?|points?|sp)?$/i.exec(t);
  if (!m) return null;
  const value = Number(m[1].replace(',', '.'));
  const u = (m[2] ?? '').toLowerCase();
  const unit: Effort['unit'] = u === '' ? null : u.startsWith('h') ? 'h' : u.startsWith('d') ? 'd' : 'pt';
  return { value, unit };
}

/** Track letter `i` (0 → A, 25 → Z, 26 → AA). */
function letter(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** Schedule the open stories of `graph` on `opts.agents` agents. */
export function plan(graph: QueueGraph, opts: PlanOptions): Plan {
  const agents = Math.max(1, Math.floor(opts.agents));
  const stories = graph.stories;
  const open = stories.filter((s) => s.status.category !== 'done' && s.status.category !== 'cancelled');

  // What cannot be scheduled, and why; then everything behind it.
  const why = new Map<string, string>();
  for (const s of open) {
    if (s.status.category === 'unknown') why.set(s.id, `its status "${s.status.raw}" does not read`);
    else if (s.status.category === 'blocked' && graph.isHold(s)) why.set(s.id, `held${s.status.reason ? `: ${s.status.reason}` : ''}`);
    else if (graph.inCycle(s.id)) why.set(s.id, 'on a dependency cycle');
    else if (s.needsDecomposition) why.set(s.id, 'needs decomposition: its stories are not written yet (queue ready --planning)');
    else {
      const unknown = s.deps.find((d) => d.id === null && !d.markedDone);
      if (unknown) why.set(s.id, `waits on ${unknown.ref}, which the queue does not know`);
    }
  }
  // Propagate along dependents, and from a child to its parent, until nothing changes (the graph
  // may be large, so a work list).
  const work = [...why.keys()];
  while (work.length) {
    const id = work.pop()!;
    const parent = graph.parentOf(id);
    for (const d of [...(graph.dependents.get(id) ?? []), ...(parent !== null && graph.byId.has(parent) ? [parent] : [])]) {
      const s = graph.byId.get(d)!;
      if (why.has(d) || s.status.category === 'done' || s.status.category === 'cancelled') continue;
      // A story already claimed is being worked on: it is planned whatever waits before it.
      if (isClaimed(s.status.category)) continue;
      why.set(d, d === parent ? `its part ${id} is not scheduled` : `waits on ${id}, which is not scheduled`);
      work.push(d);
    }
  }
  const todo = open.filter((s) => !why.has(s.id));
  const inPlan = new Set(todo.map((s) => s.id));
  // Containers: their open children in the plan, which they wait on.
  const parts = new Map<string, string[]>();
  for (const s of todo) {
    const children = graph.openChildren(s.id).filter((c) => inPlan.has(c));
    if (children.length) parts.set(s.id, children);
  }

  // Efforts: hours and days together are planned in hours.
  const read = new Map(todo.map((s) => [s.id, parseEffort(s.effort, opts.sizes)] as const));
  const units = new Set([...read.values()].flatMap((e) => (e?.unit ? [e.unit] : [])));
  const inHours = units.has('h') && units.has('d');
  const effort = new Map<string, number>();
  for (const s of todo) {
    const e = read.get(s.id);
    effort.set(s.id, parts.has(s.id) ? 0 : e ? (inHours && e.unit === 'd' ? e.value * HOURS_PER_DAY : e.value) : 1);
  }
  const unit = inHours || (units.size === 1 && units.has('h')) ? 'hours' : units.size === 1 && units.has('d') ? 'days' : units.size === 1 && units.has('pt') ? 'points' : 'units';

  // Open dependencies inside the plan, and the longest remaining path (bottom level) of each story.
  const deps = new Map<string, string[]>();
  for (const s of todo)
    deps.set(s.id, [...new Set([...s.deps.flatMap((d) => (d.id !== null && inPlan.has(d.id) && !isClaimed(s.status.category) ? [d.id] : [])), ...(parts.get(s.id) ?? [])])]);
  const after = new Map<string, string[]>(todo.map((s) => [s.id, []]));
  for (const [id, ds] of deps) for (const d of ds) after.get(d)!.push(id);
  const order = topological(todo, deps, after);
  const rest = new Map<string, number>();
  const next = new Map<string, string | null>();
  for (let k = order.length - 1; k >= 0; k--) {
    const id = order[k];
    let best: string | null = null;
    for (const d of after.get(id)!) if (best === null || rest.get(d)! > rest.get(best)!) best = d;
    rest.set(id, effort.get(id)! + (best === null ? 0 : rest.get(best)!));
    next.set(id, best);
  }
  const position = new Map(stories.map((s, i) => [s.id, i] as const));
  const byPriority = (x: string, y: string) => rest.get(y)! - rest.get(x)! || position.get(x)! - position.get(y)!;

  // Claimed work first, on its holders' tracks, from now.
  const holders: string[] = [];
  for (const s of todo) if (isClaimed(s.status.category) && s.claimant && !holders.some((h) => h.toLowerCase() === s.claimant!.toLowerCase())) holders.push(s.claimant);
  const count = Math.max(agents, holders.length);
  const tracks: Track[] = Array.from({ length: count }, (_, i) => ({ track: letter(i), agent: holders[i] ?? `Track ${letter(i)}`, stories: [] }));
  const free = new Array<number>(count).fill(0);
  const end = new Map<string, number>();
  const place = (i: number, id: string, start: number, claimed: boolean) => {
    const e = start + effort.get(id)!;
    tracks[i].stories.push({ id, start, end: e, effort: effort.get(id)!, claimed });
    free[i] = e;
    end.set(id, e);
  };
  for (const s of todo) {
    if (!isClaimed(s.status.category)) continue;
    // A claim that names nobody goes on the track free first.
    const i = s.claimant ? holders.findIndex((h) => h.toLowerCase() === s.claimant!.toLowerCase()) : free.indexOf(Math.min(...free));
    place(i, s.id, free[i], true);
  }

  // Then list scheduling: at each moment a track is free, the ready story with the longest remaining
  // path. A story is released when its last dependency is placed, at that one's end; it is ready
  // once the clock reaches that.
  const waiting = todo.filter((s) => !isClaimed(s.status.category)).map((s) => s.id);
  const left = new Map(waiting.map((id) => [id, deps.get(id)!.length] as const));
  const releaseAt = new Map<string, number>();
  const pending = new Heap<string>((x, y) => releaseAt.get(x)! - releaseAt.get(y)! || byPriority(x, y));
  const ready = new Heap<string>(byPriority);
  const placed = (id: string) => {
    for (const d of after.get(id)!) {
      if (!left.has(d)) continue;
      releaseAt.set(d, Math.max(releaseAt.get(d) ?? 0, end.get(id)!));
      const n = left.get(d)! - 1;
      left.set(d, n);
      if (n === 0) pending.push(d);
    }
  };
  for (const id of end.keys()) placed(id);
  for (const id of waiting) {
    if (left.get(id) === 0 && !releaseAt.has(id)) {
      releaseAt.set(id, 0);
      pending.push(id);
    }
  }
  let t = 0;
  let scheduled = 0;
  while (scheduled < waiting.length) {
    while (pending.size && releaseAt.get(pending.peek()!)! <= t) ready.push(pending.pop()!);
    for (let i = 0; i < count && ready.size; i++) {
      if (free[i] > t) continue;
      const id = ready.pop()!;
      place(i, id, t, false);
      placed(id);
      scheduled++;
    }
    // A story of no effort frees its track, and releases what waits on it, at once.
    const idle = free.some((f) => f <= t);
    if (idle && (ready.size || (pending.size && releaseAt.get(pending.peek()!)! <= t))) continue;
    let next = Number.POSITIVE_INFINITY;
    for (const f of free) if (f > t && f < next) next = f;
    if (pending.size) next = Math.min(next, Math.max(t, releaseAt.get(pending.peek()!)!));
    if (next === Number.POSITIVE_INFINITY || next <= t) break; // cannot happen: what waits depends only on what is placed
    t = next;
  }

  const makespan = Math.max(0, ...free);
  const busy = [...effort.values()].reduce((a, b) => a + b, 0);
  const first = order.filter((id) => deps.get(id)!.length === 0).sort(byPriority)[0];
  const criticalPath: string[] = [];
  for (let id: string | null | undefined = first; id; id = next.get(id)) criticalPath.push(id);
  return {
    agents,
    unit,
    makespan,
    criticalPath,
    criticalLength: first ? rest.get(first)! : 0,
    utilization: makespan > 0 ? busy / (count * makespan) : 0,
    tracks,
    unscheduled: open.filter((s) => why.has(s.id)).map((s) => ({ id: s.id, reason: why.get(s.id)! })),
  };
}

/** The stories in an order where each comes after its dependencies (the plan has no cycle). */
function topological(todo: readonly Story[], deps: Map<string, string[]>, after: Map<string, string[]>): string[] {
  const pending = new Map(todo.map((s) => [s.id, deps.get(s.id)!.length] as const));
  const out = todo.filter((s) => pending.get(s.id) === 0).map((s) => s.id);
  for (let k = 0; k < out.length; k++) {
    for (const d of after.get(out[k])!) {
      const n = pending.get(d)! - 1;
      pending.set(d, n);
      if (n === 0) out.push(d);
    }
  }
  return out;
}

/** Where each planned story is: its track, start and end. */
export function placements(p: Plan): Map<string, { track: string; agent: string; start: number; end: number }> {
  const out = new Map<string, { track: string; agent: string; start: number; end: number }>();
  for (const t of p.tracks) for (const s of t.stories) out.set(s.id, { track: t.track, agent: t.agent, start: s.start, end: s.end });
  return out;
}

/** The plan in the JSON contract (docs/json.md), without the `schemaVersion` envelope. */
export function planJson(p: Plan): Record<string, unknown> {
  return {
    agents: p.agents,
    unit: p.unit,
    makespan: p.makespan,
    criticalPath: p.criticalPath,
    criticalLength: p.criticalLength,
    utilization: Math.round(p.utilization * 1000) / 1000,
    tracks: p.tracks.map((t) => ({
      track: t.track,
      agent: t.agent,
      stories: t.stories.map((s) => ({ id: s.id, start: s.start, end: s.end, effort: s.effort, ...(s.claimed ? { claimed: true } : {}) })),
    })),
    unscheduled: p.unscheduled,
  };
}

/** A binary heap: `pop` gives the least item by `cmp`. */
class Heap<T> {
  private readonly items: T[] = [];
  constructor(private readonly cmp: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(x: T): void {
    const a = this.items;
    a.push(x);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (this.cmp(a[i], a[p]) >= 0) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length && last !== undefined) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.cmp(a[l], a[m]) < 0) m = l;
        if (r < a.length && this.cmp(a[r], a[m]) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}
