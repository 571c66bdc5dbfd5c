/**
 * The typed queue model: stories, statuses, dependencies, diagnostics. Pure data, no I/O.
 *
 * Vocabulary follows the field (beads, Backlog.md, kanban-md): a *story* is a unit of work, its
 * *claimant* is the agent holding it, a *dependency* must be done before the story is *ready*, its
 * *dependents* wait on it, a *wave* is a set of stories that can run in parallel.
 */

/** Normalized status category, as the status grammar (`dialect/status.ts`) reads a status. */
export type StatusCategory = 'todo' | 'blocked' | 'in_progress' | 'review' | 'done' | 'cancelled' | 'unknown';

/** A status as written and as understood. Shared between stories (parsing is memoized): never mutate. */
export interface Status {
  readonly category: StatusCategory;
  /** The cell or check box text exactly as read (plain text, markup removed). */
  readonly raw: string;
  /** The recognized keyword, upper-case with spaces (`IN PROGRESS`, `DONE`, `✅`), or '' if none. */
  readonly token: string;
  /** Agent named in the status (`[IN PROGRESS: Dev 2]` → `Dev 2`), else null. */
  readonly claimant: string | null;
  /** Reason given with a hold (`[BLOCKED: waiting on API keys]`), else null. */
  readonly reason: string | null;
}

/** How bad a {@link Diagnostic} is: `error` makes `validate` exit 1 and write commands refuse the
 * file; `warning` and `info` are reported only. */
export type Severity = 'error' | 'warning' | 'info';

/** A problem found while reading or checking a queue. Lines and columns are 1-based. */
export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable code, e.g. `unknown_dependency`, `conflict`. */
  code: string;
  message: string;
  file: string;
  line: number;
  column: number;
  /** The story concerned, when there is one. */
  story?: string;
}

/** One dependency as written in a Depends On cell. */
export interface DependencyRef {
  /** The reference as written, marks removed (`5-1`, `Epic 2`). */
  ref: string;
  /** Resolved story id when the ref names a known story, else null. */
  id: string | null;
  /** Written with a done mark (`5-1 ✅`, `5-1 [DONE]`): satisfies an external reference. */
  markedDone: boolean;
}

/** A range of UTF-16 offsets `[start, end)` into a document's BOM-less text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Where a story appears. A story in several tables (tier table and Completed log) has several. */
export interface Occurrence {
  file: string;
  line: number;
  column: number;
  /** `table`: a row of a table with a status column; `log`: a row queue never writes a status into,
   * a `[DONE] **id**` row of a Completed log or a row of a listing (a table with no status column
   * under a heading that states one, `## Blocked`; `section` is then that heading); `task`: a
   * task-list item; `heading`: a heading with a `Status:` line (`dialect/headings.ts`). */
  kind: 'table' | 'log' | 'task' | 'heading';
  status: Status;
  /**
   * Offsets (into the BOM-less text) of the cells queue may edit, for surgical writes: `[start, end)`
   * is the cell's content. Read-only: a span may be the parser's cell object itself. A task item
   * has `status` (its box), `title` (its first paragraph) and `item` (the whole item, nested items
   * included); a heading block has `status` (its Status value).
   */
  spans: Partial<Record<'status' | 'id' | 'title' | 'deps' | 'owner' | 'storyFile' | 'item', Span>>;
  /** Set when the story writes no status of its own and takes it from the section heading it sits
   * under (`## Blocked`, `## In progress`; `dialect/sections.ts`): that heading. `claimable` is
   * false for a heading block no claim can move: no section beside its own says in progress. */
  section?: { line: number; depth: number; heading: string; claimable?: false };
  /** Offsets of the whole row or item line. */
  start: number;
  end: number;
}

/** One check box of a story's checklist: its text (first paragraph, plain) and whether it is ticked. */
export interface ChecklistItem {
  text: string;
  done: boolean;
}

/** A story: the merged view of its occurrences. */
export interface Story {
  id: string;
  /** True when the id was derived from section and title (no id written in the file). */
  derivedId: boolean;
  title: string;
  status: Status;
  /** Agent holding the story: the status's claimant (`[IN PROGRESS: Dev 2]`), else, for a story in
   * progress or review, its owner column. */
  claimant: string | null;
  /** Owner/Agent/Assignee column as written (an assignment, or who did a done story), else null. */
  owner: string | null;
  deps: DependencyRef[];
  /** Heading path, outermost first. */
  sectionPath: string[];
  storyFile: string | null;
  priority: string | null;
  effort: string | null;
  wave: string | null;
  /** Other columns, by header text. */
  fields: Record<string, string>;
  /** The story this one is a part of (`model/build.ts`): the task item it is nested under, its
   * Parent / Epic cell, or, with queue.config.json's `hierarchy.prefixes`, the story whose id is its
   * id's prefix (`2` of `2-3`, `E1` of `E1.2`); null for none. */
  parent: string | null;
  /** Work whose work is to write stories, not code (`needs decomposition` as its status or a label,
   * or an epic with no children): `queue ready --planning` offers it, `ready` and `claim` without an
   * id never do. */
  needsDecomposition: boolean;
  /** The check boxes inside a heading story's block (its acceptance criteria), in file order;
   * empty for none and for other stories. */
  checklist: ChecklistItem[];
  file: string;
  line: number;
  column: number;
  occurrences: Occurrence[];
}
