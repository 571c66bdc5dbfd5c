import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Git } from '../../src/git/git.js';
import { publishRequest } from '../../src/git/requests.js';
import { BIN } from './repos.js';
import { startDaemon, type Daemon } from './daemon.js';
import { ROOT, tempDir } from '../helpers.js';

const QUEUE = [
  '| Status | Story | Description | Depends On |',
  '|---|---|---|---|',
  '| [DONE] | **A** | a | None |',
  '| [ ] | **B** | b | A |',
  '| [BLOCKED] | **C** | c | B |',
  '| [IN PROGRESS: Dev 1] | **D** | d | A |',
  '| [DONE] | **E** | e | None |',
];
const CONFIG = JSON.stringify({ agents: { 'Dev 1': ['dev1@example.com'], 'Dev 2': ['dev2@example.com'], 'Dev 3': ['dev3@example.com'] } });

function run(cwd: string, cmd: string, args: string[], env: Record<string, string> = {}): { code: number; out: string } {
  try {
    return { code: 0, out: execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, ...env } }) };
  } catch (e) {
    const x = e as { status: number; stdout: string; stderr: string };
    return { code: x.status, out: `${x.stdout}${x.stderr}` };
  }
}
const git = (cwd: string, ...args: string[]) => run(cwd, 'git', args);
const queueCli = (cwd: string, ...args: string[]) => run(cwd, BIN, args);

let dir: string;
let url: string;
let daemon: Daemon;

beforeAll(async () => {
  dir = tempDir('queue-daemon-');
  const bare = join(dir, 'queue.git');
  git(dir, 'init', '-q', '--bare', '-b', 'main', bare);
  const seed = join(dir, 'seed');
  git(dir, 'clone', '-q', bare, seed);
  writeFileSync(join(seed, 'WORK_QUEUE.md'), `${QUEUE.join('\n')}\n`);
  writeFileSync(join(seed, 'queue.config.json'), CONFIG);
  git(seed, 'add', '.');
  git(seed, '-c', 'user.name=seed', '-c', 'user.email=seed@example.com', 'commit', '-q', '-m', 'seed');
  git(seed, 'push', '-q', 'origin', 'HEAD:main');
  expect(queueCli(bare, 'hooks', 'install', '--server').code).toBe(0);
  daemon = await startDaemon(dir);
  url = daemon.url('queue.git');
}, 30_000);

afterAll(() => {
  daemon?.stop();
});

/** A fresh clone at the server's tip, committing as `who`, with the queue file rewritten by `edit`. */
function handPush(who: string, edit: (lines: string[]) => string[], message = 'hand edit') {
  const c = mkdtempSync(join(dir, 'clone-'));
  git(dir, 'clone', '-q', url, c);
  git(c, 'config', 'user.name', who);
  git(c, 'config', 'user.email', `${who}@example.com`);
  const file = join(c, 'WORK_QUEUE.md');
  writeFileSync(file, `${edit(readFileSync(file, 'utf8').trimEnd().split('\n')).join('\n')}\n`);
  git(c, 'commit', '-q', '-am', message);
  return git(c, 'push', 'origin', 'HEAD:main');
}
const row = (id: string, to: string) => (lines: string[]) => lines.map((l) => (l.includes(`**${id}**`) && !l.startsWith('| Status') ? to : l));

describe('the server hook behind git daemon refuses hand-made pushes that break a rule', () => {
  it.each([
    ['claim of a blocked story', 'dev2', row('C', '| [IN PROGRESS: Dev 2] | **C** | c | B |'), 'claim_not_ready C'],
    ['steal', 'dev2', row('D', '| [IN PROGRESS: Dev 2] | **D** | d | A |'), 'steal D'],
    ['done by a non-holder', 'dev3', row('D', '| [DONE] | **D** | d | A |'), 'not_holder D'],
    ['two claims by one agent', 'dev1', row('B', '| [IN PROGRESS: Dev 1] | **B** | b | A |'), 'claim_limit B'],
    ['deleting a claimed story', 'dev2', (l: string[]) => l.filter((x) => !x.includes('**D**')), 'delete_claimed'],
    ['a cycle', 'dev2', row('A', '| [DONE] | **A** | a | C |'), 'cycle A'],
    ['a duplicate id', 'dev2', (l: string[]) => [...l, '| [ ] | **B** | b again | None |'], 'duplicate_id B'],
    ['reopening without queue reopen', 'dev2', row('E', '| [ ] | **E** | e | None |'), 'reopen_by_hand E'],
    ['conflict markers', 'dev2', (l: string[]) => [...l, '<<<<<<< HEAD', '| [ ] | **F** | f | None |', '=======', '>>>>>>> other'], 'unparseable'],
  ])('%s', (_name, who, edit, rule) => {
    const r = handPush(who, edit);
    expect(r.code, r.out).not.toBe(0);
    expect(r.out).toContain('pre-receive hook declined');
    expect(r.out).toMatch(new RegExp(`WORK_QUEUE\\.md:\\d+: ${rule}.*Fix: `));
  });

  it('lets legitimate hand edits through: claim a ready story, the holder marks done, a description edit', () => {
    expect(handPush('dev2', row('B', '| [IN PROGRESS: Dev 2] | **B** | b | A |')).code).toBe(0);
    expect(handPush('dev1', row('D', '| [DONE] | **D** | d | A |')).code).toBe(0);
    expect(handPush('dev3', row('C', '| [BLOCKED] | **C** | c, said better | B |')).code).toBe(0);
  });
});

describe('local hooks in a clone', () => {
  it('pre-commit and pre-push refuse, chain to the hooks that were there, and uninstall restores them', () => {
    const c = mkdtempSync(join(dir, 'local-'));
    git(dir, 'clone', '-q', url, c);
    git(c, 'config', 'user.name', 'dev2');
    git(c, 'config', 'user.email', 'dev2@example.com');
    const hooks = join(c, '.git', 'hooks');
    mkdirSync(hooks, { recursive: true });
    writeFileSync(join(hooks, 'pre-commit'), `#!/bin/sh\necho ran >> "${join(c, 'old-hook-ran')}"\n`);
    chmodSync(join(hooks, 'pre-commit'), 0o755);
    expect(queueCli(c, 'hooks', 'install').code).toBe(0);
    expect(readFileSync(join(hooks, 'pre-commit.queue-chained'), 'utf8')).toContain('old-hook-ran');

    const file = join(c, 'WORK_QUEUE.md');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('| [BLOCKED] | **C** |', '| [IN PROGRESS: Dev 2] | **C** |'));
    const refused = git(c, 'commit', '-qam', 'claim C by hand');
    expect(refused.code).not.toBe(0);
    expect(refused.out).toContain('claim_not_ready C');
    expect(existsSync(join(c, 'old-hook-ran'))).toBe(false);

    // The same commit past pre-commit (--no-verify) is stopped by pre-push.
    git(c, 'commit', '-q', '--no-verify', '-am', 'claim C by hand');
    const push = git(c, 'push', 'origin', 'HEAD:main');
    expect(push.code).not.toBe(0);
    expect(push.out).toContain('claim_not_ready C');
    git(c, 'reset', '-q', '--hard', 'origin/main');

    // A legitimate edit passes, and the chained hook runs.
    writeFileSync(file, `${readFileSync(file, 'utf8')}\nNotes for the team.\n`);
    const ok = git(c, 'commit', '-qam', 'a note');
    expect(ok.code, ok.out).toBe(0);
    expect(readFileSync(join(c, 'old-hook-ran'), 'utf8')).toBe('ran\n');

    // queue's own writes go through both the local hooks and the server's.
    expect(git(c, 'push', '-q', 'origin', 'HEAD:main').code).toBe(0);
    // pre-push let it through and left nothing in the work tree (what the server remembers is the server's).
    expect(git(c, 'status', '--porcelain', '--untracked-files=all').out.split('\n').filter(Boolean)).toEqual(['?? old-hook-ran']);
    const add = queueCli(c, 'add', '--id', 'F', '--title', 'f', '--agent', 'Dev 3', '--json');
    expect([add.code, JSON.parse(add.out).story.id]).toEqual([0, 'F']);

    expect(queueCli(c, 'hooks', 'uninstall').code).toBe(0);
    expect(readFileSync(join(hooks, 'pre-commit'), 'utf8')).toContain('old-hook-ran');
    expect(existsSync(join(hooks, 'pre-push'))).toBe(false);
  });

  it('follows core.hooksPath, husky and lefthook layouts', () => {
    const c = mkdtempSync(join(dir, 'layouts-'));
    git(dir, 'clone', '-q', url, c);
    git(c, 'config', 'core.hooksPath', '.githooks');
    queueCli(c, 'hooks', 'install');
    expect(readFileSync(join(c, '.githooks', 'pre-commit'), 'utf8')).toContain('hooks run pre-commit');

    git(c, 'config', 'core.hooksPath', '.husky/_');
    mkdirSync(join(c, '.husky'), { recursive: true });
    writeFileSync(join(c, '.husky', 'pre-commit'), 'npm test\n');
    queueCli(c, 'hooks', 'install');
    const husky = readFileSync(join(c, '.husky', 'pre-commit'), 'utf8');
    expect(husky.startsWith('npm test\n')).toBe(true);
    expect(husky).toContain('hooks run pre-commit "$@" || exit 1 # queue hook');

    writeFileSync(join(c, 'lefthook.yml'), '# ours\npre-commit:\n  commands:\n    lint:\n      run: npm run lint\n');
    queueCli(c, 'hooks', 'install');
    const lefthook = readFileSync(join(c, 'lefthook.yml'), 'utf8');
    expect(lefthook).toContain('# ours');
    expect(lefthook).toContain('run: npm run lint');
    expect(lefthook).toMatch(/queue:\n\s+run: .*hooks run pre-commit/);
  });

  it('--server in a repository with a work tree installs, and says the team remote is the bare repository clones push to', () => {
    const c = mkdtempSync(join(dir, 'worktree-server-'));
    git(dir, 'clone', '-q', url, c);
    const r = spawnSync(process.execPath, [BIN, 'hooks', 'install', '--server'], { cwd: c, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(
      /^queue: note: .* is not a bare repository: its pre-receive judges only pushes to this repository; .*queue hooks install --server in the bare repository/,
    );
    const bare = mkdtempSync(join(dir, 'bare-server-'));
    git(bare, 'init', '-q', '--bare');
    const quiet = spawnSync(process.execPath, [BIN, 'hooks', 'install', '--server', '--json'], { cwd: bare, encoding: 'utf8' });
    expect(quiet.status).toBe(0);
    expect(JSON.parse(quiet.stdout).notes).toEqual([]);
    expect(quiet.stderr).toBe('');
  });

  it("hooks installed by a queue that is gone since (npx cache cleared, uninstalled) refuse in one line that says how to repair them; installing from npx's cache says it is transient", () => {
    const c = mkdtempSync(join(dir, 'gone-'));
    git(dir, 'clone', '-q', url, c);
    // A copy of this build, installed from a directory named as npx names its cache.
    const copy = join(mkdtempSync(join(dir, 'npx-')), '_npx', '0123abcd', 'node_modules', 'workqueue.md');
    mkdirSync(copy, { recursive: true });
    cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    const installed = spawnSync(process.execPath, [join(copy, 'dist', 'queue.js'), 'hooks', 'install', '--json'], { cwd: c, encoding: 'utf8' });
    expect(installed.status, installed.stderr).toBe(0);
    expect(JSON.parse(installed.stdout).notes).toEqual([expect.stringMatching(/npx's cache, which npm may clear.*npm install --save-dev workqueue\.md/)]);
    writeFileSync(join(c, 'notes.txt'), 'code\n');
    git(c, 'add', 'notes.txt');
    expect(git(c, '-c', 'user.name=Dev 1', '-c', 'user.email=dev1@example.com', 'commit', '-q', '-m', 'code').code).toBe(0);
    rmSync(join(copy, 'dist'), { recursive: true });
    writeFileSync(join(c, 'notes.txt'), 'more code\n');
    git(c, 'add', 'notes.txt');
    const refused = spawnSync('git', ['-c', 'user.name=Dev 1', '-c', 'user.email=dev1@example.com', 'commit', '-q', '-m', 'more'], { cwd: c, encoding: 'utf8' });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toBe(
      `queue: this git hook runs ${join(copy, 'dist', 'queue.js')} with ${process.execPath}, and one of them is gone (an upgrade, an uninstall, a cleared npx cache): install queue again and run queue hooks install [broken_install]\n`,
    );
  });

  it('--github-action writes a workflow running validate --range on pushes and pull requests', () => {
    const c = mkdtempSync(join(dir, 'gha-'));
    git(dir, 'clone', '-q', url, c);
    expect(queueCli(c, 'hooks', 'install', '--github-action').code).toBe(0);
    const wf = readFileSync(join(c, '.github', 'workflows', 'queue-validate.yml'), 'utf8');
    expect(wf).toContain('pull_request:');
    expect(wf).toMatch(/validate --range "\$range"/);
  });

  it('over git://, with the pre-receive hook judging: a request is published, served and deleted in one atomic push', async () => {
    const bare = join(dir, 'group.git');
    git(dir, 'init', '-q', '--bare', '-b', 'main', bare);
    const seed = mkdtempSync(join(dir, 'group-seed-'));
    git(dir, 'clone', '-q', bare, seed);
    writeFileSync(join(seed, 'WORK_QUEUE.md'), `${[...QUEUE, '| [ ] | **F** | f | None |'].join('\n')}\n`);
    writeFileSync(join(seed, 'queue.config.json'), CONFIG);
    git(seed, 'add', '.');
    git(seed, '-c', 'user.name=seed', '-c', 'user.email=seed@example.com', 'commit', '-q', '-m', 'seed');
    git(seed, 'push', '-q', 'origin', 'HEAD:main');
    expect(queueCli(bare, 'hooks', 'install', '--server').code).toBe(0);
    const groupUrl = url.replace(/queue\.git$/, 'group.git');
    const [a, b] = [mkdtempSync(join(dir, 'group-a-')), mkdtempSync(join(dir, 'group-b-'))];
    for (const c of [a, b]) git(dir, 'clone', '-q', groupUrl, c);
    const tip = git(a, 'rev-parse', 'origin/main').out.trim();
    const mine = await publishRequest(new Git(a), 'origin', tip, { op: 'claim', agent: 'Dev 2' });
    const claim = queueCli(b, 'claim', '--agent', 'Dev 3', '--json');
    expect(claim.code, claim.out).toBe(0);
    const claimed = JSON.parse(claim.out).story.id;
    const message = git(bare, 'log', '-1', '--format=%B', 'main').out;
    expect(message).toContain(`Queue-Request: ${mine.request.id} `);
    const served = /Queue-Request: \S+ (\S+)/.exec(message)![1];
    expect(new Set([claimed, served])).toEqual(new Set(['B', 'F']));
    expect(git(bare, 'for-each-ref', 'refs/queue').out).toBe('');
  }, 60_000);
});
