/**
 * `queue init` in real git repositories, run as the built command: in an empty repository and in
 * one with its own AGENTS.md, CLAUDE.md, .gitignore and .cursor/; what it writes reads clean
 * (`queue ready`, `queue validate`, `queue render --check`); a second init changes no byte; and
 * it commits what it wrote and nothing else, so `queue claim` works right after it, with and
 * without a remote.
 */
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { emptyRemoteClone, git, queue, remoteFile } from '../git/repos.js';

/** A new git repository (no commit) committing as Dev 1. */
function fresh(dir = tempDir('queue-init-')): string {
  const repo = join(dir, 'repo');
  mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'config', 'user.name', 'Dev 1');
  git(repo, 'config', 'user.email', 'dev1@example.com');
  return repo;
}

/** Every file under `root` but .git's objects, with its bytes (queue's hooks under .git/hooks included). */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      const rel = relative(root, p);
      if (!e.isDirectory()) out.set(rel, readFileSync(p, 'latin1'));
      else walk(rel === '.git' ? join(p, 'hooks') : p);
    }
  };
  walk(root);
  return out;
}

describe('queue init', () => {
  it('in an empty repository: a queue that reads clean, and a second init changes nothing', async () => {
    const repo = fresh();
    const first = await queue(repo, ['init', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const created = first.json.steps.filter((s: { action: string }) => s.action === 'created').map((s: { path: string }) => s.path);
    expect(created).toEqual([
      'WORK_QUEUE.md',
      'queue.config.json',
      'stories/1-1-example.md',
      'deployment/status/README.md',
      'deployment/handoffs/README.md',
      'deployment/decisions/README.md',
      'AGENTS.md',
      '.gitignore',
    ]);
    const file = readFileSync(join(repo, 'WORK_QUEUE.md'), 'utf8');
    for (const block of ['ready', 'progress', 'graph']) expect(file).toContain(`<!-- queue:${block} -->`);
    expect(file).toContain('| [ ] | **1-1** | Example story');
    expect(readFileSync(join(repo, 'AGENTS.md'), 'utf8')).toMatch(/<!-- queue:agents -->[\s\S]*queue claim[\s\S]*<!-- \/queue:agents -->\n$/);
    expect(readFileSync(join(repo, '.gitignore'), 'utf8')).toBe('logs/run/\n');

    const ready = await queue(repo, ['ready', '--json']);
    expect(ready.code, ready.stderr).toBe(0);
    expect(ready.json.stories.map((s: { id: string }) => s.id)).toEqual(['1-1']);
    expect(ready.json.diagnostics).toEqual([]);
    const valid = await queue(repo, ['validate', '--json']);
    expect(valid.code, valid.stdout).toBe(0);
    expect([valid.json.valid, valid.json.errors, valid.json.warnings]).toEqual([true, 0, 0]);
    const check = await queue(repo, ['render', '--check']);
    expect(check.code, check.stdout + check.stderr).toBe(0);

    const before = snapshot(repo);
    const second = await queue(repo, ['init', '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json.steps.every((s: { action: string }) => s.action === 'kept')).toBe(true);
    expect(snapshot(repo)).toEqual(before);
  });

  it('in a repository with its own AGENTS.md, CLAUDE.md, .gitignore and .cursor/: appends, keeps theirs, installs hooks and MCP entries; a second init changes nothing', async () => {
    const repo = fresh();
    writeFileSync(join(repo, 'AGENTS.md'), '# Our agents\n\nRun the linter before committing.\n');
    writeFileSync(join(repo, 'CLAUDE.md'), '# Claude\n\nBe brief.');
    writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
    mkdirSync(join(repo, '.cursor'));
    writeFileSync(join(repo, '.cursor', 'mcp.json'), '{\n    "mcpServers": {\n        "other": { "command": "other" }\n    }\n}\n');
    const first = await queue(repo, ['init', '--hooks', '--mcp', '--json']);
    expect(first.code, first.stderr).toBe(0);

    const agents = readFileSync(join(repo, 'AGENTS.md'), 'utf8');
    expect(agents.startsWith('# Our agents\n\nRun the linter before committing.\n\n<!-- queue:agents -->\n')).toBe(true);
    const claude = readFileSync(join(repo, 'CLAUDE.md'), 'utf8');
    expect(claude.startsWith('# Claude\n\nBe brief.\n\n<!-- queue:agents -->\n')).toBe(true);
    expect(readFileSync(join(repo, '.gitignore'), 'utf8')).toBe('node_modules/\nlogs/run/\n');
    // Cursor's file keeps its server and gains queue's; Claude Code (CLAUDE.md) gets .mcp.json.
    const cursor = JSON.parse(readFileSync(join(repo, '.cursor', 'mcp.json'), 'utf8'));
    expect(Object.keys(cursor.mcpServers)).toEqual(['other', 'queue']);
    expect(cursor.mcpServers.queue.args).toContain('mcp');
    expect(JSON.parse(readFileSync(join(repo, '.mcp.json'), 'utf8')).mcpServers.queue.args).toContain('mcp');
    expect(readFileSync(join(repo, '.git', 'hooks', 'pre-commit'), 'utf8')).toContain('hooks run pre-commit');
    expect(first.json.hooks.wrote).toEqual(['.git/hooks/pre-commit', '.git/hooks/pre-push']);

    expect((await queue(repo, ['validate'])).code).toBe(0);
    expect((await queue(repo, ['render', '--check'])).code).toBe(0);

    const before = snapshot(repo);
    const second = await queue(repo, ['init', '--hooks', '--mcp', '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json.steps.every((s: { action: string }) => s.action === 'kept')).toBe(true);
    expect(snapshot(repo)).toEqual(before);
  });

  it('commits what it wrote and nothing else, so queue claim works right after it; --no-commit leaves them uncommitted', async () => {
    const repo = fresh();
    writeFileSync(join(repo, 'notes.txt'), "staged, not init's\n");
    git(repo, 'add', 'notes.txt');
    const init = await queue(repo, ['init', '--json']);
    expect(init.code, init.stderr).toBe(0);
    expect(init.json.commit).toBe(git(repo, 'rev-parse', 'HEAD').trim());
    expect(git(repo, 'log', '--format=%s').trim()).toBe('queue: init');
    // The commit holds init's files; the file the user had staged stays staged, not committed.
    const committed = git(repo, 'show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort();
    expect(committed).toEqual(init.json.steps.map((s: { path: string }) => s.path).sort());
    expect(git(repo, 'status', '--porcelain')).toBe('A  notes.txt\n');
    const claimed = await queue(repo, ['claim', '--agent', 'Dev 1', '--json']);
    expect(claimed.code, claimed.stderr).toBe(0);
    expect(claimed.json.story).toMatchObject({ id: '1-1', status: 'in_progress', claimant: 'Dev 1' });
    expect(git(repo, 'show', 'main:WORK_QUEUE.md')).toContain('| [IN PROGRESS: Dev 1] | **1-1** |');
    expect((await queue(repo, ['render', '--check'])).code).toBe(0);

    const plain = fresh();
    const uncommitted = await queue(plain, ['init', '--no-commit', '--json']);
    expect(uncommitted.code, uncommitted.stderr).toBe(0);
    expect(uncommitted.json.commit).toBe(null);
    expect(() => git(plain, 'rev-parse', '--verify', '-q', 'HEAD')).toThrow();
  });

  it('then queue claim works through a bare remote once the init commit is pushed', async () => {
    const { remote, clone } = emptyRemoteClone('queue-init-remote-', 'Dev 2');
    expect((await queue(clone, ['init', '--hooks'])).code).toBe(0);
    git(clone, 'push', '-q', 'origin', 'HEAD:main');
    const viaRemote = await queue(clone, ['claim', '--agent', 'Dev 2', '--json']);
    expect(viaRemote.code, viaRemote.stderr).toBe(0);
    expect(remoteFile(remote)).toContain('| [IN PROGRESS: Dev 2] | **1-1** |');
    const finished = await queue(clone, ['done', '1-1', '--agent', 'Dev 2', '--json']);
    expect(finished.code, finished.stderr).toBe(0);
    expect(remoteFile(remote)).toContain('| [DONE] | **1-1** |');
  });

  it('refuses, writing nothing, where a committed link would take a write outside the work tree', async () => {
    const dir = tempDir('queue-init-links-');
    const repo = fresh(dir);
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'agents.md'), 'theirs\n');
    symlinkSync(join(outside, 'agents.md'), join(repo, 'AGENTS.md'));
    symlinkSync(outside, join(repo, 'deployment'));
    const r = await queue(repo, ['init', '--json']);
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('invalid');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(outside).sort()).toEqual(['agents.md']);
    expect(readFileSync(join(outside, 'agents.md'), 'utf8')).toBe('theirs\n');
    expect(readdirSync(repo).sort()).toEqual(['.git', 'AGENTS.md', 'deployment']);
  });

  it("writes in the files' own conventions: CRLF line endings, a one-line .mcp.json; an unclosed marker is reported, not doubled", async () => {
    const repo = fresh();
    writeFileSync(join(repo, 'AGENTS.md'), '# Agents\r\n\r\nBe kind.\r\n');
    writeFileSync(join(repo, '.gitignore'), 'node_modules/\r\n');
    writeFileSync(join(repo, '.mcp.json'), '{"mcpServers":{"other":{"command":"x"}}}\n');
    const r = await queue(repo, ['init', '--mcp', '--no-commit', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const agents = readFileSync(join(repo, 'AGENTS.md'), 'utf8');
    expect(agents.startsWith('# Agents\r\n\r\nBe kind.\r\n\r\n<!-- queue:agents -->\r\n')).toBe(true);
    expect(agents.replaceAll('\r\n', '')).not.toContain('\n');
    expect(readFileSync(join(repo, '.gitignore'), 'utf8')).toBe('node_modules/\r\nlogs/run/\r\n');
    const mcp = readFileSync(join(repo, '.mcp.json'), 'utf8');
    expect(mcp.trimEnd()).not.toContain('\n');
    expect(JSON.parse(mcp).mcpServers.other).toEqual({ command: 'x' });
    expect(JSON.parse(mcp).mcpServers.queue.command).toBeTruthy();

    const other = fresh();
    writeFileSync(join(other, 'AGENTS.md'), '# Agents\n\n<!-- queue:agents -->\nold text, its end marker lost\n');
    const again = await queue(other, ['init', '--no-commit', '--json']);
    expect(again.code, again.stderr).toBe(0);
    const step = again.json.steps.find((x: { path: string }) => x.path === 'AGENTS.md');
    expect(step.action).toBe('kept');
    expect(step.note).toContain('<!-- /queue:agents -->');
    expect(readFileSync(join(other, 'AGENTS.md'), 'utf8')).toBe('# Agents\n\n<!-- queue:agents -->\nold text, its end marker lost\n');
  });
});
