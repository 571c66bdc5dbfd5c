/**
 * `Name: value` field lines of heading-block stories (`dialect/headings.ts`): finding the block's
 * field list and writing a new field in the dress of its neighbours (`- **Type**: feature` →
 * `- **Owner**: Dev 2`; `**Status:** todo` → `**Depends on:** QW-1`; `Status: todo` → `Owner: A`). Pure.
 */
import type { QueueDocument } from '../read/queue.js';
import type { Occurrence } from '../domain/types.js';
import { fieldsIn, type Field } from '../dialect/headings.js';
import { parseStatus } from '../dialect/status.js';
import type { Edit } from './splice.js';
import type { StatusWish } from './style.js';
import { deleteLines, endingAfter } from './common.js';

/** A field line: prefix (indent, bullet, opening bold), name (in any language: `Priority`,
 * `Приоритет`, `優先度`), and the dress between name and value (a full-width colon too). */
const DRESS = /^([ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?)(\p{L}[\p{L}\p{M} -]{0,30}?)((?:\*\*|__)?[ \t]*[:：](?:\*\*|__)?[ \t]*)(?=\S)/u;

/** A line of `text`: `[start, end)` without its line ending, and where the next line starts. */
interface Line {
  start: number;
  end: number;
  next: number;
}

function lineAt(text: string, start: number): Line {
  let nl = text.indexOf('\n', start);
  if (nl === -1) nl = text.length;
  return { start, end: text[nl - 1] === '\r' ? nl - 1 : nl, next: Math.min(text.length, nl + 1) };
}

/** The line holding offset `at`. */
export function lineOf(text: string, at: number): Line {
  return lineAt(text, text.lastIndexOf('\n', at - 1) + 1);
}

/**
 * The last line of the field list that opens a heading block's body (`bodyStart` is the line after
 * the heading; blank lines before the list are skipped), or null when the body opens with anything
 * else. `bodyEnd` bounds the search.
 */
export function lastFieldLine(text: string, bodyStart: number, bodyEnd: number): Line | null {
  let at = bodyStart;
  let last: Line | null = null;
  while (at < bodyEnd) {
    const l = lineAt(text, at);
    const s = text.slice(l.start, l.end);
    if (s.trim() === '') {
      if (last) break;
    } else if (DRESS.test(s)) last = l;
    else break;
    at = l.next;
    if (l.next === l.end) break;
  }
  return last;
}

/**
 * An edit inserting the field `name: value` as a new line right after `after` (a field line), in
 * its dress and its name's case (`TYPE` → `OWNER`, `type` → `owner`).
 */
export function fieldLineAfter(doc: QueueDocument, after: Line, name: string, value: string): Edit {
  const text = doc.text;
  const line = text.slice(after.start, after.end);
  const m = DRESS.exec(line);
  const [prefix, key, dress] = m ? [m[1], m[2], m[3]] : ['', 'Field', ': '];
  // Marks opened before the name and closed after the value (`**Status: todo**`) close the new
  // line's value too.
  const open = /(\*\*|__)$/.exec(prefix)?.[1];
  const close = open !== undefined && m !== null && !dress.includes(open) && line.indexOf(open, m[0].length) !== -1 ? open : '';
  // The name's case follows a name written in letters that have case (`TYPE`, `type`); a name in a
  // script without case (`優先度`), or capitalized, leaves it as given.
  const cased = key.toUpperCase() !== key.toLowerCase();
  const word = !cased ? name : key === key.toUpperCase() ? name.toUpperCase() : key[0] === key[0].toLowerCase() ? name.toLowerCase() : name;
  return { start: after.end, end: after.end, text: `${endingAfter(text, after.end)}${prefix}${word}${dress}${value}${close}` };
}

/**
 * An edit opening a heading block that has no field list with one: the field `name: value` as a
 * list item (`- **Claimed by**: Dev 2`, the form docs/formats.md shows) on the line right after
 * `heading` (the block's heading line). A blank line follows it when the body goes on right after
 * the heading, so the item does not run on into the paragraph after it.
 */
export function fieldLineOpening(text: string, heading: Line, name: string, value: string): Edit {
  const eol = endingAfter(text, heading.end);
  const item = `- **${name}**: ${value}`;
  // A heading that ends the file without a line ending.
  if (heading.next === heading.end) return { start: heading.end, end: heading.end, text: `${eol}${item}` };
  const next = lineAt(text, heading.next);
  const blankAfter = heading.next >= text.length || text.slice(next.start, next.end).trim() === '';
  return { start: heading.next, end: heading.next, text: `${item}${eol}${blankAfter ? '' : eol}` };
}

/**
 * For a heading block with a `Status:` line of its own (`occ`) that holds no reason itself, held by
 * the reason of its `Blocked on:` line (the first before the next heading, as `dialect/headings.ts`
 * reads it): the edits taking that line away, with the lines indented under it (which continue it)
 * and the other `Blocked on:` lines of the same field list (which would hold it next), when `wish`
 * holds it for no reason of its own (an unblock, a claim, a done); else none. Lines further on (a
 * note under a sub-heading, prose) are the person's, and stay. A line that ends the file without a
 * line ending takes the ending before it instead, so that the file still ends as it did.
 */
export function blockedOnEdits(doc: QueueDocument, occ: Occurrence, wish: StatusWish): Edit[] {
  if (occ.kind !== 'heading' || occ.section || occ.status.category !== 'blocked' || occ.status.reason === null) return [];
  if (wish.category === 'blocked' && wish.reason) return [];
  if (parseStatus(occ.status.raw, doc.lexicon).reason !== null) return []; // the status line holds its own reason
  const text = doc.text;
  const own = ownFields(doc, occ);
  const f = own?.fields.get('blocked on');
  if (!own || !f || f.value.trim() !== occ.status.reason) return [];
  // From the reader's line to the end of its field list (a blank line, the next heading): each
  // Blocked on: line with the lines indented under it.
  const gone: Array<{ start: number; end: number }> = [];
  for (let l = lineOf(text, f.start); l.start < own.end && text.slice(l.start, l.end).trim() !== ''; ) {
    let last = l;
    for (let c = lineAt(text, last.next); c.start < own.end && /^[ \t]+\S/.test(text.slice(c.start, c.end)); c = lineAt(text, c.next)) last = c;
    if (fieldsIn(text, l.start, l.next).has('blocked on')) gone.push({ start: l.start, end: last.end });
    if (last.next === last.end) break;
    l = lineAt(text, last.next);
  }
  return deleteLines(text, gone);
}

/**
 * The fields of heading block `occ`'s own text (`dialect/headings.ts` fieldsIn from the line after
 * its heading to the next heading of any level, as the reader reads them), with where that text
 * ends; null when its heading is not found.
 */
export function ownFields(doc: QueueDocument, occ: Occurrence): { fields: Map<string, Field>; end: number } | null {
  const i = doc.headings.findIndex((h) => h.start === occ.start);
  if (i === -1) return null;
  const end = i + 1 < doc.headings.length ? doc.headings[i + 1].start : doc.text.length;
  return { fields: fieldsIn(doc.text, lineOf(doc.text, occ.start).next, end), end };
}
