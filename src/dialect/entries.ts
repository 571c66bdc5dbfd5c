/**
 * From {@link DocBlocks} to entries: story tables here, task items in `tasks.ts`, heading blocks in
 * `headings.ts`, with their cells understood.
 * Pure. Every row of a story table becomes an entry or a diagnostic; none is dropped silently.
 */
import type { DocBlocks, RawCell, RawRow, RawTable } from '../markdown/blocks.js';
import type { Diagnostic, Occurrence, Status } from '../domain/types.js';
import { inferRoles, type CellReader, type Role } from './columns.js';
import { NO_VOCABULARY, type Vocabulary } from '../domain/config.js';
import { compileVocabulary, declaredForms, legendDiagnostics, readLegends, type Lexicon } from './vocabulary.js';
import { parseDeps } from './deps.js';
import { fold, isIdLike } from './normalize.js';
import { ownerOf, type Entry } from './entry.js';
import { readHeadingStories } from './headings.js';
import { orphanRows } from './orphans.js';
import { oddBoxes, readTasks } from './tasks.js';
import { SectionCursor, sectionStatus, type SectionStatus } from './sections.js';
import { isStatusText, parseStatus, unknownStatus, unknownStatusMessage, unstruckStatus } from './status.js';

export type { Entry } from './entry.js';

/**
 * A table queue may write into: a story table (a status column) or a Completed log (`[DONE] **id**`
 * rows, or an empty table under a heading such as "Completed"). For appending rows (`queue add`,
 * `queue done`'s log entry).
 */
export interface TableInfo {
  kind: 'story' | 'log';
  sectionPath: string[];
  /** Header cell texts. */
  headers: string[];
  /** Column index of each role, -1 when absent. */
  columns: Columns;
  /** 1-based line of the header row. */
  line: number;
  /** Offset where the table's last line's content ends: a new row goes after a line break here. */
  end: number;
  /** Body rows. */
  rows: number;
  /** The last body row's cell texts, for continuing its conventions (the wave of a log). */
  lastRow: string[] | null;
  /** The last body row's cell sources as written (markup kept): how ids and references are dressed. */
  lastRowSource: string[] | null;
}

/** What {@link readEntries} gives: entries in file order, diagnostics, and the tables queue may write into. */
export interface EntriesResult {
  entries: Entry[];
  diagnostics: Diagnostic[];
  tables: TableInfo[];
  /** The team's words the document was read with (the config's and its legend's): a write checks
   * the status it writes reads back with them (`edit/style.ts`). */
  lexicon: Lexicon;
  /** The status words the document declares as written ({@link declaredForms}). */
  declared: string[];
}

function storyFileOf(cell: RawCell | undefined, src: string): string | null {
  if (!cell || cell.start === cell.end) return null;
  // A link needs `](` in the cell's source; most cells are a path in a code span, whose text has no backtick left.
  let opens = false;
  for (let i = cell.start; i + 1 < cell.end && !opens; i++) opens = src.charCodeAt(i) === 93 && src.charCodeAt(i + 1) === 40; // `](`
  const link = opens ? /\]\(\s*<?([^)\s>]+)>?/.exec(src.slice(cell.start, cell.end)) : null;
  let candidate = (link ? link[1] : cell.text).trim();
  if (candidate.charCodeAt(0) === 96 || candidate.charCodeAt(candidate.length - 1) === 96) candidate = candidate.replace(/^`+|`+$/g, '');
  if (URL_SCHEME.test(candidate) || candidate === '' || SPACE.test(candidate)) return null;
  return PATH_MARK.test(candidate) ? candidate : null;
}

// The patterns of a row's cells, made once: a regular expression literal in a function makes a new
// object each time the function runs.
const URL_SCHEME = /^[a-z]+:\/\//i;
const SPACE = /\s/;
const PATH_MARK = /[./]/;

/** Id columns that often hold prose (`| Task | Status |`): accept only single-token ids there, and,
 * in a table without a title column whose cells there are mostly not id-shaped, none at all. */
const WEAK_ID_HEADERS = /^(?:item|task|work|story)$/i;

/** Whether the cells of a weak id column (`| Task | Status |`, no title column) are mostly prose
 * (`Fix crash`, `Docs`, `Refactor`): then each is a title, and every id is derived. */
function proseIdColumn(rows: readonly RawRow[], at: number): boolean {
  let cells = 0;
  let prose = 0;
  for (const row of rows) {
    const t = (row.cells[at]?.text ?? '').replace(/[*_`]/g, '').trim();
    if (t === '') continue;
    cells++;
    if (!isIdLike(t)) prose++;
  }
  return prose * 2 > cells;
}

/** An id cell that says the row has none (`| — | **evidence for H8 …** | DONE |`: `—` means "no id"):
 * the story's id is derived from its section and title, as a task item's is. */
const NO_ID = /^(?:[-—–?]+|n\/a|tbd|none)$/i;

const LOG_ID = /^(.*?)\s*(?:\*\*([^*]+)\*\*|`([^`]+)`)\s*$/s;

/**
 * The lexicon a document is read with: the config's vocabulary (`queue.config.json`), then the words
 * the document's own legend teaches (`vocabulary.ts`), with the legend's diagnostics and the tables
 * read as legends (by start offset: they hold no stories).
 */
export function documentLexicon(
  blocks: DocBlocks,
  src: string,
  file: string,
  vocabulary: Vocabulary = NO_VOCABULARY,
): { lexicon: Lexicon; legendTables: Set<number>; diagnostics: Diagnostic[]; declared: string[] } {
  const base = compileVocabulary(vocabulary);
  const known = (w: string) => parseStatus(w, base).category;
  const reader = cellReader(base);
  const legend = readLegends(blocks, src, known, (t) => reader.id(t));
  const lexicon = Object.keys(legend.statuses).length ? compileVocabulary(vocabulary, legend.statuses) : base;
  return {
    lexicon,
    legendTables: legend.tables,
    diagnostics: legendDiagnostics(legend.words, legend.statuses, known, file),
    declared: declaredForms(src, legend.words, known),
  };
}

/** Read a whole document's story tables, task items and heading-block stories, with the team's
 * vocabulary (the config's `statuses`, `columns` and `ids`; none by default) and the document's legend. */
export function readEntries(blocks: DocBlocks, src: string, file: string, vocabulary?: Vocabulary): EntriesResult {
  const entries: Entry[] = [];
  const tables: TableInfo[] = [];
  const { lexicon, legendTables, diagnostics, declared } = documentLexicon(blocks, src, file, vocabulary);
  const sections = new SectionCursor(blocks.headings);
  for (const table of blocks.tables) {
    const path = sections.headingsAt(table.start);
    const under = path.length ? sectionStatus(path[path.length - 1]) : null;
    if (legendTables.has(table.start)) {
      diagnostics.push({
        severity: 'info',
        code: 'legend',
        message: 'this table is read as a legend of status words, not as stories',
        file,
        line: table.header.line,
        column: table.header.column,
      });
      continue;
    }
    const info = readTable(table, sections.sectionAt(table.start), under, src, file, entries, diagnostics, lexicon);
    if (info) tables.push(info);
  }
  orphanRows(src, file, blocks.tables, diagnostics);
  const bodies = readHeadingStories(blocks, src, file, entries, diagnostics, lexicon);
  unclaimableSections(entries, file, diagnostics);
  readTasks(blocks, file, entries, diagnostics, bodies, lexicon);
  oddBoxes(
    src,
    file,
    diagnostics,
    entries.some((e) => e.occurrence.kind === 'task'),
  );
  // Tables alone come in file order; task items and heading blocks may interleave with them. The
  // sort is stable, so entries already in order are left as they are.
  if (!inFileOrder(entries)) entries.sort((a, b) => a.occurrence.start - b.occurrence.start);
  return { entries, diagnostics, tables, lexicon, declared };
}

/** A warning at each to-do section (`## Backlog`) whose heading blocks no claim can move (no section
 * beside it says in progress): `ready` does not offer them, and says why here. */
function unclaimableSections(entries: readonly Entry[], file: string, diagnostics: Diagnostic[]): void {
  const seen = new Set<number>();
  for (const e of entries) {
    const sec = e.occurrence.section;
    if (e.occurrence.kind !== 'heading' || sec?.claimable !== false || e.occurrence.status.category !== 'todo' || seen.has(sec.line)) continue;
    seen.add(sec.line);
    diagnostics.push({
      severity: 'warning',
      code: 'no_claim_section',
      message: `the stories under "${sec.heading}" take their status from it, and no section beside it says in progress: queue cannot claim them (add one, such as "## In progress")`,
      file,
      line: sec.line,
      column: 1,
    });
  }
}

/** Whether entries are in file order (by start offset), as a stable sort by it would leave them. */
function inFileOrder(entries: readonly Entry[]): boolean {
  for (let i = 1; i < entries.length; i++) if (entries[i - 1].occurrence.start > entries[i].occurrence.start) return false;
  return true;
}

/** Column index of each role in one table (-1 when absent), and the columns kept as fields. */
export interface Columns {
  status: number;
  id: number;
  title: number;
  deps: number;
  owner: number;
  storyFile: number;
  priority: number;
  effort: number;
  wave: number;
  /** The Parent / Epic column: the id of the story a row is part of. */
  parent: number;
  /** [column, header] of the columns with no role, kept in `fields`. */
  other: Array<[number, string]>;
}

/** A mark with an answer (`✅ Yes`, `❌ No`, `✔ Ja`): a feature matrix's cell, not a status. */
const ANSWER = /^[^\p{L}\p{N}]*(?:yes|no|n\/a|true|false|ja|nein|oui|non|sí|si|sim|não|да|нет|はい|いいえ|是|否|예|아니요|có|không)[\s.!]*$/iu;

/** How {@link inferRoles} reads a cell, with a document's lexicon. */
function cellReader(lexicon: Lexicon): CellReader {
  return {
    status(text) {
      if (ANSWER.test(text)) return { status: false, word: false };
      const st = parseStatus(text, lexicon);
      if (st.category === 'unknown') return { status: false, word: false };
      // A word that says the status (`✅ Done`, `⏳ Pending`), not any word (`✅ Yes`: an answer).
      return { status: true, word: /\p{L}/u.test(st.token) };
    },
    id(text) {
      return lexicon.ids.some((re) => re.test(text)) || (isIdLike(text) && !/^\d{4}-\d{2}-\d{2}$/.test(text));
    },
  };
}

function columnsOf(headers: string[], roles: Array<Role | null>): Columns {
  const at = (r: Role) => roles.indexOf(r);
  const other: Array<[number, string]> = [];
  roles.forEach((r, i) => {
    if (r === null && headers[i].trim()) other.push([i, headers[i].trim()]);
  });
  return {
    status: at('status'),
    id: at('id'),
    title: at('title'),
    deps: at('deps'),
    owner: at('owner'),
    storyFile: at('storyFile'),
    priority: at('priority'),
    effort: at('effort'),
    wave: at('wave'),
    parent: at('parent'),
    other,
  };
}

/** Trimmed text of column `i` of a row, '' when the column is absent or the row is short. */
function textAt(row: RawRow, i: number): string {
  return i === -1 || i >= row.cells.length ? '' : row.cells[i].text.trim();
}

function cellAt(row: RawRow, i: number): RawCell | undefined {
  return i === -1 ? undefined : row.cells[i];
}

function isBlankRow(row: RawRow): boolean {
  for (let k = 0; k < row.cells.length; k++) if (row.cells[k].text.trim() !== '') return false;
  return true;
}

/** A status cell's source that goes on past a bracket status with a bold or code span: another cell's content, by all signs. */
const SHIFTED = /^\s*[*_]*\[[^\]\n]*\][*_]*\s*(?:\*\*|__|`)\S/;

/** Headings over an empty table that make it a Completed log (`## Completed` over a log with no row yet). */
const LOG_SECTION = /\b(?:completed|done|finished|archive|log)\b/i;

/**
 * Read one table: a story table (a status column), a Completed log (`[DONE] **id**` rows, or empty
 * under a log heading), or a listing (below). `under` is what the table's own heading (the innermost
 * one) says as a status, if anything.
 */
function readTable(
  table: RawTable,
  sectionPath: string[],
  under: SectionStatus | null,
  src: string,
  file: string,
  out: Entry[],
  diags: Diagnostic[],
  lexicon: Lexicon,
): TableInfo | null {
  const headers = table.header.cells.map((c) => c.text);
  const inferred = inferRoles(headers, table.rows, cellReader(lexicon), sectionPath[sectionPath.length - 1] ?? '', lexicon.columns);
  const cols = columnsOf(headers, inferred.roles);
  const at = { file, line: table.header.line, column: table.header.column };
  if (inferred.notStories) diags.push({ severity: 'info', code: 'column_role', message: inferred.notStories, ...at });
  if (cols.status !== -1 && (cols.id !== -1 || cols.title !== -1)) for (const d of inferred.decisions) diags.push({ severity: 'info', code: 'column_role', message: d, ...at });
  const isStoryTable = cols.status !== -1 && (cols.id !== -1 || cols.title !== -1);
  const info = (kind: TableInfo['kind']): TableInfo => {
    const last = table.rows[table.rows.length - 1];
    return {
      kind,
      sectionPath,
      headers,
      columns: cols,
      line: table.header.line,
      end: table.end,
      rows: table.rows.length,
      lastRow: last ? last.cells.map((c) => c.text) : null,
      lastRowSource: last ? last.cells.map((c) => src.slice(c.start, c.end)) : null,
    };
  };
  if (!isStoryTable && (cols.status !== -1 || !table.rows.some((r) => logMatch(r, src)))) {
    const named = cols.status === -1 && (cols.id !== -1 || cols.title !== -1);
    if (named && table.rows.length === 0 && LOG_SECTION.test(sectionPath[sectionPath.length - 1] ?? '')) return info('log');
    if (named && under) {
      // A qualified heading saying "ready" or "next" often goes on to say what its items still wait
      // for (`## Next — waiting for an accepted input`): only the plain phrase lists ready work, or
      // the file's legend defining the word as a hold (`Next` — "needs an accepted input") lists held
      // work. Any other is said, so that no row goes unread unsaid.
      const held = heldBy(under, lexicon);
      if (held || under.exact || under.status.category !== 'todo') readListing(table, headers, cols, sectionPath, held ?? under, src, file, out, diags);
      else {
        const rows = table.rows.filter((r) => !isBlankRow(r)).length;
        if (rows > 0)
          diags.push({
            severity: 'info',
            code: 'column_role',
            message: `this table has no status column, and its heading "${under.status.raw.slice(0, 80)}" says more than a status: its ${rows} row${rows === 1 ? ' is' : 's are'} not read as stories (a status column, or a heading that is the status alone, makes them stories)`,
            ...at,
          });
      }
    }
    return null;
  }
  const weakIds = isStoryTable && cols.id !== -1 && WEAK_ID_HEADERS.test(headers[cols.id].trim());
  const proseIds = weakIds && cols.title === -1 && proseIdColumn(table.rows, cols.id);

  for (let r = 0; r < table.rows.length; r++) {
    const row = table.rows[r];
    if (isBlankRow(row)) continue;
    if (row.cells.length !== headers.length) {
      const piped = row.cells.some((c) => src.slice(c.start, c.end).includes('`'));
      diags.push({
        severity: 'warning',
        code: 'uneven_row',
        message: `row has ${row.cells.length} cells, header has ${headers.length}${piped ? ' (a `|` inside backticks still splits a cell: write `\\|`)' : ''}`,
        file,
        line: row.line,
        column: row.column,
      });
    }
    let status: Status;
    let id: string | null;
    let idSpan: { start: number; end: number } | undefined;
    let statusCell: RawCell | undefined;
    let statusSpan: { start: number; end: number };
    let kind: Occurrence['kind'] = 'table';
    let shifted = false;
    if (isStoryTable) {
      statusCell = row.cells[cols.status];
      // A status crossed out for the one after it (`~~OPEN~~ **DONE**`) is history, not the status.
      status = parseStatus((statusCell && unstruckStatus(src.slice(statusCell.start, statusCell.end))) ?? statusCell?.text ?? '', lexicon);
      // A row short of cells whose Status cell goes on past its status with a bold or code span
      // (`| [ ] **1-4** | Dashboard | 1-1 |`) is most likely missing a `|`: its cells are shifted, and
      // each reads as the next column's. Its status is not trusted (unknown: never ready, never
      // written), so no write replaces the cell and what it holds with it.
      if (statusCell && row.cells.length < headers.length && status.category !== 'unknown' && SHIFTED.test(src.slice(statusCell.start, statusCell.end))) {
        diags.push({
          severity: 'warning',
          code: 'shifted_row',
          message: `row has ${row.cells.length} cells, header has ${headers.length}, and its ${headers[cols.status].trim() || 'Status'} cell holds more than a status ("${statusCell.text.trim().slice(0, 60)}"): a \`|\` is likely missing, so its cells read as the next column's; its status reads as unknown until the row is mended`,
          file,
          line: row.line,
          column: statusCell.start - row.start + row.column,
        });
        status = unknownStatus(status.raw);
        shifted = true;
      }
      statusSpan = statusCell ?? { start: row.end, end: row.end }; // a cell is its own span (read-only)
      const idCell = cellAt(row, cols.id);
      id = idCell ? idCell.text.trim() : null;
      idSpan = idCell;
    } else {
      const m = logMatch(row, src);
      if (!m) {
        diags.push({
          severity: 'warning',
          code: 'unparsed_row',
          message: `row in a \`[DONE] **id**\` log table has no status before a bold id: "${row.cells[0]?.text ?? ''}"`,
          file,
          line: row.line,
          column: row.column,
        });
        continue;
      }
      kind = 'log';
      statusCell = row.cells[0];
      status = parseStatus(m.status, lexicon);
      statusSpan = { start: statusCell.start, end: statusCell.start + m.statusLength };
      id = m.id;
    }
    let title = textAt(row, cols.title);
    if (id !== null && NO_ID.test(id)) id = null;
    if (id !== null && (id === '' || id.length > 80 || (SPACE.test(id) && (weakIds || id.length > 24) && !isIdLike(id)) || (proseIds && !isIdLike(id.replace(/[*_`]/g, ''))))) {
      if (!title) title = id;
      id = null;
    }
    if (status.category === 'unknown' && !shifted) {
      const empty = status.raw.trim() === '';
      diags.push({
        severity: 'warning',
        code: empty ? 'empty_status' : 'unknown_status',
        message: empty ? 'status cell is empty' : unknownStatusMessage(status.raw),
        file,
        line: row.line,
        column: statusCell ? statusCell.start - row.start + row.column : row.column,
        ...(id ? { story: id } : {}),
      });
    }
    out.push(
      rowEntry(row, cols, src, id, title, status, sectionPath, {
        file,
        line: row.line,
        column: row.column,
        kind,
        status,
        spans: {
          status: statusSpan,
          id: kind === 'table' ? idSpan : undefined,
          title: cellAt(row, cols.title),
          deps: cellAt(row, cols.deps),
          owner: cellAt(row, cols.owner),
          storyFile: cellAt(row, cols.storyFile),
        },
        start: row.start,
        end: row.end,
      }),
    );
  }
  return info(isStoryTable ? 'story' : 'log');
}

/** A row's entry: its id, title, status, section and occurrence as read, and what else the row says:
 * owner, dependencies, story file, priority, effort, wave, and the other columns by header. */
function rowEntry(row: RawRow, cols: Columns, src: string, id: string | null, title: string, status: Status, sectionPath: string[], occurrence: Occurrence): Entry {
  const fields: Record<string, string> = {};
  for (let k = 0; k < cols.other.length; k++) {
    const i = cols.other[k][0];
    if (i !== cols.status && i < row.cells.length) fields[cols.other[k][1]] = row.cells[i].text;
  }
  // The entry as `entry.ts` {@link entry} makes it, one literal in the same field order (one per
  // row is made here, so without the intermediate core object).
  return {
    id,
    title,
    status,
    // No Owner column reads as an empty cell, which names nobody.
    owner: cols.owner === -1 ? null : ownerOf(textAt(row, cols.owner)),
    deps: cols.deps === -1 ? null : parseDeps(textAt(row, cols.deps)),
    storyFile: storyFileOf(cellAt(row, cols.storyFile), src),
    priority: textAt(row, cols.priority) || null,
    effort: textAt(row, cols.effort) || null,
    wave: textAt(row, cols.wave) || null,
    fields,
    sectionPath,
    parent: null,
    parentRef: cols.parent === -1 ? null : (parseDeps(textAt(row, cols.parent)).deps[0]?.ref ?? null),
    checklist: [],
    occurrence,
  };
}

/** The heading's status as a hold when the file's legend (or the config) defines the heading's
 * phrase as a hold or a cancellation; null otherwise. */
function heldBy(under: SectionStatus, lexicon: Lexicon): SectionStatus | null {
  const word = fold(under.status.token ?? '');
  const taught = lexicon.statuses.find(([w]) => w === word)?.[1];
  if (taught !== 'blocked' && taught !== 'cancelled') return null;
  const raw = under.status.raw;
  return { ...under, status: { ...under.status, category: taught, reason: taught === 'blocked' ? raw : null } };
}

/**
 * A listing: a table with an id or title column but no status column, right under a heading that
 * states a status (`## Completed`, `## Blocked`, `## In progress — claimed`; `sections.ts`). Each
 * row is a story with the heading's status (a queue may keep `| ID | Title | Completed | Commit |`
 * under `## Completed` beside its main table, or list its claimed items in
 * `| Item | Session | Branch |` under `## In progress — claimed`). Under a heading saying ready or
 * next, only the phrase alone (`## Ready`) makes a listing. Rows are `log` occurrences: a
 * row of a story table elsewhere stays the story's primary (the two must agree on the status), and
 * queue never writes a status into a listing; a write that changes a listed story's status drops
 * its listing rows that no longer hold (`edit/decide.ts`).
 */
function readListing(
  table: RawTable,
  headers: string[],
  cols: Columns,
  sectionPath: string[],
  under: SectionStatus,
  src: string,
  file: string,
  out: Entry[],
  diags: Diagnostic[],
): void {
  const weakIds = cols.id !== -1 && WEAK_ID_HEADERS.test(headers[cols.id].trim());
  const section = { line: under.line, depth: under.depth, heading: under.status.raw };
  for (const row of table.rows) {
    if (isBlankRow(row)) continue;
    let id: string | null = cols.id === -1 ? null : textAt(row, cols.id) || null;
    let title = textAt(row, cols.title);
    if (id !== null && !isIdLike(id) && (SPACE.test(id) || weakIds || id.length > 24)) {
      title ||= id;
      id = null;
    }
    if (id === null && !title) {
      diags.push({ severity: 'warning', code: 'unparsed_row', message: `row under "${under.status.raw}" has neither an id nor a title`, file, line: row.line, column: row.column });
      continue;
    }
    out.push(
      rowEntry(row, cols, src, id, title, under.status, sectionPath, {
        file,
        line: row.line,
        column: row.column,
        kind: 'log',
        status: under.status,
        spans: { title: cellAt(row, cols.title), deps: cellAt(row, cols.deps), owner: cellAt(row, cols.owner), storyFile: cellAt(row, cols.storyFile) },
        section,
        start: row.start,
        end: row.end,
      }),
    );
  }
}

function logMatch(row: RawRow, src: string): { status: string; statusLength: number; id: string } | null {
  const first = row.cells[0];
  if (!first || first.start === first.end) return null;
  const raw = src.slice(first.start, first.end);
  const m = LOG_ID.exec(raw);
  if (!m?.[1].trim() || !isStatusText(m[1])) return null;
  return { status: m[1].trim(), statusLength: m[1].trimEnd().length, id: (m[2] ?? m[3]).trim() };
}
