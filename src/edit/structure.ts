/**
 * Decisions that change the queue's shape: `queue add` (a new row, and a story file from a
 * template on request) and `queue dep add|rm` (an edge, refusing a cycle). Pure; the rows and cells
 * written follow the table's own conventions (bold or code ids, `None` for no dependencies, links or
 * code spans for story files), learnt from the table's last row.
 */
import { QueueError } from '../domain/errors.js';
import type { Queue, QueueDocument } from '../read/queue.js';
import type { Occurrence, Span, Story } from '../domain/types.js';
import { namesReference, parseDeps, saysNone, SEPARATED } from '../dialect/deps.js';
import type { TableInfo } from '../dialect/entries.js';
import { slug } from '../dialect/normalize.js';
import { ownFields } from './fields.js';
import { mirrored } from './former.js';
import { decideAddTask, headingDepsLine, taskDepEdit, taskQueue } from './task-structure.js';
import { assertEditable, blocksWaiting, cellText, endingAfter, fileStyle, findStory, noDepsForm } from './common.js';
import type { AddRequest, Decision } from './decide.js';

export type { AddRequest };
import type { Edit } from './splice.js';
import type { StatusWish } from './style.js';
import { TRAILER } from '../domain/trailers.js';
import { isClaimed } from '../domain/status.js';
import { sameAgent, type QueueConfig } from '../domain/config.js';

/** A valid new story id: letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

function documentOf(queue: Queue): QueueDocument {
  const doc = queue.documents[0];
  if (!doc.editable) throw new QueueError('parse_error', `${doc.file}: merge conflict markers; resolve the conflict before queue edits this file`, { file: doc.file });
  return doc;
}

/** An id written with a number at its end: the prefix before the number, and the number's digits. */
const NUMBERED = /^(.*?)(\d{1,9})$/;

/**
 * The id `queue add` gives a new story when none is asked for: the last numbered id among `near` (the
 * stories of the table or list it goes to; when none is numbered, the queue's last), its prefix
 * continued past the highest number any story of the queue has after that prefix (`S-9` → `S-10`),
 * in as many digits as that id when it pads with zeros (`T-007` → `T-008`), and past any id taken.
 * Ids queue derives (from section and title) are not numbered ids. Throws {@link QueueError} `usage`
 * when no story has a numbered id to continue.
 */
export function nextId(queue: Queue, near: readonly Story[]): string {
  const numbered = (stories: readonly Story[]): Story | undefined => {
    for (let i = stories.length - 1; i >= 0; i--) if (!stories[i].derivedId && NUMBERED.test(stories[i].id)) return stories[i];
    return undefined;
  };
  const last = numbered(near) ?? numbered(queue.stories);
  const m = last && NUMBERED.exec(last.id);
  if (!m) throw new QueueError('usage', 'no story of the queue has a numbered id to continue (such as S-12), so the new one needs one: pass --id (the MCP tool: id)');
  const prefix = m[1];
  const width = m[2].length > 1 && m[2].startsWith('0') ? m[2].length : 0;
  let n = 0;
  for (const s of queue.stories) {
    const o = s.derivedId ? null : NUMBERED.exec(s.id);
    if (o && o[1] === prefix) n = Math.max(n, Number(o[2]));
  }
  const id = (k: number) => `${prefix}${String(k).padStart(width, '0')}`;
  do n++;
  while (queue.graph.lookup(id(n)));
  if (!ID.test(id(n))) throw new QueueError('usage', `the next id after ${last.id} would be ${id(n)}, which is no valid id: pass --id`);
  return id(n);
}

/** `s`, when a dependency can name it: its id is written in the file. Throws `invalid` for an id
 * derived from section and title, which no dependency cell or clause would read back as that story. */
function nameable(s: Story): Story {
  if (s.derivedId)
    throw new QueueError(
      'invalid',
      `${s.id} has no id written in ${s.file} (queue derives it from section and title), so nothing can name it as a dependency; give it an id first (${s.file}:${s.line})`,
      { id: s.id, file: s.file, line: s.line },
    );
  return s;
}

/** Pick the story table a new story goes to. */
function tableFor(queue: Queue, doc: QueueDocument, req: AddRequest): TableInfo {
  const tables = doc.tables.filter((t) => t.kind === 'story');
  if (tables.length === 0) {
    const headings = queue.stories.some((s) => s.file === doc.file && s.occurrences[0].kind === 'heading');
    throw new QueueError(
      'invalid',
      headings
        ? `${doc.file} keeps its stories as heading blocks; queue add writes table rows and task items only (write the heading and its Status line by hand)`
        : `${doc.file} has no story table (a table with a Status column) and no task list to add to`,
      { file: doc.file },
    );
  }
  const heading = (t: TableInfo) => (t.sectionPath[t.sectionPath.length - 1] ?? '').toLowerCase();
  if (req.section !== undefined) {
    const want = req.section.trim().toLowerCase();
    const found = tables.find((t) => heading(t) === want) ?? tables.find((t) => heading(t).includes(want));
    if (!found) throw new QueueError('not_found', `no story table under a heading like "${req.section}" (headings: ${tables.map(heading).join('; ')})`, { section: req.section });
    return found;
  }
  // Beside its first dependency, else at the end of the last story table.
  const first = req.deps.length ? queue.graph.byId.get(req.deps[0]) : undefined;
  const beside = first && tables.find((t) => first.occurrences[0].kind === 'table' && t.line < first.line && first.line <= lineAt(doc.text, t.end));
  return beside ?? tables[tables.length - 1];
}

/** The story table `s`'s row sits in, if it is a table row of `doc`. */
function tableOf(doc: QueueDocument, s: Story): TableInfo | undefined {
  const occ = s.occurrences[0];
  if (occ.kind !== 'table' || occ.file !== doc.file) return undefined;
  return doc.tables.find((t) => t.kind === 'story' && t.line < occ.line && occ.line <= lineAt(doc.text, t.end));
}

/** Whether the config's `hierarchy.prefixes` makes a story `id` a child of `parent` by its id alone
 * (`E1.3` of `E1`), with no Parent column to write. */
function prefixChild(queue: Queue, id: string, parent: string): boolean {
  const prefixes = queue.vocabulary?.hierarchy?.prefixes;
  if (prefixes === undefined || !(id.startsWith(`${parent}-`) || id.startsWith(`${parent}.`))) return false;
  return prefixes === true || prefixes.some((p) => new RegExp(`^(?:${p})$`, 'u').test(parent));
}

function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Dress `text` as the exemplar cell is dressed: `**x**`, `` `x` ``, or plain. */
function dressed(exemplar: string | undefined, text: string): string {
  if (exemplar && /^\*\*[^*]+\*\*$/.test(exemplar)) return `**${text}**`;
  if (exemplar && /^`[^`]+`$/.test(exemplar)) return `\`${text}\``;
  return text;
}

/** `queue add`: a new row at the end of a story table, in the table's conventions; in a queue kept
 * as a task list, a new item (`task-structure.ts`). Without an id, the story gets the next one of
 * its table's ({@link nextId}). */
export function decideAdd(queue: Queue, asked: AddRequest): Decision {
  if (asked.id !== undefined && !ID.test(asked.id))
    throw new QueueError('usage', `--id "${asked.id}": an id starts with a letter or digit, then letters, digits, ".", "_" and "-" (at most 40 in all)`);
  if (asked.title.trim() === '') throw new QueueError('usage', '--title must not be empty');
  const doc = documentOf(queue);
  if (asked.id !== undefined) {
    const clash = queue.graph.lookup(asked.id);
    if (clash) throw new QueueError('invalid', `${asked.id} already exists at ${clash.file}:${clash.line}`, { id: asked.id, file: clash.file, line: clash.line });
  }
  const deps = asked.deps.map((d) => nameable(findStory(queue, d)).id);
  const parent = asked.parent === undefined ? undefined : findStory(queue, asked.parent);
  const tasks = taskQueue(queue, doc);
  if (tasks) {
    const req = { ...asked, id: asked.id ?? nextId(queue, tasks) };
    if (parent && !tasks.includes(parent))
      throw new QueueError('invalid', `${parent.id} is not a task item of ${doc.file} (${parent.file}:${parent.line}), so ${req.id} cannot be nested under it`, { id: parent.id });
    return decideAddTask(doc, tasks, req, deps, parent);
  }
  const table = parent && asked.section === undefined && deps.length === 0 ? (tableOf(doc, parent) ?? tableFor(queue, doc, asked)) : tableFor(queue, doc, asked);
  const lastLine = lineAt(doc.text, table.end);
  const req = {
    ...asked,
    id:
      asked.id ??
      nextId(
        queue,
        queue.stories.filter((s) => s.file === doc.file && s.occurrences[0].kind === 'table' && table.line < s.line && s.line <= lastLine),
      ),
  };
  const cols = table.columns;
  if (cols.id === -1) {
    const where = table.sectionPath.length ? ` under "${table.sectionPath[table.sectionPath.length - 1]}"` : '';
    throw new QueueError(
      'invalid',
      `the table at ${doc.file}:${table.line}${where} has no id column, so ${req.id} cannot be written there (its stories are known by section and title); pick a table with one (--section) or add the row by hand`,
      { file: doc.file, line: table.line },
    );
  }
  const last = table.lastRowSource ?? [];
  const waiting = deps.filter((d) => queue.graph.byId.get(d)!.status.category !== 'done');
  // [BLOCKED] for a story that waits where the file writes that for stories that wait (the reconciler's rule).
  const wish: StatusWish = waiting.length && blocksWaiting(queue, doc) ? { category: 'blocked', reason: null } : { category: 'todo' };
  const cells = table.headers.map(() => '');
  cells[cols.status] = fileStyle(queue, doc).write(wish);
  cells[cols.id] = dressed(last[cols.id], req.id);
  if (cols.title !== -1) cells[cols.title] = cellText(req.title.trim());
  if (cols.deps !== -1) {
    cells[cols.deps] = deps.length ? deps.join(', ') : noDepsForm(queue, doc);
  } else if (deps.length) throw new QueueError('invalid', `the table at ${doc.file}:${table.line} has no dependency column for --deps`);
  if (parent) {
    if (cols.parent !== -1) cells[cols.parent] = dressed(last[cols.parent], nameable(parent).id);
    else if (!prefixChild(queue, req.id, parent.id)) {
      const where = table.sectionPath.length ? ` under "${table.sectionPath[table.sectionPath.length - 1]}"` : '';
      throw new QueueError(
        'invalid',
        `the table at ${doc.file}:${table.line}${where} has no Parent column, so --parent ${parent.id} cannot be written there; add a Parent (or Epic) column to its header, or, with "hierarchy": {"prefixes": true} in queue.config.json, give the new story an id under ${parent.id}'s (such as ${parent.id}-1)`,
        { file: doc.file, line: table.line, parent: parent.id },
      );
    }
  }
  const files: Decision['files'] = [];
  if (req.storyFile) {
    const rel = `${req.storyFile.storiesDir.replace(/\/+$/, '')}/${req.id}-${slug(req.title, 40)}.md`;
    const fromQueue = relativeTo(req.storyFile.queueDir, rel);
    if (cols.storyFile === -1) throw new QueueError('invalid', `the table at ${doc.file}:${table.line} has no story file column for --story-file`);
    const ex = last[cols.storyFile];
    cells[cols.storyFile] = ex && /^\[[^\]]*\]\(/.test(ex) ? `[${req.id}](${fromQueue})` : ex && /^`/.test(ex) ? `\`${fromQueue}\`` : fromQueue;
    files.push({ path: rel, content: storyTemplate(req, deps) });
  }
  const row = `| ${cells.join(' | ')} |`;
  return {
    op: 'add',
    id: req.id,
    changes: [{ id: req.id, expect: wish, deps, ...(parent ? { parent: parent.id } : {}) }],
    adds: [req.id],
    files,
    document: doc,
    edits: [{ start: table.end, end: table.end, text: endingAfter(doc.text, table.end) + row }],
    subject: `queue: add ${req.id} (${req.agent})`,
    trailers: [
      [TRAILER.op, 'add'],
      [TRAILER.story, req.id],
      [TRAILER.agent, req.agent],
    ],
    unchanged: false,
  };
}

/** `to` (relative to the repository root) as seen from `fromDir` (also root-relative, '' for the root). */
function relativeTo(fromDir: string, to: string): string {
  const up = fromDir === '' || fromDir === '.' ? [] : fromDir.split('/');
  const parts = to.split('/');
  while (up.length && parts.length > 1 && up[0] === parts[0]) {
    up.shift();
    parts.shift();
  }
  return [...up.map(() => '..'), ...parts].join('/');
}

/** A new story file: title, dependencies, goal, acceptance criteria and notes, for the agent to fill in. */
function storyTemplate(req: AddRequest, deps: string[]): string {
  return [
    `# ${req.id}: ${req.title.trim()}`,
    '',
    `**Depends on**: ${deps.length ? deps.join(', ') : 'None'}`,
    '',
    '## Goal',
    '',
    '## Acceptance criteria',
    '',
    '- ',
    '',
    '## Notes',
    '',
  ].join('\n');
}

/** Does `from` reach `to` by following dependencies? Returns the path, or null. */
function pathTo(queue: Queue, from: string, to: string): string[] | null {
  const prev = new Map<string, string | null>([[from, null]]);
  const stack = [from];
  while (stack.length) {
    const x = stack.pop()!;
    if (x === to) {
      const path: string[] = [];
      for (let y: string | null = x; y !== null; y = prev.get(y)!) path.unshift(y);
      return path;
    }
    for (const d of queue.graph.byId.get(x)?.deps ?? []) {
      if (d.id !== null && !prev.has(d.id)) {
        prev.set(d.id, x);
        stack.push(d.id);
      }
    }
  }
  return null;
}

/** `span` widened over the emphasis or code marks that wrap it on both sides (`_`, `*`, `` ` ``),
 * as `dialect/headings.ts` unwraps a field's value. */
function outsideWrapping(text: string, span: Span): Span {
  let { start, end } = span;
  while (start > 0 && end < text.length && text[start - 1] === text[end] && '*_`'.includes(text[end])) {
    start--;
    end++;
  }
  return { start, end };
}

/**
 * What ends `cell` after its references and stays with the cell when they change: parenthesized
 * notes (` (see notes)`) and HTML comments (` <!-- c -->`), which name no dependency, with the
 * spaces before them, when something comes before them; '' otherwise. Read from the end, one note or
 * comment at a time.
 */
function trailingNote(cell: string): string {
  let end = cell.length;
  for (;;) {
    const rest = cell.slice(0, end).trimEnd();
    let open = -1;
    if (rest.endsWith(')')) {
      open = rest.lastIndexOf('(');
      if (open !== -1 && rest.lastIndexOf(')', rest.length - 2) > open) open = -1;
    } else if (rest.endsWith('-->')) open = rest.lastIndexOf('<!--');
    if (open === -1 || cell.slice(0, open).trim() === '') break;
    end = cell.slice(0, open).trimEnd().length;
  }
  return cell.slice(end);
}

/** `source` without emphasis marks that wrap all of it (`_None (see notes)_` → `None (see notes)`). */
function unwrapped(source: string): string {
  const open = /^[*_]{1,3}/.exec(source)?.[0] ?? '';
  return open && source.length > 2 * open.length && source.endsWith(mirrored(open)) ? source.slice(open.length, source.length - open.length) : source;
}

/** The edit of a Depends On cell `text[span]` adding or removing `dep`; a cell left with
 * none says so in `none()`, the file's form. A note or comment after the references stays
 * ({@link trailingNote}). Throws `parse_error` when `dep` is not one comma-separated part of the
 * cell, or when a note after a line break (`None (x)<br>y`) would read as a dependency once the
 * placeholder before it is gone. */
function cellDepEdit(text: string, span: Span, action: 'add' | 'rm', dep: string, occ: Occurrence, none: () => string): Edit {
  const source = text.slice(span.start, span.end);
  const refuse = (why: string): never => {
    throw new QueueError(
      'parse_error',
      `${occ.file}:${occ.line}: cannot ${action === 'add' ? `add ${dep} to` : `remove ${dep} from`} "${source}" with full fidelity (${why}); edit the cell by hand`,
      {
        file: occ.file,
        line: occ.line,
      },
    );
  };
  if (action === 'add') {
    // Read as the readers read it: a code span's backticks are no part of its text (`` `—` ``).
    const read = parseDeps(source.replace(/`/g, ''));
    const empty = read.deps.length === 0 && read.documents.length === 0;
    // After the list's last separator as written (`a; b` takes `; c`), else a comma.
    const seps = source.split(SEPARATED).filter((_, k) => k % 2 === 1);
    if (!empty) return { start: span.start, end: span.end, text: `${source}${seps.length ? seps[seps.length - 1] : ', '}${dep}` };
    if (/<br\s*\/?>/i.test(source)) refuse('what follows its line break would read as a dependency');
    // A placeholder the reader took from inside its emphasis (`- **Depends on**: _None._`) goes
    // with the emphasis: `_S-3_` would read as prose, not as a dependency. A note after the
    // placeholder (`None (see notes)`, `_None (see notes)_`) stays, after the dependency.
    const whole = outsideWrapping(text, span);
    const inner = unwrapped(source);
    const note = trailingNote(inner);
    if (note && saysNone(inner.slice(0, inner.length - note.length))) return { start: whole.start, end: whole.end, text: `${dep}${note}` };
    return { start: whole.start, end: whole.end, text: dep };
  }
  // The list as written, its separators kept: parts at even places, separators between them.
  const pieces = source.split(SEPARATED);
  const named = (p: string) => parseDeps(p).deps.some((d) => d.ref === dep || d.ref.toLowerCase() === dep.toLowerCase());
  const at = pieces.map((p, k) => (k % 2 === 0 && named(p) ? k : -1)).filter((k) => k !== -1);
  if (at.length !== 1) refuse(`${dep} is not one part of its list`);
  if (pieces.length === 1) {
    // A note after the last reference stays after the placeholder (`S-1 (see notes)` → `None (see
    // notes)`), unless it is about the dependency removed.
    const note = trailingNote(source);
    const kept = note && !namesReference(note, dep) ? note : '';
    return { start: span.start, end: span.end, text: `${none()}${kept}` };
  }
  // The reference goes with the separator before it (after it, for the first).
  const k = at[0];
  const kept = k === 0 ? pieces.slice(2) : [...pieces.slice(0, k - 1), ...pieces.slice(k + 1)];
  // A note after the last reference is the cell's (`A, B (see notes)` → `A (see notes)`), as for
  // a reference alone, unless it is about the one removed, or the list writes a note in parentheses
  // after each reference (`A (after X), B (after Y)`: each is its own).
  const note = k === pieces.length - 1 ? trailingNote(pieces[k]) : '';
  const own = pieces.every((p, j) => j % 2 === 1 || j === k || trailingNote(p).includes('('));
  const cellNote = note && !own && !namesReference(note, dep) ? note : '';
  return { start: span.start, end: span.end, text: `${kept.join('')}${cellNote}` };
}

/** Whether heading block `occ` is held by a `Blocked on:` line that names story `id`: a wait on it
 * written as a hold, which the dependency says again. */
function holdNames(doc: QueueDocument, occ: Occurrence, id: string): boolean {
  const f = occ.kind === 'heading' ? ownFields(doc, occ)?.fields.get('blocked on') : undefined;
  return f !== undefined && parseDeps(f.value).deps.some((d) => d.ref.toLowerCase() === id.toLowerCase());
}

/** `queue dep add A B` (A depends on B) or `queue dep rm A B`: an edit of A's Depends On cell, of its
 * `(depends on: …)` clause when A is a task item, or of its `Depends on:` line (added when missing)
 * when A is a heading block. A story held by another agent (names compared through the config's
 * `agents` aliases, as the claim rules compare them) needs `force`: QueueError `not_claimant`. */
export function decideDep(queue: Queue, action: 'add' | 'rm', a: string, b: string, agent: string, force = false, agents: QueueConfig['agents'] = {}): Decision {
  const story = findStory(queue, a);
  // A story someone holds is theirs to change: another agent needs `force`, which the commit says.
  if (isClaimed(story.status.category) && !force && !sameAgent({ agents }, story.claimant, agent)) {
    throw new QueueError('not_claimant', `${story.id} is held by ${story.claimant ?? 'someone'}, not ${agent} (--force overrides, and says so in the commit)`, {
      id: story.id,
      holder: story.claimant,
    });
  }
  const dep = nameable(findStory(queue, b));
  const { doc, occ } = assertEditable(queue, story);
  const span = occ.spans.deps;
  if (!span && occ.kind === 'table') throw new QueueError('invalid', `${story.id}'s table has no dependency column (${occ.file}:${occ.line})`, { id: story.id });
  const current = story.deps.map((d) => d.id ?? d.ref);
  let after: string[];
  if (action === 'add') {
    if (dep.id === story.id) throw new QueueError('invalid', `${story.id} cannot depend on itself`);
    if (current.includes(dep.id)) throw new QueueError('invalid', `${story.id} already depends on ${dep.id}`, { id: story.id });
    // A bare hold (`[BLOCKED]` with no dependencies and no reason) given a dependency would read as
    // waiting on it, and go when it is done: the hold is a person's, so it stays theirs to lift.
    if (current.length === 0 && story.status.category === 'blocked' && !story.status.reason && queue.graph.isHold(story) && !holdNames(doc, occ, dep.id))
      throw new QueueError(
        'invalid',
        `${story.id} is held ("${story.status.raw}" with no dependencies): with ${dep.id} as a dependency it would wait on ${dep.id} instead, and go when ${dep.id} is done; give the hold a reason first (queue block ${story.id} --reason …), or lift it (queue unblock ${story.id})`,
        { id: story.id, hold: true },
      );
    const cycle = pathTo(queue, dep.id, story.id);
    if (cycle) throw new QueueError('invalid', `that would close a cycle: ${[story.id, ...cycle].join(' → ')}`, { cycle: [story.id, ...cycle] });
    after = [...current, dep.id];
  } else {
    if (!current.includes(dep.id)) throw new QueueError('not_found', `${story.id} does not depend on ${dep.id}`, { id: story.id });
    after = current.filter((x) => x !== dep.id);
  }
  if (occ.kind === 'heading' && !span && story.deps.length > 0)
    throw new QueueError(
      'invalid',
      `${story.id}'s dependencies are a list on the lines after its dependency label (${story.file}:${story.line}), which queue dep does not edit: write them on the label's line (Depends on: ${current.join(', ')}), or edit the list by hand`,
      { id: story.id, file: story.file, line: story.line },
    );
  const edit =
    occ.kind === 'task'
      ? taskDepEdit(doc, occ, action, dep.id)
      : span
        ? cellDepEdit(doc.text, span, action, dep.id, occ, () => noDepsForm(queue, doc))
        : headingDepsLine(doc, occ, dep.id); // a heading block with no Depends on line: only an add gets here
  const wish: StatusWish = { category: story.status.category as StatusWish['category'], claimant: story.claimant, reason: story.status.reason };
  return {
    op: 'dep',
    id: story.id,
    changes: [{ id: story.id, expect: wish, deps: after }],
    document: doc,
    edits: [edit],
    subject: `queue: dep ${action} ${story.id} ${dep.id} (${agent})`,
    trailers: [
      [TRAILER.op, `dep-${action}`],
      [TRAILER.story, story.id],
      ['Queue-Dependency', dep.id],
      [TRAILER.agent, agent],
      ...(force ? [[TRAILER.force, 'true'] as [string, string]] : []),
    ],
    unchanged: false,
  };
}
