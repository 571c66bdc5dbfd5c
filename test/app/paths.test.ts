/**
 * Paths stay in the repository, end to end with real git and real files: a committed config cannot
 * make queue commit a `..` or `.git` tree entry (every clone of the branch would fail), nor write
 * outside the work tree with `--no-commit` or `render`; a symbolic link (the queue file, the status
 * or handoffs directory) is never written through to a place outside the work tree, and a committed
 * one is never replaced by a directory. Each bypass is refused with a clear error and nothing is
 * written; its legitimate twin works.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QueueError } from '../../src/domain/errors.js';
import { Git } from '../../src/git/git.js';
import { ObjectWriter } from '../../src/git/objects.js';
import { treeWith } from '../../src/git/tree.js';
import { tempDir } from '../helpers.js';
import { git, queue, remoteFile, setup } from '../git/repos.js';

const QUEUE = [
  '# Queue',
  '',
  '| Status | Story | Description | Depends On | Story File |',
  '|---|---|---|---|---|',
  '| [IN PROGRESS: Dev 1] | **1-1** | first | None | |',
  '| [BLOCKED] | **1-2** | second | 1-1 | |',
  '',
].join('\n');

const tip = (remote: string) => git(remote, 'rev-parse', 'main').trim();

/** A work tree (`git init`, one commit) holding `files`, beside an `outside` directory. */
function workTree(files: Record<string, string>): { dir: string; repo: string; outside: string } {
  const dir = tempDir('queue-paths-');
  const repo = join(dir, 'repo');
  const outside = join(dir, 'outside');
  mkdirSync(repo);
  mkdirSync(outside);
  git(dir, 'init', '-q', '-b', 'main', repo);
  git(repo, 'config', 'user.name', 'seed');
  git(repo, 'config', 'user.email', 'seed@example.com');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(repo, name, '..'), { recursive: true });
    writeFileSync(join(repo, name), text);
  }
  return { dir, repo, outside };
}

describe('a committed config cannot take writes out of the repository', () => {
  it.each(['stories/..', '.git', '.GIT/x', '../outside', '/tmp/queue-stories'])(
    'storiesDir %j is refused before anything is written, and every clone still checks out',
    async (storiesDir) => {
      const { dir, remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE, 'queue.config.json': JSON.stringify({ storiesDir }) }, 1);
      const before = tip(remote);
      const r = await queue(clones[0], ['add', '--id', '1-3', '--title', 'third', '--story-file', '--agent', 'Dev 1', '--json']);
      expect(r.code).toBe(1);
      expect(r.json.error).toMatchObject({ code: 'invalid', key: 'storiesDir', file: 'queue.config.json' });
      expect(r.json.error.message).toMatch(/"storiesDir" must be a path inside the repository, relative to its root/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(tip(remote)).toBe(before);
      git(dir, 'clone', '-q', remote, join(dir, 'fresh'));
      expect(existsSync(join(dir, 'fresh', 'WORK_QUEUE.md'))).toBe(true);
    },
  );

  it('the legitimate twin: a storiesDir inside the repository gets its story file, and the branch stays clean for git fsck and clone', async () => {
    const { dir, remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE, 'queue.config.json': '{"storiesDir": "./docs/stories/"}' }, 1);
    const r = await queue(clones[0], ['add', '--id', '1-3', '--title', 'third', '--story-file', '--agent', 'Dev 1', '--json']);
    expect(r.code).toBe(0);
    expect(r.json.files).toEqual(['docs/stories/1-3-third.md']);
    expect(git(remote, 'ls-tree', '-r', '--name-only', 'main')).toContain('docs/stories/1-3-third.md');
    git(remote, 'fsck', '--strict', '--no-progress');
    git(dir, 'clone', '-q', remote, join(dir, 'fresh'));
    expect(existsSync(join(dir, 'fresh', 'docs', 'stories', '1-3-third.md'))).toBe(true);
  });

  it('--no-commit and render: an absolute or ../outside deploymentDir writes nothing outside', async () => {
    for (const deploymentDir of ['../outside', join(tempDir('queue-abs-'), 'deploy')]) {
      const { repo, outside } = workTree({ 'WORK_QUEUE.md': QUEUE, 'queue.config.json': JSON.stringify({ deploymentDir }) });
      const render = await queue(repo, ['render', '--json']);
      expect(render.code).toBe(1);
      expect(render.json.error).toMatchObject({ code: 'invalid', key: 'deploymentDir' });
      const handoff = await queue(repo, ['handoff', '--from', 'Dev 1', '--to', 'Dev 2', '--story', '1-1', '--no-commit', '--json']);
      expect(handoff.json.error).toMatchObject({ code: 'invalid', key: 'deploymentDir' });
      expect(readdirSync(outside)).toEqual([]);
      expect(existsSync(deploymentDir)).toBe(false);
      expect(readFileSync(join(repo, 'WORK_QUEUE.md'), 'utf8')).toBe(QUEUE);
    }
  });
});

describe('symbolic links never lead a write out of the work tree', () => {
  it('a queue file linking outside is read, but never written', async () => {
    const { repo, outside } = workTree({});
    writeFileSync(join(outside, 'QUEUE.md'), QUEUE);
    symlinkSync(join(outside, 'QUEUE.md'), join(repo, 'WORK_QUEUE.md'));
    const ready = await queue(repo, ['list', '--json']);
    expect(ready.code).toBe(0);
    expect(ready.json.stories.map((s: { id: string }) => s.id)).toEqual(['1-1', '1-2']);
    for (const args of [
      ['done', '1-1', '--agent', 'Dev 1', '--no-commit', '--json'],
      ['render', '--json'],
    ]) {
      const r = await queue(repo, args);
      expect(r.code).toBe(1);
      expect(r.json.error.code).toBe('invalid');
      expect(r.json.error.message).toMatch(/refusing to write WORK_QUEUE\.md: WORK_QUEUE\.md is a symbolic link to .*outside the work tree/);
    }
    expect(readFileSync(join(outside, 'QUEUE.md'), 'utf8')).toBe(QUEUE);
    expect(existsSync(join(repo, 'deployment'))).toBe(false);
  });

  it('the legitimate twin: a queue file linking inside the work tree is written where it points', async () => {
    const { repo } = workTree({ 'docs/QUEUE.md': QUEUE });
    symlinkSync(join('docs', 'QUEUE.md'), join(repo, 'WORK_QUEUE.md'));
    const r = await queue(repo, ['done', '1-1', '--agent', 'Dev 1', '--no-commit', '--json']);
    expect(r.code).toBe(0);
    expect(readFileSync(join(repo, 'docs', 'QUEUE.md'), 'utf8')).toContain('| [DONE] | **1-1** |');
  });

  it('deployment/status linking outside: render writes neither the board nor the queue file', async () => {
    const board = { 'queue.config.json': '{"statusBoard": true}\n' };
    const { repo, outside } = workTree({ 'WORK_QUEUE.md': QUEUE, ...board });
    mkdirSync(join(repo, 'deployment'));
    symlinkSync(outside, join(repo, 'deployment', 'status'));
    const r = await queue(repo, ['render', '--json']);
    expect(r.code).toBe(1);
    expect(r.json.error.message).toMatch(/refusing to write deployment\/status\/current-status\.md: deployment\/status is a symbolic link to .*outside the work tree/);
    expect(readdirSync(outside)).toEqual([]);
    expect(readFileSync(join(repo, 'WORK_QUEUE.md'), 'utf8')).toBe(QUEUE);

    // The twin: a link to a directory inside the work tree is followed.
    const inside = workTree({ 'WORK_QUEUE.md': QUEUE, 'ops/status/.keep': '', ...board });
    mkdirSync(join(inside.repo, 'deployment'));
    symlinkSync(join('..', 'ops', 'status'), join(inside.repo, 'deployment', 'status'));
    expect((await queue(inside.repo, ['render', '--json'])).code).toBe(0);
    expect(readFileSync(join(inside.repo, 'ops', 'status', 'current-status.md'), 'utf8')).toContain('Dev 1');
  });

  it('deployment/handoffs linking outside, or to nothing: handoff --no-commit writes nothing', async () => {
    const { repo, outside } = workTree({ 'WORK_QUEUE.md': QUEUE });
    mkdirSync(join(repo, 'deployment'));
    symlinkSync(outside, join(repo, 'deployment', 'handoffs'));
    const r = await queue(repo, ['handoff', '--from', 'Dev 1', '--to', 'Dev 2', '--story', '1-1', '--no-commit', '--json']);
    expect(r.code).toBe(1);
    expect(r.json.error.message).toMatch(/deployment\/handoffs is a symbolic link to .*outside the work tree/);
    expect(readdirSync(outside)).toEqual([]);

    const dangling = workTree({ 'WORK_QUEUE.md': QUEUE });
    mkdirSync(join(dangling.repo, 'deployment'));
    symlinkSync(join(dangling.outside, 'missing'), join(dangling.repo, 'deployment', 'handoffs'));
    const d = await queue(dangling.repo, ['handoff', '--from', 'Dev 1', '--to', 'Dev 2', '--story', '1-1', '--no-commit', '--json']);
    expect(d.json.error.message).toMatch(/deployment\/handoffs is a symbolic link to nothing/);
    expect(existsSync(join(dangling.outside, 'missing'))).toBe(false);
  });

  it('a committed deployment/handoffs link is refused by a committing handoff, not replaced by a directory', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE }, 1);
    const [clone] = clones;
    mkdirSync(join(clone, 'deployment'));
    symlinkSync('/tmp', join(clone, 'deployment', 'handoffs'));
    git(clone, 'add', '-A');
    git(clone, 'commit', '-q', '-m', 'handoffs elsewhere');
    git(clone, 'push', '-q', 'origin', 'HEAD:main');
    const before = tip(remote);
    const r = await queue(clone, ['handoff', '--from', 'Dev 1', '--to', 'Dev 2', '--story', '1-1', '--json']);
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('invalid');
    expect(r.json.error.message).toMatch(/deployment\/handoffs is a symbolic link at the shared branch's tip, not a directory/);
    expect(tip(remote)).toBe(before);
    expect(git(remote, 'ls-tree', 'main', 'deployment/handoffs')).toMatch(/^120000 blob /);
  });

  it('a queue file committed as a symbolic link is refused by a committing write, with the fix', async () => {
    const { remote, clones } = setup({ 'QUEUE.md': QUEUE }, 1);
    const [clone] = clones;
    symlinkSync('QUEUE.md', join(clone, 'WORK_QUEUE.md'));
    git(clone, 'add', '-A');
    git(clone, 'commit', '-q', '-m', 'link');
    git(clone, 'push', '-q', 'origin', 'HEAD:main');
    const before = tip(remote);
    const r = await queue(clone, ['done', '1-1', '--agent', 'Dev 1', '--json']);
    expect(r.json.error.code).toBe('unreadable');
    expect(r.json.error.message).toMatch(/WORK_QUEUE\.md is a symbolic link at .*regular file/);
    expect(tip(remote)).toBe(before);
    // The twin: the config names the file itself.
    writeFileSync(join(clone, 'queue.config.json'), '{"file": "QUEUE.md"}');
    const done = await queue(clone, ['done', '1-1', '--agent', 'Dev 1', '--json']);
    expect(done.code).toBe(0);
    expect(remoteFile(remote, 'QUEUE.md')).toContain('| [DONE] | **1-1** |');
  });
});

describe('the tree writer checks every name the way git fsck does', () => {
  it('refuses ., .., .git in any folded form and empty names; writes the twin', async () => {
    const dir = tempDir('queue-tree-');
    git(dir, 'init', '-q');
    const g = new Git(dir);
    const writer = new ObjectWriter(g, dir, null);
    const blob = await writer.write('blob', Buffer.from('x\n'));
    for (const path of ['stories/../N-1-t.md', '.git/hooks/post-checkout', 'a/.GIT/b', 'a/git~1/b', 'a/.git /b', 'a//b', '/abs', 'a/./b']) {
      await expect(treeWith(g, writer, null, path, blob, '100644')).rejects.toThrow(QueueError);
      await expect(treeWith(g, writer, null, path, blob, '100644')).rejects.toThrow(/refusing to commit/);
    }
    const tree = await treeWith(g, writer, null, 'stories/N-1-t.md', blob, '100644');
    expect(git(dir, 'ls-tree', '-r', '--name-only', tree).trim()).toBe('stories/N-1-t.md');
  });
});
