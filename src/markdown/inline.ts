/**
 * Fast plain text of a table cell's or heading's inline Markdown, for the cases where it is certain.
 *
 * Returns exactly what `mdast-util-to-string` gives for the inline content remark-gfm would parse
 * from `raw`, or `null` when the content uses a construct this fast path does not model (links,
 * escapes, entities, strikethrough, non-trivial emphasis, autolinks in angle brackets, …); the caller
 * then asks remark (`read.ts`). The caller guarantees the document has no link or footnote
 * definitions (those change how `[…]` parses).
 *
 * Modelled, per CommonMark 0.31 §6 and GFM: code spans (§6.1, one space stripped from each side),
 * `*`/`**` emphasis whose openers follow start-of-text or a space and whose closers precede
 * end-of-text or a space, intraword `_` (never emphasis), raw HTML (its text is kept as written).
 */
export function fastInlineText(raw: string): string | null {
  if (raw.length === 0) return '';
  if (!SPECIAL.test(raw)) return raw;
  const strong = boldOnly(raw);
  if (strong !== null) return strong;
  if (raw.includes('\\') || raw.includes('~')) return null;
  if (raw.includes('](') || raw.includes('][') || raw.includes('![')) return null;
  if (raw.includes('&') && ENTITY.test(raw)) return null;
  const hasTick = raw.includes('`');
  const hasStar = raw.includes('*');
  const hasAngle = raw.includes('<');
  if (hasAngle && (hasTick || hasStar || raw.includes('_') || AUTOLINK.test(raw))) return null;
  if (hasTick && (hasStar || raw.includes('_'))) return null;
  if (raw.includes('_') && !intrawordUnderscoresOnly(raw)) return null;
  if (hasTick) return codeSpans(raw);
  if (hasStar) return simpleEmphasis(raw);
  return raw;
}

const SPECIAL = /[\\`*_~[\]<>&!]/;
const ENTITY = /&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});/;
const AUTOLINK = /<[A-Za-z][A-Za-z0-9+.-]{1,31}:|<[^\s<>]*@/;
const ALNUM = /[A-Za-z0-9]/;
const SPACE = /\s/;

/**
 * `**x**` with no other markup: the inner text (a bold id, the commonest cell of all). Null when
 * `raw` is anything else. Agrees with {@link simpleEmphasis} on the inputs it accepts.
 */
function boldOnly(raw: string): string | null {
  const n = raw.length;
  if (n < 5 || raw.charCodeAt(0) !== 42 || raw.charCodeAt(1) !== 42 || raw.charCodeAt(n - 1) !== 42 || raw.charCodeAt(n - 2) !== 42) return null;
  const inner = raw.slice(2, n - 2);
  if (SPECIAL.test(inner) || SPACE.test(inner[0]) || SPACE.test(inner[inner.length - 1])) return null;
  return inner;
}

function intrawordUnderscoresOnly(raw: string): boolean {
  for (let i = raw.indexOf('_'); i !== -1; i = raw.indexOf('_', i + 1)) {
    if (i === 0 || i === raw.length - 1) return false;
    if (!ALNUM.test(raw[i - 1]) || !ALNUM.test(raw[i + 1])) return false;
  }
  return true;
}

function runLength(s: string, i: number, ch: string): number {
  let j = i;
  while (j < s.length && s[j] === ch) j++;
  return j - i;
}

/** CommonMark §6.1: a backtick run opens a code span closed by the next run of equal length. */
function codeSpans(raw: string): string {
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const open = raw.indexOf('`', i);
    if (open === -1) {
      out += raw.slice(i);
      break;
    }
    out += raw.slice(i, open);
    const n = runLength(raw, open, '`');
    let close = -1;
    for (let j = raw.indexOf('`', open + n); j !== -1; ) {
      const m = runLength(raw, j, '`');
      if (m === n) {
        close = j;
        break;
      }
      j = raw.indexOf('`', j + m);
    }
    if (close === -1) {
      out += raw.slice(open, open + n);
      i = open + n;
      continue;
    }
    let content = raw.slice(open + n, close);
    if (content.length >= 2 && content[0] === ' ' && content[content.length - 1] === ' ' && content.trim() !== '') {
      content = content.slice(1, -1);
    }
    out += content;
    i = close + n;
  }
  return out;
}

/** Pairs of `*`/`**` runs delimited by start/space outside and non-space inside, else null. */
function simpleEmphasis(raw: string): string | null {
  const runs: Array<[number, number]> = [];
  for (let i = raw.indexOf('*'); i !== -1; ) {
    const n = runLength(raw, i, '*');
    if (n > 2) return null;
    runs.push([i, n]);
    i = raw.indexOf('*', i + n);
  }
  if (runs.length % 2 !== 0) return null;
  let out = '';
  let last = 0;
  for (let k = 0; k < runs.length; k += 2) {
    const [o, on] = runs[k];
    const [c, cn] = runs[k + 1];
    if (on !== cn) return null;
    const before = o === 0 ? ' ' : raw[o - 1];
    const first = raw[o + on];
    const lastIn = raw[c - 1];
    const after = c + cn >= raw.length ? ' ' : raw[c + cn];
    if (!(before === ' ' || before === '\t') || SPACE.test(first)) return null;
    if (!(after === ' ' || after === '\t') || SPACE.test(lastIn)) return null;
    if (c === o + on) return null;
    out += raw.slice(last, o) + raw.slice(o + on, c);
    last = c + cn;
  }
  return out + raw.slice(last);
}
