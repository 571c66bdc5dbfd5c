/** Small text normalizers shared by the grammars. */

const NON_ASCII = /[^\x00-\x7f]/;

/** Lower-case, fold `-`, `_` and runs of white space to one space, trim; text beyond ASCII is put in
 * its composed form first (a Vietnamese `ạ` typed as `a` and a combining dot reads as one letter). */
export function fold(s: string): string {
  return (NON_ASCII.test(s) ? s.normalize('NFC') : s)
    .toLowerCase()
    .replace(/[-_\s]+/g, ' ')
    .trim();
}

/** Lower-case slug of `s`: letters and digits of any script, joined by `-`. */
export function slug(s: string, max = 40): string {
  const out = s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return out.slice(0, max).replace(/-+$/, '') || 'x';
}

/** Does `s` look like a story id: one token, short, with a digit or an upper-case/dash shape? */
export function isIdLike(s: string): boolean {
  return ID_TOKEN.test(s) && ID_SHAPE.test(s);
}

const ID_TOKEN = /^[#]?[\p{L}\p{N}][\p{L}\p{N}._/#-]{0,39}$/u;
const ID_SHAPE = /[\p{N}]|^[A-Z][A-Z0-9]*-/u;

/** An id leading a task's or a heading's text (`T-12 …`, `BUG-1: …`, `P2CSE-001 — …`, `8.2 …`),
 * with the separator after it. */
const LEADING_ID = /^([A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*[-_.]?\d+[A-Za-z0-9.-]*|\d+(?:[.-]\d+)+)(?:\s*[:—–)]\s*|\s+[-—–]\s+|\s+|$)/;
/** A numbered heading's number (`1. Dedicated iOS UI test harness`). */
const NUMBERED = /^(\d+)\.\s+/;

/**
 * Split the id leading `text` off it: `{ id, rest }` (rest trimmed), or null when it starts with no
 * id (at most 40 characters, with a digit). With `numbered`, a list-like number (`1. Title`) counts.
 */
export function leadingId(text: string, numbered = false): { id: string; rest: string } | null {
  const m = LEADING_ID.exec(text) ?? (numbered ? NUMBERED.exec(text) : null);
  if (!m || !/\d/.test(m[1]) || m[1].length > 40) return null;
  return { id: m[1].replace(/[.]$/, ''), rest: text.slice(m[0].length).trim() };
}
