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
  /** With `form`: how the file's other status cells wrote each status category then
   * ({@link statusForms}). Where the file now writes every category it wrote then otherwise (it was
   * rewritten in another dialect since, by hand: `[ ]`/`[DONE]` to `Todo`/`Done`), the form then is
   * not written back: the file's own is ({@link rewrittenSince}). */
  forms?: Record<string, string[]>;
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
  return { ...written, forms: statusForms(before, doc, occ) };
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

/**
 * How the status cells of `doc` (`edit/common.ts` tableStatusCells) but the one of `occ` write each
 * status category: the distinct forms of each, the status alone (no note after it), its claimant or
 * reason left out (`[IN PROGRESS: Dev 1]` and `[IN PROGRESS: Dev 2]` are one form).
 */
export function statusForms(queue: Queue, doc: QueueDocument, occ: Occurrence): Record<string, string[]> {
  const cells = tableStatusCells(queue, doc);
  const own = occ.spans.status ? doc.text.slice(occ.spans.status.start, occ.spans.status.end) : null;
  const skip = own === null ? -1 : cells.indexOf(own);
  const forms = new Map<string, Set<string>>();
  for (let k = 0; k < cells.length; k++) {
    if (k === skip) continue;
    const cell = cells[k].trim();
    const extent = statusExtent(cell, doc.lexicon);
    const source = extent ? cell.slice(extent.start, extent.end) : cell;
    const st = parseStatus(source, doc.lexicon);
    if (st.category === 'unknown') continue;
    const arg = st.category === 'blocked' ? st.reason : st.claimant;
    const form = arg && source.includes(arg) ? source.replace(arg, () => '\u0000') : source;
    const seen = forms.get(st.category) ?? new Set<string>();
    seen.add(form);
    forms.set(st.category, seen);
  }
  return Object.fromEntries([...forms].map(([c, f]) => [c, [...f]]));
}

/**
 * Whether a file was rewritten in another dialect between `then` and `now` ({@link statusForms} of
 * each): it writes every category both show in forms it did not write then. False when no category
 * is shown both times (nothing tells: the other stories all moved on, in a small queue).
 */
export function rewrittenSince(then: Record<string, string[]>, now: Record<string, string[]>): boolean {
  let common = 0;
  for (const [category, forms] of Object.entries(then)) {
    const current = now[category];
    if (!current) continue;
    common++;
    if (forms.some((f) => current.includes(f))) return false;
  }
  return common > 0;
}
