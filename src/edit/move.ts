/**
 * Status writes on heading-block stories whose status is the section they sit in (`## Ready`,
 * `## In progress`, `## Done`; `dialect/headings.ts`, `dialect/sections.ts`). Such queues state the
 * rule: "Status is the section the item lives in. Move the whole item; do not duplicate it." So a
 * status change moves the story's block (its heading up to the next heading of the same or
 * a higher level) to the sibling section that states the wished status. The block's bytes move
 * as they are, except:
 * - a claim names its claimant in a `Claimed by` field, and a hold its reason in a `Blocked on`
 *   field (the value replaced, or a line added after the block's field list in its dress, or, for a
 *   block with none, a list item right after its heading); a move to
 *   a section where the field means nothing (back to `Ready`) drops the line;
 * - the block ends with one blank line wherever it lands;
 * - a section left empty gets the placeholder the file writes in empty sections (`_None._`), and a
 *   section that held only its placeholder loses it.
 * In the target section the block goes where it keeps the order of the ids there (a `Done` section
 * may be kept newest first), else last. Pure.
 */
import { QueueError } from '../domain/errors.js';
import type { QueueDocument } from '../read/queue.js';
import { blockEnd, fieldsIn } from '../dialect/headings.js';
import { leadingId } from '../dialect/normalize.js';
import { sectionsBeside, targetSection } from '../dialect/sections.js';
import type { RawHeading } from '../markdown/blocks.js';
import type { Occurrence } from '../domain/types.js';
import { endingBefore } from './common.js';
import { fieldLineAfter, fieldLineOpening, lastFieldLine, lineOf } from './fields.js';
import { applyEdits, type Edit } from './splice.js';
import type { StatusWish } from './style.js';
import { isClaimed } from '../domain/status.js';

/** A line that says a section is empty: `_None._`, `*None yet.*`, `(none)`, `Nothing here.`, and
 * the same words in the languages queue reads (`_Нет._`, `_Ninguno._`, `（なし）`, `暂无`). */
const PLACEHOLDER =
  /^[ \t]*([_*]{0,2})[(（]?(?:none|nothing|empty|no items?|нет|ничего|пусто|ninguno|ninguna|nada|vacío|aucun|aucune|rien|vide|keine|nichts|leer|nenhum|nenhuma|vazio|không có|trống|无|暂无|なし|無し|없음)(?:[ \t]+(?:yet|here|right now|at the moment|пока))?[.。]?[)）]?\1[ \t]*$/iu;

const LABEL: Record<StatusWish['category'], string> = { todo: 'ready', blocked: 'blocked', in_progress: 'in progress', review: 'in review', done: 'done', cancelled: 'cancelled' };

/** What a section-status story can be moved to for `wish`: a wait on dependencies (blocked with no
 * reason) is the ready section, where open dependencies already keep it waiting. */
export function sectionWish(wish: StatusWish): StatusWish {
  return wish.category === 'blocked' && !wish.reason ? { category: 'todo' } : wish;
}

/**
 * The edits that move heading-block story `occ` (whose status is its section, `occ.section`) to the
 * section stating `wish` (after {@link sectionWish}). `place`, when known (a release puts a block
 * back as it was, {@link SectionPlace}): where it goes there (before the first of the stories that
 * followed it that is still there), and the placeholder the section it leaves gets when the file
 * has none left; else where the ids keep their order. Throws `invalid` when
 * no sibling section states it.
 */
export function sectionMoveEdits(doc: QueueDocument, occ: Occurrence, wish: StatusWish, place?: SectionPlace): Edit[] {
  const text = doc.text;
  const hs = doc.headings;
  const i = hs.findIndex((h) => h.start === occ.start);
  const from = hs.findIndex((h) => h.line === occ.section!.line);
  if (i === -1 || from === -1) throw new QueueError('invalid', `${occ.file}:${occ.line}: the story's heading was not found again`);
  const to = targetSection(hs, from, wish.category);
  if (to === -1) {
    const siblings = sectionsBeside(hs, from)
      .map((k) => `"${hs[k].text.trim()}"`)
      .join(', ');
    throw new QueueError(
      'invalid',
      `${occ.file}:${occ.line}: this story's status is the section it sits in ("${occ.section!.heading}", line ${occ.section!.line}), and no section beside it says ${LABEL[wish.category]} (sections: ${siblings}); add one, or edit the file by hand`,
      { file: occ.file, line: occ.line },
    );
  }
  const fields = fieldEdits(doc, occ, hs, i, wish, place?.tight === true);
  if (to === from) return fields;
  const start = occ.start;
  const end = blockEnd(hs, i, text.length);
  const block = applyEdits(
    text.slice(start, end),
    fields.map((e) => ({ ...e, start: e.start - start, end: e.end - start })),
  );
  const body = block.replace(/(?:\r?\n[ \t]*)+$/, '');
  // The block's last line, and the blank line after it, keep their own endings where it arrives (a
  // file may mix them).
  const trail = block.slice(body.length).match(/\r?\n/g) ?? [];
  const ends = { own: trail[0] ?? endingBefore(text, end), blank: trail[1] ?? null };
  return [leave(doc, hs, from, start, end, place?.placeholder ?? null), arrive(doc, hs, to, i, body, ends, place?.following)];
}

/** The edits of the block's `Claimed by` and `Blocked on` fields for `wish`, in document offsets.
 * `tight`: the block had its text right under its heading (no field list, no blank line) before a
 * claim opened it with a field and a blank line: a field line that goes takes that blank line too. */
function fieldEdits(doc: QueueDocument, occ: Occurrence, hs: readonly RawHeading[], i: number, wish: StatusWish, tight: boolean): Edit[] {
  const text = doc.text;
  const bodyStart = lineOf(text, occ.start).next;
  const bodyEnd = i + 1 < hs.length ? hs[i + 1].start : text.length;
  const fields = fieldsIn(text, bodyStart, bodyEnd);
  const claimant = isClaimed(wish.category) ? (wish.claimant ?? null) : wish.category === 'done' ? undefined : null;
  const reason = wish.category === 'blocked' ? (wish.reason ?? null) : null;
  const edits: Edit[] = [];
  // The field lines that go: a line added after one of them takes its place instead, in its dress
  // (`Blocked on`, the block's last field, when it is claimed).
  const gone: Array<{ start: number; end: number }> = [];
  const adds: Array<[string, string]> = [];
  for (const [name, label, value] of [
    ['claimed by', 'Claimed by', claimant],
    ['blocked on', 'Blocked on', reason],
  ] as const) {
    if (value === undefined) continue; // done keeps who did it
    const f = fields.get(name);
    const one = value === null ? null : value.replace(/\r?\n|\r/g, ' ').trim();
    if (f && one !== null) {
      if (f.value !== one) edits.push({ start: f.start, end: f.end, text: one });
    } else if (f) {
      const l = lineOf(text, f.start);
      // The block's only field, right under its heading, then the blank line a claim put after it.
      const blank = tight && l.start === bodyStart ? lineOf(text, l.next) : null;
      const takesBlank = blank !== null && l.next < bodyEnd && blank.start === l.next && text.slice(blank.start, blank.end).trim() === '' && blank.next < bodyEnd;
      gone.push({ start: l.start, end: takesBlank ? blank.next : l.next });
    } else if (one !== null) adds.push([label, one]);
  }
  for (const [label, one] of adds) {
    const after = lastFieldLine(text, bodyStart, bodyEnd);
    const replaced = after ? gone.findIndex((g) => g.start === after.start) : -1;
    if (after && replaced !== -1) {
      edits.push({ start: after.start, end: after.end, text: fieldLineAfter(doc, after, label, one).text.replace(/^\r?\n/, '') });
      gone.splice(replaced, 1);
    } else edits.push(after ? fieldLineAfter(doc, after, label, one) : fieldLineOpening(text, lineOf(text, occ.start), label, one));
  }
  for (const g of gone) edits.push({ ...g, text: '' });
  return edits;
}

/** The edit taking the block `[start, end)` out of section `hs[from]`: a deletion, or the file's
 * placeholder when the section is left with nothing else. */
function leave(doc: QueueDocument, hs: readonly RawHeading[], from: number, start: number, end: number, known: string | null): Edit {
  const text = doc.text;
  const sectionBody = lineOf(text, hs[from].start).next;
  const sectionEnd = blockEnd(hs, from, text.length);
  const rest = text.slice(sectionBody, start) + text.slice(end, sectionEnd);
  const placeholder = rest.trim() === '' ? (placeholderOf(text) ?? known) : null;
  // A block that ends a file without a final line ending takes the line endings (and blank lines)
  // before it along, so that the file still ends without one.
  const unended = end === text.length && !/\r?\n$/.test(text);
  if (!placeholder) return { start: unended ? text.slice(0, start).replace(/(?:\r?\n[ \t]*)+$/, '').length : start, end, text: '' };
  // The placeholder's lines end as the section's line before the block does.
  const eol = endingBefore(text, start);
  return { start, end, text: end === text.length ? placeholder + (unended ? '' : eol) : placeholder + eol + eol };
}

/** The edit putting `body` (the block without trailing blank lines) into section `hs[to]`: in place
 * of its placeholder, before the first story that keeps the ids in order, or last. Its last line
 * ends `ends.own`, the blank line after it `ends.blank` (the block's own), else as the line before
 * where it goes does, as does a blank line put before it. */
function arrive(
  doc: QueueDocument,
  hs: readonly RawHeading[],
  to: number,
  i: number,
  body: string,
  ends: { own: string; blank: string | null },
  following?: readonly string[],
): Edit {
  const text = doc.text;
  const sectionBody = lineOf(text, hs[to].start).next;
  const sectionEnd = blockEnd(hs, to, text.length);
  const atEnd = (at: number) => at === text.length;
  const closing = (at: number) => (atEnd(at) ? (/\r?\n$/.test(text) ? ends.own : '') : ends.own + (ends.blank ?? endingBefore(text, at)));
  const placeholder = placeholderIn(text, sectionBody, sectionEnd);
  if (placeholder !== null) {
    const at = sectionBody + text.slice(sectionBody, sectionEnd).indexOf(placeholder);
    return { start: at, end: sectionEnd, text: body + closing(sectionEnd) };
  }
  const id = leadingId(hs[i].text.trim())?.id ?? '';
  const before = following === undefined ? orderedSlot(hs, to, sectionEnd, hs[i].depth, id) : firstOf(hs, to, sectionEnd, hs[i].depth, following);
  const at = before ?? sectionEnd;
  // The text before a heading ends with a blank line: keep one before the block.
  const eol = endingBefore(text, at);
  const tail = text.slice(Math.max(0, at - 4), at);
  const gap = at === 0 || /\r?\n\r?\n$/.test(tail) ? '' : /\r?\n$/.test(tail) ? eol : eol + eol;
  return { start: at, end: at, text: gap + body + closing(at) };
}

/** Where a story `id` goes among the stories (headings of `depth` with ids) of section `hs[to]` that
 * ends at `sectionEnd`, when their ids run in one order (ascending or descending): before the first
 * that comes after it. Null to append. */
function orderedSlot(hs: readonly RawHeading[], to: number, sectionEnd: number, depth: number, id: string): number | null {
  const kids: Array<{ id: string; start: number }> = [];
  for (let k = to + 1; k < hs.length && hs[k].start < sectionEnd; k++) {
    const lead = hs[k].depth === depth ? leadingId(hs[k].text.trim()) : null;
    if (lead) kids.push({ id: lead.id, start: hs[k].start });
  }
  if (kids.length < 2 || id === '') return null;
  const cmp = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });
  const steps = kids.slice(1).map((k, j) => Math.sign(cmp(kids[j].id, k.id)));
  const dir = steps[0];
  if (dir === 0 || steps.some((s) => s !== dir)) return null;
  return kids.find((k) => Math.sign(cmp(id, k.id)) === dir)?.start ?? null;
}

/** The start of the heading of the first of `ids` found among the stories (headings of `depth`) of
 * section `hs[to]` that ends at `sectionEnd`; null when none is there (the block goes last). */
function firstOf(hs: readonly RawHeading[], to: number, sectionEnd: number, depth: number, ids: readonly string[]): number | null {
  const at = new Map<string, number>();
  for (let k = to + 1; k < hs.length && hs[k].start < sectionEnd; k++) {
    const id = hs[k].depth === depth ? leadingId(hs[k].text.trim())?.id : undefined;
    if (id && !at.has(id)) at.set(id, hs[k].start);
  }
  for (const id of ids) if (at.has(id)) return at.get(id)!;
  return null;
}

/** Where a block whose status is its section sat before a claim moved it (read from the file then). */
export interface SectionPlace {
  /** The stories after it in its section, nearest first (empty: it was the last): it goes back
   * before the first of them still there. */
  following: readonly string[];
  /** The placeholder the in-progress section held then (`_None._`), null for none: what that
   * section gets back when the block leaves it empty and the file has no placeholder left. */
  placeholder: string | null;
  /** The block's text began right under its heading (no field list, no blank line). */
  tight: boolean;
}

/** Where heading block `occ` (whose status is its section) sits in `doc`, as {@link SectionPlace};
 * undefined when it is no such block there. */
export function sectionPlace(doc: QueueDocument, occ: Occurrence): SectionPlace | undefined {
  const hs = doc.headings;
  const i = hs.findIndex((h) => h.start === occ.start);
  const from = occ.section ? hs.findIndex((h) => h.line === occ.section!.line) : -1;
  if (i === -1 || from === -1) return undefined;
  const following: string[] = [];
  for (let k = i + 1; k < hs.length && hs[k].depth > hs[from].depth; k++) {
    const id = hs[k].depth === hs[i].depth ? leadingId(hs[k].text.trim())?.id : undefined;
    if (id) following.push(id);
  }
  const to = targetSection(hs, from, 'in_progress');
  const placeholder = to === -1 ? null : placeholderIn(doc.text, lineOf(doc.text, hs[to].start).next, blockEnd(hs, to, doc.text.length));
  const body = lineOf(doc.text, occ.start).next;
  const first = body < doc.text.length ? doc.text.slice(body, lineOf(doc.text, body).end) : '';
  const tight = first.trim() !== '' && lastFieldLine(doc.text, body, blockEnd(hs, i, doc.text.length)) === null && !/^#/.test(first.trim());
  return { following, placeholder, tight };
}

/** The placeholder line of the section body `[start, end)` of `text` when that is all it holds (blank
 * lines aside), as written; null otherwise. */
function placeholderIn(text: string, start: number, end: number): string | null {
  const lines = text
    .slice(start, end)
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  return lines.length === 1 && PLACEHOLDER.test(lines[0]) ? lines[0] : null;
}

/** The first placeholder line the file writes in an empty section, as written; null for none. */
function placeholderOf(text: string): string | null {
  for (const line of text.split(/\r?\n/)) if (PLACEHOLDER.test(line)) return line;
  return null;
}
