/**
 * From task-list items (`- [ ] T-3 Parser (depends on: T-1)`) to entries: the box, an inline status
 * tag, a leading id, a trailing dependency clause, and what the section heading says. Pure.
 */
import type { DocBlocks, RawTask } from '../markdown/blocks.js';
import type { Diagnostic, Status } from '../domain/types.js';
import { DEPENDENCY_LABELS, parseDeps, type ParsedDeps } from './deps.js';
import { leadingId } from './normalize.js';
import { entry, type Entry } from './entry.js';
import type { StoryBody } from './headings.js';
import { SectionCursor } from './sections.js';
import { parseStatus } from './status.js';
import type { Lexicon } from './vocabulary.js';

/** A leading token that is a priority, not an id (`- [ ] P1 — Improve the layout`): eight items may
 * share `P1`, so it names no one story. */
export const PRIORITY_TOKEN = /^P[0-5]$/i;

/** The dependency labels of {@link TASK_DEPS_CLAUSE}, longest first, as a pattern: those of
 * `deps.ts` (every language) and the words a task writes alone (`(after T-1)`, `(requires T-1)`). */
const CLAUSE_LABELS = [...DEPENDENCY_LABELS, 'requires', 'after']
  .sort((a, b) => b.length - a.length)
  .map((l) => l.replace(/ /g, '\\s+'))
  .join('|');
/** A parenthesized dependency clause in a task's text (`(depends on: T-1, T-2)`, `(after T-1)`,
 * `（依赖：T-1）`): a label, then a colon or a space, then the list (group 1), which may hold one level
 * of parentheses of its own (`T-1 (core)`). Global and with match indices ({@link dependencyClause}). */
const TASK_DEPS_CLAUSE = new RegExp(`[(（](?:${CLAUSE_LABELS})(?:\\s*[:：]\\s*|\\s+)((?:[^()（）]|[(（][^()（）]*[)）])+)[)）]`, 'dgiu');
/** A clause whose label is followed by a colon (`(Abhängigkeiten: T-1)`, `（依赖：T-1）`). */
const COLON_CLAUSE = new RegExp(`^[(（](?:${CLAUSE_LABELS})\\s*[:：]`, 'iu');
/** The labels read without a colon, at the end of the item only (`(depends on T-1)`, `(after T-1)`):
 * any other word after a label is prose (`(dependencies updated)`). */
const BARE_CLAUSE = /^[(（](?:depends\s+on|deps|blocked\s+by|requires|after)\s/iu;
/** `after` and `requires` say a dependency only at the end of the item. */
const END_ONLY = /^[(（](?:after|requires)\b/iu;
/** A trailing `depends on: T-1` / `deps: T-1` without parentheses, at the end of a task's text. */
const TRAILING_DEPS = /(?:^|\s)(?:depends on|deps|blocked by|зависит от|зависимости)\s*[:：]\s*([^()]+)$/iu;

/**
 * The parenthesized clause of `text` that states the item's dependencies, as a match of
 * {@link TASK_DEPS_CLAUSE} (group 1 the list, with indices): the last clause, when it ends the text
 * (with a colon after its label, or a label read without one) or has a colon; null for none. The
 * reader and the writer (`edit/task-structure.ts`) take the same one.
 */
export function dependencyClause(text: string): RegExpExecArray | null {
  const last = [...text.matchAll(TASK_DEPS_CLAUSE)].at(-1);
  if (!last) return null;
  // A status tag after the clause (`(after T-1) [IN PROGRESS: A]`) is no text after it.
  const atEnd =
    text
      .slice(last.index + last[0].length)
      .replace(STATUS_TAGS, '')
      .trim() === '';
  const colon = COLON_CLAUSE.test(last[0]);
  return (atEnd ? colon || BARE_CLAUSE.test(last[0]) : colon && !END_ONLY.test(last[0])) ? (last as RegExpExecArray) : null;
}

/**
 * The dependencies of a task's text: its last parenthesized clause, at the end of the text (with a
 * colon after its label, or one of the labels read without: `(depends on T-1)`) or, with a colon,
 * anywhere in it (`(depends on: T-1) — see notes`); else a trailing `depends on: T-1`. `start`/`end`: where they are written
 * (the title is the text around them); null for none.
 */
function taskDeps(text: string): { list: string; start: number; end: number } | null {
  const clause = dependencyClause(text);
  if (clause) return { list: clause[1], start: clause.index, end: clause.index + clause[0].length };
  const t = TRAILING_DEPS.exec(text);
  return t ? { list: t[1], start: t.index, end: text.length } : null;
}
/**
 * A status tag inside a task-list item's text (`- [ ] T-3 Parser [IN PROGRESS: Dev 2]`): task lists
 * have no status cell, so a claim, a review or a hold is written in the bracket form status cells
 * use (`[IN PROGRESS: Dev 2]`, `[BLOCKED: reason]`), anywhere in the item's first paragraph. The
 * tag is not part of the title, the id or the dependencies: a claim never changes a derived id.
 */
export const TASK_STATUS = /\[(BLOCKED|ON[ _-]?HOLD|PAUSED|DEFERRED|PARKED|IN[ _-]?PROGRESS|CLAIMED|CLAIMING|REVIEW|WIP)(?::[^\]]*)?\]/i;

/** Every {@link TASK_STATUS} tag of a text. */
const STATUS_TAGS = new RegExp(TASK_STATUS.source, 'gi');

/** `text` without the status tag `m` found in it, and one space beside it. */
export function withoutTag(text: string, m: RegExpExecArray): string {
  const before = text.slice(0, m.index);
  const after = text.slice(m.index + m[0].length);
  return /\s$/.test(before) ? before.slice(0, -1) + after : before + after.replace(/^\s/, '');
}

/**
 * Whether the leading `P1`, `P2` … of a file's task items are ids (phases, `- [ ] P2 — Parser
 * (depends on: P1)`) rather than priorities: each written once, and one of them named in a
 * dependency clause. Priorities repeat (eight items share `P1`) and are not depended on.
 */
function phaseIds(tasks: readonly RawTask[]): boolean {
  const seen = new Set<string>();
  for (const t of tasks) {
    const lead = leadingId(t.text.trim());
    if (!lead || !PRIORITY_TOKEN.test(lead.id)) continue;
    const p = lead.id.toUpperCase();
    if (seen.has(p)) return false;
    seen.add(p);
  }
  if (seen.size === 0) return false;
  for (const t of tasks) {
    const d = taskDeps(t.text);
    if (d && parseDeps(d.list).deps.some((x) => seen.has(x.ref.toUpperCase()))) return true;
  }
  return false;
}

/** A heading over a status legend (`## Status Legend` then `- [ ] Not started`,
 * `- [x] Done`): its check boxes explain the notation and are not stories. */
const LEGEND = /\blegend\b/i;

/** Section statuses that an open box under them takes: a box says only "not done", the heading says
 * which (held, taken, in review, dropped). A "Done" heading over an open box is not believed over it. */
const REFINES = new Set(['blocked', 'in_progress', 'review', 'cancelled']);

/**
 * Read the task items of a document into `out`, except those inside a heading-block story's body
 * (`bodies`: its checklist), those under a legend heading, and plain boxes nested in a story's item
 * (no id, status tag or dependency clause: its checklist). A nested item with an id is a story whose
 * parent is the item it is nested in. An item's status is its box, else the
 * inline tag in its text, else, for an open box without a tag, what its section heading says when
 * that is a hold, a claim, a review or a cancellation (`## Blocked on the owner — …`).
 */
export function readTasks(blocks: DocBlocks, file: string, out: Entry[], diags: Diagnostic[], bodies: readonly StoryBody[], lexicon?: Lexicon) {
  // By index in blocks.tasks: the story an item is, or whose checklist it is part of (null: neither).
  const owner: Array<Entry | null> = [];
  const phases = phaseIds(blocks.tasks);
  const legends = new Set<string>();
  let b = 0;
  const sections = new SectionCursor(blocks.headings);
  blocks.tasks.forEach((t: RawTask) => {
    while (b < bodies.length && bodies[b].end <= t.start) b++;
    if (b < bodies.length && bodies[b].start <= t.start) {
      // The innermost story whose body holds the box owns it.
      let inner = b;
      for (let k = b + 1; k < bodies.length && bodies[k].start <= t.start; k++) if (t.start < bodies[k].end) inner = k;
      bodies[inner].story.checklist.push({ text: t.text.trim(), done: t.checked });
      owner.push(null);
      return;
    }
    const sectionPath = sections.sectionAt(t.start);
    const heading = sectionPath[sectionPath.length - 1];
    if (heading !== undefined && LEGEND.test(heading)) {
      owner.push(null);
      if (!legends.has(heading)) {
        legends.add(heading);
        diags.push({ severity: 'info', code: 'legend', message: `the check boxes under "${heading}" are read as a legend, not as stories`, file, line: t.line, column: t.column });
      }
      return;
    }
    const inline = TASK_STATUS.exec(t.text);
    let text = (inline ? withoutTag(t.text, inline) : t.text).trim();
    const lead = leadingId(text);
    // A leading priority (`P1 — …`) is the item's priority, not its id: the id is derived. Unless the
    // file's `P` tokens are ids (phaseIds).
    const priority = lead && PRIORITY_TOKEN.test(lead.id) && !phases ? lead.id.toUpperCase() : null;
    const id = priority ? null : (lead?.id ?? null);
    if (lead) text = lead.rest;
    const d = taskDeps(text);
    // A plain box nested in a story's item (no id, tag or dependency clause of its own) is a step of
    // that story: its checklist, as the boxes in a heading block are. One with an id is a child story.
    const up = t.parent === -1 ? null : owner[t.parent];
    if (up && id === null && !inline && !d) {
      up.checklist.push({ text: t.text.trim(), done: t.checked });
      owner.push(up);
      return;
    }
    let deps: ParsedDeps | null = null;
    if (d) {
      deps = parseDeps(d.list);
      // The title is the text around the clause: a note after it stays (`A — see notes`), a full
      // stop closes the title (`A.`).
      text = `${text.slice(0, d.start).trimEnd()}${text.slice(d.end).replace(/^\s*(?=[.。,;:!?])/, '')}`.trim();
    }
    let status: Status = t.checked
      ? { category: 'done' as const, raw: '[x]', token: '[X]', claimant: null, reason: null }
      : { category: 'todo' as const, raw: '[ ]', token: '[ ]', claimant: null, reason: null };
    // A checked box is done whatever tag is left beside it.
    if (inline && !t.checked) status = { ...parseStatus(inline[0], lexicon), raw: inline[0] };
    // Two tags say two things (`[IN PROGRESS: Dev 1] … [IN PROGRESS: Mal]`): which holds is a person's
    // call, so the item reads as unknown (a held story made unreadable is a change the claim rules
    // judge) until one is left.
    const second = inline && !t.checked ? TASK_STATUS.exec(t.text.slice(inline.index + inline[0].length)) : null;
    if (second) {
      status = { category: 'unknown', raw: `${inline![0]} ${second[0]}`, token: '', claimant: null, reason: null };
      diags.push({
        severity: 'warning',
        code: 'unknown_status',
        message: `two status tags in one item (${inline![0]}, ${second[0]}): it reads as unknown until one is left`,
        file,
        line: t.line,
        column: t.column,
      });
    }
    const sec = inline || t.checked ? null : sections.statusSectionAt(t.start);
    const section = sec && REFINES.has(sec.status.category) ? sec : null;
    if (section) status = section.status;
    const e = entry({
      id,
      title: text,
      status,
      deps,
      priority,
      sectionPath,
      parent: t.parent === -1 ? null : owner[t.parent],
      occurrence: {
        file,
        line: t.line,
        column: t.column,
        kind: 'task',
        status,
        spans: { status: { start: t.box, end: t.box + 3 }, title: { start: t.textStart, end: t.textEnd }, item: { start: t.start, end: t.end } },
        ...(section ? { section: { line: section.line, depth: section.depth, heading: section.status.raw } } : {}),
        start: t.start,
        end: t.textEnd,
      },
    });
    owner.push(e);
    out.push(e);
  });
}

/** A list item with a box GitHub's Markdown does not know (`- [~] **A-3** …`, `- [/] …`, `- [-] …`):
 * it reads as a plain list item. */
const ODD_BOX = /^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[([^\]\s xX])\][ \t]+(\S.*)$/gm;
const CODE_FENCE = /^[ \t]{0,3}(`{3,}|~{3,})/;

/**
 * Warn (`unknown_box`) about each list item of `src` outside code fences that is written as a task
 * item whose box GitHub's Markdown does not know (`[~]`, `[/]`, `[-]`, `[?]`) and whose text starts
 * with an id, or any such item where the document's task items are stories (`tasks`): it is no task
 * item, so no story, and without the warning nothing would say so (a story depending on it would
 * name a story that does not exist). Its line and column are the list marker's.
 */
export function oddBoxes(src: string, file: string, diags: Diagnostic[], tasks: boolean): void {
  ODD_BOX.lastIndex = 0;
  let fenced: Array<[number, number]> | null = null;
  let line = 1;
  let counted = 0;
  for (let m = ODD_BOX.exec(src); m !== null; m = ODD_BOX.exec(src)) {
    const found = leadingId(m[2].replace(/[*_`]/g, ''));
    const lead = found && !PRIORITY_TOKEN.test(found.id) ? found : null;
    if (!lead && !tasks) continue;
    fenced ??= fences(src);
    const at = m.index;
    if (fenced.some(([a, b]) => at >= a && at < b)) continue;
    for (let i = src.indexOf('\n', counted); i !== -1 && i < at; i = src.indexOf('\n', i + 1)) line++;
    counted = at;
    diags.push({
      severity: 'warning',
      code: 'unknown_box',
      message: `"[${m[1]}]" is no check box GitHub's Markdown knows, so ${lead ? lead.id : 'this item'} is not read as a story: write [ ] or [x], and a status tag for the rest ([IN PROGRESS: Dev 1], [BLOCKED: reason])`,
      file,
      line,
      column: m[0].length - m[0].trimStart().length + 1,
    });
  }
}

/** The offsets of the fenced code blocks of `src`, each from its opening fence to the end of its closing one. */
export function fences(src: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let open: { at: number; fence: string } | null = null;
  for (let at = 0; at < src.length; ) {
    let nl = src.indexOf('\n', at);
    if (nl === -1) nl = src.length;
    const f = CODE_FENCE.exec(src.slice(at, Math.min(nl, at + 40)));
    if (f && (open === null || (f[1][0] === open.fence[0] && f[1].length >= open.fence.length))) {
      if (open === null) open = { at, fence: f[1] };
      else {
        out.push([open.at, nl]);
        open = null;
      }
    }
    at = nl + 1;
  }
  if (open) out.push([open.at, src.length]);
  return out;
}
