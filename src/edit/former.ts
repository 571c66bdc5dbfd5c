/**
 * How a story stood before the claim that a release undoes, read from the queue as it was then: what
 * the release writes back, so that a claim and its release leave the person's bytes as they were.
 * Pure.
 */
import { parseStatus, statusExtent } from '../dialect/status.js';
import type { Queue } from '../read/queue.js';
import { sectionPlace, type SectionPlace } from './move.js';
import { reconcilable, writesBlocked } from './common.js';

/** How a story stood before the claim a release undoes: its to-do status as written, and, for a
 * heading block whose status is its section, where it sat. */
export interface Former {
  /** The status alone, without a note (`**OPEN**`, `⬜ Pending`, `` `todo` ``); null when none. */
  form: string | null;
  /** For a heading block whose status is its section: where it sat, and the in-progress section's
   * placeholder then. */
  place?: SectionPlace;
  /** What followed the status in its cell, with the spaces before it (` (est. 2d)`), when anything
   * did: a note the writes since kept beside the status. */
  note?: string;
}

/** How a done story stood before the claim whose work its done finished: what a reopen writes back. */
export interface Reopened {
  /** The story's to-do form then ({@link Former}); null when it cannot be told. */
  former: Former | null;
  /** The file wrote `[BLOCKED]` for stories that waited on their dependencies then
   * (`edit/common.ts` writesBlocked): the dependents its done released wait again, so they are
   * `[BLOCKED]` again, though no row shows that convention any more. */
  blocksWaiting: boolean;
}

/**
 * How story `id` stood in `before` (the queue as it stood before the claim a release undoes), as
 * {@link Former}: what a release writes back, so that a claim and its release leave the person's
 * bytes as they were. Null when the story did not read as to do there, or was neither a table row,
 * a heading block with a `Status:` line, nor a block whose status is its section.
 */
export function formerOf(before: Queue, id: string): Former | null {
  const story = before.graph.byId.get(id);
  const occ = story?.occurrences.find((o) => o.kind !== 'log');
  if (!story || !occ || story.status.category !== 'todo' || (occ.kind !== 'table' && occ.kind !== 'heading')) return null;
  const doc = before.documents.find((d) => d.file === occ.file);
  if (!doc) return null;
  if (occ.section) {
    const place = sectionPlace(doc, occ);
    return place === undefined ? null : { form: null, place };
  }
  const span = occ.spans.status;
  if (!span) return null;
  const cell = doc.text.slice(span.start, span.end);
  const extent = statusExtent(cell, doc.lexicon);
  const form = (extent ? cell.slice(extent.start, extent.end) : cell).trim();
  if (form === '' || /[\r\n]/.test(form) || parseStatus(form, doc.lexicon).category !== 'todo') return null;
  const note = extent ? cell.slice(extent.end).trimEnd() : '';
  return note.trim() !== '' && !/[\r\n]/.test(note) ? { form, note } : { form };
}

/**
 * How done story `id` stood in `before` (the queue before the claim whose work its done finished),
 * as {@link Reopened}. Pure.
 */
export function reopenedOf(before: Queue, id: string): Reopened {
  const story = before.graph.byId.get(id);
  const doc = story ? before.documents.find((d) => d.file === story.file) : undefined;
  return { former: formerOf(before, id), blocksWaiting: doc !== undefined && writesBlocked(before, reconcilable(before, doc)) };
}
