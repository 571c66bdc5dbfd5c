/**
 * The hierarchy through the built CLI: `queue add --parent` in a table with a Parent column and in a
 * task list (only the added line changes), `queue show` of a parent (children and roll-up, human and
 * JSON), `queue ready --planning`, and `queue claim` without an id passing planning work by.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../helpers.js';

const BIN = join(ROOT, 'dist', 'queue.js');

function run(cwd: string, args: string[]) {
  const r = spawnSync(BIN, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', QUEUE_AGENT: 'Dev 1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function repo(queue: string): string {
  const dir = tempDir('queue-hierarchy-');
  spawnSync('git', ['init', '-q'], { cwd: dir });
  writeFileSync(join(dir, 'WORK_QUEUE.md'), queue);
  return dir;
}

const TABLE = [
  '# Queue',
  '',
  '| Status | ID | Title | Type | Parent | Depends On |',
  '|---|---|---|---|---|---|',
  '| [ ] | **E1** | Search | Epic | — | None |',
  '| [DONE] | **S1** | Index documents | Story | E1 | None |',
  '| [ ] | **S2** | Query parser | Story | E1 | S1 |',
  '| [ ] | **E2** | Notifications | Epic | — | None |',
  '| [ ] | **S3** | Audit trail | Story, needs decomposition | — | None |',
  '',
].join('\n');

describe('queue CLI: hierarchy', () => {
  it('add --parent in a table fills the Parent cell: one added line, nothing else changed', () => {
    const dir = repo(TABLE);
    const r = run(dir, ['add', '--id', 'S4', '--title', 'Facets', '--parent', 'E1', '--no-commit']);
    expect(r.code, r.stderr).toBe(0);
    const after = readFileSync(join(dir, 'WORK_QUEUE.md'), 'utf8');
    const lines = TABLE.split('\n');
    lines.splice(9, 0, '| [ ] | **S4** | Facets |  | E1 | None |');
    expect(after).toBe(lines.join('\n'));
  });

  it('add --parent in a task list nests the item under the parent: one added line', () => {
    const list = '# Plan\n\n- [ ] **PH-1** — Accounts\n  - [x] **FE-1** — Sign-up\n- [ ] **PH-2** — Billing\n';
    const dir = repo(list);
    const r = run(dir, ['add', '--id', 'FE-2', '--title', 'Password reset', '--parent', 'PH-1', '--deps', 'FE-1', '--no-commit']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'WORK_QUEUE.md'), 'utf8')).toBe(
      '# Plan\n\n- [ ] **PH-1** — Accounts\n  - [x] **FE-1** — Sign-up\n  - [ ] **FE-2** — Password reset (depends on: FE-1)\n- [ ] **PH-2** — Billing\n',
    );
    const show = JSON.parse(run(dir, ['show', 'FE-2', '--json']).stdout);
    expect(show.story.parent).toBe('PH-1');
  });

  it('add --parent where no Parent column can say it is refused, naming what would be needed', () => {
    const dir = repo('| Status | ID | Title |\n|---|---|---|\n| [ ] | **A-1** | One |\n');
    const r = run(dir, ['add', '--id', 'B-1', '--title', 'Two', '--parent', 'A-1', '--no-commit']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no Parent column');
    expect(readFileSync(join(dir, 'WORK_QUEUE.md'), 'utf8')).toBe('| Status | ID | Title |\n|---|---|---|\n| [ ] | **A-1** | One |\n');
  });

  it('show of a parent lists its children with the roll-up, in JSON and for people', () => {
    const dir = repo(TABLE);
    const body = JSON.parse(run(dir, ['show', 'E1', '--json']).stdout);
    expect(body.story.children).toEqual([
      { id: 'S1', status: 'done' },
      { id: 'S2', status: 'todo' },
    ]);
    expect(body.story.rollup).toEqual({ done: 1, total: 2, byCategory: { done: 1, todo: 1 } });
    expect(body.story.needsDecomposition).toBe(false);
    expect(body.story.ready).toBe(false);
    const leaf = JSON.parse(run(dir, ['show', 'S2', '--json']).stdout);
    expect([leaf.story.children, leaf.story.rollup, leaf.story.parent]).toEqual([[], null, 'E1']);
    const human = run(dir, ['show', 'E1']).stdout;
    expect(human).toContain('children   1/2 done (50%): 1 done, 1 todo');
    expect(human).toMatch(/\[DONE\]\s+S1 {2}Index documents/);
  });

  it('ready --planning lists planning work; ready and claim without an id pass it by; claim by id takes it', () => {
    const dir = repo(TABLE);
    const planning = JSON.parse(run(dir, ['ready', '--planning', '--json']).stdout);
    expect(planning.stories.map((s: { id: string; needsDecomposition: boolean }) => [s.id, s.needsDecomposition])).toEqual([
      ['E2', true],
      ['S3', true],
    ]);
    expect(run(dir, ['ready', '--planning']).stdout).toMatch(/^PLANNING/);
    const ready = JSON.parse(run(dir, ['ready', '--json']).stdout);
    expect(ready.stories.map((s: { id: string }) => s.id)).toEqual(['S2']);
    const claim = JSON.parse(run(dir, ['claim', '--no-commit', '--json']).stdout);
    expect(claim.story.id).toBe('S2');
    const planner = spawnSync(BIN, ['claim', 'E2', '--no-commit', '--json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, QUEUE_AGENT: 'Planner' } });
    expect(planner.status, planner.stderr).toBe(0);
    expect(JSON.parse(planner.stdout).story).toMatchObject({ id: 'E2', claimant: 'Planner' });
    expect(run(dir, ['blocked']).stdout).toContain('waits on its children S2');
  });
});
