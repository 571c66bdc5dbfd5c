/** Status changes over whole queue files (the fixtures, the corpus), for the one-line-diff properties. */
import { expect } from 'vitest';
import { QueueError } from '../../src/domain/errors.js';
import { readQueue, type Queue } from '../../src/read/queue.js';
import { applyDecision, type Applied } from '../../src/edit/apply.js';
import { decide, type Operation } from '../../src/edit/decide.js';
import type { Occurrence, Story } from '../../src/domain/types.js';
import { read } from '../helpers.js';

/** An operation that changes `s`, if there is a simple one. */
function changeOf(queue: Queue, s: Story): Operation | null {
  const c = s.status.category;
  if (queue.graph.isReady(s)) return { op: 'claim', id: s.id, agent: 'Queue Test', maxClaims: Infinity };
  if (c === 'in_progress' || c === 'review') return { op: 'done', id: s.id, agent: 'Queue Test', force: true };
  if (c === 'todo' || (c === 'blocked' && !s.status.reason)) return { op: 'block', id: s.id, agent: 'Queue Test', reason: 'held by test' };
  if (c === 'done' && !s.occurrences.some((o) => o.kind === 'log')) return { op: 'reopen', id: s.id, agent: 'Queue Test' };
  return null;
}

/**
 * For up to `perFile` stories of each editable file of `files` written once as `kind` and passing
 * `only` (by default: those with a status of their own, not their section's; spread over the file),
 * decide and apply a status change and hand the result to `check`. A refusal (QueueError) is
 * counted, anything else thrown fails the test. Returns the counts.
 */
export async function statusChanges(
  files: string[],
  kind: Occurrence['kind'],
  perFile: number,
  check: (file: string, text: string, s: Story, op: Operation, applied: Applied) => void,
  only: (s: Story) => boolean = (s) => !s.occurrences[0].section,
): Promise<{ edits: number; refused: number }> {
  let edits = 0;
  let refused = 0;
  for (const file of files) {
    const text = read(file);
    const queue = await readQueue([{ file: 'WORK_QUEUE.md', text }]);
    if (!queue.documents[0].editable) continue;
    const mine = queue.stories.filter((s) => s.occurrences.length === 1 && s.occurrences[0].kind === kind && only(s));
    const step = Math.max(1, Math.floor(mine.length / perFile));
    for (let i = 0; i < mine.length; i += step) {
      const s = mine[i];
      const op = changeOf(queue, s);
      if (!op) continue;
      let applied: Applied;
      try {
        applied = await applyDecision(queue, decide(queue, op));
      } catch (e) {
        // A refusal is allowed (it writes nothing); a crash is not.
        expect(e, `${file} ${s.id}`).toBeInstanceOf(QueueError);
        refused++;
        continue;
      }
      check(file, text, s, op, applied);
      edits++;
    }
  }
  return { edits, refused };
}
