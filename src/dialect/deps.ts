/**
 * Dependency grammar: `None`, `—`, comma/semicolon/space lists, `5-1 [DONE]`, `5-1 ✅`,
 * `Epic 2 ✅` (a reference outside the file, satisfied by its mark), ranges `GOV-001..GOV-005`.
 * File references (`AUTONOMY.md`, `docs/x`) are not dependencies. Pure: ids are resolved later
 * against the graph (`model/build.ts`).
 */
import { isIdLike } from './normalize.js';
import { DONE_MARK, HAS_DONE_MARK } from './marks.js';

/**
 * The words that introduce a story's dependencies, lower case, in the languages queue reads: a heading
 * block's field name (`Depends on:`, `Зависимости:`, `依存:`) and a task item's clause (`(depends
 * on: T-1)`, `(Abhängigkeiten: T-1)`).
 */
export const DEPENDENCY_LABELS: readonly string[] = [
  'depends on',
  'dependencies',
  'deps',
  'blocked by',
  'зависимости',
  'зависит от',
  'phụ thuộc',
  '依赖',
  '依賴',
  '依存',
  '依存関係',
  '의존성',
  '의존',
  '선행 작업',
  'dependencias',
  'depende de',
  'dependências',
  'dépendances',
  'dépend de',
  'abhängigkeiten',
  'abhängig von',
];

/** One written reference before resolution. */
export interface WrittenDep {
  ref: string;
  markedDone: boolean;
}

/** Result of reading a Depends On cell. `documents` are file references, kept for diagnostics. */
export interface ParsedDeps {
  deps: WrittenDep[];
  documents: string[];
}

/** A cell that says "no dependencies", in any language queue reads, in emphasis or not (`_None_`,
 * `*_None_*`, `_None_.`, `Нет зависимостей`, `暂无`), with a note in parentheses after it or not
 * (`None (see notes)`, `None (since 2024)`, `_None (see notes)_`: what the parentheses say is a note). */
const NONE =
  /^[*_]{0,3}(?:none(?: yet)?|n\/?a|nil|nothing|no(?: dependencies)?|-+|—+|–+|\(none\)|∅|なし|無し|없음|нет(?: зависимостей)?|无|無|暂无|暫無|无依赖|ninguna|ninguno|sin dependencias|nenhuma?|aucune?(?: dépendance)?|ingen|yok|keine(?: abhängigkeiten)?|không|không có)\.?(?:\s*\([^()]*\))?[*_]{0,3}\.?(?:\s*\([^()]*\))?$/iu;
/** An HTML comment, which GitHub does not show: it names nothing. */
const COMMENT = /<!--[\s\S]*?-->/g;
/** A line break written in a cell (`None (x)<br>y`): after a first line that says "none", the rest is a note. */
const BREAK = /<br\s*\/?>/i;
const OTHER_MARK = /\s*(?:🔄|⏳|🔴|❌|🚧|⛔|\[([^\]]*)\])\s*/gu;
/** An HTML tag of an inline element GitHub shows the text of (`<b>`, `</span>`, `<code class="x">`):
 * a reference inside them is read (`<b>S-1</b>` names S-1). Any other `<…>` (`<S-1>`) stays, and
 * is read, or reported, as written. */
const TAG = /<\/?(?:a|abbr|b|cite|code|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span|strike|strong|sub|sup|tt|u|var)(?:\s[^<>]*)?>/gi;
const SPLIT = /\s*(?:[,;、，]|<br\s*\/?>|\s\+\s|(?<!\S)and(?!\S)|&)\s*/iu;
/** {@link SPLIT} with its separators kept: `a; b, c` splits into `a`, `; `, `b`, `, `, `c`. What an
 * edit of one reference in a list splits at, so that every other byte of the list stays. */
export const SEPARATED = new RegExp(`(${SPLIT.source})`, 'iu');
/** A character or word that {@link SPLIT} splits at, other than `,`. */
const OTHER_SEPARATOR = /[;、，<+&]|and/i;
const RANGE = /^([A-Za-z][\w-]{0,40}?)(\d{1,9})\s*(?:\.\.\.?|…)\s*(?:\1)?(\d{1,9})$/;
const PATHLIKE = /(?:^|\/)[\w.-]+\.(?:md|mdx|txt|json|ya?ml|toml|py|ts|js|rs|go|sh)$|\//i;
/** Whether `s` names a document, not a story ({@link PATHLIKE}); a reference with neither `/` nor
 * `.` (nearly all of them) is none without running the pattern. */
const pathLike = (s: string) => (s.includes('/') || s.includes('.')) && PATHLIKE.test(s);

/** Expand `GOV-001..GOV-005` (or `GOV-001..005`) to its members; null if not a range. */
export function expandRange(s: string): string[] | null {
  const m = RANGE.exec(s);
  if (!m) return null;
  const [, prefix, a, b] = m;
  const from = Number(a);
  const to = Number(b);
  if (!(to >= from) || to - from > 1000) return null;
  const width = a.length;
  const out: string[] = [];
  for (let k = from; k <= to; k++) out.push(prefix + String(k).padStart(width, '0'));
  return out;
}

/** A single plain id, optionally followed by ✅: the form almost every Depends On cell takes. */
const SIMPLE = /^([A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)(\s*✅)?$/;
const MARK_WORD = /^(?:done|complete|completed)$/i;

/**
 * Read a Depends On cell's plain text. Never throws. Equal to {@link parseDepsReference} on every
 * input (test/dialect/deps.test.ts checks it over real queue files); parts of the common shape
 * `5-1` or `5-1 ✅` skip the general grammar's regex passes.
 */
export function parseDeps(text: string): ParsedDeps {
  return parse(text, true);
}

/** The general grammar alone, without the fast path of {@link parseDeps}. For tests. */
export function parseDepsReference(text: string): ParsedDeps {
  return parse(text, false);
}

function parse(text: string, fast: boolean): ParsedDeps {
  let t = text.trim();
  if (t.includes('<')) {
    t = t.replace(COMMENT, ' ').replace(TAG, '').trim();
    const first = t.split(BREAK, 1)[0].trim();
    if (first !== t && first !== '' && NONE.test(first)) t = first;
  }
  if (t === '' || NONE.test(t)) return fast ? NO_DEPS : { deps: [], documents: [] };
  const out: ParsedDeps = { deps: [], documents: [] };
  if (fast && !OTHER_SEPARATOR.test(t)) {
    // Without any separator but `,` (no `;`, `、`, `，`, `<br>`, ` + `, `and`, `&`), SPLIT can only
    // split at commas, and every part is trimmed below: a plain split gives the same parts. Without
    // a comma the one part is `t` itself, already trimmed and known not to say "none".
    if (!t.includes(',')) readFast(t, out);
    else {
      const parts = t.split(',');
      for (let k = 0; k < parts.length; k++) {
        const p = parts[k].trim();
        if (p !== '' && !NONE.test(p)) readFast(p, out);
      }
    }
    return out;
  }
  for (let part of t.split(SPLIT)) {
    part = part.trim();
    if (part === '' || NONE.test(part)) continue;
    if (fast) readFast(part, out);
    else readPart(part, out);
  }
  return out;
}

/** Whether `text` names the reference `ref` (case-insensitive), not as part of a longer one (`S-10`
 * does not name `S-1`). */
export function namesReference(text: string, ref: string): boolean {
  return new RegExp(`(?<![\\w.-])${ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'iu').test(text);
}

/** Where one reference, or one range of them, is written in a Depends On cell's markdown. */
export interface ReferenceSpot {
  /** The references written there: one, or a range's members (`S-1..S-3` → `S-1`, `S-2`, `S-3`). */
  refs: string[];
  /** Offset in the cell just after the reference as written (inside its code span or link text). */
  end: number;
  /** Offset just after the construct the reference alone makes up: its code span, link (text,
   * destination and all) and closing emphasis (`` `S-1` ``, `[S-1](stories/S-1.md)`, `**S-1**`);
   * `end` when none, or when something other than markup follows it inside (`` `S-1, S-5` ``). */
  after: number;
  /** A done mark written inside a range, after its first member (`S-1 ✅..S-3`), as `[start, end)`
   * with the space before it; absent when none. */
  inner?: [number, number];
}

/** What a reader of the cell on GitHub does not see as text: HTML comments, tags and autolinks, link
 * destinations (`](…)`, with a quoted title and parentheses two deep) and reference labels (`][…]`).
 * A reference there names nothing. */
const HIDDEN =
  /<!--[\s\S]*?-->|<\/?[A-Za-z][\w-]*(?:\s[^<>\n]*)?\/?>|<[A-Za-z][\w+.-]*:[^<>\s]*>|<[^<>\s@]+@[^<>\s]+>|\]\((?:"[^"\n]*"|'[^'\n]*'|[^()\n]|\((?:[^()\n]|\([^()\n]*\))*\))*\)|\]\[[^\]\n]*\]/g;
/** A code span: a run of backticks, its text, the same run. */
const CODE_SPAN = /(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g;
/** Link text followed by its destination or label (`[S-1](…)`, `[S-1][r]`): the text's bounds. */
const LINK_TEXT = /\[[^[\]\n]*\](?=[([])/g;
/** A done mark queue writes (`dialect/marks.ts` WRITTEN_MARKS), with the spaces before it. */
const WRITTEN_MARK = /\s*(?:✅|\[DONE\])/iu;
/** A range as written in a cell ({@link RANGE}, not anchored, its parts bounded so that no text
 * costs more than a pass), with a mark an earlier writer put after its first member, if any. */
const RANGE_IN_CELL = new RegExp(`(?<![\\w.-])([A-Za-z][\\w-]{0,40}?)(\\d{1,9})(${WRITTEN_MARK.source})?\\s*(?:\\.\\.\\.?|…)\\s*(?:\\1)?(\\d{1,9})(?![\\w-])`, 'giu');
/** Markup that may close around a reference inside its construct (`` `S-1` ``, `**[S-1]**`). */
const MARKUP = /^[`*_~\]\s]*$/;
/** A range operator and the start of the range's other end, after a reference (`S-1..S-3`,
 * `` `S-1`..`S-3` ``, `S-1 ✅..S-3`), or before it. */
const RANGE_AFTER = new RegExp(`^(?:${WRITTEN_MARK.source})?\\s*(?:\\.\\.\\.?|…)\\s*[\`*_~[]*[A-Za-z0-9]`, 'u');
const RANGE_BEFORE = /[A-Za-z0-9][`*_~\])]*\s*(?:\.\.\.?|…)\s*[`*_~[]*$/;

/** The `[start, end)` pairs where `re` (global) matches `text`. */
function regions(text: string, re: RegExp): number[] {
  const out: number[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push(m.index, m.index + m[0].length);
  return out;
}

/** The region of `pairs` ({@link regions}) holding `at` (`start <= at < end`), as its index, or -1. */
function regionAt(pairs: readonly number[], at: number): number {
  for (let k = 0; k < pairs.length; k += 2) if (pairs[k] <= at && at < pairs[k + 1]) return k;
  return -1;
}

/**
 * Where each of `refs` (as a Depends On cell's reading wrote them, {@link parseDeps}) is written in
 * the cell's markdown `cell`: its first occurrence a reader sees (never inside an HTML comment, tag
 * or autolink, a link destination or label), not as a part of a longer reference (`S-10`, `S-1.1`
 * and `S-1_2` are not `S-1`; `_S-1_` is). A range (`S-1..S-3`, `S-01..03`) is one spot, for its
 * members, besides any spot a member has alone; the ends of a range written another way
 * (`` `S-1`..`S-3` ``) have none. A reference not found has no spot. Never throws; no pattern
 * backtracks over more than a bounded stretch of the cell (a range's prefix, its digits).
 * Convention: a done mark is written after the construct the reference alone makes up
 * (`` `S-1` ✅ ``, `[S-1](…) ✅`, `S-1..S-3 ✅`), as people write it, where a reader finds it, but
 * not before a `(` or `[` that would make a bracketed mark a link (`` `S-1`(notes) ``).
 */
export function referenceSpots(cell: string, refs: readonly string[]): ReferenceSpot[] {
  const hidden = regions(cell, HIDDEN);
  const code = cell.includes('`') ? regions(cell, CODE_SPAN) : [];
  const links = cell.includes('[') ? regions(cell, LINK_TEXT) : [];
  const wanted = new Set(refs);
  const out: ReferenceSpot[] = [];
  // Past each construct that closes right after the reference, with nothing but markup between.
  const afterOf = (start: number, end: number): number => {
    let after = end;
    for (;;) {
      const c = regionAt(code, after - 1);
      if (c >= 0 && code[c + 1] > after && MARKUP.test(cell.slice(after, code[c + 1]))) {
        after = code[c + 1];
        continue;
      }
      const l = regionAt(links, after - 1);
      // The link's end: that of its destination or label, which starts at the text's closing bracket.
      const d = l >= 0 && MARKUP.test(cell.slice(after, links[l + 1])) ? regionAt(hidden, links[l + 1] - 1) : -1;
      if (d >= 0 && hidden[d + 1] > after) {
        after = hidden[d + 1];
        continue;
      }
      const emphasis = /^[*_~]+/.exec(cell.slice(after));
      if (emphasis && regionAt(code, after) < 0) {
        after += emphasis[0].length;
        continue;
      }
      // An HTML element holding the reference alone (`<b>S-1</b>`, `<code>S-1</code>`).
      const closeTag = /^<\/([A-Za-z][\w-]*)>/.exec(cell.slice(after));
      if (closeTag && new RegExp(`<${closeTag[1]}(?:\\s[^<>]*)?>[\`*_~\\s]*$`, 'i').test(cell.slice(0, start))) {
        after += closeTag[0].length;
        continue;
      }
      // A bracketed reference (`[S-1]`, `[S-1][]`), which a mark inside would make a tag.
      const bracket = /^\](?:\[\])?/.exec(cell.slice(after));
      if (bracket && regionAt(code, after) < 0 && /\[[`*_~\s]*$/.test(cell.slice(0, start))) {
        after += bracket[0].length;
        continue;
      }
      break;
    }
    return after > end && /^[([]/.test(cell.slice(after)) ? end : after;
  };
  if (/\.\.|…/.test(cell)) {
    RANGE_IN_CELL.lastIndex = 0;
    for (let m = RANGE_IN_CELL.exec(cell); m !== null; m = RANGE_IN_CELL.exec(cell)) {
      if (regionAt(hidden, m.index) >= 0) continue;
      const members = expandRange(`${m[1]}${m[2]}..${m[4]}`);
      if (!members?.some((r) => wanted.has(r))) continue;
      const end = m.index + m[0].length;
      const markAt = m.index + m[1].length + m[2].length;
      out.push({ refs: members, end, after: afterOf(m.index, end), ...(m[3] ? { inner: [markAt, markAt + m[3].length] as [number, number] } : {}) });
    }
  }
  const seen = new Set<string>();
  for (const ref of refs) {
    if (seen.has(ref)) continue;
    seen.add(ref);
    const escaped = ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`(?<![A-Za-z0-9.-]|[A-Za-z0-9]_)${escaped}(?![A-Za-z0-9-]|_[A-Za-z0-9]|\\.[A-Za-z0-9])`, 'g');
    for (let m = re.exec(cell); m !== null; m = re.exec(cell)) {
      const end = m.index + m[0].length;
      if (regionAt(hidden, m.index) >= 0) continue;
      const after = afterOf(m.index, end);
      // An end of a range: the range's spot, or none.
      if (RANGE_AFTER.test(cell.slice(after)) || RANGE_AFTER.test(cell.slice(end)) || RANGE_BEFORE.test(cell.slice(0, m.index))) continue;
      out.push({ refs: [ref], end, after });
      break;
    }
  }
  return out;
}

/** Whether `text` says "none" as a Depends On cell can (`None`, `—`, `_N/A_`, `нет`). */
export function saysNone(text: string): boolean {
  const t = text.trim();
  return t === '' || NONE.test(t);
}

/** What {@link parseDeps} answers for a cell that names nothing (empty, `None`, `—`): one shared
 * object, frozen, so that no reader can change it for the others. */
const NO_DEPS: ParsedDeps = Object.freeze({ deps: Object.freeze([]) as unknown as WrittenDep[], documents: Object.freeze([]) as unknown as string[] });

/** Read one trimmed, non-empty part: the common shape `5-1` or `5-1 ✅` without the general
 * grammar's regex passes, anything else by {@link readPart}. */
function readFast(part: string, out: ParsedDeps): void {
  const m = SIMPLE.exec(part);
  if (m && !MARK_WORD.test(m[1]) && !pathLike(m[1])) out.deps.push({ ref: m[1], markedDone: m[2] !== undefined });
  else readPart(part, out);
}

function readPart(part: string, out: ParsedDeps): void {
  const markedDone = HAS_DONE_MARK.test(part);
  // A reference in parentheses alone (`(S-1)`), which the note pattern below would take whole.
  const wrapped = /^\(([^()]*)\)$/.exec(part.trim());
  if (wrapped && isIdLike(wrapped[1].trim())) part = wrapped[1];
  let bare = part
    .replace(DONE_MARK, ' ')
    // A bracketed status or tag is no reference (`[BLOCKED]`, `[x]`); a bracketed id is (`[S-1]`).
    .replace(OTHER_MARK, (_, inner: string | undefined) => (inner !== undefined && isIdLike(inner.trim()) ? ` ${inner.trim()} ` : ' '))
    .replace(/\((?:[^)]*)\)\s*$/, '')
    .trim();
  bare = bare
    .replace(/^(?:story|task|issue|ticket)\s+(?=\S*\d)/i, '')
    .replace(/^[`*]+|[`*.:]+$/g, '')
    .trim();
  if (bare === '') return;
  // Ids on either side of a slash (`S-1/S-5`, `S-1 / S-5`) are each a reference; a path is not.
  const slashed = bare.includes('/') ? bare.split(/\s*\/\s*/) : null;
  if (slashed && slashed.length > 1 && slashed.every((w) => isIdLike(w) && !w.includes('.'))) {
    for (const w of slashed) out.deps.push({ ref: w, markedDone });
    return;
  }
  if (pathLike(bare)) {
    out.documents.push(bare);
    return;
  }
  const range = expandRange(bare.replace(/\s+/g, ''));
  if (range) {
    for (const ref of range) out.deps.push({ ref, markedDone });
    return;
  }
  const words = bare.split(/\s+/);
  if (words.length > 1 && words.every((w) => isIdLike(w.replace(/^#/, '')))) {
    for (const w of words) out.deps.push({ ref: w, markedDone });
  } else out.deps.push({ ref: bare, markedDone });
}
