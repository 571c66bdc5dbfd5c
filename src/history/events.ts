/**
 * A queue's change as typed events: two readings of a queue file (before and after one commit) →
 * claim, release, done, cancel, block, unblock, review, reopen, add, remove, edit and dependency events,
 * one list per story in file order. Pure.
 *
 * Status changes are classified by category (the status grammar's, `dialect/status.ts`): to in
 * progress or review from open is a claim (from another claimant too: a steal is a claim the rules
 * refuse), to done a done, from done a reopen, into cancelled (from anything but done) a cancel, in
 * progress/review back to todo a release, into blocked a block, out of blocked an unblock.
 */
import type { Queue } from '../read/queue.js';
import type { Story } from '../domain/types.js';
import { isClaimed } from '../domain/status.js';

/** What happened to a story between two versions of the queue. */
export type EventKind = 'claim' | 'release' | 'done' | 'cancel' | 'block' | 'unblock' | 'review' | 'reopen' | 'add' | 'remove' | 'edit' | 'dependency';

/** One thing that happened to one story. */
export interface QueueEvent {
  kind: EventKind;
  story: string;
  /** Status as written before and after (absent for add / remove). */
  from?: string;
  to?: string;
  /** Claimant before and after. */
  claimantBefore?: string | null;
  claimant?: string | null;
  /** For `dependency`: ids (or refs) added and removed. */
  added?: string[];
  removed?: string[];
  /** For `edit`: what changed (`title`, a column name…). */
  fields?: string[];
  /** For `add`: the story came in already done, to a file that was there before (it was finished
   * by this change, as a person writes a story they did straight into the done list). */
  finished?: true;
  /** Where the story is (after, or before for a removal). */
  file: string;
  line: number;
}

function statusEvent(a: Story, b: Story): QueueEvent['kind'] | null {
  const c0 = a.status.category;
  const c1 = b.status.category;
  if (c0 === c1) {
    if (isClaimed(c1) && (a.claimant ?? '').toLowerCase() !== (b.claimant ?? '').toLowerCase()) return 'claim';
    if (c1 === 'blocked' && a.status.reason !== b.status.reason) return b.status.reason ? 'block' : 'unblock';
    return null;
  }
  if (c1 === 'done') return 'done';
  if (c0 === 'done' || c0 === 'cancelled') return 'reopen';
  if (c1 === 'cancelled') return 'cancel';
  if (c1 === 'in_progress') return c0 === 'review' ? 'review' : 'claim';
  // Into review from a status nobody holds takes the story as a claim does: judged as one.
  if (c1 === 'review') return isClaimed(c0) ? 'review' : 'claim';
  if (c1 === 'blocked') return 'block';
  if (c0 === 'blocked') return 'unblock';
  if (c1 === 'todo') return 'release';
  return 'edit';
}

const depIds = (s: Story) => s.deps.map((d) => d.id ?? d.ref);

/** The events that take `before` (null: the file did not exist) to `after`. */
export function diffQueues(before: Queue | null, after: Queue): QueueEvent[] {
  const out: QueueEvent[] = [];
  const old = before?.graph.byId ?? new Map<string, Story>();
  for (const b of after.stories) {
    const a = old.get(b.id);
    // The same story, or a copy of it moved in the file (`read/patch.ts`): its status, dependencies
    // and fields are the very objects, so nothing of what is compared below changed.
    if (
      a !== undefined &&
      (a === b || (a.status === b.status && a.deps === b.deps && a.fields === b.fields && a.title === b.title && a.storyFile === b.storyFile && a.claimant === b.claimant))
    )
      continue;
    const where = { story: b.id, file: b.file, line: b.line };
    if (!a) {
      out.push({ kind: 'add', ...where, to: b.status.raw, claimant: b.claimant, ...(before && b.status.category === 'done' ? { finished: true as const } : {}) });
      continue;
    }
    const kind = statusEvent(a, b);
    if (kind) out.push({ kind, ...where, from: a.status.raw, to: b.status.raw, claimantBefore: a.claimant, claimant: b.claimant });
    const d0 = depIds(a);
    const d1 = depIds(b);
    const added = d1.filter((x) => !d0.includes(x));
    const removed = d0.filter((x) => !d1.includes(x));
    if (added.length || removed.length) out.push({ kind: 'dependency', ...where, added, removed });
    const fields: string[] = [];
    if (a.title !== b.title) fields.push('title');
    if (a.storyFile !== b.storyFile) fields.push('storyFile');
    for (const k of new Set([...Object.keys(a.fields), ...Object.keys(b.fields)])) if (a.fields[k] !== b.fields[k]) fields.push(k);
    if (fields.length) out.push({ kind: 'edit', ...where, fields });
  }
  if (before) {
    for (const a of before.stories) {
      if (!after.graph.byId.has(a.id)) out.push({ kind: 'remove', story: a.id, file: a.file, line: a.line, from: a.status.raw, claimantBefore: a.claimant });
    }
  }
  return out;
}
