/**
 * How a story stood before the claim that a release undoes, read from the queue as it was then: what
 * the release writes back, so that a claim and its release leave the person's bytes as they were.
 * Pure.
 */
import { parseStatus, statusExtent } from '../dialect/status.js';
import type { Queue, QueueDocument } from '../read/queue.js';
import type { Occurrence, Story } from '../domain/types.js';
import { sectionPlace, type SectionPlace } from './move.js';
import { reconcilable, tableStatusCells } from './common.js';

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
  /** For a story that read blocked because it waited on its dependencies (no hold; `form` null):
   * its status as written (`[BLOCKED]`), which an unblock writes back while it still waits. */
  waited?: string;
  /** With `form`: the file's other status cells then, each distinct one once (`edit/common.ts`
   * tableStatusCells). When the file now holds none of them, it was rewritten in another dialect
   * since (by hand, `[ ]`/`[DONE]` to words), and the form then is not written back: the file's own
   * is. Empty when the story was the only one. */
  cells?: string[];
}

/** How a done story stood before the claim whose work its done finished: what a reopen writes back. */
export interface Reopened {
  /** The story's to-do form then ({@link Former}); null when it cannot be told. */
  former: Former | null;
  /** The table stories of its file that read `[BLOCKED]` then because they waited on their
   * dependencies (no hold), by id, each with its status as written (`[BLOCKED]`, `Blocked`): those
   * its done released that wait again are written so again, though no row may show that any more. */
  waiting: ReadonlyMap<string, string>;
}

/** The status `occ` (a table row or a heading block's `Status:` line) is written with in `doc`,
 * without a note after it, and the note (with the spaces before it) when one follows outside any
 * emphasis; null when there is none on one line. */
function writtenStatus(doc: QueueDocument, occ: Occurrence): { form: string; note?: string } | null {
  const span = occ.spans.status;
  if (!span) return null;
  const cell = doc.text.slice(span.start, span.end);
  const extent = statusExtent(cell, doc.lexicon);
  const form = (extent ? cell.slice(extent.start, extent.end) : cell).trim();
  if (form === '' || /[\r\n]/.test(form)) return null;
  if (!extent) return { form };
  // Inside emphasis that runs on over the note (`**Todo (est. 2d)**`), the note is what lies
  // between the status and the closing marks.
  const open = cell.slice(0, extent.start).trimStart();
  let note = cell.slice(extent.end).trimEnd();
  if (open !== '') {
    if (!/^[*_]+$/.test(open) || !note.endsWith(mirrored(open))) return { form };
    note = note.slice(0, note.length - open.length);
  }
  return note.trim() !== '' && !/[*_`\r\n]/.test(note) ? { form, note } : { form };
}

/** Emphasis marks `open` as they close (`**_` closes as `_**`). */
export const mirrored = (open: string): string => [...open].reverse().join('');

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
  const written = writtenStatus(doc, occ);
  if (!written || parseStatus(written.form, doc.lexicon).category !== 'todo') return null;
  // The story's own cell is not the file's: the cells of the others, each distinct one once.
  const all = tableStatusCells(before, doc);
  const own = occ.spans.status ? doc.text.slice(occ.spans.status.start, occ.spans.status.end) : null;
  const cells = new Set(all);
  if (own !== null && all.indexOf(own) === all.lastIndexOf(own)) cells.delete(own);
  return { ...written, cells: [...cells] };
}

/**
 * How done story `id` stood in `before` (the queue before the claim whose work its done finished),
 * as {@link Reopened}. Pure.
 */
export function reopenedOf(before: Queue, id: string): Reopened {
  const story = before.graph.byId.get(id);
  const doc = story ? before.documents.find((d) => d.file === story.file) : undefined;
  const waiting = new Map<string, string>();
  if (doc)
    for (const s of reconcilable(before, doc)) {
      const form = waitedForm(before, doc, s);
      if (form !== null) waiting.set(s.id, form);
    }
  return { former: formerOf(before, id), waiting };
}

/** The status of table story `s` of `doc` as written, when it reads blocked in `queue` because it
 * waits on its dependencies (no hold); else null. */
function waitedForm(queue: Queue, doc: QueueDocument, s: Story): string | null {
  const occ = s.occurrences[0];
  if (occ.kind !== 'table' || occ.section || s.status.category !== 'blocked' || queue.graph.isHold(s)) return null;
  return writtenStatus(doc, occ)?.form ?? null;
}

/**
 * How story `id` stood in `before` (the queue before the hold an unblock lifts): its to-do form
 * ({@link formerOf}), or, when it read blocked because it waited, that status as written
 * ({@link Former.waited}). Null when neither. Pure.
 */
export function heldFromOf(before: Queue, id: string): Former | null {
  const former = formerOf(before, id);
  if (former) return former;
  const story = before.graph.byId.get(id);
  const doc = story ? before.documents.find((d) => d.file === story.file) : undefined;
  const waited = story && doc && story.occurrences.filter((o) => o.kind !== 'log').length === 1 ? waitedForm(before, doc, story) : null;
  return waited === null ? null : { form: null, waited };
}
