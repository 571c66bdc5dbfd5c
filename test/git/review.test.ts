/**
 * Review over real git: `queue approve` (review → done, with what done does) and `queue reject`
 * (review → in progress, back to the implementer, with a handoff), the claim rules that judge them
 * (self_approve, not_reviewer), and the server hook behind git daemon judging the same moves in
 * pushes, made with queue or by hand.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, git, queue, remoteFile, setup } from './repos.js';
import { startDaemon, type Daemon } from './daemon.js';
import { tempDir } from '../helpers.js';

const QUEUE = [
  '# Queue',
  '',
  '## Stories',
  '',
  '| Status | Story | Description | Depends On |',
  '|---|---|---|---|',
  '| [DONE] | **A** | a | None |',
  '| [REVIEW: Dev 1] | **B** | b | A |',
  '| [BLOCKED] | **C** | c | B |',
  '| [REVIEW: Dev 1] | **R** | r | A |',
  '',
  '## Completed Stories',
  '',
  '| Story | Title | Agent | Wave |',
  '|-------|-------|-------|------|',
  '| [DONE] **A** | a | Dev 9 | 1 |',
  '',
].join('\n');
const AGENTS = { 'Dev 1': ['dev1@example.com', 'dev1'], 'Dev 2': ['dev2@example.com', 'dev2'], Lead: ['lead@example.com', 'lead'] };

describe('queue approve and queue reject', () => {
  it('an implementer approving its own work is refused by the rules (self_approve); another agent approves: done, logged, C released', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE, 'queue.config.json': JSON.stringify({ agents: AGENTS }) }, 1);
    const own = await queue(clones[0], ['approve', 'B', '--agent', 'Dev 1', '--json']);
    expect(own.code).toBe(1);
    expect(own.json.error.code).toBe('rule_violation');
    expect(own.json.error.violations.map((v: { rule: string }) => v.rule)).toEqual(['self_approve']);
    // The holder's plain `done` of a story in review is the same self-approval.
    const done = await queue(clones[0], ['done', 'B', '--agent', 'Dev 1', '--json']);
    expect(done.json.error.violations.map((v: { rule: string }) => v.rule)).toEqual(['self_approve']);
    expect(remoteFile(remote)).toBe(QUEUE);
    // A reviewer's `done` is no approve: the refusal says what is.
    const byReviewer = await queue(clones[0], ['done', 'B', '--agent', 'Dev 2', '--json']);
    expect(byReviewer.json.error.code).toBe('not_claimant');
    expect(byReviewer.json.error.message).toContain('a reviewer runs queue approve B');

    const ok = await queue(clones[0], ['approve', 'B', '--agent', 'Dev 2', '--json']);
    expect(ok.code).toBe(0);
    expect(ok.json.story.status).toBe('done');
    expect(ok.json.unblocked).toEqual(['C']);
    expect(ok.json.effects.slice(0, 3)).toEqual([
      { kind: 'status', id: 'B', to: 'done' },
      { kind: 'log', id: 'B' },
      { kind: 'unblock', id: 'C' },
    ]);
    const after = remoteFile(remote);
    expect(after).toContain('| [DONE] | **B** | b | A |');
    expect(after).toContain('| [ ] | **C** | c | B |');
    // The Completed log names the implementer, not the reviewer.
    expect(after).toContain('| [DONE] **B** | b | Dev 1 | 2 |');
    expect(git(remote, 'log', '-1', '--format=%B', 'main')).toContain('Queue-Op: approve');
    // Not in review any more: nothing to approve.
    const again = await queue(clones[0], ['approve', 'B', '--agent', 'Dev 2', '--json']);
    expect(again.json.error.code).toBe('invalid');
  });

  it('reject sends the story back to its implementer with the reason as a handoff, in one commit; the implementer works on', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE, 'queue.config.json': JSON.stringify({ agents: AGENTS }) }, 1);
    expect((await queue(clones[0], ['reject', 'R', '--agent', 'Dev 2', '--json'])).code).toBe(2); // --reason is required
    const r = await queue(clones[0], ['reject', 'R', '--agent', 'Dev 2', '--reason', 'needs a test for the empty case', '--json']);
    expect(r.code).toBe(0);
    expect(r.json.story.status).toBe('in_progress');
    expect(r.json.story.claimant).toBe('Dev 1');
    expect(r.json.files).toHaveLength(1);
    const path: string = r.json.files[0];
    expect(path).toMatch(/^deployment\/handoffs\/\d{4}-\d{2}-\d{2}-dev-2-dev-1-r-rejected-\d{6}\.md$/);
    expect(remoteFile(remote)).toContain('| [IN PROGRESS: Dev 1] | **R** | r | A |');
    // The queue edit and the handoff are one commit.
    expect(git(remote, 'show', '--name-only', '--format=', 'main').trim().split('\n').sort()).toEqual(['WORK_QUEUE.md', path].sort());
    const handoff = remoteFile(remote, path);
    expect(handoff).toContain('from_agent: Dev 2');
    expect(handoff).toContain('to_agent: Dev 1');
    expect(handoff).toContain('needs a test for the empty case');
    // The implementer holds it again: the next claim shows the handoff, review and approve go on.
    expect((await queue(clones[0], ['review', 'R', '--agent', 'Dev 1'])).code).toBe(0);
    expect((await queue(clones[0], ['approve', 'R', '--agent', 'Dev 2'])).code).toBe(0);
    expect(remoteFile(remote)).toContain('| [DONE] | **R** | r | A |');
  });

  it('with reviewers in the config, only they approve or reject (not_reviewer)', async () => {
    const config = { agents: AGENTS, reviewers: ['lead'] };
    const { remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE, 'queue.config.json': JSON.stringify(config) }, 1);
    for (const args of [
      ['approve', 'B'],
      ['reject', 'B', '--reason', 'no'],
    ]) {
      const r = await queue(clones[0], [...args, '--agent', 'Dev 2', '--json']);
      expect(r.code).toBe(1);
      expect(r.json.error.violations.map((v: { rule: string }) => v.rule)).toEqual(['not_reviewer']);
    }
    expect(remoteFile(remote)).toBe(QUEUE);
    expect((await queue(clones[0], ['approve', 'B', '--agent', 'lead'])).code).toBe(0);
    expect(remoteFile(remote)).toContain('| [DONE] | **B** | b | A |');
  });
});

describe('the server hook judges review moves', () => {
  let dir: string;
  let url: string;
  let daemon: Daemon;
  const run = (cwd: string, cmd: string, args: string[]) => {
    try {
      return { code: 0, out: execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: 'pipe' }) };
    } catch (e) {
      const x = e as { status: number; stdout: string; stderr: string };
      return { code: x.status, out: `${x.stdout}${x.stderr}` };
    }
  };
  const clone = (who: string) => {
    const c = mkdtempSync(join(dir, 'clone-'));
    git(dir, 'clone', '-q', url, c);
    git(c, 'config', 'user.name', who);
    git(c, 'config', 'user.email', `${who}@example.com`);
    return c;
  };
  const handPush = (who: string, from: string, to: string) => {
    const c = clone(who);
    const file = join(c, 'WORK_QUEUE.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace(from, to));
    run(c, 'git', ['commit', '-q', '--no-verify', '-am', 'by hand']);
    return run(c, 'git', ['push', 'origin', 'HEAD:main']);
  };

  beforeAll(async () => {
    dir = tempDir('queue-review-');
    const bare = join(dir, 'queue.git');
    git(dir, 'init', '-q', '--bare', '-b', 'main', bare);
    const seed = join(dir, 'seed');
    git(dir, 'clone', '-q', bare, seed);
    writeFileSync(join(seed, 'WORK_QUEUE.md'), QUEUE);
    writeFileSync(join(seed, 'queue.config.json'), JSON.stringify({ agents: AGENTS }));
    git(seed, 'add', '.');
    git(seed, '-c', 'user.name=seed', '-c', 'user.email=seed@example.com', 'commit', '-q', '-m', 'seed');
    git(seed, 'push', '-q', 'origin', 'HEAD:main');
    expect(run(bare, BIN, ['hooks', 'install', '--server']).code).toBe(0);
    daemon = await startDaemon(dir);
    url = daemon.url('queue.git');
  }, 30_000);
  afterAll(() => daemon?.stop());

  it('refuses an implementer pushing its own story from review to done, by hand', () => {
    const push = handPush('dev1', '| [REVIEW: Dev 1] | **B** |', '| [DONE] | **B** |');
    expect(push.code).not.toBe(0);
    expect(push.out).toContain('self_approve B');
  });

  it("accepts a reviewer's approve made with queue, and a reviewer's reject by hand", async () => {
    const c = clone('dev2');
    const r = await queue(c, ['approve', 'B', '--agent', 'Dev 2', '--json']);
    expect(r.code).toBe(0);
    expect(r.json.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(run(dir, 'git', ['--git-dir', join(dir, 'queue.git'), 'show', 'main:WORK_QUEUE.md']).out).toContain('| [DONE] | **B** | b | A |');
    const push = handPush('dev2', '| [REVIEW: Dev 1] | **R** |', '| [IN PROGRESS: Dev 1] | **R** |');
    expect(push.code).toBe(0);
  });
});
