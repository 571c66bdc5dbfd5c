/**
 * `queue add` and `queue dep` outside tables (written forms follow the file's own dialect).
 * In a task list, add writes a new item `- [ ] ID Title (depends on: A, B)` after an existing one,
 * in that item's conventions (indentation, bullet or number, a bold or code id and the separator
 * after it); dep edits the list inside the item's `(depends on: …)` clause, adding the clause when
 * there is none and removing it with its last dependency. A heading block without a `Depends on:`
 * line gets one after its status line (with one, dep edits it like a table cell). Pure.
 *
 * The item goes after its first dependency's item, else after the last item under the heading
 * `section` names, else after the last task of the file; always after the whole item (its nested
 * items too), at the same depth. The reader takes `(depends on: …)` at the end of a task's text
 * (`dialect/tasks.ts`), so that is how dependencies are written.
 */
import { QueueError } from '../domain/errors.js';
import type { Queue, QueueDocument } from '../read/queue.js';
import { dependencyClause } from '../dialect/tasks.js';
import { saysNone } from '../dialect/deps.js';
import type { Occurrence, Story } from '../domain/types.js';
import { endingAfter } from './common.js';
import type { AddRequest, Decision } from './decide.js';
import type { Edit } from './splice.js';
import { fieldLineAfter, fieldLineOpening, lastFieldLine, lineOf } from './fields.js';
import { TRAILER } from '../domain/trailers.js';

/** The task after which a new one goes (see the module comment). Throws `not_found` for a section no task sits under. */
function anchorOf(tasks: readonly Story[], req: AddRequest, deps: readonly string[]): Story {
  if (req.section !== undefined) {
    const want = req.section.trim().toLowerCase();
    const heading = (s: Story) => (s.sectionPath[s.sectionPath.length - 1] ?? '').toLowerCase();
    const under = tasks.filter((s) => heading(s) === want);
    const found = under.length ? under : tasks.filter((s) => heading(s).includes(want));
    if (!found.length)
      throw new QueueError('not_found', `no task under a heading like "${req.section}" (headings: ${[...new Set(tasks.map(heading))].join('; ')})`, { section: req.section });
    return found[found.length - 1];
  }
  return tasks.find((s) => s.id === deps[0]) ?? tasks[tasks.length - 1];
}

/**
 * Decide `queue add` as a new task item in `doc`, whose stories are task items (`tasks`, in file
 * order); `deps` are resolved ids. Throws `invalid` for `--story-file` (a task list has no Story File
 * column) and `not_found` for a `section` no task sits under.
 */
export function decideAddTask(doc: QueueDocument, tasks: readonly Story[], req: AddRequest & { id: string }, deps: string[], parent?: Story): Decision {
  if (req.storyFile) throw new QueueError('invalid', `${doc.file} keeps its stories as a task list, which has no Story File column for --story-file`, { file: doc.file });
  // Under a parent: after its last child, at that child's depth; else, for a first child, one level
  // under the parent's item.
  const siblings = parent ? tasks.filter((t) => t.parent === parent.id) : [];
  const firstChild = parent !== undefined && siblings.length === 0;
  const anchor = parent ? (siblings[siblings.length - 1] ?? parent) : anchorOf(tasks, req, deps);
  const occ = anchor.occurrences[0];
  const text = doc.text;
  // Everything before the box on the anchor's line: indentation, quote marks, the bullet or number.
  const lineStart = text.lastIndexOf('\n', occ.start - 1) + 1;
  const before = text.slice(lineStart, occ.spans.status!.start);
  const lead = firstChild
    ? before.replace(/^(\s*(?:>\s*)*)(\S+\s+)$/, (_, pre: string, bullet: string) => `${pre}${' '.repeat(bullet.length)}${/^[-*+]/.test(bullet) ? bullet[0] : '-'} `)
    : before.replace(/^(\s*(?:>\s*)*)(\d+)([.)])/, (_, pre: string, n: string, d: string) => `${pre}${Number(n) + 1}${d}`);
  // The id dressed and followed as the anchor's is (`**T-3** — `, `` `T-3`: ``, `T-3 `).
  const after = text.slice(occ.spans.status!.end, occ.spans.title!.end).replace(/^[ \t]+/, '');
  const written = anchor.derivedId ? null : new RegExp(`^(\\*\\*|\`)?${anchor.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1?([ \\t]*[:—–-]?[ \\t]+)`).exec(after);
  const dress = written?.[1] ?? '';
  const sep = written?.[2] ?? ' ';
  const title = req.title.trim().replace(/\r?\n|\r/g, ' ');
  const line = `${lead}[ ] ${dress}${req.id}${dress}${sep}${title}${deps.length ? ` (depends on: ${deps.join(', ')})` : ''}`;
  const at = occ.spans.item!.end;
  return {
    op: 'add',
    id: req.id,
    // A task list writes no wait on dependencies: the new item is todo, its open dependencies hold it.
    changes: [{ id: req.id, expect: { category: 'todo' }, deps, ...(parent ? { parent: parent.id } : {}) }],
    adds: [req.id],
    document: doc,
    edits: [{ start: at, end: at, text: endingAfter(text, at) + line }],
    subject: `queue: add ${req.id} (${req.agent})`,
    trailers: [
      [TRAILER.op, 'add'],
      [TRAILER.story, req.id],
      [TRAILER.agent, req.agent],
    ],
    unchanged: false,
  };
}

/** The file's task stories (written once each), when the queue keeps its stories as a task list: no
 * story table and no heading block in `doc`. Else null. */
export function taskQueue(queue: Queue, doc: QueueDocument): Story[] | null {
  const mine = queue.stories.filter((s) => s.file === doc.file);
  if (mine.some((s) => s.occurrences[0].kind === 'table' || s.occurrences[0].kind === 'heading') || doc.tables.some((t) => t.kind === 'story')) return null;
  const tasks = mine.filter((s) => s.occurrences[0].kind === 'task' && s.occurrences.length === 1);
  return tasks.length ? tasks : null;
}

/**
 * The edit of task item `occ`'s dependency clause that adds `dep` to it (`add`) or removes it
 * (`rm`). Throws `parse_error` when the dependencies are not written as a parenthesized clause in
 * the item's first paragraph, or `dep` is not one plain part of it.
 */
export function taskDepEdit(doc: QueueDocument, occ: Occurrence, action: 'add' | 'rm', dep: string): Edit {
  const para = occ.spans.title!;
  const source = doc.text.slice(para.start, para.end);
  const m = dependencyClause(source);
  const refuse = (): never => {
    throw new QueueError(
      'parse_error',
      `${occ.file}:${occ.line}:${occ.column}: the dependencies of this item are not written as one "(depends on: …)" clause queue can edit with full fidelity; edit them by hand`,
      { file: occ.file, line: occ.line },
    );
  };
  if (!m) {
    if (action === 'rm') return refuse();
    // Before the spaces that end the item's text (a hard break's, or stray ones), which stay last.
    const end = para.start + source.trimEnd().length;
    return { start: end, end, text: ` (depends on: ${dep})` };
  }
  const listStart = para.start + m.indices![1][0];
  const list = m[1];
  if (action === 'add') {
    // A clause that says none (`(depends on: none)`) takes the dependency in its place.
    if (saysNone(list) && !list.includes('(')) {
      const lead = list.length - list.trimStart().length;
      return { start: listStart + lead, end: listStart + list.trimEnd().length, text: dep };
    }
    const end = listStart + list.trimEnd().length;
    return { start: end, end, text: `, ${dep}` };
  }
  const parts = list.split(',');
  const keep = parts.filter(
    (p) =>
      p
        .trim()
        .replace(/^[`*]+|[`*]+$/g, '')
        .toLowerCase() !== dep.toLowerCase(),
  );
  if (keep.length !== parts.length - 1) return refuse();
  if (keep.length) return { start: listStart, end: listStart + list.length, text: keep.map((p) => p.trim()).join(', ') };
  // The last one: the clause goes, with the space before it.
  const start = para.start + m.index!;
  return { start: doc.text[start - 1] === ' ' ? start - 1 : start, end: start + m[0].length, text: '' };
}

/**
 * A `Depends on: <dep>` line for heading block `occ`, which has none, written right after its status
 * line in that line's dress (`**Status:** …` → `**Depends on:** <dep>`, `- **Status**: …` →
 * `- **Depends on**: <dep>`), or, for a block whose status is its section, after its field list,
 * or right after its heading when it has none.
 */
export function headingDepsLine(doc: QueueDocument, occ: Occurrence, dep: string): Edit {
  const text = doc.text;
  const next = doc.headings.find((h) => h.start > occ.start)?.start ?? text.length;
  const anchor = occ.spans.status ? lineOf(text, occ.spans.status.start) : lastFieldLine(text, lineOf(text, occ.start).next, next);
  return anchor ? fieldLineAfter(doc, anchor, 'Depends on', dep) : fieldLineOpening(text, lineOf(text, occ.start), 'Depends on', dep);
}
