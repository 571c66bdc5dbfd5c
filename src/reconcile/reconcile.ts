/**
 * The reconciler (docs/render.md): what follows from the graph, as surgical edits. Pure: (queue) → edits.
 *
 * - `[BLOCKED]` ↔ `[ ]` for stories blocked only by their dependencies: a story whose dependencies
 *   are all done becomes `[ ]`; a todo story waiting on a dependency becomes `[BLOCKED]` (only in a
 *   file that writes `[BLOCKED]` for stories that wait: one that is not a manual hold). A manual hold (`[BLOCKED: reason]`, or `[BLOCKED]` with no
 *   dependencies) is never touched; claimed and done stories neither. A task item (`[BLOCKED]` tag)
 *   or heading block (`Status: Blocked`) is released the same way, and never blocked.
 * - Done marks in Depends On cells, in the file's own style (`8-2` → `8-2 ✅`, or `[DONE]` where the
 *   file writes that; none in a file that writes none): added beside references to done stories,
 *   removed beside references to stories no longer done.
 * - Generated blocks between markers (HTML comments, invisible on GitHub): `<!-- queue:ready -->` …
 *   `<!-- /queue:ready -->` the stories that can be claimed now, `queue:progress` done/total per
 *   section with a text progress bar, `queue:graph` a mermaid dependency graph.
 * - The Completed log, given an earlier state (`since`): a story done now but not then, and not yet in
 *   the file's log (marked done by hand), is appended to it with its own wave (its Wave cell, else
 *   its level in the dependency graph) and who held it before.
 * Applying the edits and reconciling again gives no edit (idempotent; tested over real queue files).
 * Conventions: when a story is done, its dependents whose dependencies are now met go from
 * `[BLOCKED]` to `[ ]`, and a done mark (✅, or the file's own) is ticked beside each done
 * dependency, as agent teams do by hand.
 */
import type { Queue, QueueDocument } from '../read/queue.js';
import { isReconcilable, isUnblockable, reconcilable, fileStyle, writesBlocked } from '../edit/common.js';
import { tagStandsApart } from '../edit/task.js';
import { completedLogEdit, statusEdits, waitingStyle, type Change, type Decision, type DerivedEdits, type LogRow } from '../edit/decide.js';
import type { Edit } from '../edit/splice.js';
import { QueueError } from '../domain/errors.js';
import type { StatusStyle } from '../edit/style.js';
import { rankReady } from '../model/rank.js';
import type { DependencyRef, Story } from '../domain/types.js';
import { summarizeEffects, type Effect } from '../domain/effects.js';
import { LEADING_DONE_MARK, WRITTEN_MARKS } from '../dialect/marks.js';
import { referenceSpots } from '../dialect/deps.js';
import { generatedBlocks, type BlockInputs } from './blocks.js';
import { updateBoard } from './board.js';
import { TRAILER } from '../domain/trailers.js';

/** The reconciler's answer for one document. */
export interface Reconciliation {
  document: QueueDocument;
  edits: Edit[];
  /** Stories whose status the edits change, with the status they must read as afterwards. */
  changes: Change[];
  /** What the edits do, as typed effects (`{kind: 'unblock', id: '8-3'}`, marks, blocks rendered). */
  effects: Effect[];
}

/** The done mark a document writes beside dependencies, or null when it writes none: the mark of
 * {@link WRITTEN_MARKS} that the most Depends On cells of `stories` hold (the first on a tie). Each
 * mark is found once in the whole text; a file that writes none costs no pass over its stories. */
function markStyle(doc: QueueDocument, stories: readonly Story[]): string | null {
  let best: string | null = null;
  let most = 0;
  for (let k = 0; k < WRITTEN_MARKS.length; k++) {
    const { mark, re } = WRITTEN_MARKS[k];
    let count = 0;
    if (doc.whole) {
      // A queue of some of the file's stories: the whole file's cells say it (`dialect/marks.ts` writtenMarks).
      const marks = doc.whole.marks;
      for (let i = 0; i < marks.length; i++) if (marks[i] & (1 << k)) count++;
    } else {
      const found = matchSpans(doc.text, re);
      if (found.length === 0) continue;
      for (const s of stories) {
        const span = s.occurrences[0].spans.deps;
        if (span && s.file === doc.file && holdsMatch(found, span.start, span.end)) count++;
      }
    }
    if (count > most) {
      most = count;
      best = mark;
    }
  }
  return best;
}

/** Where `re` matches in `text`: start and end offsets, one pair after another, ascending. */
function matchSpans(text: string, re: RegExp): number[] {
  const all = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  const out: number[] = [];
  for (let m = all.exec(text); m !== null; m = all.exec(text)) {
    out.push(m.index, m.index + m[0].length);
    if (m[0].length === 0) all.lastIndex++;
  }
  return out;
}

/** Whether one of the matches `found` ({@link matchSpans}) lies wholly within `[start, end)`. */
function holdsMatch(found: readonly number[], start: number, end: number): boolean {
  // The first match starting at or after `start` (binary search over the pairs).
  let lo = 0;
  let hi = found.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (found[2 * mid] < start) lo = mid + 1;
    else hi = mid;
  }
  return lo < found.length / 2 && found[2 * lo + 1] <= end;
}

/** Whether two edits meet: at one offset, or overlapping. */
const meets = (a: Edit, b: Edit): boolean => a.start === b.start || (a.start < b.end && b.start < a.end);

/** Edits to one Depends On cell: marks added beside done references, removed beside open ones
 * (`dialect/deps.ts` referenceSpots says where). A range (`S-1..S-3`) is marked as one reference,
 * after its end, when all its members are done. */
function markEdits(queue: Queue, doc: QueueDocument, s: Story, mark: () => string | null, effects: Effect[]): Edit[] {
  const span = s.occurrences[0].spans.deps;
  if (!span) return [];
  const g = queue.graph;
  // A reference outside the queue keeps whatever its writer put.
  const known = s.deps.filter((d) => d.id !== null);
  if (known.length === 0) return [];
  const cell = doc.text.slice(span.start, span.end);
  const byRef = new Map<string, DependencyRef[]>();
  for (const d of known) byRef.set(d.ref, [...(byRef.get(d.ref) ?? []), d]);
  const out: Edit[] = [];
  for (const spot of referenceSpots(cell, [...byRef.keys()])) {
    const deps = spot.refs.map((r) => byRef.get(r)?.[0]);
    if (deps.some((d) => d === undefined)) continue;
    const ids = deps.map((d) => d!.id!);
    const done = ids.every((id) => g.isDone(id));
    // Marked: a mark at the spot; or, for a reference written once, its part of the list marked
    // (`S-1 (done)`, `S-1 ✅ S-2`), which is how the reader tells it.
    const at = [spot.after, spot.end].find((k) => LEADING_DONE_MARK.test(cell.slice(k)));
    const single = spot.refs.length === 1 && byRef.get(spot.refs[0])!.length === 1 && deps[0]!.markedDone;
    if (done === (at !== undefined || spot.inner !== undefined || single) || (done && mark() === null)) continue;
    const edits: Edit[] = [];
    if (done) edits.push({ start: span.start + spot.after, end: span.start + spot.after, text: ` ${mark()}` });
    else {
      if (at !== undefined) edits.push({ start: span.start + at, end: span.start + at + LEADING_DONE_MARK.exec(cell.slice(at))![0].length, text: '' });
      if (spot.inner) edits.push({ start: span.start + spot.inner[0], end: span.start + spot.inner[1], text: '' });
    }
    // Two spots at one place (a reference and the range it ends) edit it once.
    if (edits.length === 0 || edits.some((e) => out.some((o) => meets(e, o)))) continue;
    out.push(...edits);
    for (const id of ids) effects.push(done ? { kind: 'mark', id, in: s.id, mark: mark()! } : { kind: 'unmark', id, in: s.id });
  }
  return out;
}

/** The edits that bring one table story in step with its dependencies: its status, its marks; or
 * release a task item or heading block ({@link isUnblockable}) whose dependencies are done. */
function storyEdits(
  queue: Queue,
  doc: QueueDocument,
  s: Story,
  style: () => StatusStyle,
  blocking: () => boolean,
  mark: () => string | null,
  out: Reconciliation,
  waited: ReadonlySet<string>,
): void {
  // `blocking`: the file writes [BLOCKED] for stories that wait, so a todo that waits gets it.
  // `style`, `blocking` and `mark` are asked only when an edit needs them.
  const g = queue.graph;
  const c = s.status.category;
  const occ = s.occurrences[0];
  const table = occ.kind === 'table';
  const depsDone = s.deps.every((d) => g.satisfied(d));
  // `waited`: stories blocked by their dependencies before the write, though they read as a hold now
  // (`queue dep rm` took their last dependency): [BLOCKED] with no reason is released as well.
  const hold = g.isHold(s) && !(waited.has(s.id) && s.status.reason === null);
  if (c === 'blocked' && !hold && depsDone && !g.inCycle(s.id) && (occ.kind !== 'task' || tagStandsApart(doc, occ))) {
    // As every write writes a status (`edit/decide.ts`): a note after it in the cell is kept, a task
    // item drops its tag, a heading block's Status line is rewritten. A task item or heading block
    // that cannot be edited with full fidelity is left as it is: it is not this write's to refuse.
    let edits: Edit[];
    try {
      edits = statusEdits(doc, occ, { category: 'todo' }, style());
    } catch (e) {
      if (table || !(e instanceof QueueError)) throw e;
      return;
    }
    out.edits.push(...edits);
    out.changes.push({ id: s.id, expect: { category: 'todo' } });
    out.effects.push({ kind: 'unblock', id: s.id });
  } else if (!table) {
    return; // only released: see edit/common.ts isUnblockable
  } else if (c === 'todo' && !depsDone && blocking()) {
    out.edits.push(...statusEdits(doc, occ, { category: 'blocked', reason: null }, style()));
    out.changes.push({ id: s.id, expect: { category: 'blocked', reason: null } });
    out.effects.push({ kind: 'block', id: s.id, waitingOn: g.waitingOn(s) });
  }
  out.edits.push(...markEdits(queue, doc, s, mark, out.effects));
}

/** What {@link reconcile} compares with to find stories marked done by hand. */
export interface ReconcileOptions {
  /** An earlier state of the queue (the committed file, the watcher's last pass): a story done now
   * but not in it, and missing from the file's Completed log, is appended to the log. None: the
   * log is left as it is. */
  since?: Queue | null;
  /** Who the log names for a story nobody held in `since` (the render's agent). */
  agent?: string;
  /** Stories to write blocked while they wait, each in its status as written (history shows them
   * so: `edit/decide.ts` Decision.reblock), whatever the rows show now. */
  reblock?: ReadonlyMap<string, string>;
  /** What the generated blocks need beyond the queue: the history's flow (`queue:metrics`), the
   * config's effort sizes (`queue:plan`). */
  blocks?: BlockInputs;
}

/** The stories of `mine` marked done since `since` (by hand) that the document's Completed log lacks, as log rows. */
function handDone(queue: Queue, mine: readonly Story[], since: Queue, agent: string): LogRow[] {
  const rows: LogRow[] = [];
  for (const s of mine) {
    if (s.status.category !== 'done' || s.occurrences.some((o) => o.kind === 'log')) continue;
    const was = since.graph.byId.get(s.id);
    if (was && was.status.category === 'done') continue;
    rows.push({ story: s, agent: was?.claimant ?? agent, depth: queue.graph.depth(s.id) });
  }
  return rows;
}

/**
 * Reconcile the documents of the queue, story by story (only the stories whose ids `only` holds,
 * when given), then the generated blocks (unless `blocks` is false). With `block` false, a todo
 * story that waits is left todo. With `log.since`, stories marked done since then join the
 * Completed log. What the document's style, its done marks and the ready stories need (a pass over
 * every story each) is worked out only when an edit needs it: a write that touches one story and
 * changes nothing else costs what that story does.
 */
function reconcileWith(
  queue: Queue,
  only: ReadonlySet<string> | null,
  blocks: boolean,
  block = true,
  waited: ReadonlySet<string> = new Set(),
  log: ReconcileOptions = {},
): Reconciliation[] {
  const ready = once(() => rankReady(queue.graph));
  return queue.documents
    .filter((doc) => doc.editable)
    .map((doc) => {
      // A story written in more than one row is left alone, as the write commands refuse it
      // (edit/common.ts assertEditable): queue does not guess which row to edit. So is one that a
      // listing also lists (a row under `## Blocked`): unblocking it is a person's `queue unblock`,
      // which drops that row too (edit/decide.ts).
      const mine = once(() => reconcilable(queue, doc));
      const style = once(() => fileStyle(queue, doc));
      const blocking = once(() => block && writesBlocked(queue, mine()));
      const mark = once(() => markStyle(doc, mine()));
      const out: Reconciliation = { document: doc, edits: [], changes: [], effects: [] };
      const stories = only === null ? queue.stories.filter((s) => edited(s, doc)) : onlyThese(queue, doc, only);
      for (const s of stories) {
        // A story history shows blocked while it waited is written so again, as it was written then.
        const again = block ? log.reblock?.get(s.id) : undefined;
        const own = again === undefined ? null : waitingStyle(style, again, doc);
        storyEdits(queue, doc, s, own ?? style, own ? () => true : blocking, mark, out, waited);
      }
      if (log.since) {
        const rows = handDone(queue, mine(), log.since, log.agent ?? 'queue');
        const edit = completedLogEdit(doc, rows, style().write({ category: 'done' }));
        if (edit) {
          out.edits.push(edit);
          for (const r of rows) {
            if (!out.changes.some((c) => c.id === r.story.id)) out.changes.push({ id: r.story.id, expect: { category: 'done' } });
            out.effects.push({ kind: 'log', id: r.story.id });
          }
        }
      }
      if (blocks) {
        for (const b of generatedBlocks(doc, queue, ready, log.blocks)) {
          out.edits.push(b.edit);
          out.effects.push({ kind: 'render', block: b.name });
        }
      }
      return out;
    });
}

/** `f`'s value, worked out on the first call. */
function once<T>(f: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = f();
      done = true;
    }
    return value;
  };
}

/** Whether the reconciler edits `s` in `doc`: a table row ({@link isReconcilable}), or a task item
 * or heading block it only releases ({@link isUnblockable}). */
const edited = (s: Story, doc: QueueDocument) => isReconcilable(s, doc) || isUnblockable(s, doc);

/** The stories of `ids` the reconciler edits in `doc` ({@link edited}), in file order. */
function onlyThese(queue: Queue, doc: QueueDocument, ids: ReadonlySet<string>): Story[] {
  const at: number[] = [];
  for (const id of ids) {
    const i = queue.graph.indexOf(id);
    if (i !== -1 && edited(queue.stories[i], doc)) at.push(i);
  }
  return at.sort((x, y) => x - y).map((i) => queue.stories[i]);
}

/** Reconcile every document of the queue; with `opts.since`, the Completed log takes the stories
 * marked done since then ({@link ReconcileOptions}). Pure. */
export function reconcile(queue: Queue, opts: ReconcileOptions = {}): Reconciliation[] {
  return reconcileWith(queue, null, true, true, new Set(), opts);
}

/**
 * What a story's done releases (as an agent does by hand in one commit: "Mark Story 8-2 complete,
 * unblock 8-3"): its dependents unblocked when nothing else holds them back, and its done mark
 * beside them in the file's style. Only the stories that depend on `id` are touched, and only to
 * unblock and mark (a todo dependent that still waits on something else is not blocked here); no
 * generated block. The writes take {@link followWrite}, which does this and more. Pure.
 */
export function reconcileDependents(queue: Queue, id: string): Reconciliation[] {
  const dependents = new Set(queue.graph.dependents.get(id) ?? []);
  return reconcileWith(queue, dependents, false, false);
}

/** Options of {@link followWrite}. */
export interface FollowOptions {
  /** Re-render the generated blocks of the file (config `renderOnWrite`). */
  blocks: boolean;
  /** Reconcile the dependents of a story whose done state the write changed (default true). */
  dependents?: boolean;
  /** Effort sizes (config `effort`) the `queue:plan` block schedules with. */
  effort?: Record<string, number>;
}

/**
 * What follows from a write, for its own commit (as `queue render` would write it for what the write
 * touched): the stories the decision changes, and the dependents of those whose done state it
 * changes (a done, a reopen), brought in step with their dependencies (`[BLOCKED]` ↔ `[ ]`, done
 * marks; a story the write took the last dependency from is no hold but released); with `blocks`, the file's generated blocks re-rendered. Every other story keeps its bytes,
 * so in a file without generated blocks a claim stays a one-line diff. `before` is the queue the
 * decision was taken on. Pure; the result is a {@link Decision}'s `follow`, or null when it has nothing
 * to follow (a write that edits no queue text: a handoff, a lease renewal).
 */
export function followWrite(before: Queue, d: Decision, opts: FollowOptions): ((after: Queue) => DerivedEdits | null) | null {
  if (d.edits.length === 0) return null;
  const ids = d.changes.map((c) => c.id);
  const waited = new Set(
    ids.filter((id) => {
      const s = before.graph.byId.get(id);
      return s !== undefined && s.status.category === 'blocked' && !before.graph.isHold(s);
    }),
  );
  return (after) => {
    const touched = new Set(ids);
    if (opts.dependents !== false) {
      for (const id of ids) {
        if (before.graph.isDone(id) === after.graph.isDone(id)) continue;
        for (const dep of after.graph.dependents.get(id) ?? []) touched.add(dep);
      }
    }
    const mine = (r: Reconciliation[]) => r.find((x) => x.document.file === d.document.file) ?? null;
    // The blocks are rendered from the queue as the stories' edits leave it: a step of its own.
    const blocks = (q: Queue) => (opts.blocks ? mine(reconcileWith(q, new Set(), true, true, new Set(), { blocks: { effort: opts.effort } })) : null);
    const stories = mine(reconcileWith(after, touched, false, true, waited, d.reblock ? { reblock: d.reblock } : {}));
    if (!stories || stories.edits.length === 0) return blocks(after);
    return opts.blocks ? { ...stories, follow: blocks } : stories;
  };
}

/**
 * `d` with the follow step every write takes ({@link followWrite}, blocks by `renderOnWrite`), unless
 * it has one of its own. Returns `d`.
 */
export function withFollow(before: Queue, d: Decision, config: { renderOnWrite: boolean; effort?: Record<string, number> }): Decision {
  if (!d.follow) {
    const follow = followWrite(before, d, { blocks: config.renderOnWrite, effort: config.effort });
    if (follow) d.follow = follow;
  }
  return d;
}

/**
 * The reconciliation of the queue's first document as a {@link Decision}, for the transaction layer
 * (`queue render --commit`, `queue watch --commit`). `unchanged` when there is nothing to do.
 * `since`: an earlier state, whose stories done since join the Completed log ({@link ReconcileOptions});
 * `blocks`: the history's flow and the effort sizes for the generated blocks.
 */
export function renderDecision(queue: Queue, agent: string, board?: BoardInput, since?: Queue | null, blocks?: BlockInputs): Decision & { effects: Effect[] } {
  const r = reconcile(queue, { since, agent, blocks }).find((x) => x.document === queue.documents[0]) ?? { document: queue.documents[0], edits: [], changes: [], effects: [] };
  const b = board ? updateBoard(board.text, queue, board.now) : null;
  const effects = [...r.effects, ...(b?.effects ?? [])];
  return {
    op: 'render',
    id: r.changes[0]?.id ?? '',
    changes: r.changes,
    document: r.document,
    edits: r.edits,
    files: b && board ? [{ path: board.path, content: b.content, replace: true }] : [],
    subject: `queue: render${effects.length ? ` (${summarizeEffects(effects)})` : ''}`,
    trailers: [[TRAILER.op, 'render'], ...r.changes.map((c): [string, string] => [TRAILER.story, c.id]), [TRAILER.agent, agent]],
    unchanged: r.edits.length === 0 && !b,
    effects,
  };
}

/** The status board as it is, where it lives (relative to the root), and the clock for Last Updated. */
export interface BoardInput {
  path: string;
  text: string | null;
  now: Date;
}
