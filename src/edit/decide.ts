/**
 * Decide a write: (queue as read at one commit, operation) → the edits that carry it out,
 * the commit message and its trailers, or a {@link QueueError} saying why not. Pure: the transaction
 * layer (`git/transaction.ts`) calls it again on every new tip, so a retry re-decides rather than
 * re-applies text.
 *
 * Conventions: a story is claimed only when ready (`[ ]`, its dependencies done) and marked `[DONE]`
 * by its holder; an agent holds one claim at a time, unless configured (`maxClaims`).
 */
import { QueueError } from '../domain/errors.js';
import type { Queue, QueueDocument } from '../read/queue.js';
import { claimLimitOf, isHeldBy, rankReady, readyNotOffered } from '../model/rank.js';
import { unclaimable } from '../model/graph.js';
import type { Occurrence, Story } from '../domain/types.js';
import type { Effect } from '../domain/effects.js';
import type { Edit } from './splice.js';
import { cellStatus, emphasisOf, type StatusStyle, type StatusWish } from './style.js';
import { blockedOnEdits } from './fields.js';
import { taskStatusEdits, taskWish } from './task.js';
import { sectionMoveEdits, sectionWish, type SectionPlace } from './move.js';
import { mirrored, rewrittenSince, statusForms, type Former, type Reopened } from './former.js';
import { assertEditable, blocksWaiting, cellText, deleteLines, endingAfter, fileStyle, findStory } from './common.js';
import { isClaimed, type ClaimedCategory } from '../domain/status.js';
import { parseStatus, statusExtent } from '../dialect/status.js';
import { TRAILER } from '../domain/trailers.js';
import { sameAgent, type QueueConfig } from '../domain/config.js';

/** A write the CLI asks for. `agent` is the actor; `force` lets a non-holder act (said in trailers). */
export type Operation =
  | { op: 'claim'; id?: string; agent: string; renew?: boolean; maxClaims: number }
  | { op: 'done'; id: string; agent: string; force?: boolean }
  /** `former`: how the story stood before the claim being released (`edit/former.ts`, from the
   * history): its to-do status, written back instead of the file's form when it still reads as to
   * do, and, for a block whose status is its section, where the block goes back to. */
  | { op: 'release'; id: string; agent: string; force?: boolean; former?: Former | null }
  | { op: 'block'; id: string; agent: string; reason: string; force?: boolean }
  /** `former`: how the story stood before the hold being lifted (`edit/former.ts`, from history:
   * `git/history.ts` heldFromAt), written back; null or absent: the file's to-do form. */
  | { op: 'unblock'; id: string; agent: string; former?: Former | null }
  | { op: 'review'; id: string; agent: string; force?: boolean }
  /** `reopened`: how the story stood before the claim its done finished (`edit/former.ts`, from
   * history: `git/history.ts` reopenedAt), written back; null or absent: the file's to-do form. */
  | { op: 'reopen'; id: string; agent: string; reopened?: Reopened | null }
  /** A reviewer accepts a story in review: it is done, as its holder's `done` would make it. */
  | { op: 'approve'; id: string; agent: string }
  /** A reviewer sends a story in review back: in progress again, held by its implementer. */
  | { op: 'reject'; id: string; agent: string }
  /** The holder hands its claim to agent `to` (`queue handoff --reassign`): the story stays claimed, by `to`. */
  | { op: 'reassign'; id: string; agent: string; to: string; force?: boolean };

/** `queue add`: the new story's id, title, dependency ids, and where it goes. */
export interface AddRequest {
  /** The new story's id; none: the next of its table's ids (`edit/structure.ts` nextId). */
  id?: string;
  title: string;
  deps: string[];
  /** Heading text of the table to add to (its last heading, case-insensitive; a part of it will do). */
  section?: string;
  /** The id of the story the new one is part of: a Parent column's cell, or an item nested under its item. */
  parent?: string;
  /** Create `stories/<id>-<slug>.md` from a template and link it. `storiesDir` is relative to the root. */
  storyFile?: { storiesDir: string; queueDir: string };
  agent: string;
}

/** One story's wished state after a decision. */
export interface Change {
  id: string;
  /** What the story must read as afterwards (checked by re-reading the edited text). */
  expect: StatusWish;
  /** Its dependencies afterwards (ids), when the decision changes them. */
  deps?: string[];
  /** Its parent afterwards (an id), when the decision sets it (`queue add --parent`). */
  parent?: string;
}

/** The outcome of deciding an operation on one queue state. */
export interface Decision {
  op: Operation['op'] | 'stale-release' | 'add' | 'dep' | 'render' | 'handoff' | 'decision';
  /** The story the operation acts on (the first of `changes`). */
  id: string;
  /** Every story the edits change, with its wished state. */
  changes: Change[];
  /** Edits to the queue file (`document.file`), as offsets into its BOM-less text. Empty for a
   * lease renewal, which commits no content change. */
  document: QueueDocument;
  edits: Edit[];
  /** Stories the edits add (`queue add`): they must read back, and nothing else may appear. */
  adds?: string[];
  /** Files to write beside the queue edit, paths relative to the repository root: new ones (a story
   * file, a handoff; refused if they exist) or, with `replace`, whole files queue owns (the status board). */
  files?: Array<{ path: string; content: string; replace?: boolean; role?: 'handoff' | 'story' | 'board' | 'decision' }>;
  /** True when the edits append the story to the file's Completed log (a done). */
  logged?: boolean;
  /** Commit subject, e.g. `queue: claim 5-3 (Dev 2)`. */
  subject: string;
  /** Commit trailers, in order: `Queue-Op`, `Queue-Story`, `Queue-Agent`, and `Queue-Force` when forced. */
  trailers: Array<[string, string]>;
  /** True when the story already was in the wished state (a repeated claim by its holder). */
  unchanged: boolean;
  /**
   * Edits that follow from this decision, derived from the queue as it reads after it (`queue done`:
   * the dependents it releases, from `reconcile/`), applied and proved as a second step of the same
   * write; null or no edits for none.
   */
  follow?: (after: Queue) => DerivedEdits | null;
  /** Stories history shows `[BLOCKED]` while they waited on their dependencies, with their status as
   * written then (a reopen: `edit/former.ts` Reopened.waiting): what follows writes those that wait
   * again so, though no row may show that convention now. */
  reblock?: ReadonlyMap<string, string>;
}

/** Edits derived from a queue state, with the stories they change and one line per action. */
export interface DerivedEdits {
  document: QueueDocument;
  edits: Edit[];
  changes: Change[];
  /** What the edits do (`{kind: 'unblock', id: '8-3'}`, `{kind: 'mark', …}`). */
  effects: Effect[];
  /** Edits that follow from these in turn (the generated blocks, rendered once the statuses are
   * written), applied and proved as a further step. */
  follow?: (after: Queue) => DerivedEdits | null;
}

/** Stories `agent` holds (in progress or review with that claimant, case-insensitive). */
export function heldBy(queue: Queue, agent: string, agents: QueueConfig['agents'] = {}): Story[] {
  return queue.stories.filter((s) => isHeldBy(agents, s.claimant, s.status.category, agent));
}

/** QueueError `claim_limit` when `agent` holds `limit` stories or more (`model/rank.ts` claimLimitOf). */
function atClaimLimit(queue: Queue, agent: string, limit: number, agents: QueueConfig['agents']): void {
  const at = claimLimitOf(queue.stories, agent, { agents, maxClaims: limit });
  if (at) throw new QueueError('claim_limit', `${agent} already holds ${at.held.join(', ')} (limit ${limit}); finish or release first`, { ...at });
}

/**
 * Decide `op` on `queue`. Names are compared as agents through `agents` (the config's aliases), as
 * the claim rules compare them: a story held under an alias of the acting agent is the agent's.
 * Throws {@link QueueError} with the code of the refusal.
 */
export function decide(queue: Queue, op: Operation, agents: QueueConfig['agents'] = {}): Decision {
  const same = (a: string | null, b: string) => sameAgent({ agents }, a, b);
  // An agent holding its share takes nothing, whatever is ready (as `queue ready --agent` says).
  if (op.op === 'claim' && op.id === undefined) atClaimLimit(queue, op.agent, op.maxClaims, agents);
  const story = op.op === 'claim' && op.id === undefined ? pickStory(queue, op.agent, agents) : findStory(queue, op.id!);
  const editable = assertEditable(queue, story);
  const doc = editable.doc;
  let occ = editable.occ;
  let style = fileStyle(queue, doc);
  // Where a block whose status is its section goes (a release puts it back where it was).
  let place: SectionPlace | undefined;
  const c = story.status.category;
  const holder = story.claimant;
  const forced = 'force' in op && op.force === true;
  let wish: StatusWish;
  let unchanged = false;
  let logged = false;

  // An open story that waits on a dependency: in a table, [BLOCKED] where the file writes that for
  // stories that wait (the reconciler's rule, reconcile/reconcile.ts), else [ ]; a task item or
  // heading block reads as blocked with `otherwise` true.
  const waits = !story.deps.every((d) => queue.graph.satisfied(d));
  const open = (otherwise: boolean): StatusWish =>
    waits && (occ.kind === 'table' && !occ.section ? blocksWaiting(queue, doc) : otherwise) ? { category: 'blocked', reason: null } : { category: 'todo' };

  const mustHold = () => {
    if (!isClaimed(c)) throw new QueueError('not_claimant', `${story.id} is not claimed (it is "${story.status.raw}")`, { id: story.id, status: c });
    if (!forced && !same(holder, op.agent)) {
      const review = c === 'review' && op.op === 'done' ? `; a reviewer runs queue approve ${story.id}` : '';
      throw new QueueError('not_claimant', `${story.id} is held by ${holder ?? 'nobody named'}, not ${op.agent} (--force overrides, and says so in the commit${review})`, {
        id: story.id,
        holder,
      });
    }
  };

  switch (op.op) {
    case 'claim': {
      if (op.renew) {
        if (!isClaimed(c) || !same(holder, op.agent))
          throw new QueueError('not_claimant', `${op.agent} does not hold ${story.id}; only its claimant renews a lease`, { id: story.id, holder });
        unchanged = true;
        wish = { category: c as ClaimedCategory, claimant: holder };
        break;
      }
      if (isClaimed(c)) {
        if (!same(holder, op.agent)) throw new QueueError('already_claimed', `${story.id} is already claimed by ${holder ?? 'someone'}`, { id: story.id, holder });
        unchanged = true;
        wish = { category: c as ClaimedCategory, claimant: holder };
        break;
      }
      // Planning work (it needs decomposition) is never picked, but a planning agent may take it by id.
      if (!queue.graph.isReady(story) && !(op.id !== undefined && queue.graph.isPlanningReady(story))) throw notReady(queue, story);
      atClaimLimit(queue, op.agent, op.maxClaims, agents);
      wish = { category: 'in_progress', claimant: op.agent };
      break;
    }
    case 'done':
      mustHold();
      wish = { category: 'done' };
      break;
    case 'review':
      mustHold();
      wish = { category: 'review', claimant: holder ?? op.agent };
      break;
    case 'approve':
    case 'reject':
      // Who may is the claim rules' call (self_approve, not_reviewer): they judge the change.
      if (c !== 'review')
        throw new QueueError('invalid', `${story.id} is not in review (it is "${story.status.raw}"); its holder runs queue review ${story.id} first`, { id: story.id, status: c });
      if (op.op === 'approve') wish = { category: 'done' };
      else {
        if (!holder) throw new QueueError('invalid', `${story.id} is in review but names no implementer to send it back to`, { id: story.id });
        wish = { category: 'in_progress', claimant: holder };
      }
      break;
    case 'reassign':
      mustHold();
      if (same(holder, op.to)) {
        unchanged = true;
        wish = { category: c as ClaimedCategory, claimant: holder };
      } else wish = { category: c as ClaimedCategory, claimant: op.to };
      break;
    case 'release':
      mustHold();
      wish = open(false);
      // The story's own to-do form, and place, as they were before the claim: a claim and its
      // release change no byte.
      style = formerStyle(style, op.former ?? null, queue, doc, occ);
      place = op.former?.place;
      break;
    case 'block':
      if (c === 'done' || c === 'cancelled') throw new QueueError('invalid', `${story.id} is ${c}; reopen it first`, { id: story.id, status: c });
      if (isClaimed(c)) mustHold();
      wish = { category: 'blocked', reason: op.reason };
      break;
    case 'unblock':
      if (c !== 'blocked') throw new QueueError('invalid', `${story.id} is not blocked (it is "${story.status.raw}")`, { id: story.id, status: c });
      // Dropping a manual hold; a story still waiting on dependencies stays blocked by them alone
      // (where the file writes [BLOCKED] for stories that wait).
      wish = open(true);
      // The story's own to-do form, and place, as they were before the hold; or, when it read
      // blocked then because it waited and waits still, that status as it was written.
      style = formerStyle(style, op.former ?? null, queue, doc, occ);
      place = op.former?.place;
      if (waits && wish.category === 'todo' && op.former?.waited && occ.kind === 'table' && !occ.section) {
        const waiting = waitingStyle(() => style, op.former.waited, doc);
        if (waiting) {
          style = waiting();
          wish = { category: 'blocked', reason: null };
        }
      }
      break;
    case 'reopen':
      if (c !== 'done' && c !== 'cancelled') throw new QueueError('invalid', `${story.id} is not done (it is "${story.status.raw}")`, { id: story.id, status: c });
      wish = open(true);
      // The story's own to-do form, and place, as they were before its claim; a note the writes
      // since kept after the status (`Done (est. 2d)`, which reads as done by "est. 2d") stays.
      if (op.reopened?.former) {
        const { former } = op.reopened;
        style = formerStyle(style, former, queue, doc, occ);
        place = former.place;
        occ = withoutNote(doc, occ, former.note);
      }
      break;
  }

  if (occ.kind === 'task') wish = taskWish(wish);
  else if (occ.section) wish = sectionWish(wish);
  const edits: Edit[] = [];
  if (!unchanged) {
    edits.push(...statusEdits(doc, occ, wish, style, place));
    // A story leaves the logs and listings that would no longer say its status (a reopened story
    // leaves the Completed log, an unblocked one the table under `## Blocked`), or it would read
    // as one status there and another here.
    edits.push(
      ...deleteLines(
        doc.text,
        story.occurrences.filter((o) => o.kind === 'log' && o.file === doc.file && o.status.category !== wish.category),
      ),
    );
    // A file that keeps a Completed log gets a done story appended to it, with its agent and wave.
    if ((op.op === 'done' || op.op === 'approve') && !story.occurrences.some((o) => o.kind === 'log' && o.status.category === 'done')) {
      const log = logEntry(doc, story, style.write({ category: 'done' }), holder ?? op.agent, queue.graph.depth(story.id));
      if (log) {
        edits.push(log);
        logged = true;
      }
    }
    // Asking for what already is (a repeated block with the same reason, unblocking a story that
    // only its dependencies hold back) changes no byte: nothing to commit.
    if (edits.every((e) => doc.text.slice(e.start, e.end) === e.text)) {
      edits.length = 0;
      unchanged = true;
    }
  }
  const agent = op.agent;
  const verb = op.op === 'claim' && op.renew ? 'renew' : op.op;
  const trailers: Array<[string, string]> = [
    [TRAILER.op, verb],
    [TRAILER.story, story.id],
    [TRAILER.agent, agent],
  ];
  if (forced) trailers.push([TRAILER.force, 'true']);
  return {
    op: op.op,
    id: story.id,
    document: doc,
    edits,
    changes: [{ id: story.id, expect: wish }],
    subject: `queue: ${verb} ${story.id} (${agent})`,
    trailers,
    unchanged,
    ...(logged ? { logged } : {}),
    ...(op.op === 'reopen' && op.reopened?.waiting.size ? { reblock: op.reopened.waiting } : {}),
  };
}

/** `occ` (a table row, or a heading block's `Status:` line) with its status cell narrowed to the
 * status before `note` when the cell ends with it, or
 * with it inside emphasis that runs on over both (`**DONE (est. 2d)**`, where the note reads as the
 * claimant), so that a status edit keeps the note and the emphasis; else `occ`. */
function withoutNote(doc: QueueDocument, occ: Occurrence, note: string | undefined): Occurrence {
  const span = occ.spans.status;
  if (!note || !span || (occ.kind !== 'table' && occ.kind !== 'heading') || occ.section) return occ;
  const cell = doc.text.slice(span.start, span.end).trimEnd();
  const lead = cell.length - cell.trimStart().length;
  const open = /^[*_]*/.exec(cell.slice(lead))![0];
  const wrapped = open !== '' && cell.endsWith(mirrored(open)) && cell.length - lead > 2 * open.length;
  const start = lead + (wrapped ? open.length : 0);
  const inner = cell.slice(start, wrapped ? cell.length - open.length : cell.length);
  if (!inner.endsWith(note) || inner.trim().length === note.trim().length) return occ;
  return { ...occ, spans: { ...occ.spans, status: { ...span, start: span.start + start, end: span.start + start + inner.length - note.length } } };
}

/**
 * Release several claims at once (`queue stale --release`): each story still claimed goes back to
 * todo. Stories no longer claimed are skipped; none left is `not_claimant`. Trailers name each story
 * (`Queue-Story` repeated) and `Queue-Force: stale`.
 */
export function decideRelease(queue: Queue, ids: readonly string[], agent: string, formers: ReadonlyMap<string, Former | null> = new Map()): Decision {
  const stories = ids.map((id) => findStory(queue, id)).filter((s) => isClaimed(s.status.category));
  if (stories.length === 0) throw new QueueError('not_claimant', `none of ${ids.join(', ')} is claimed any more`, { ids });
  let doc: QueueDocument | null = null;
  // The one document's style and blocking convention, each a pass over its stories: learned once.
  let style: StatusStyle | null = null;
  let blocking: boolean | null = null;
  const blocksIn = (d: QueueDocument): boolean => {
    blocking ??= blocksWaiting(queue, d);
    return blocking;
  };
  const edits: Edit[] = [];
  const changes: Change[] = [];
  for (const s of stories) {
    const e = assertEditable(queue, s);
    if (doc && e.doc !== doc) throw new QueueError('invalid', 'stale claims in several files: release them one by one');
    doc = e.doc;
    // As `queue release` does: [BLOCKED] for one that waits, where the file writes that.
    const waits = !s.deps.every((d) => queue.graph.satisfied(d));
    const blocks = waits && e.occ.kind === 'table' && !e.occ.section && blocksIn(e.doc);
    const wish: StatusWish = blocks ? { category: 'blocked', reason: null } : { category: 'todo' };
    style ??= fileStyle(queue, e.doc);
    const former = formers.get(s.id) ?? null;
    edits.push(...statusEdits(e.doc, e.occ, wish, formerStyle(style, former, queue, e.doc, e.occ), former?.place));
    changes.push({ id: s.id, expect: wish });
  }
  const names = stories.map((s) => s.id);
  return {
    op: 'stale-release',
    id: names[0],
    changes,
    document: doc!,
    edits,
    subject: `queue: release stale ${names.join(', ')} (${agent})`,
    trailers: [[TRAILER.op, 'release'], ...names.map((id): [string, string] => [TRAILER.story, id]), [TRAILER.agent, agent], [TRAILER.force, 'stale']],
    unchanged: false,
  };
}

/** `style`, writing a story's former to-do status (`edit/former.ts`) for to do when it still reads
 * as to do in `doc` and the file was not rewritten in another dialect since ({@link rewrittenSince}:
 * `occ` is the story's place now): what a release writes back. */
function formerStyle(style: StatusStyle, former: Former | null, queue: Queue, doc: QueueDocument, occ: Occurrence): StatusStyle {
  const form = former?.form;
  if (!form || parseStatus(form, doc.lexicon).category !== 'todo') return style;
  if (former.forms && rewrittenSince(former.forms, statusForms(queue, doc, occ))) return style;
  // Taken only where it reads as to do with what follows it in the cell, as every style's forms are.
  return { write: (w, after = '') => (w.category === 'todo' && parseStatus(form + after, doc.lexicon).category === 'todo' ? form : style.write(w, after)) };
}

/**
 * The style `style` gives, writing `form` for a blocked status without a reason (a story that waits)
 * where it reads so in `doc` with what follows it in the cell (a note after `Blocked` may read as
 * its reason: then `style`'s form is written); null when `form` alone does not (the file's words
 * changed since). What a write that restores a waiting story's status as written then uses.
 */
export function waitingStyle(style: () => StatusStyle, form: string, doc: QueueDocument): (() => StatusStyle) | null {
  const plainly = (text: string) => {
    const read = parseStatus(text, doc.lexicon);
    return read.category === 'blocked' && !read.reason;
  };
  if (!plainly(form)) return null;
  return () => ({ write: (w, after = '') => (w.category === 'blocked' && !w.reason && plainly(form + after) ? form : style().write(w, after)) });
}

/**
 * The edits that make the story at `occ` read as `wish`: a table row's status cell or a heading
 * block's `Status:` value rewritten in the file's dialect (`style`), a task-list item's box and
 * inline tag (`task.ts`), or a heading block whose status is its section moved to the section that
 * says `wish` (`move.ts`; to `place` when known: a release puts the block back where it was).
 */
export function statusEdits(doc: QueueDocument, occ: Occurrence, wish: StatusWish, style: StatusStyle, place?: SectionPlace): Edit[] {
  if (occ.kind === 'task') return taskStatusEdits(doc, occ, taskWish(wish));
  if (occ.section) return sectionMoveEdits(doc, occ, sectionWish(wish), place);
  const span = occ.spans.status!;
  const cell = doc.text.slice(span.start, span.end);
  // A note written after the status in its cell (`[IN PROGRESS: Dev 1] since Mon`) is the person's:
  // only the status is replaced, inside the markup that runs on over the note, if any, in a form
  // that ends before the note.
  const note = statusExtent(cell, doc.lexicon);
  // Inside emphasis that runs on over the note (`**REOPENED — the gap widened.**`), the status is
  // written bare (the file's `**DONE**` there would open a second bold inside the first), and read
  // with the note as the emphasis's text, without its closing marks.
  const inside = note !== null && /[*_]/.test(cell.slice(0, note.start));
  const after = note ? (inside ? cell.slice(note.end).replace(/[*_]+\s*$/, '') : cell.slice(note.end)) : '';
  const before = note ? cell.slice(0, note.start) : '';
  const text = occ.kind === 'table' ? cellStatus(style, wish, before, after) : style.write(wish, after);
  // A heading block held by its `Blocked on:` line lets go of it with the hold.
  const held = blockedOnEdits(doc, occ, wish);
  if (note) return [{ start: span.start + note.start, end: span.start + note.end, text: inside ? (emphasisOf(text)?.inner ?? text) : text }, ...held];
  return [{ start: span.start, end: span.end, text }, ...held];
}

/**
 * The best ready story for `agent` (in the claim order of `model/rank.ts`), or `no_ready_story`.
 * Only stories of the queue's main form are offered: table stories in a queue that has any, else
 * heading-block stories, else task items. Check boxes beside tables or under story headings are
 * checklists (acceptance criteria, a PR checklist), claimed by id if at all. Planning work (a story
 * that needs decomposition) and parents with open children are never ready, so never picked. A story
 * written in more than one row is skipped: every write refuses it until a person says which row is the story.
 */
export function pickStory(queue: Queue, agent: string, agents: QueueConfig['agents'] = {}): Story {
  // A file with conflict markers is refused whole, as a claim by id is: which side holds is a person's call.
  const conflicted = queue.documents.find((d) => !d.editable);
  if (conflicted) throw new QueueError('parse_error', `${conflicted.file}: merge conflict markers; resolve the conflict before queue edits this file`, { file: conflicted.file });
  // Only stories claim offers (`model/rank.ts` offeredForms): of the main form, written in one place.
  const ranked = rankReady(queue.graph, agent, agents);
  if (ranked.length === 0) {
    // Ready work the Owner column gives to other agents is not this agent's; saying so beats
    // pointing at `queue blocked`, which lists none of it.
    const theirs = rankReady(queue.graph);
    if (theirs.length) {
      const named = theirs.slice(0, 3).map((s) => `${s.id} (${s.owner})`);
      throw new QueueError(
        'no_ready_story',
        `no story is ready for ${agent}: the ready ${theirs.length === 1 ? 'story is' : `stories are`} assigned to others in the Owner column: ${named.join(', ')}${theirs.length > 3 ? `, and ${theirs.length - 3} more` : ''} (claim one by id to take it)`,
        { agent, assigned: theirs.map((s) => ({ id: s.id, owner: s.owner })) },
      );
    }
    // Ready check boxes beside the main form: not offered, and not blocked either.
    const aside = readyNotOffered(queue.graph);
    if (aside.length) {
      const named = aside.slice(0, 3).map((s) => s.id);
      throw new QueueError(
        'no_ready_story',
        `no story is ready for ${agent}: ${named.join(', ')}${aside.length > 3 ? `, and ${aside.length - 3} more,` : ''} ${aside.length === 1 ? 'is a ready item' : 'are ready items'} beside the file's ${mainForm(queue)}, which queue claim without an id never takes (claim one by id to take it)`,
        { agent, aside: aside.map((s) => s.id) },
      );
    }
    throw new QueueError('no_ready_story', `no story is ready for ${agent} (queue blocked shows why)`, { agent });
  }
  return ranked[0];
}

/** How the stories claim offers are written, for messages: `table rows`, `heading blocks` or `task items`. */
function mainForm(queue: Queue): string {
  const kinds = new Set(queue.stories.map((s) => s.occurrences[0].kind));
  return kinds.has('table') ? 'table rows' : kinds.has('heading') ? 'heading blocks' : 'task items';
}

function notReady(queue: Queue, story: Story): QueueError {
  const g = queue.graph;
  const c = story.status.category;
  if (c === 'done' || c === 'cancelled') return new QueueError('not_ready', `${story.id} is ${c}`, { id: story.id, status: c, waitingOn: [] });
  if (g.inCycle(story.id)) return new QueueError('not_ready', `${story.id} is on a dependency cycle`, { id: story.id, waitingOn: g.waitingOn(story) });
  // A block whose status is a section no claim can move it out of: the move says why (`move.ts`).
  const occ = story.occurrences[0];
  const doc = unclaimable(story) ? queue.documents.find((d) => d.file === occ.file) : undefined;
  if (doc) {
    try {
      sectionMoveEdits(doc, occ, { category: 'in_progress', claimant: null });
    } catch (e) {
      if (e instanceof QueueError) return e;
      throw e;
    }
  }
  if (g.isHold(story)) {
    return new QueueError('not_ready', `${story.id} is held${story.status.reason ? `: ${story.status.reason}` : ''} (queue unblock releases a hold)`, {
      id: story.id,
      hold: true,
      reason: story.status.reason,
      waitingOn: [],
    });
  }
  const waiting = g.waitingOn(story);
  const children = g.openChildren(story.id);
  if (waiting.length === 0 && children.length)
    return new QueueError('not_ready', `${story.id} is a parent whose children are open (${children.join(', ')}): claim a child instead`, {
      id: story.id,
      waitingOn: [],
      children,
    });
  if (c === 'unknown')
    return new QueueError('not_ready', `${story.id}'s status "${story.status.raw}" does not read as a status (queue validate says why); write one queue reads first`, {
      id: story.id,
      waitingOn: waiting,
      status: c,
    });
  // Each dependency it waits on, with its own status (or that it is no story of the queue).
  const why = waiting.map((w) => {
    const dep = g.byId.get(w);
    return dep ? `${w} ("${dep.status.raw}")` : `${w} (no story of the queue)`;
  });
  return new QueueError('not_ready', `${story.id} waits on ${why.join(', ') || 'nothing it can name'}`, {
    id: story.id,
    waitingOn: waiting,
    status: c,
  });
}

function logEntry(doc: QueueDocument, story: Story, done: string, agent: string, depth: number | null): Edit | null {
  return completedLogEdit(doc, [{ story, agent, depth }], done);
}

/** A story to append to a Completed log: who did it, and its level in the dependency graph (1-based, null outside the graph). */
export interface LogRow {
  story: Story;
  agent: string;
  depth: number | null;
}

/**
 * One edit appending done stories to the document's Completed log, after its last row, one row each
 * in `rows`' order: `| [DONE] **5-3** | Batch progress | Dev 1 | 4 |` (`done` is the file's done
 * status). The wave is the story's own Wave cell, else its level in the dependency graph (`depth`),
 * else the log's last row's. Null when the document keeps no log or `rows` is empty. Pure.
 */
export function completedLogEdit(doc: QueueDocument, rows: readonly LogRow[], done: string): Edit | null {
  const log = doc.tables.find((t) => t.kind === 'log');
  if (!log || rows.length === 0) return null;
  const cols = log.columns;
  const eol = endingAfter(doc.text, log.end);
  const line = ({ story, agent, depth }: LogRow) => {
    const cells = log.headers.map(() => '');
    cells[cols.id === -1 ? 0 : cols.id] = `${done} **${story.id}**`;
    // The title as written (markup kept), from the story's own row when it has one.
    const titleSpan = story.occurrences[0].spans.title;
    if (cols.title !== -1) cells[cols.title] = titleSpan ? doc.text.slice(titleSpan.start, titleSpan.end) : cellText(story.title);
    if (cols.owner !== -1) cells[cols.owner] = cellText(agent);
    if (cols.wave !== -1) cells[cols.wave] = cellText(story.wave ?? (depth !== null ? String(depth) : (log.lastRow?.[cols.wave] ?? '')));
    return `${eol}| ${cells.join(' | ')} |`;
  };
  return { start: log.end, end: log.end, text: rows.map(line).join('') };
}
