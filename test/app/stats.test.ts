/** `queue stats` without `--history`: the counts it gives, from the core (app/stats.ts) and through the CLI. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readQueue } from '../../src/index.js';
import { queueStats } from '../../src/app/stats.js';
import { queue } from '../git/repos.js';
import { tempDir } from '../helpers.js';

const QUEUE = [
  '# Q',
  '',
  '| Status | Story | Description | Depends On |',
  '|---|---|---|---|',
  '| [ ] | **A** | first | None |',
  '| [DONE] | **B** | second | None |',
  '',
  '## Later',
  '',
  '| Status | Story | Description | Depends On |',
  '|---|---|---|---|',
  '| [ ] | **C** | third | A |',
  '| [IN PROGRESS: Dev 1] | **D** | fourth | B |',
  '| [ ] | **E** | fifth | F |',
  '| [ ] | **F** | sixth | E |',
  '| [ ] | **G** | seventh | Nowhere |',
  '',
].join('\n');

describe('queue stats', () => {
  it('counts stories by status and section, ready and blocked, waves, cycles and diagnostics', async () => {
    const q = await readQueue([{ file: 'WORK_QUEUE.md', text: QUEUE }]);
    const s = queueStats(q);
    expect(s.total).toBe(7);
    expect(s.byStatus).toEqual({ todo: 5, done: 1, in_progress: 1 });
    expect(s.ready).toBe(1);
    expect(s.sections).toEqual([
      { section: 'Q', done: 1, total: 2 },
      { section: 'Later', done: 0, total: 5 },
    ]);
    expect(s.cycles).toBe(1);
    expect(s.unschedulable).toBeGreaterThanOrEqual(2);
    expect(s.criticalPath).toEqual(['A', 'C']);
    // The cycle and the unknown dependency.
    expect(s.diagnostics).toEqual({ error: 2, warning: 0, info: 0 });
    expect(s.agents).toEqual([]);
  });

  it('the CLI prints the core answer as JSON and for people', async () => {
    const dir = tempDir('queue-stats-');
    writeFileSync(join(dir, 'WORK_QUEUE.md'), QUEUE);
    const json = await queue(dir, ['stats', '--json']);
    expect(json.code).toBe(0);
    expect(json.json.total).toBe(7);
    expect(json.json.byStatus.todo).toBe(5);
    const human = await queue(dir, ['stats']);
    expect(human.stdout).toContain('7 stories, 1 done (14%), 1 ready');
    expect(human.stdout).toContain('Later');
    // One of a thing is said in the singular.
    writeFileSync(join(dir, 'WORK_QUEUE.md'), '| Status | Story | Description |\n|---|---|---|\n| [ ] | **A** | a |\n');
    const one = await queue(dir, ['stats']);
    expect(one.stdout).toContain('1 story, 0 done (0%), 1 ready, 0 blocked');
    expect(one.stdout).toContain('1 wave to finish; critical path A');
  });
});
