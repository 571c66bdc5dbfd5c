/**
 * How a story stood before the claim that a release undoes, read from the queue as it was then: what
 * the release writes back, so that a claim and its release leave the person's bytes as they were.
 * Pure.
 */
import { parseStatus, statusExtent } from '../dialect/status.js';
import type { Queue } from '../read/queue.js';
import { sectionPlace, type SectionPlace } from './move.js';

/** How a story stood before the claim a release undoes: its to-do status as written, and, for a
 * heading block whose status is its section, where it sat. */
export interface Former {
  /** The status alone, without a note (`**OPEN**`, `⬜ Pending`, `` `todo` ``); null when none. */
  form: string | null;
  /** For a heading block whose status is its section: where it sat, and the in-progress section's
   * placeholder then. */
  place?: SectionPlace;
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
  return form !== '' && !/[\r\n]/.test(form) && parseStatus(form, doc.lexicon).category === 'todo' ? { form } : null;
}
