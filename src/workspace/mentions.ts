import type { Queue } from '../read/queue.js';

/** A letter, digit or underscore: a character that would make an id part of a longer word. */
const WORD = /^[\p{L}\p{N}_]$/u;
const DIGIT = /^\p{N}$/u;

/** The code point that ends just before UTF-16 index `i` (a surrogate pair read whole), or ''. */
function before(text: string, i: number): string {
  if (i <= 0) return '';
  const low = text.charCodeAt(i - 1);
  return low >= 0xdc00 && low <= 0xdfff && i >= 2 ? text.slice(i - 2, i) : text[i - 1];
}

/** The code point that starts at UTF-16 index `i`, or ''. */
function at(text: string, i: number): string {
  if (i >= text.length) return '';
  return String.fromCodePoint(text.codePointAt(i)!);
}

/**
 * Find which known story ids a free text mentions, in the order of `ids`. Pure.
 *
 * An occurrence counts when it stands as a word of its own: not preceded by a letter, digit, `_`
 * or `-`, and not followed by a letter, digit, `_` or `-<digit>` (so `INFRA-00` is not found in
 * `INFRA-001`, nor `8-2` in `8-2-1`, but `8-2` is found in `8-2.` and `(8-2)`). Case-sensitive.
 * Cost: one `indexOf` scan per id, no regular expression built per id (a regexp per id would compile
 * 1,000 Unicode regexps per pass against a 1,000-story queue).
 */
export function mentionedIds(text: string, ids: Iterable<string>): string[] {
  const out: string[] = [];
  for (const id of ids) {
    if (id === '') continue;
    for (let i = text.indexOf(id); i !== -1; i = text.indexOf(id, i + 1)) {
      const b = before(text, i);
      if (b === '-' || WORD.test(b)) continue;
      const end = i + id.length;
      const a = at(text, end);
      if (WORD.test(a) || (a === '-' && DIGIT.test(at(text, end + 1)))) continue;
      out.push(id);
      break;
    }
  }
  return out;
}

/** The ids a free text can name: those written in the queue (not ids queue derived from a title). */
export function writtenIds(queue: Queue): string[] {
  return queue.stories.filter((s) => !s.derivedId).map((s) => s.id);
}
