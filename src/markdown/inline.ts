/**
 * Fast plain text of a table cell's, heading's or task paragraph's inline Markdown (one line: a
 * paragraph's lines joined by a space), for the cases where it is certain.
 *
 * Returns exactly what `mdast-util-to-string` gives for the inline content remark-gfm would parse
 * from `raw`, or `null` when the content uses a construct this fast path does not model (links,
 * escapes, entities, strikethrough, non-trivial emphasis, autolinks in angle brackets, …); the caller
 * then asks remark (`read.ts`). The caller guarantees the document has no link or footnote
 * definitions (those change how `[…]` parses).
 *
 * Modelled, per CommonMark 0.31 §6 and GFM: code spans (§6.1, one space stripped from each side),
 * `*`/`**` emphasis and, where no `*` is beside it, `_`/`__` emphasis, whose runs are each purely
 * an opener or a closer (an opener after start-of-text or a space, a closer before end-of-text or
 * a space, or either beside ASCII punctuation with a letter or digit inside), intraword `_` (never
 * emphasis: `_(infantry_division)_` is emphasis around it), raw HTML (its text is kept as
 * written), and code spans beside such emphasis or underscores (`**DONE** — \`specs/a_b.md\``).
 */
export function fastInlineText(raw: string): string | null {
  if (raw.length === 0) return '';
  if (!SPECIAL.test(raw)) return raw;
  const strong = boldOnly(raw);
  if (strong !== null) return strong;
  const hasTick = raw.includes('`');
  if (raw.includes('\\') || (raw.includes('~') && !hasTick)) return null;
  if (raw.includes('](') || raw.includes('][') || raw.includes('![')) return null;
  if (raw.includes('&') && ENTITY.test(raw)) return null;
  const hasStar = raw.includes('*');
  const hasAngle = raw.includes('<');
  if (hasTick) return wholeCodeSpan(raw) ?? codeThenEmphasis(raw);
  if (hasAngle && (hasStar || raw.includes('_') || AUTOLINK.test(raw))) return null;
  if (raw.includes('_') && !intrawordUnderscoresOnly(raw)) return hasStar ? null : pairRuns(raw, underscoreRuns(raw));
  if (hasStar) return simpleEmphasis(raw);
  return raw;
}

/**
 * A cell that is one code span of single backticks and nothing else (`` `stories/S-1.md` ``, the
 * commonest cell after a bold id): its content, one space stripped from each side as §6.1 says; null
 * for anything else. What {@link codeThenEmphasis} gives for it, without its passes.
 */
function wholeCodeSpan(raw: string): string | null {
  const n = raw.length;
  if (n < 3 || raw.charCodeAt(0) !== 96 || raw.charCodeAt(n - 1) !== 96 || raw.indexOf('`', 1) !== n - 1 || raw.includes(CODE)) return null;
  const content = raw.slice(1, n - 1);
  return content.length >= 2 && content[0] === ' ' && content[content.length - 1] === ' ' && content.trim() !== '' ? content.slice(1, -1) : content;
}

/** Stands for a code span while emphasis is judged: not a space, not `*`, `_` or alphanumeric. */
const CODE = '\u0000';

/**
 * Code spans first (CommonMark §6.1: a code span's backticks bind tighter than emphasis, and its
 * content is literal), then `*`/`_` on the text outside them, each span one opaque non-space
 * character there. The caller has ruled out links and escapes; a `<` outside every span gives null.
 * Null where emphasis outside is not simple, or where an unmatched backtick run meets `*` or `_`.
 */
function codeThenEmphasis(raw: string): string | null {
  if (raw.includes(CODE)) return null;
  const spans = codeSpanList(raw);
  let outside = '';
  let last = 0;
  for (const sp of spans) {
    outside += raw.slice(last, sp.start) + CODE;
    last = sp.end;
  }
  outside += raw.slice(last);
  // HTML and autolinks outrank code spans (§6.1): a `<` outside a span could take its backticks.
  if (outside.includes('<')) return null;
  // Strikethrough is judged like emphasis: outside the spans only, and not modelled.
  if (outside.includes('~')) return null;
  const starOrUnderscore = outside.includes('*') || outside.includes('_');
  if (!starOrUnderscore) return codeSpans(raw);
  if (outside.includes('`')) return null; // an unmatched run beside emphasis
  const underscores = outside.includes('_') && !intrawordUnderscoresOnly(outside);
  if (underscores && outside.includes('*')) return null;
  const text = underscores ? pairRuns(outside, underscoreRuns(outside)) : outside.includes('*') ? simpleEmphasis(outside) : outside;
  if (text === null) return null;
  let k = 0;
  return text.replace(/\u0000/g, () => spans[k++].text);
}

/** The code spans of `raw` (§6.1: a backtick run opens a span closed by the next run of equal length),
 * in order: source range and content (one space stripped from each side). */
function codeSpanList(raw: string): Array<{ start: number; end: number; text: string }> {
  const out: Array<{ start: number; end: number; text: string }> = [];
  let i = 0;
  while (i < raw.length) {
    const open = raw.indexOf('`', i);
    if (open === -1) break;
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
      i = open + n;
      continue;
    }
    let content = raw.slice(open + n, close);
    if (content.length >= 2 && content[0] === ' ' && content[content.length - 1] === ' ' && content.trim() !== '') content = content.slice(1, -1);
    out.push({ start: open, end: close + n, text: content });
    i = close + n;
  }
  return out;
}

const SPECIAL = /[\\`*_~[\]<>&!]/;
const ENTITY = /&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});/;
const AUTOLINK = /<[A-Za-z][A-Za-z0-9+.-]{1,31}:|<[^\s<>]*@/;
const ALNUM = /[A-Za-z0-9]/;
const SPACE = /\s/;
/** ASCII punctuation that is not itself markup here (`*`, `_`, backticks and escapes are not). */
const PUNCT = /^[!"#$%&'()+,\-./:;<=>?@[\]^{|}~]$/;

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

/** CommonMark §6.1: each code span replaced by its content; unmatched backtick runs stay literal. */
function codeSpans(raw: string): string {
  let out = '';
  let last = 0;
  for (const sp of codeSpanList(raw)) {
    out += raw.slice(last, sp.start) + sp.text;
    last = sp.end;
  }
  return out + raw.slice(last);
}

/**
 * Pairs of `*`/`**` runs, each a pure opener or closer (§6.2 flanking), else null: outside a space
 * (or the text's edge) and inside a non-space, or outside ASCII punctuation and inside a letter or
 * digit. Such runs cannot both open and close, so pairing them in order is what remark does.
 */
function simpleEmphasis(raw: string): string | null {
  const runs: Array<[number, number]> = [];
  for (let i = raw.indexOf('*'); i !== -1; ) {
    const n = runLength(raw, i, '*');
    if (n > 2) return null;
    runs.push([i, n]);
    i = raw.indexOf('*', i + n);
  }
  return pairRuns(raw, runs);
}

/**
 * The `_`/`__` runs of `raw` that may be emphasis, or null for a run of three or more: a run with an
 * ASCII letter or digit on both sides is literal (§6.2: an intraword `_` neither opens nor closes)
 * and is left out.
 */
function underscoreRuns(raw: string): Array<[number, number]> | null {
  const runs: Array<[number, number]> = [];
  for (let i = raw.indexOf('_'); i !== -1; ) {
    const n = runLength(raw, i, '_');
    const intraword = i > 0 && ALNUM.test(raw[i - 1]) && i + n < raw.length && ALNUM.test(raw[i + n]);
    if (!intraword) {
      if (n > 2) return null;
      runs.push([i, n]);
    }
    i = raw.indexOf('_', i + n);
  }
  return runs;
}

/**
 * Emphasis from delimiter runs in order (`[offset, length]`, of one character, `*` or `_`), each a
 * pure opener or closer by {@link simpleEmphasis}'s rule, paired first with second, third with
 * fourth: the text without them. Null when they are not (or `runs` is null).
 */
function pairRuns(raw: string, runs: Array<[number, number]> | null): string | null {
  if (runs === null || runs.length % 2 !== 0) return null;
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
    if (!(((before === ' ' || before === '\t') && !SPACE.test(first)) || (PUNCT.test(before) && ALNUM.test(first)))) return null;
    if (!(((after === ' ' || after === '\t') && !SPACE.test(lastIn)) || (PUNCT.test(after) && ALNUM.test(lastIn)))) return null;
    if (c === o + on) return null;
    out += raw.slice(last, o) + raw.slice(o + on, c);
    last = c + cn;
  }
  return out + raw.slice(last);
}
