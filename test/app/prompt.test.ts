/**
 * `queue prompt` and its core, `buildPrompt`: in a clone of a real bare remote, the prompt for a
 * story carries its story file, its checklist, the handoff addressed to it, what the done dependency
 * it waited on left (its handoff's notes) and the files those name; without an id it is the story
 * `claim` would pick, and nothing is claimed.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPrompt } from '../../src/app/prompt.js';
import { git, queue, remoteFile, setup } from '../git/repos.js';
import { fixture } from '../helpers.js';

const QUEUE = [
  '# Work Queue',
  '',
  '## Sprint 1',
  '',
  '| Status | Story | Description | Depends On | Story File |',
  '|--------|-------|-------------|------------|------------|',
  '| [DONE] | **1-1** | Database schema | None | |',
  '| [ ] | **1-2** | REST API skeleton | 1-1 | stories/1-2-api.md |',
  '| [ ] | **1-3** | Login page | None | |',
  '',
  '## Claiming Rules',
  '',
  '1. Claim with `queue claim`, never by hand.',
  '',
].join('\n');

const STORY_FILE = ['# 1-2: REST API skeleton', '', 'Build the routes in `src/api/routes.ts` on the schema.', ''].join('\n');

const HANDOFF_TO = [
  '---',
  'from_agent: Dev 1',
  'to_agent: Dev 2',
  'story: 1-2',
  'timestamp: 2026-12-01T10:00:00Z',
  'notes: Start from the health route; the auth middleware is half done.',
  'next_steps:',
  '  - wire the router',
  '---',
  '',
].join('\n');

const HANDOFF_DEP = [
  '---',
  'from_agent: Dev 1',
  'to_agent: Dev 3',
  'story: 1-1',
  'timestamp: 2026-11-30T09:00:00Z',
  'notes: The schema lives in db/schema.sql; run the migrations first.',
  '---',
  '',
].join('\n');

function repo() {
  const r = setup(
    {
      'WORK_QUEUE.md': QUEUE,
      'stories/1-2-api.md': STORY_FILE,
      'deployment/handoffs/2026-12-01-dev1-dev2-1-2.md': HANDOFF_TO,
      'deployment/handoffs/2026-11-30-dev1-dev3-1-1.md': HANDOFF_DEP,
      'src/api/routes.ts': 'export {};\n',
      'db/schema.sql': 'create table t (id int);\n',
      'HEADINGS.md': readFileSync(fixture('headings.md'), 'utf8'),
    },
    1,
  );
  return { ...r, clone: r.clones[0] };
}

describe('queue prompt', () => {
  it('for a story: its story file and status, the handoff to it, the notes its done dependency left, and the files they name', async () => {
    const { clone } = repo();
    const r = await queue(clone, ['prompt', '1-2', '--agent', 'Dev 2']);
    expect(r.code, r.stderr).toBe(0);
    const md = r.stdout;
    expect(md).toContain('## Your story: 1-2 — REST API skeleton');
    expect(md).toContain('`[ ]` (todo, ready to claim)');
    // The story file's content.
    expect(md).toContain('Build the routes in `src/api/routes.ts` on the schema.');
    // The handoff addressed to it.
    expect(md).toContain('deployment/handoffs/2026-12-01-dev1-dev2-1-2.md');
    expect(md).toContain('Start from the health route; the auth middleware is half done.');
    expect(md).toContain('Next: wire the router');
    // The done dependency it waited on and its notes.
    expect(md).toContain('#### 1-1 — Database schema (done');
    expect(md).toContain('The schema lives in db/schema.sql; run the migrations first.');
    // The files they name that exist.
    expect(md).toMatch(/### Files named above\n\n- `src\/api\/routes\.ts`\n- `db\/schema\.sql`/);
    // The loop and this repository's rules.
    expect(md).toContain('queue claim 1-2 --agent "Dev 2" --json');
    expect(md).toContain('queue done 1-2 --agent "Dev 2" --json');
    expect(md).toContain('queue handoff --story 1-2');
    expect(md).toContain('queue block 1-2 --reason');
    expect(md).toContain('Hold at most 1 story at once');
    expect(md).toContain('of `origin`');
    expect(md).toContain('Claim with `queue claim`, never by hand.');

    const j = await queue(clone, ['prompt', '1-2', '--agent', 'Dev 2', '--json']);
    expect(j.code, j.stderr).toBe(0);
    expect(j.json.schemaVersion).toBe(1);
    expect(j.json.story.id).toBe('1-2');
    expect(j.json.storyFile).toEqual({ path: 'stories/1-2-api.md', text: STORY_FILE });
    expect(j.json.handoffs.map((h: { file: string }) => h.file)).toEqual(['deployment/handoffs/2026-12-01-dev1-dev2-1-2.md']);
    expect(j.json.dependencies.map((d: { id: string }) => d.id)).toEqual(['1-1']);
    expect(j.json.files).toEqual(['src/api/routes.ts', 'db/schema.sql']);
    expect(j.json.markdown).toBe(md);
  });

  it('for a heading story: its checklist, what done means; for the agent holding it, no claim to make', async () => {
    const { clone } = repo();
    const r = await queue(clone, ['prompt', 'MA-002', '--agent', 'Dev 2', '--file', 'HEADINGS.md']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('### Checklist (what done means)\n\n- [x] write edits to a local journal\n- [ ] replay the journal when the connection returns');
    expect(r.stdout).toContain('You hold MA-002: work on it.');
    expect(r.stdout).not.toContain('queue claim MA-002 --agent');
  });

  it('without an id: the story claim would pick, not claimed; an unknown id is not_found', async () => {
    const { clone, remote } = repo();
    const before = git(remote, 'rev-parse', 'main');
    const p = await buildPrompt({ cwd: clone }, { agent: 'Dev 2' });
    expect(p.picked).toBe(true);
    const claimed = await queue(clone, ['claim', '--agent', 'Dev 2', '--json', '--no-push', '--no-commit']);
    expect(claimed.code, claimed.stderr).toBe(0);
    expect(p.story?.id).toBe(claimed.json.story.id);
    expect(git(remote, 'rev-parse', 'main')).toBe(before);
    expect(remoteFile(remote)).toBe(QUEUE);

    const missing = await queue(clone, ['prompt', '9-9', '--json']);
    expect(missing.code).toBe(1);
    expect(missing.json.error.code).toBe('not_found');
  });

  it('without an id, for an agent at its claim limit: the story it holds, with the handoff that gave it, not one claim would refuse', async () => {
    const { clone } = repo();
    expect((await queue(clone, ['claim', '1-3', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    const handed = await queue(clone, ['handoff', '--story', '1-3', '--to', 'Dev 4', '--notes', 'half done: the form posts', '--reassign', '--agent', 'Dev 1', '--json']);
    expect(handed.code, handed.stdout + handed.stderr).toBe(0);
    // 1-2 is ready, but Dev 4 holds 1-3 (maxClaims 1): claim says claim_limit.
    expect((await queue(clone, ['claim', '--agent', 'Dev 4', '--json', '--no-push', '--no-commit'])).json.error.code).toBe('claim_limit');
    const p = await queue(clone, ['prompt', '--agent', 'Dev 4', '--json']);
    expect(p.code).toBe(0);
    expect(p.json.story.id).toBe('1-3');
    expect(p.json.handoffs.map((h: { notes: string }) => h.notes)).toEqual(['half done: the form posts']);
    expect(p.json.markdown).toContain('You hold 1-3: work on it.');
  });

  it('a story its holder sent to review waits for a reviewer; with only check boxes ready, the prompt names them, not queue blocked', async () => {
    const { clone } = repo();
    expect((await queue(clone, ['claim', '1-3', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    expect((await queue(clone, ['review', '1-3', '--agent', 'Dev 1', '--json'])).code).toBe(0);
    const held = await queue(clone, ['prompt', '1-3', '--agent', 'Dev 1', '--json']);
    expect(held.json.markdown).toContain('You hold 1-3, in review: it waits for a reviewer, not for you');
    expect(held.json.markdown).not.toContain('work on it.');

    const c2 = setup({ 'WORK_QUEUE.md': '| Status | Story | Description |\n|---|---|---|\n| [DONE] | **S-1** | s |\n\n## Notes\n\n- [ ] **N-1** ping design\n' }, 1);
    const p = await queue(c2.clones[0], ['prompt', '--agent', 'Dev 1', '--json']);
    expect([p.json.story, p.json.aside]).toEqual([null, ['N-1']]);
    expect(p.json.markdown).toContain('taken only by id, are check boxes (a checklist, perhaps): `N-1`');
    expect(p.json.markdown).not.toContain('queue blocked');
  });
});

describe('queue prompt reads only the work tree', () => {
  it('a story file or handoff that is a committed link to outside, or a path into .git, is not read', async () => {
    const { dir, clones } = setup(
      {
        'WORK_QUEUE.md': [
          '| Status | Story | Description | Depends On | Story File |',
          '|---|---|---|---|---|',
          '| [ ] | **L-1** | Linked out | None | stories/link.md |',
          '| [ ] | **L-2** | Into git | None | .git/config |',
          '| [ ] | **L-3** | Through a linked directory | None | out/secret.txt |',
          '',
        ].join('\n'),
      },
      1,
    );
    const clone = clones[0];
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'SECRET-OUTSIDE\n');
    writeFileSync(join(outside, 'handoff.md'), '---\nfrom_agent: X\nto_agent: Y\nstory: L-1\nnotes: SECRET-HANDOFF\n---\n');
    mkdirSync(join(clone, 'stories'));
    mkdirSync(join(clone, 'deployment', 'handoffs'), { recursive: true });
    symlinkSync(join(outside, 'secret.txt'), join(clone, 'stories', 'link.md'));
    symlinkSync(outside, join(clone, 'out'));
    symlinkSync(join(outside, 'handoff.md'), join(clone, 'deployment', 'handoffs', '2026-12-06-x-y-l-1.md'));
    git(clone, 'add', '-A');
    git(clone, 'commit', '-q', '-m', 'links');
    git(clone, 'push', '-q', 'origin', 'HEAD:main');
    git(clone, 'config', 'remote.origin.pushurl', 'https://token-SECRET-GIT@example.com/x.git');
    for (const id of ['L-1', 'L-2', 'L-3']) {
      const r = await queue(clone, ['prompt', id, '--agent', 'Dev 1', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.json.storyFile, id).toBe(null);
      expect(r.stdout, id).not.toMatch(/SECRET/);
    }
  });
});
