/**
 * From {@link DocBlocks} to entries: one per story row or task item, with its cells understood.
 * Pure. Every row of a story table becomes an entry or a diagnostic; none is dropped silently.
 */
import type { DocBlocks, RawCell, RawRow, RawTable, RawTask } from '../markdown/blocks.js';
import type { Diagnostic, Occurrence, Status } from '../model/types.js';
import { assignRoles, type Role } from './columns.js';
import { parseDeps, type ParsedDeps } from './deps.js';
import { isIdLike } from './normalize.js';
import { isStatusText, parseStatus } from './status.js';

/** A story as one place in one file says it. Merged into stories by `model/build.ts`. */
export interface Entry {
  /** Id as written, or null when the row or item has none (derived later from section and title). */
  id: string | null;
  title: string;
  status: Status;
  owner: string | null;
  deps: ParsedDeps | null;
  storyFile: string | null;
  priority: string | null;
  effort: string | null;
  wave: string | null;
  fields: Record<string, string>;
  sectionPath: string[];
  /** The enclosing task item's entry, for nested task lists. */
  parent: Entry | null;
  occurrence: Occurrence;
}

export interface EntriesResult {
  entries: Entry[];
  diagnostics: Diagnostic[];
}

const EMPTY_OWNER = /^(?:|-+|—|–|none|n\/a|unassigned|tbd|\?)$/i;

function sectionAt(blocks: DocBlocks, offset: number): string[] {
  const path: Array<{ depth: number; text: string }> = [];
  for (const h of blocks.headings) {
    if (h.start > offset) break;
    while (path.length && path[path.length - 1].depth >= h.depth) path.pop();
    path.push({ depth: h.depth, text: h.text });
  }
  return path.map((p) => p.text.trim());
}

function ownerOf(text: string | undefined): string | null {
  const t = (text ?? '').trim();
  return EMPTY_OWNER.test(t) ? null : t;
}

function storyFileOf(cell: RawCell | undefined, src: string): string | null {
  if (!cell || cell.start === cell.end) return null;
  const raw = src.slice(cell.start, cell.end);
  const link = /\]\(\s*<?([^)\s>]+)>?/.exec(raw);
  const candidate = (link ? link[1] : cell.text).trim().replace(/^`+|`+$/g, '');
  if (/^[a-z]+:\/\//i.test(candidate) || candidate === '' || /\s/.test(candidate)) return null;
  return /[./]/.test(candidate) ? candidate : null;
}

/** Id columns that often hold prose (`| Task | Status |`): accept only single-token ids there. */
const WEAK_ID_HEADERS = /^(?:item|task|work)$/i;

const LOG_ID = /^(.*?)\s*(?:\*\*([^*]+)\*\*|`([^`]+)`)\s*$/s;

/** Read a whole document's story tables and task items. */
export function readEntries(blocks: DocBlocks, src: string, file: string): EntriesResult {
  const entries: Entry[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const table of blocks.tables) readTable(table, blocks, src, file, entries, diagnostics);
  readTasks(blocks, file, entries);
  entries.sort((a, b) => a.occurrence.start - b.occurrence.start);
  return { entries, diagnostics };
}

function span(cell: RawCell | undefined) {
  return cell ? { start: cell.start, end: cell.end } : undefined;
}

function readTable(table: RawTable, blocks: DocBlocks, src: string, file: string, out: Entry[], diags: Diagnostic[]) {
  const headers = table.header.cells.map((c) => c.text);
  const roles = assignRoles(headers);
  const index = new Map<Role, number>();
  roles.forEach((r, i) => r !== null && index.set(r, i));
  const col = (r: Role) => index.get(r) ?? -1;
  const statusCol = col('status');
  const sectionPath = sectionAt(blocks, table.start);
  const isStoryTable = statusCol !== -1 && (col('id') !== -1 || col('title') !== -1);
  const logRows = statusCol === -1 ? table.rows.filter((r) => logMatch(r, src)) : [];
  if (!isStoryTable && logRows.length === 0) return;

  for (const row of table.rows) {
    if (row.cells.every((c) => c.text.trim() === '')) continue;
    const cell = (r: Role) => (col(r) === -1 ? undefined : row.cells[col(r)]);
    const text = (r: Role) => cell(r)?.text.trim() ?? '';
    const where = { file, line: row.line, column: row.column };
    if (row.cells.length !== headers.length) {
      const piped = row.cells.some((c) => src.slice(c.start, c.end).includes('`'));
      diags.push({
        severity: 'warning',
        code: 'uneven_row',
        message: `row has ${row.cells.length} cells, header has ${headers.length}${piped ? ' (a `|` inside backticks still splits a cell: write `\\|`)' : ''}`,
        ...where,
      });
    }
    let status: Status;
    let id: string | null;
    let idCell: RawCell | undefined;
    let statusSpan: { start: number; end: number } | undefined;
    let kind: Occurrence['kind'] = 'table';
    if (isStoryTable) {
      const sc = row.cells[statusCol];
      status = parseStatus(sc?.text ?? '');
      statusSpan = span(sc) ?? { start: row.end, end: row.end };
      idCell = cell('id');
      id = idCell ? idCell.text.trim() : null;
    } else {
      const m = logMatch(row, src);
      if (!m) {
        diags.push({ severity: 'warning', code: 'unparsed_row', message: `row in a \`[DONE] **id**\` log table has no status before a bold id: "${row.cells[0]?.text ?? ''}"`, ...where });
        continue;
      }
      kind = 'log';
      status = parseStatus(m.status);
      statusSpan = { start: row.cells[0].start, end: row.cells[0].start + m.statusLength };
      id = m.id;
      idCell = row.cells[0];
    }
    let title = text('title');
    const weak = isStoryTable && WEAK_ID_HEADERS.test(headers[col('id')]?.trim() ?? '');
    if (id !== null && (id === '' || id.length > 80 || (/\s/.test(id) && (weak || id.length > 24) && !isIdLike(id)))) {
      if (!title) title = id;
      id = null;
    }
    if (status.category === 'unknown') {
      const sc = isStoryTable ? row.cells[statusCol] : row.cells[0];
      diags.push({
        severity: 'warning',
        code: status.raw.trim() === '' ? 'empty_status' : 'unknown_status',
        message: status.raw.trim() === '' ? 'status cell is empty' : `unrecognized status "${status.raw.slice(0, 60)}"`,
        file,
        line: row.line,
        column: sc ? sc.start - row.start + row.column : row.column,
        ...(id ? { story: id } : {}),
      });
    }
    const fields: Record<string, string> = {};
    roles.forEach((r, i) => {
      if (r === null && i !== statusCol && headers[i].trim() && row.cells[i]) fields[headers[i].trim()] = row.cells[i].text;
    });
    out.push({
      id,
      title,
      status,
      owner: ownerOf(text('owner')),
      deps: col('deps') === -1 ? null : parseDeps(text('deps')),
      storyFile: storyFileOf(cell('storyFile'), src),
      priority: text('priority') || null,
      effort: text('effort') || null,
      wave: text('wave') || null,
      fields,
      sectionPath,
      parent: null,
      occurrence: {
        file,
        line: row.line,
        column: row.column,
        kind,
        status,
        spans: {
          status: statusSpan,
          id: kind === 'table' ? span(idCell) : undefined,
          title: span(cell('title')),
          deps: span(cell('deps')),
          owner: span(cell('owner')),
          storyFile: span(cell('storyFile')),
        },
        start: row.start,
        end: row.end,
      },
    });
  }
}

function logMatch(row: RawRow, src: string): { status: string; statusLength: number; id: string } | null {
  const first = row.cells[0];
  if (!first || first.start === first.end) return null;
  const raw = src.slice(first.start, first.end);
  const m = LOG_ID.exec(raw);
  if (!m || !m[1].trim() || !isStatusText(m[1])) return null;
  return { status: m[1].trim(), statusLength: m[1].trimEnd().length, id: (m[2] ?? m[3]).trim() };
}

const TASK_ID = /^([A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*[-_.]?\d+[A-Za-z0-9.-]*|\d+(?:[.-]\d+)+)(?:\s*[:—–)]\s*|\s+[-—–]\s+|\s+|$)/;
/** `(depends on: T-1, T-2)`, `(after T-1)`, or a trailing `depends on: T-1` / `deps: T-1`. */
const TASK_DEPS = /\((?:depends on|deps|blocked by|requires|after)\s*:?\s*([^)]+)\)\s*$|\b(?:depends on|deps|blocked by)\s*:\s*([^()]+)$/i;
const TASK_STATUS = /\[(BLOCKED|IN[ _-]?PROGRESS|CLAIMED|CLAIMING|REVIEW|WIP)(?::[^\]]*)?\]/i;

function readTasks(blocks: DocBlocks, file: string, out: Entry[]) {
  const mine: Entry[] = [];
  blocks.tasks.forEach((t: RawTask) => {
    let text = t.text.trim();
    let id: string | null = null;
    const m = TASK_ID.exec(text);
    if (m && /\d/.test(m[1]) && m[1].length <= 40) {
      id = m[1].replace(/[.]$/, '');
      text = text.slice(m[0].length).trim();
    }
    let deps: ParsedDeps | null = null;
    const d = TASK_DEPS.exec(text);
    if (d) {
      deps = parseDeps(d[1] ?? d[2]);
      text = text.slice(0, d.index).trim();
    }
    let status: Status = t.checked
      ? { category: 'done' as const, raw: '[x]', token: '[X]', claimant: null, reason: null }
      : { category: 'todo' as const, raw: '[ ]', token: '[ ]', claimant: null, reason: null };
    const inline = t.checked ? null : TASK_STATUS.exec(t.text);
    if (inline) status = { ...parseStatus(inline[0]), raw: inline[0] };
    const entry: Entry = {
      id,
      title: text,
      status,
      owner: null,
      deps,
      storyFile: null,
      priority: null,
      effort: null,
      wave: null,
      fields: {},
      sectionPath: sectionAt(blocks, t.start),
      parent: t.parent === -1 ? null : mine[t.parent],
      occurrence: {
        file,
        line: t.line,
        column: t.column,
        kind: 'task',
        status,
        spans: { status: { start: t.box, end: t.box + 3 }, title: { start: t.textStart, end: t.textEnd } },
        start: t.start,
        end: t.textEnd,
      },
    };
    mine.push(entry);
    out.push(entry);
  });
}
