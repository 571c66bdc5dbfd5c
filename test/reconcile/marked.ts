/** A queue whose titles carry inline Markdown, for the tests of generated Markdown. */
import { readQueue } from '../../src/read/queue.js';
import { applyDecision } from '../../src/edit/apply.js';
import { renderDecision } from '../../src/reconcile/reconcile.js';

/** The title as written in the queue (a table cell: its `|` escaped). */
export const MARKED_TITLE = 'Split `a \\| b` with *emphasis*, <kbd>Ctrl</kbd> and [a link](https://example.com)';

/** A queue whose stories have marked-up titles, with ready, plan and progress blocks. */
export const MARKED_QUEUE = [
  '# Queue',
  '',
  '| Status | Story | Description | Depends On |',
  '|---|---|---|---|',
  `| [ ] | **A** | ${MARKED_TITLE} | None |`,
  '| [ ] | **B** | 2*3 is `six` | A |',
  '| [IN PROGRESS: Dev 2] | **C** | Claimed `c\\|d` | None |',
  '',
  '<!-- queue:ready -->',
  '<!-- /queue:ready -->',
  '',
  '<!-- queue:plan agents=1 -->',
  '<!-- /queue:plan -->',
  '',
  '<!-- queue:progress -->',
  '<!-- /queue:progress -->',
  '',
].join('\n');

/** {@link MARKED_QUEUE} rendered. */
export async function renderedMarkedQueue(): Promise<string> {
  const queue = await readQueue([{ file: 'WORK_QUEUE.md', text: MARKED_QUEUE }]);
  return (await applyDecision(queue, renderDecision(queue, 'queue'))).content;
}
