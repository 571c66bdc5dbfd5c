/**
 * Status writes on task-list items (written forms follow the file's own dialect). A task list has
 * no status cell, so a status is the check box plus an optional inline tag in the item's first
 * paragraph, in the bracket form of status cells (`[IN PROGRESS: Dev 2]`), which the reader already
 * takes from task text (`dialect/tasks.ts` TASK_STATUS):
 *
 *   todo         `- [ ] T-3 Parser`
 *   in progress  `- [ ] T-3 Parser [IN PROGRESS: Dev 2]`
 *   review       `- [ ] T-3 Parser [REVIEW: Dev 2]`
 *   blocked      `- [ ] T-3 Parser [BLOCKED: waiting on the API key]`
 *   done         `- [x] T-3 Parser`
 *
 * Edits are surgical: the box's one character, and the tag (replaced where it is, or appended at the
 * end of the paragraph with one space, or removed with one space). Pure.
 */
import { QueueError } from '../domain/errors.js';
import type { QueueDocument } from '../read/queue.js';
import { TASK_STATUS } from '../dialect/tasks.js';
import type { Occurrence, Span } from '../domain/types.js';
import type { Edit } from './splice.js';
import type { StatusWish } from './style.js';

/** Text that can stand in one bracketed tag: one line, `[` `]` turned into `(` `)`, trimmed. */
const oneTag = (s: string) =>
  s
    .replace(/\r?\n|\r/g, ' ')
    .replace(/\[/g, '(')
    .replace(/\]/g, ')')
    .trim();

/**
 * What a task item can read as for `wish`: a wait on dependencies (blocked with no reason) is not
 * written in a task list, where an open box with unfinished dependencies already reads as waiting;
 * a claimant or reason holds no brackets (they would end the tag early).
 */
export function taskWish(wish: StatusWish): StatusWish {
  if (wish.category === 'blocked' && !wish.reason) return { category: 'todo' };
  return { ...wish, ...(wish.claimant ? { claimant: oneTag(wish.claimant) } : {}), ...(wish.reason ? { reason: oneTag(wish.reason) } : {}) };
}

/** The inline tag for `wish` (after {@link taskWish}), or null for none (todo, done). */
export function taskTag(wish: StatusWish): string | null {
  // Markup characters are escaped, so the tag reads back as the text it holds.
  const safe = (s: string) => oneTag(s).replace(/([\\`*_~<>&|])/g, '\\$1');
  switch (wish.category) {
    case 'in_progress':
      return `[IN PROGRESS: ${safe(wish.claimant ?? '')}]`;
    case 'review':
      return `[REVIEW: ${safe(wish.claimant ?? '')}]`;
    case 'blocked':
      return wish.reason ? `[BLOCKED: ${safe(wish.reason)}]` : '[BLOCKED]';
    default:
      return null;
  }
}

/**
 * The edits that make the task item `occ` of `doc` read as `wish` (after {@link taskWish}). Throws
 * `parse_error` when the item holds a tag that is not written plainly in its first paragraph's
 * source (split over lines, escaped), and `invalid` for `cancelled`, which a task list cannot say.
 */
export function taskStatusEdits(doc: QueueDocument, occ: Occurrence, wish: StatusWish): Edit[] {
  if (wish.category === 'cancelled') throw new QueueError('invalid', `${occ.file}:${occ.line}: a task-list item cannot be marked cancelled`, { file: occ.file, line: occ.line });
  const box = occ.spans.status!;
  const para = occ.spans.title!;
  const text = doc.text;
  const edits: Edit[] = [];
  const checked = /^\[[xX]\]$/.test(text.slice(box.start, box.end));
  const wantChecked = wish.category === 'done';
  if (checked !== wantChecked) edits.push({ start: box.start + 1, end: box.start + 2, text: wantChecked ? checkMark(doc) : ' ' });

  const source = text.slice(para.start, para.end);
  const found = TASK_STATUS.exec(source);
  const tag = taskTag(wish);
  if (occ.section && tag === null && !wantChecked) {
    // Neither a box nor a tag says "open, nobody holds it" over a section that says otherwise.
    throw new QueueError(
      'invalid',
      `${occ.file}:${occ.line}:${occ.column}: this item's status is the section it sits in ("${occ.section.heading}", line ${occ.section.line}); queue does not move task items between sections: move it by hand`,
      { file: occ.file, line: occ.line },
    );
  }
  if (!found && !occ.section && occ.status.raw !== '[ ]' && occ.status.raw !== '[x]') {
    throw new QueueError(
      'parse_error',
      `${occ.file}:${occ.line}:${occ.column}: the status "${occ.status.raw}" is not written plainly in the item; queue will not guess where it is`,
      { file: occ.file, line: occ.line },
    );
  }
  if (found) {
    if (tag !== null) {
      const start = para.start + found.index;
      if (tag !== found[0]) edits.push({ start, end: start + found[0].length, text: tag });
      return edits;
    }
    // A tag written as code or in emphasis (`` `[BLOCKED]` ``, `**[BLOCKED]**`) goes with its marks.
    const { start, end } = withMarks(text, para, found);
    if (text[start - 1] === ' ' || text[start - 1] === '\t') edits.push({ start: start - 1, end, text: '' });
    else edits.push({ start, end: text[end] === ' ' ? end + 1 : end, text: '' });
  } else if (tag !== null) {
    // Before the spaces that end the paragraph's last line (a hard break someone wrote, or stray
    // spaces): they stay where they were, and taking the tag away again gives back the same bytes.
    let at = para.end;
    while (at > para.start && (text[at - 1] === ' ' || text[at - 1] === '\t')) at--;
    edits.push({ start: at, end: at, text: ` ${tag}` });
  }
  return edits;
}

/** The check mark the document uses in its checked boxes (`x` or `X`, whichever is more frequent; `x` by default). */
function checkMark(doc: QueueDocument): string {
  const lower = (doc.text.match(/^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\[x\]/gm) ?? []).length;
  const upper = (doc.text.match(/^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\[X\]/gm) ?? []).length;
  return upper > lower ? 'X' : 'x';
}

/**
 * Whether the status tag of task item `occ` (if it has one) stands apart from the text before it: it
 * opens the item's paragraph or follows a space, once the code or emphasis marks wrapped round it
 * alone are counted with it (`T-2 **[BLOCKED]**`). Taking away a tag that does not (`(**[BLOCKED]**)`,
 * `"[BLOCKED]"`) would leave the marks round it behind: the reconciler leaves such an item to a person.
 */
export function tagStandsApart(doc: QueueDocument, occ: Occurrence): boolean {
  const para = occ.spans.title;
  if (!para) return true;
  const text = doc.text;
  const found = TASK_STATUS.exec(text.slice(para.start, para.end));
  if (!found) return true;
  const { start } = withMarks(text, para, found);
  return start <= para.start || /\s/.test(text[start - 1]);
}

/** The offsets of the tag `found` (matched in the paragraph `para` of `text`) with the code or
 * emphasis marks wrapped round it alone (`` `[BLOCKED]` ``, `**[BLOCKED]**`). */
function withMarks(text: string, para: Span, found: RegExpExecArray): Span {
  let start = para.start + found.index;
  let end = start + found[0].length;
  while (start > para.start && end < para.end && text[start - 1] === text[end] && '`*_'.includes(text[end])) {
    start--;
    end++;
  }
  return { start, end };
}
