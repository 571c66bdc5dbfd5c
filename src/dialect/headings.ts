/**
 * Stories written as heading blocks: a heading, then `field: value` lines, one of them a status
 * (about a tenth of real work queues are written so). Pure.
 *
 *   ## QW-001 Crash-safe persistence design
 *   Status: `todo`
 *
 *   ### BUG-1: Store process start time alongside PID
 *   **Status:** RESOLVED
 *
 *   ## P2CSE-002: Select Project License
 *   Status: done
 *   Dependencies: P2CSE-001
 *
 * A heading is a story when the lines before its first sub-heading hold a `Status:` (or `State:`)
 * field, bare, bold (`**Status:**`, `**Status**:`) or as a list item (`- **Status**: …`), outside
 * code fences. Its id is the heading's leading id (`QW-001`, `BUG-1:`, `1.`), else an `id:` field;
 * `Depends on:` / `Dependencies:` / `Blocked by:` give its
 * dependencies and `Owner:` / `Assignee:` its owner. The status span is the value inside any
 * backticks or bold, so a write keeps them (`` `todo` `` → `` `done` ``). Prose says "Status:" too,
 * so unlike a table row (always a story), a heading is one only with an id (in the heading, a
 * numbered heading's number, or an `id:` field) and a status the grammar knows.
 *
 * Without a `Status:` field, an id heading right under a section that is a status alone is a story
 * with that section's status (`## Ready` then `### WQ-012 …`;
 * `sections.ts`); its `Claimed by:` field names the claimant, `Blocked on:` the hold's reason, and
 * writes move the block (`edit/move.ts`). `Priority:` gives any heading story its priority, and
 * `Blocked on:` a blocked `Status:` with no reason of its own its reason (a hold).
 */
import type { DocBlocks, RawHeading } from '../markdown/blocks.js';
import type { Diagnostic, Occurrence, Span, Status } from '../domain/types.js';
import { DEPENDENCY_LABELS, parseDeps, saysNone, type ParsedDeps } from './deps.js';
import { entry, ownerOf, type Entry } from './entry.js';
import { leadingId } from './normalize.js';
import { SectionCursor, sectionStatus, targetSection } from './sections.js';
import { parseStatus, unknownStatusMessage } from './status.js';
import type { Lexicon } from './vocabulary.js';

/**
 * The field labels of a heading block, by the name queue reads them as, in the languages of the
 * status grammar (`Статус:`, `Trạng thái:`, `状态：`, `Estado:`, `Abhängigkeiten:` …).
 */
const LABELS: Record<string, string[]> = {
  status: ['status', 'state', 'статус', 'состояние', 'trạng thái', 'tình trạng', '状态', '狀態', 'ステータス', '状態', '상태', 'estado', 'statut', 'état', 'zustand', 'situação'],
  deps: [...DEPENDENCY_LABELS],
  'blocked on': ['blocked on'],
  'claimed by': ['claimed by'],
  id: ['id'],
  title: ['title', 'название', 'заголовок', 'tiêu đề', '标题', '標題', 'タイトル', '제목', 'título', 'titre', 'titel'],
  owner: ['owner', 'assignee', 'ответственный', 'исполнитель', 'người phụ trách', '负责人', '負責人', '担当', '担当者', '담당자', 'responsable', 'responsável', 'verantwortlich'],
  priority: ['priority', 'приоритет', 'ưu tiên', '优先级', '優先度', '우선순위', 'prioridad', 'prioridade', 'priorité', 'priorität'],
};
const LABEL_NAME = new Map(Object.entries(LABELS).flatMap(([name, labels]) => labels.map((l) => [l, name] as const)));
const LABEL_SOURCE = [...LABEL_NAME.keys()]
  .sort((a, b) => b.length - a.length)
  .map((l) => l.replace(/ /g, '[ \\t]+'))
  .join('|');
const FIELD = new RegExp(`^[ \\t]*(?:[-*+][ \\t]+)?(\\*\\*|__)?(${LABEL_SOURCE})([:：]\\1|\\1[ \\t]*[:：]|[:：])[ \\t]*(.*?)[ \\t]*$`, 'iu');
const FENCE = /^[ \t]{0,3}(`{3,}|~{3,})/;

/** A field value in a heading block (`Status: todo`): its text and its offsets in the file. */
export interface Field {
  value: string;
  start: number;
  end: number;
  /** Set for a label whose values are the list items on the lines after it (`Depends on:` then
   * `- QW-001`): `value` joins them with `, `, and `start`/`end` span the list, no one value's place. */
  list?: true;
}

/** A list item's line: its indentation, and its text. */
const LIST_ITEM = /^([ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+(.*?)[ \t]*$/;

/**
 * The list written on the lines from `at` of `src` (before `to`): its items' texts joined by `, `,
 * when a list starts there or after one blank line, else null. What a dependency label with nothing
 * after it (`Depends on:`) names. `indent`: for a label that is itself a list item (`- Depends on:`),
 * its indentation: only items nested deeper are its list (the others are the block's other fields).
 * A line that is a field of its own (`- **Owner**: Dev 1`) ends the list.
 */
function listAfter(src: string, at: number, to: number, indent: number | null): Field | null {
  const items: string[] = [];
  let start = -1;
  let end = at;
  let blank = 0;
  while (at < to) {
    let nl = src.indexOf('\n', at);
    if (nl === -1 || nl > to) nl = to;
    const line = src.slice(at, nl).replace(/\r$/, '');
    const m = LIST_ITEM.exec(line);
    if (m && (indent === null || m[1].length > indent) && m[1].length < (indent ?? 0) + 8 && !FIELD.test(line)) {
      const text = m[2];
      if (start === -1) start = at;
      if (text !== '') items.push(text);
      end = at + line.length;
    } else if (line.trim() === '' && start === -1 && blank++ === 0) {
      // One blank line may come between the label and its list.
    } else break;
    at = nl + 1;
  }
  return items.length ? { value: items.join(', '), start, end, list: true } : null;
}

/** A reference shaped like a story id: one word with a digit in it (`S-1`, `#12`, `WQ-3a`). */
const ID_SHAPED = /^#?[\p{L}\p{N}][\p{L}\p{N}._-]*$/u;

/** The hold reason a `Blocked on:` value gives a blocked status, or null: none when it says none
 * (`None`, `—`, `_N/A_`) or names only stories (`Blocked on: S-1`, ids with a digit: it waits on
 * them, as on its dependencies; whether they are its `Depends on:` too does not change that, so
 * that a dependency added or removed never turns a wait into a hold). */
function holdReason(value: string | undefined): string | null {
  const v = value?.trim();
  if (!v || saysNone(v.replace(/`/g, ''))) return null;
  const named = parseDeps(v.replace(/`/g, ''));
  if (named.documents.length === 0 && named.deps.length && named.deps.every((d) => ID_SHAPED.test(d.ref) && /\d/.test(d.ref))) return null;
  return v;
}

/** The value's span inside wrapping backticks or bold (`` `todo` ``, `**done**`). */
function unwrap(src: string, start: number, end: number): { start: number; end: number } {
  for (const w of ['`', '**', '__', '*', '_']) {
    const v = src.slice(start, end);
    if (v.length > 2 * w.length && v.startsWith(w) && v.endsWith(w)) return unwrap(src, start + w.length, end - w.length);
  }
  return { start, end };
}

/**
 * Whether the line `src[from, to)` may be a {@link FENCE} or a {@link FIELD}: it holds something
 * besides spaces and tabs, and does not start with `|`, as every table row does (a field line starts
 * with its name, in any language, or a list marker). A cheap test that lets {@link fieldsIn} skip
 * table rows unread.
 */
function mayStartField(src: string, from: number, to: number): boolean {
  let i = from;
  while (i < to && (src.charCodeAt(i) === 32 || src.charCodeAt(i) === 9)) i++;
  return i < to && src.charCodeAt(i) !== 124 && !(i + 1 === to && src.charCodeAt(i) === 13);
}

/** The fields of the lines from `from` to `to` (before the next heading), outside code fences, by
 * name (lower case; `state` read as `status`, the dependency names as `deps`, `assignee` as `owner`). */
export function fieldsIn(src: string, from: number, to: number): Map<string, Field> {
  const out = new Map<string, Field>();
  let fence: string | null = null;
  let at = from;
  while (at < to) {
    let nl = src.indexOf('\n', at);
    if (nl === -1 || nl > to) nl = to;
    if (!mayStartField(src, at, nl)) {
      // Most lines (every table row) can be neither a fence nor a field: not sliced, not matched.
      at = nl + 1;
      continue;
    }
    const line = src.slice(at, nl).replace(/\r$/, '');
    const f = FENCE.exec(line);
    if (f && (fence === null || f[1][0] === fence[0])) fence = fence === null ? f[1] : null;
    else if (fence === null) {
      const m = FIELD.exec(line);
      if (m) {
        const name = LABEL_NAME.get(m[2].toLowerCase().replace(/[ \t]+/g, ' ')) ?? m[2].toLowerCase();
        const start = at + line.length - m[4].length - (line.length - line.trimEnd().length);
        // Marks opened before the label and closed after the value (`**Status: todo**`, `**State:
        // DONE** (merged)`) close the field: the value ends before them, and the rest is prose.
        let value = m[4];
        if (m[1] && m[3].length === 1) {
          const close = value.indexOf(m[1]);
          if (close !== -1) value = value.slice(0, close).trimEnd();
        }
        if (!out.has(name) && value !== '') out.set(name, { value, start, end: start + value.length });
        else if (!out.has(name) && name === 'deps') {
          const bullet = /^([ \t]*)[-*+][ \t]/.exec(line);
          const list = listAfter(src, nl + 1, to, bullet ? bullet[1].length : null);
          if (list) out.set(name, list);
        }
      }
    }
    at = nl + 1;
  }
  return out;
}

/** A heading story's body: from the line after its heading to the next heading of its level or higher. */
export interface StoryBody extends Span {
  story: Entry;
}

/** A date is not an id (`### 2026-03-14` groups a day's entries under `## Completed`). */
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A status written as a word or two (`Frozen`, `On ice`, `Won't do`), not a sentence. */
const STATUS_WORDS = /^[\p{L}\p{N}'’-]{1,20}(?: [\p{L}\p{N}'’-]{1,20})?$/u;

/**
 * Read the heading-block stories of a document into `out`. Returns each story's body, in file order:
 * check boxes there are the story's checklist (acceptance criteria), not stories of their own.
 *
 * A heading with an id but no `Status:` field takes its status from its parent heading when that
 * heading is a status alone (`## Ready`, `## In progress`, `## Done`, in queues whose rule is
 * "Status is the section the item lives in"; `dialect/sections.ts`). Its id must be
 * written in the heading (`### WQ-012 …`), not a bare number or a date.
 */
export function readHeadingStories(blocks: DocBlocks, src: string, file: string, out: Entry[], diags: Diagnostic[], lexicon?: Lexicon): StoryBody[] {
  const hs = blocks.headings;
  const bodies: StoryBody[] = [];
  const before = out.length;
  // Blocks with an id in their heading and a `Status:` line whose word the grammar does not know:
  // stories with an unknown status in a file that keeps its stories as heading blocks (one at least
  // reads), else prose.
  const unread: Array<{ story: Entry; body: StoryBody }> = [];
  const sections = new SectionCursor(hs);
  let phaseMemo: boolean | undefined;
  const phases = () => (phaseMemo ??= phaseHeadings(hs, src));
  // Whether a claim can move a block out of the section it sits in (`edit/move.ts`), once per section.
  const claimable = new Map<RawHeading, boolean>();
  const claimableUnder = (section: RawHeading): boolean => {
    let yes = claimable.get(section);
    if (yes === undefined) {
      yes = targetSection(hs, hs.indexOf(section), 'in_progress') !== -1;
      claimable.set(section, yes);
    }
    return yes;
  };
  hs.forEach((h: RawHeading, i) => {
    if (h.depth < 2) return;
    const lineEnd = src.indexOf('\n', h.start);
    const bodyStart = lineEnd === -1 ? src.length : lineEnd + 1;
    const bodyEnd = i + 1 < hs.length ? hs[i + 1].start : src.length;
    const fields = bodyStart < bodyEnd ? fieldsIn(src, bodyStart, bodyEnd) : new Map<string, Field>();
    const st = fields.get('status');
    const heading = h.text.trim();
    let status: Status;
    let span: Span | undefined;
    let section: Occurrence['section'];
    let lead: { id: string; rest: string } | null;
    if (st) {
      span = unwrap(src, st.start, st.end);
      const raw = src.slice(span.start, span.end);
      status = { ...parseStatus(raw, lexicon), raw };
      // `Blocked on:` gives a blocked status its reason, as under a section that says blocked: a hold.
      const on = status.category === 'blocked' && status.reason === null ? holdReason(fields.get('blocked on')?.value) : null;
      if (on) status = { ...status, reason: on };
      // Prose says "Status:" too (`**Status:** Ignored with note …` in a report, `Code has a TODO`):
      // a heading is a story with a status the grammar knows and an id, written in the heading or as
      // an `id:` field; with a word it does not know (`Frozen`, `On ice`), only with an id in the
      // heading, beside other heading-block stories.
      lead = leadingId(heading, true);
      if (status.category === 'unknown' && (!lead || !STATUS_WORDS.test(raw.replace(/[*_`]/g, '').trim()))) return;
    } else {
      // The heading's parent: the innermost heading in force above it.
      const path = sections.headingsAt(h.start);
      const parent = path.length > 1 ? path[path.length - 2] : null;
      const sec = parent ? sectionStatus(parent) : null;
      lead = leadingId(heading);
      if (!parent || !sec?.exact || !lead || DATE.test(lead.id)) return;
      // The section says the category; the block may say who holds it and why it is held.
      const claimant =
        sec.status.category === 'blocked' || sec.status.category === 'todo' || sec.status.category === 'cancelled' ? null : (fields.get('claimed by')?.value ?? null);
      const reason = sec.status.category === 'blocked' ? (fields.get('blocked on')?.value ?? sec.status.reason) : null;
      status = claimant === null && reason === sec.status.reason ? sec.status : { ...sec.status, claimant, reason };
      section = { line: sec.line, depth: sec.depth, heading: parent.text.trim(), ...(claimableUnder(parent) ? {} : { claimable: false as const }) };
    }
    // A leading priority (`### P1 — …`) names no one story: the id is the `id:` field's, if any;
    // unless the file's `P` headings are phases (phaseHeadings).
    if (lead && /^P[0-5]$/i.test(lead.id) && !phases()) lead = null;
    const idField = fields.get('id')?.value.replace(/^`|`$/g, '').trim() || null;
    const id = lead?.id ?? idField;
    if (id === null) return;
    // A `title:` field names the story; else the heading without its id, and without a word that
    // only announces the id (`### TASK WQ-A-…` with `id: WQ-A-…`).
    const titleField = fields
      .get('title')
      ?.value.replace(/^[`*_"]+|[`*_"]+$/g, '')
      .trim();
    const title = titleField || lead?.rest || headingTitle(heading, id);
    const depsField = fields.get('deps');
    const deps: ParsedDeps | null = depsField ? parseDeps(depsField.value.replace(/`/g, '')) : null;
    const ownerField = fields.get('owner')?.value;
    const priority = fields.get('priority')?.value.replace(/[`*_]/g, '').trim();
    const story = entry({
      id,
      title,
      status,
      owner: ownerField ? ownerOf(ownerField) : null,
      deps,
      priority: priority || null,
      sectionPath: sections.sectionAt(h.start).slice(0, -1),
      occurrence: {
        file,
        line: h.line,
        column: 1,
        kind: 'heading',
        status,
        // Dependencies listed on lines of their own have no one place a write could edit.
        spans: { ...(span ? { status: span } : {}), ...(depsField && !depsField.list ? { deps: unwrap(src, depsField.start, depsField.end) } : {}) },
        ...(section ? { section } : {}),
        start: h.start,
        end: lineEnd === -1 ? src.length : lineEnd,
      },
    });
    const body = { start: bodyStart, end: blockEnd(hs, i, src.length), story };
    if (status.category === 'unknown') {
      unread.push({ story, body });
      return;
    }
    out.push(story);
    bodies.push(body);
  });
  if (unread.length && out.length > before) {
    for (const { story, body } of unread) {
      out.push(story);
      bodies.push(body);
      diags.push({
        severity: 'warning',
        code: 'unknown_status',
        message: unknownStatusMessage(story.status.raw),
        file,
        line: story.occurrence.line,
        column: 1,
        ...(story.id ? { story: story.id } : {}),
      });
    }
    bodies.sort((a, b) => a.start - b.start);
  }
  return bodies;
}

/**
 * Whether the headings that start with `P1`, `P2` … are phases (ids: `### P2 — Parser` with
 * `Depends on: P1`) rather than priorities: each written once, and one of them named after a
 * dependency label (`Depends on: P1`) somewhere in the file.
 */
function phaseHeadings(hs: readonly RawHeading[], src: string): boolean {
  const seen = new Set<string>();
  for (const h of hs) {
    const lead = h.depth >= 2 ? leadingId(h.text.trim()) : null;
    if (!lead || !/^P[0-5]$/i.test(lead.id)) continue;
    const p = lead.id.toUpperCase();
    if (seen.has(p)) return false;
    seen.add(p);
  }
  if (seen.size === 0) return false;
  const labels = DEPENDENCY_LABELS.map((l) => l.replace(/ /g, '\\s+')).join('|');
  const named = new RegExp(`(?:${labels})\\**\\s*[:：]\\**[^\\n]*?(?<![\\p{L}\\p{N}])(P[0-5])(?![\\p{L}\\p{N}])`, 'giu');
  for (const m of src.matchAll(named)) if (seen.has(m[1].toUpperCase())) return true;
  return false;
}

/** A heading's text as a title when its id is in an `id:` field: the heading without that id, or
 * the heading as written. */
function headingTitle(heading: string, id: string): string {
  const at = heading.indexOf(id);
  if (at === -1) return heading;
  const rest = (heading.slice(0, at) + heading.slice(at + id.length)).replace(/\s+/g, ' ').trim();
  return rest.replace(/^[-—–:]\s*|\s*[-—–:]$/g, '') || heading;
}

/** Where the block of heading `hs[i]` ends: at the next heading of the same or a higher level. */
export function blockEnd(hs: readonly RawHeading[], i: number, length: number): number {
  for (let j = i + 1; j < hs.length; j++) if (hs[j].depth <= hs[i].depth) return hs[j].start;
  return length;
}
