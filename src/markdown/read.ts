/**
 * Read a Markdown document into {@link DocBlocks}: the fast scanner where it is certain, remark
 * otherwise. The answer is remark's in every case (test/markdown/differential.test.ts).
 *
 * Where the scanner gives up, remark reads only the stretch it could not: from the last line where
 * every block was closed (a root ATX heading) to the next heading at column 0 that must close every
 * block too, and the scanner goes on from there. Such a heading is a hard boundary unless a fenced
 * code block or an HTML block could still be open across it, so any line between the two that
 * could open one (a fence or `<` within three spaces of the margin) sends the rest of the document
 * to remark. A link or footnote definition changes inline text everywhere: the whole document then. A big table-heavy queue with one odd list keeps the scanner's speed for the rest.
 *
 * Every reading is bounded (limits.ts, domain/limits.ts): the nesting of every line is checked
 * before either reader runs, each cell as it is split, and each text handed to remark is charged to
 * the document's parse budget first. Over a limit, {@link LimitError} at the construct's offset.
 */
import { MAX_DEPTH } from '../domain/limits.js';
import type { DocBlocks, RawRow, RawTable } from './blocks.js';
import { LineIndex } from './lines.js';
import { checkDepth, LimitError, ParseBudget, parseCost, snippetCost } from './limits.js';
import { scanBlocks, type ScanResult } from './scan.js';

/** How a document was read: by the scanner alone, with remark for some inline text, in part by
 * remark, or wholly by remark. */
export type ReadPath = 'scan' | 'scan+inline' | 'scan+remark' | 'remark';

/** What {@link readBlocks} gives: the blocks, which reader produced them, and why remark was needed. */
export interface ReadResult {
  blocks: DocBlocks;
  path: ReadPath;
  /** Why the scanner gave up (the first time), when remark read any part. */
  reason?: string;
}

/** A heading at column 0: it closes every open block, unless a fence or HTML block holds it. */
const HARD_HEADING = /^#{1,6}(?:[ \t]|$)/;
/** A line that could open a fenced code or HTML block at the root. */
const MAY_OPEN = /^ {0,3}(?:`{3,}|~{3,}|<)/;

/**
 * Read `text` (BOM removed). Async because remark is imported only when needed. `remarkOnly` skips
 * the scanner (the reference reading, same answer; not held to the parse budget). Throws
 * {@link LimitError} for a document over a limit, and nothing else on any input string.
 */
export async function readBlocks(text: string, opts: { remarkOnly?: boolean } = {}): Promise<ReadResult> {
  const lines = new LineIndex(text);
  checkDepth(text, lines);
  const budget = new ParseBudget();
  if (opts.remarkOnly) {
    // Reading whole files with remark is for comparing the readers: the budget is not charged, but
    // the nesting of emphasis and links is checked (parseCost) as for any text remark reads.
    parseCost(text, lines);
    const remark = await import('./remark.js');
    return { blocks: bounded(() => remark.remarkBlocks(text), 0), path: 'remark', reason: 'asked for' };
  }
  const scanned: ScanResult[] = [];
  const parsed: DocBlocks[] = [];
  let reason: string | undefined;
  let remark: typeof import('./remark.js') | null = null;
  let whole = false;
  for (let from = 0; from < lines.count; ) {
    const r = scanBlocks(text, from, lines);
    if (!('fallback' in r)) {
      scanned.push(r);
      break;
    }
    reason ??= r.fallback;
    remark ??= await import('./remark.js');
    if (!r.at) {
      budget.charge(parseCost(text, lines), `a ${r.fallback}`);
      const all = remark;
      return { blocks: bounded(() => all.remarkBlocks(text), 0), path: 'remark', reason };
    }
    scanned.push(r.at.partial);
    const to = hardBoundary(lines, r.at.safe, r.at.line);
    const start = lines.starts[r.at.safe];
    const end = to === null ? text.length : lines.starts[to];
    whole = start === 0 && end === text.length;
    budget.charge(parseCost(text, lines, r.at.safe, to ?? lines.count), `the ${r.fallback}`);
    const part = remark;
    parsed.push(
      shifted(
        bounded(() => part.remarkBlocks(text.slice(start, end)), start),
        start,
        r.at.safe,
      ),
    );
    if (to === null) break;
    from = to;
  }
  // Before merging, which copies task items.
  const pending = scanned.flatMap((s) => s.pending);
  if (pending.length) {
    for (const p of pending) budget.charge(snippetCost(p.raw, p.at), 'text the fast reader cannot read');
    remark ??= await import('./remark.js');
    const batch = remark;
    const texts = bounded(() => batch.inlineTexts(pending), pending[0].at, true);
    pending.forEach((p, i) => {
      p.target.text = texts[i].text;
      if (p.task && texts[i].atBox) p.task.textStart = p.task.box;
    });
  }
  const blocks = merge(scanned, parsed);
  if (parsed.length) return { blocks, path: whole ? 'remark' : 'scan+remark', reason };
  return { blocks, path: pending.length ? 'scan+inline' : 'scan' };
}

/**
 * Run a remark reading of text starting at `offset` in the document: a {@link LimitError} moves to
 * the document's offsets, and a stack overflow inside remark (a tree deeper than it can walk) is
 * `too_deep` there. `snippets`: the text is inline snippets, where no offset of remark's applies.
 */
function bounded<T>(read: () => T, offset: number, snippets = false): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof LimitError) throw snippets ? new LimitError(e.code, offset, e.message, e.limit) : e.shifted(offset);
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new LimitError('too_deep', offset, 'nested too deeply for the Markdown parser', MAX_DEPTH);
    }
    throw e;
  }
}

/**
 * The first line after `line` that is a heading at column 0, when no line from `safe` (where every
 * block was closed) up to it could open a fenced code or HTML block; null otherwise. From `safe`,
 * not from `line`: the scanner may give up inside a fence it has seen open.
 */
function hardBoundary(lines: LineIndex, safe: number, line: number): number | null {
  for (let j = safe; j < lines.count; j++) {
    const l = lines.line(j);
    if (j > line && HARD_HEADING.test(l)) return j;
    if (MAY_OPEN.test(l)) return null;
  }
  return null;
}

/** Blocks read from a slice starting at offset `offset`, line `line` (0-based), moved into place. */
function shifted(b: DocBlocks, offset: number, line: number): DocBlocks {
  const row = (r: RawRow): RawRow => ({
    ...r,
    line: r.line + line,
    start: r.start + offset,
    end: r.end + offset,
    cells: r.cells.map((c) => ({ ...c, start: c.start + offset, end: c.end + offset })),
  });
  const table = (t: RawTable): RawTable => ({ header: row(t.header), rows: t.rows.map(row), start: t.start + offset, end: t.end + offset });
  return {
    tables: b.tables.map(table),
    headings: b.headings.map((h) => ({ ...h, line: h.line + line, start: h.start + offset })),
    tasks: b.tasks.map((t) => ({
      ...t,
      line: t.line + line,
      start: t.start + offset,
      box: t.box + offset,
      textStart: t.textStart + offset,
      textEnd: t.textEnd + offset,
      end: t.end + offset,
    })),
  };
}

/** Scanned parts and remark's parts, interleaved in document order (they never overlap). A task
 * item's parent is in its own part (a part ends where every block is closed), so each part's
 * `parent` indices only move by the tasks of the parts before it. */
function merge(scanned: ScanResult[], parsed: DocBlocks[]): DocBlocks {
  const byStart = <T extends { start: number }>(xs: T[]) => xs.sort((a, b) => a.start - b.start);
  const parts = [...scanned, ...parsed].map((p) => p.tasks).filter((t) => t.length > 0);
  parts.sort((a, b) => a[0].start - b[0].start);
  const tasks: DocBlocks['tasks'] = [];
  for (const part of parts) {
    const base = tasks.length;
    for (const t of part) tasks.push({ ...t, parent: t.parent < 0 ? -1 : t.parent + base });
  }
  return {
    tables: byStart([...scanned.flatMap((s) => s.tables), ...parsed.flatMap((p) => p.tables)]),
    headings: byStart([...scanned.flatMap((s) => s.headings), ...parsed.flatMap((p) => p.headings)]),
    tasks,
  };
}
