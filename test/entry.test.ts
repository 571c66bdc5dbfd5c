/**
 * The CLI's entry, dist/queue.js (scripts/build.mjs): a plain `#!/usr/bin/env node` ES module that
 * node runs by itself or through npm's bin shims, that passes the user's environment untouched to
 * the git it starts, and that the git hooks and the GitHub workflow it installs run by name.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, tempDir } from './helpers.js';
import { BIN, git, queue, setup } from './git/repos.js';

const TABLE =
  '# Q\n\n| Status | Story | Description | Depends On |\n|---|---|---|---|\n| [DONE] | **A** | First | None |\n| [ ] | **B** | Second | A |\n| [ ] | **C** | Third | B |\n';
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; bin: Record<string, string> };

describe('the entry', () => {
  it("is the package's bin: a node script with a `#!/usr/bin/env node` line, run by name or by node, printing package.json's version", () => {
    expect(join(ROOT, pkg.bin.queue)).toBe(BIN);
    const lines = readFileSync(BIN, 'utf8').split('\n');
    expect(lines[0]).toBe('#!/usr/bin/env node');
    // No shell line after it: the rest is JavaScript, whose first statement (after comments) is an import.
    expect(lines.slice(1).find((l) => l.trim() !== '' && !l.startsWith('//'))).toMatch(/^import /);
    if (process.platform !== 'win32') expect(statSync(BIN).mode & 0o111).toBe(0o111);
    expect(execFileSync(BIN, ['--version'], { encoding: 'utf8' })).toBe(`${pkg.version}\n`);
    expect(execFileSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' })).toBe(`${pkg.version}\n`);
  });

  it('gives the git processes queue starts the NODE_EXTRA_CA_CERTS the user set', async () => {
    const s = setup({ 'WORK_QUEUE.md': TABLE }, 1);
    // A file:// push runs the remote's hooks in git's environment, so the hook sees what git saw.
    const seen = join(s.dir, 'seen');
    const hook = join(s.remote, 'hooks', 'pre-receive');
    writeFileSync(hook, `#!/bin/sh\nprintf "%s" "\${NODE_EXTRA_CA_CERTS-unset}" > '${seen}'\n`);
    chmodSync(hook, 0o755);
    const r = await queue(s.clones[0], ['claim', 'B', '--agent', 'Dev 1', '--json'], { NODE_EXTRA_CA_CERTS: '/etc/corp-ca.pem' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.story.claimant).toBe('Dev 1');
    expect(readFileSync(seen, 'utf8')).toBe('/etc/corp-ca.pem');
  });

  it('installs git hooks that run this node on dist/queue.js', async () => {
    const s = setup({ 'WORK_QUEUE.md': TABLE }, 1);
    const c = s.clones[0];
    const r = await queue(c, ['hooks', 'install', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const hook = readFileSync(join(c, '.git', 'hooks', 'pre-commit'), 'utf8');
    expect(hook).toContain(`'${process.execPath}' '${BIN}' hooks run pre-commit "$@"`);
    // The hook runs: a commit claiming C, which waits on B, is refused by queue's check.
    writeFileSync(join(c, 'WORK_QUEUE.md'), TABLE.replace('| [ ] | **C**', '| [IN PROGRESS: Dev 1] | **C**'));
    git(c, 'add', 'WORK_QUEUE.md');
    const commit = spawnSync('git', ['commit', '-q', '-m', 'claim C'], { cwd: c, encoding: 'utf8' });
    expect(commit.status).toBe(1);
    expect(commit.stderr).toContain('claim_not_ready');
  });

  it("writes a GitHub workflow that runs this package from npm, at package.json's version", async () => {
    const s = setup({ 'WORK_QUEUE.md': TABLE }, 1);
    const r = await queue(s.clones[0], ['hooks', 'install', '--github-action']);
    expect(r.code, r.stderr).toBe(0);
    const wf = readFileSync(join(s.clones[0], '.github', 'workflows', 'queue-validate.yml'), 'utf8');
    expect(wf).toContain(`npx --yes --package=${pkg.name}@${pkg.version} -- queue validate --range "$range"`);
  });

  it('answers the commands agents poll (ready, list, blocked, graph, show, validate, stats) on a table queue without loading a Markdown parser or git library (nor, for the first four, the lock library)', () => {
    // Every command is a short process that compiles what it loads: the Markdown stack (micromark,
    // mdast), simple-git and proper-lockfile are over half the code, and a read that needs none of
    // them must not load them through a static import somewhere in its closure.
    const dir = tempDir('queue-lazy-');
    git(dir, 'init', '-q');
    writeFileSync(join(dir, 'WORK_QUEUE.md'), TABLE);
    const log = join(dir, 'loaded.txt');
    const hook = join(dir, 'record.mjs');
    writeFileSync(
      hook,
      `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { if (url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); }\n`,
    );
    const heavy = /node_modules\/(micromark[^/]*|mdast-util-[^/]*|remark-[^/]*|unified|simple-git|@kwsites)\//;
    // The lock library too, for the commands that read no file beside the queue (show, validate and
    // stats share the file helpers with writes, and the lock library loads with them: git/lock.ts).
    const locks = /node_modules\/(proper-lockfile|graceful-fs)\//;
    for (const args of [
      ['ready', '--json'],
      ['ready', '--agent', 'Dev 1'],
      ['list', '--json'],
      ['blocked', '--json'],
      ['graph'],
      ['show', 'B', '--json'],
      ['validate', '--json'],
      ['stats', '--json'],
    ]) {
      writeFileSync(log, '');
      const r = spawnSync(process.execPath, ['--no-warnings', '--experimental-loader', hook, BIN, ...args], { cwd: dir, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const files = readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((u) => fileURLToPath(u));
      expect(files.length, args.join(' ')).toBeGreaterThan(3);
      // What each loaded chunk was built from, by its source map.
      const sources = files.flatMap((f) => (existsSync(`${f}.map`) ? (JSON.parse(readFileSync(`${f}.map`, 'utf8')).sources as string[]).map((x) => join(dirname(f), x)) : []));
      expect(
        sources.some((x) => x.includes(`${join('src', 'cli', 'main.ts')}`)),
        args.join(' '),
      ).toBe(true);
      const posix = sources.map((x) => x.split('\\').join('/'));
      expect(
        posix.filter((x) => heavy.test(x)),
        args.join(' '),
      ).toEqual([]);
      if (['ready', 'list', 'blocked', 'graph'].includes(args[0]))
        expect(
          posix.filter((x) => locks.test(x)),
          args.join(' '),
        ).toEqual([]);
    }
  });
});
