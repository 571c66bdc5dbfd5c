/** What the CLI says about errors it did not make itself: real ones, from the system and from git. */
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failureOf } from '../src/app/failure.js';
import { QueueError } from '../src/domain/errors.js';
import { Git } from '../src/git/git.js';
import { ROOT, tempDir } from './helpers.js';

describe('failures the user can act on carry no stack trace', () => {
  it('a full disk is io, with the path and the reason', () => {
    let error: unknown = null;
    try {
      writeFileSync('/dev/full', 'x');
    } catch (e) {
      error = e;
    }
    const f = failureOf(error);
    expect(f).toMatchObject({ code: 'io', exit: 2, details: { errno: 'ENOSPC' } });
    expect(f.message).toContain('no space left on the device');
    expect(f.message).not.toMatch(/\n\s+at /);
  });

  it('a failed git command is git, with git message; a QueueError is itself; anything else is internal, a bug to report', async () => {
    const error = await new Git(tempDir('queue-nogit-')).raw(['rev-parse', '--verify', 'nosuchrev']).catch((e) => e);
    const f = failureOf(error);
    expect(f.code).toBe('git');
    expect(f.message).not.toMatch(/\n\s+at /);
    expect(failureOf(new QueueError('not_found', 'no story "X"', { id: 'X' }))).toEqual({ code: 'not_found', message: 'no story "X"', exit: 1, details: { id: 'X' } });
    const bug = failureOf(new TypeError('x is undefined'));
    expect(bug.code).toBe('internal');
    expect(bug.message).toContain('please report it');
  });

  it('an installation missing some of its files (changed under a running hook, copied in part) says so in one line, whichever file is gone', () => {
    const queueMd = join(tempDir('queue-broken-'), 'q.md');
    writeFileSync(queueMd, '| Status | Story | Description | Depends On |\n|---|---|---|---|\n| [ ] | **A** | a | None |\n');
    // The file every command loads (the CLI itself), and one a command loads when it needs it.
    for (const gone of [/^main-.*\.js$/, /^contract-.*\.js$/]) {
      const app = tempDir('queue-broken-');
      cpSync(join(ROOT, 'dist'), join(app, 'dist'), { recursive: true });
      cpSync(join(ROOT, 'package.json'), join(app, 'package.json'));
      symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'));
      const chunks = join(app, 'dist', 'chunks');
      const file = readdirSync(chunks).find((f) => gone.test(f));
      expect(file).toBeDefined();
      rmSync(join(chunks, file!));
      const text = spawnSync(process.execPath, [join(app, 'dist', 'queue.js'), 'blocked', '--file', queueMd], { encoding: 'utf8' });
      expect(text.status).toBe(2);
      expect(text.stderr).toBe(
        `queue: this installation of queue is missing a file (Cannot find module '${join(chunks, file!)}' imported from ${text.stderr.match(/imported from (\S+)\)/)?.[1]}); reinstall it (npm install -g workqueue.md) [broken_install]\n`,
      );
      const json = spawnSync(process.execPath, [join(app, 'dist', 'queue.js'), 'blocked', '--file', queueMd, '--json'], { encoding: 'utf8' });
      expect(json.status).toBe(2);
      expect(JSON.parse(json.stdout).error.code).toBe('broken_install');
      expect(json.stderr).toBe('');
    }
  });

  it('without --json, a refusal ends its first line with its code, as --json names it', () => {
    const dir = tempDir('queue-codes-');
    writeFileSync(join(dir, 'WORK_QUEUE.md'), '| Status | Story | Description | Depends On |\n|---|---|---|---|\n| [ ] | A-1 | a | A-2 |\n| [ ] | A-2 | b | None |\n');
    const bin = join(ROOT, 'dist', 'queue.js');
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, '-C', dir, ...args], { encoding: 'utf8', env: { ...process.env, QUEUE_AGENT: '' } });
    for (const [args, code] of [
      [['show', 'A-7'], 'not_found'],
      [['claim', 'A-1', '--agent', 'Dev 1', '--no-commit'], 'not_ready'],
      [['claim', 'A-2', '--no-commit'], 'usage'],
    ] as const) {
      const text = run(...args);
      const json = run(...args, '--json');
      expect(JSON.parse(json.stdout).error.code).toBe(code);
      expect(text.stdout).toBe('');
      expect(text.stderr).toBe(`queue: ${JSON.parse(json.stdout).error.message} [${code}]\n`);
      expect(text.status).toBe(json.status);
    }
  });

  it('an id that starts with "-" reads as an unknown option: the usage error says to pass it after "--", which works', () => {
    const dir = tempDir('queue-dash-');
    writeFileSync(join(dir, 'WORK_QUEUE.md'), '| Status | Story | Description | Depends On |\n|---|---|---|---|\n| [ ] | -X1 | a | None |\n');
    const bin = join(ROOT, 'dist', 'queue.js');
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, '-C', dir, ...args], { encoding: 'utf8' });
    const json = JSON.parse(run('show', '-X1', '--json').stdout);
    expect(json.error).toEqual({ code: 'usage', message: `unknown option '-X1'; an argument that starts with "-" goes after "--": queue show -- -X1` });
    const text = run('show', '-X1');
    expect([text.status, text.stderr]).toEqual([2, expect.stringContaining('(an argument that starts with "-" goes after "--": queue show -- -X1)\n')]);
    // Said as every refusal is, `queue: … [code]`; a one-letter id gets the hint too.
    expect(text.stderr.startsWith("queue: unknown option '-X1' [usage]\n")).toBe(true);
    const one = run('show', '-x');
    expect([one.status, one.stderr]).toEqual([2, expect.stringContaining("queue: unknown option '-x' [usage]\n")]);
    expect(one.stderr).toContain('(an argument that starts with "-" goes after "--": queue show -- -x)\n');
    expect(JSON.parse(run('show', '--json', '--', '-X1').stdout).story.id).toBe('-X1');
    // A subcommand is named with its command.
    expect(JSON.parse(run('dep', 'add', '-X1', 'A2', '--json').stdout).error.message).toContain('queue dep add -- -X1');
  });

  it('a reason or an agent name a status would not read back as given (an option taken for it) is a usage error, and nothing is written', () => {
    const dir = tempDir('queue-dash-');
    const text = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n| [ ] | A-1 | a | None |\n';
    writeFileSync(join(dir, 'WORK_QUEUE.md'), text);
    const bin = join(ROOT, 'dist', 'queue.js');
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, '-C', dir, ...args, '--no-commit'], { encoding: 'utf8' });
    for (const [args, message] of [
      [['block', 'A-1', '--agent', 'X', '--reason', '--no-push'], /^queue: the reason "--no-push" would read back as "no-push"/],
      [['block', 'A-1', '--agent', 'X', '--reason=- waiting on legal'], /^queue: the reason "- waiting on legal" would read back as "waiting on legal"/],
      [['claim', 'A-1', '--agent', '-x'], /^queue: agent name "-x" is not allowed: a status would read it back as "x"/],
      [['claim', 'A-1', '--agent', '**Dev**'], /^queue: agent name "\*\*Dev\*\*" is not allowed: Markdown would read/],
      [['handoff', '--story', 'A-1', '--agent', 'X', '--to=-x'], /^queue: --to "-x" is not allowed/],
    ] as const) {
      const r = run(...args);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/ \[usage\]\n$/);
      expect(r.status).toBe(2);
    }
    // ready answers for the agent a claim would act as, and refuses the names a claim refuses, however named.
    const ready = (env: Record<string, string>, ...args: string[]) =>
      spawnSync(process.execPath, [bin, '-C', dir, 'ready', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
    const flag = ready({}, '--agent', '**Dev**');
    expect([flag.status, flag.stdout, flag.stderr]).toEqual([2, '', expect.stringMatching(/^queue: agent name "\*\*Dev\*\*" is not allowed: .* \[usage\]\n$/)]);
    const env = ready({ QUEUE_AGENT: '-x' }, '--json');
    expect([env.status, JSON.parse(env.stdout).error.code, env.stderr]).toEqual([2, 'usage', '']);
    // An MCP server with such a name refuses to start, rather than refusing every write.
    const mcp = spawnSync(process.execPath, [bin, '-C', dir, 'mcp', '--agent', '-x'], { encoding: 'utf8', input: '' });
    expect([mcp.status, mcp.stderr]).toEqual([2, expect.stringMatching(/^queue: --agent "-x" is not allowed: .* \[usage\]\n$/)]);
    expect(readFileSync(join(dir, 'WORK_QUEUE.md'), 'utf8')).toBe(text);
    expect(run('block', 'A-1', '--agent', 'X', '--reason', 'waits on legal').status).toBe(0);
  });

  it('a QUEUE_BRANCH that is no branch name is a usage error, for reads too, before anything is written', () => {
    const dir = tempDir('queue-branch-env-');
    const text = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n| [ ] | A-1 | a | None |\n';
    writeFileSync(join(dir, 'WORK_QUEUE.md'), text);
    const git = (...args: string[]) => spawnSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'seed');
    // A remote: reads then decide on the shared branch, which QUEUE_BRANCH names.
    const bare = tempDir('queue-branch-env-remote-');
    spawnSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
    git('remote', 'add', 'origin', bare);
    git('push', '-q', 'origin', 'main');
    const bin = join(ROOT, 'dist', 'queue.js');
    for (const value of ['-x', 'a..b', 'two words', 'HEAD', 'refs/heads/main'])
      for (const args of [['claim', 'A-1', '--agent', 'X'], ['ready']]) {
        const r = spawnSync(process.execPath, [bin, '-C', dir, ...args], { encoding: 'utf8', env: { ...process.env, QUEUE_BRANCH: value } });
        expect([r.status, r.stderr], `${value}: ${args[0]}`).toEqual([2, `queue: QUEUE_BRANCH=${JSON.stringify(value)} is not a branch name [usage]\n`]);
      }
    expect(readFileSync(join(dir, 'WORK_QUEUE.md'), 'utf8')).toBe(text);
    expect(git('log', '--oneline', 'origin/main').stdout.trim().split('\n').length).toBe(1);
  });
});
