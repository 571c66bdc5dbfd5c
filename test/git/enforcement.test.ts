/**
 * The server hook as an attacker meets it: every way around the claim rules found against a bare
 * remote with `queue hooks install --server`, replayed as a push over git:// (git daemon on
 * 127.0.0.1) and refused with the rule and the fix; beside each, the legitimate push it resembles,
 * accepted. Each case gets a copy of one hooked remote; daemons with `REMOTE_USER` set play a server
 * that says who pushes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { startDaemon, type Daemon } from './daemon.js';
import { BIN } from './repos.js';

const ROWS = [
  '| [DONE] | **A-0** | a0 | None |',
  '| [IN PROGRESS: devA] | **A-1** | a1 | A-0 |',
  '| [ ] | **A-2** | a2 | A-1 |',
  '| [ ] | **A-3** | a3 | A-0 |',
  '| [DONE] | **A-4** | a4 | None |',
];
const TABLE = ['| Status | Story | Description | Depends On |', '|---|---|---|---|'];
const QUEUE = `# Queue\n\n${[...TABLE, ...ROWS].join('\n')}\n`;
/** Agents go by their e-mail addresses and their server user names; Maint is the one maintainer. */
const CONFIG = {
  agents: {
    devA: ['deva@example.com', 'deva'],
    devB: ['devb@example.com', 'devb'],
    mallory: ['mallory@example.com', 'mallory'],
    Maint: ['maint@example.com', 'maint'],
  },
  maintainers: ['Maint'],
};

function run(cwd: string, cmd: string, args: string[]): { code: number; out: string } {
  try {
    return { code: 0, out: execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: 'pipe' }) };
  } catch (e) {
    const x = e as { status: number; stdout: string; stderr: string };
    return { code: x.status, out: `${x.stdout}${x.stderr}` };
  }
}
/** git, failing the test when it fails. */
function git(cwd: string, ...args: string[]): string {
  const r = run(cwd, 'git', args);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.out}`);
  return r.out;
}

let dir: string;
/** The server as it is: it does not say who pushes. */
let server: Daemon;
/** Servers that say who pushes (`REMOTE_USER`), by user name. */
const as: Record<string, Daemon> = {};

beforeAll(async () => {
  dir = tempDir('queue-enforce-');
  const bare = join(dir, 'template.git');
  git(dir, 'init', '-q', '--bare', '-b', 'main', bare);
  const seed = join(dir, 'seed');
  git(dir, 'clone', '-q', bare, seed);
  writeFileSync(join(seed, 'WORK_QUEUE.md'), QUEUE);
  writeFileSync(join(seed, 'queue.config.json'), `${JSON.stringify(CONFIG, null, 2)}\n`);
  git(seed, 'add', '.');
  git(seed, '-c', 'user.name=seed', '-c', 'user.email=seed@example.com', 'commit', '-q', '-m', 'seed');
  git(seed, 'push', '-q', 'origin', 'HEAD:main');
  expect(run(bare, BIN, ['hooks', 'install', '--server']).code).toBe(0);
  const daemons = await Promise.all([startDaemon(dir), ...['mallory', 'deva', 'maint'].map((u) => startDaemon(dir, { REMOTE_USER: u }))]);
  server = daemons[0];
  [as.mallory, as.deva, as.maint] = daemons.slice(1);
}, 30_000);

afterAll(() => {
  for (const d of [server, ...Object.values(as)]) d?.stop();
});

/** A copy of the hooked template remote, served as `<name>.git`. */
function remote(name: string): string {
  cpSync(join(dir, 'template.git'), join(dir, `${name}.git`), { recursive: true });
  return `${name}.git`;
}

/** A new repository `<name>-…` on main, committing as the maintainer, Maint. */
function maintainerSeed(name: string): string {
  const seed = mkdtempSync(join(dir, `${name}-`));
  git(seed, 'init', '-q', '-b', 'main');
  git(seed, 'config', 'user.name', 'Maint');
  git(seed, 'config', 'user.email', 'maint@example.com');
  return seed;
}

/** A clone of `repo`, committing as `who` (`who@example.com`, lower case). */
function clone(repo: string, who: string): string {
  const c = mkdtempSync(join(dir, `${who.replace(/\W/g, '')}-`));
  git(dir, 'clone', '-q', server.url(repo), c);
  git(c, 'config', 'user.name', who);
  git(c, 'config', 'user.email', `${who.toLowerCase()}@example.com`);
  return c;
}

const read = (c: string, file = 'WORK_QUEUE.md') => readFileSync(join(c, file), 'utf8');
/** The queue file with the row of `id` replaced by `row`. */
const withRow = (text: string, id: string, row: string) =>
  text
    .split('\n')
    .map((l) => (l.includes(`**${id}**`) ? row : l))
    .join('\n');
function setRow(c: string, id: string, row: string, file = 'WORK_QUEUE.md') {
  writeFileSync(join(c, file), withRow(read(c, file), id, row));
}
function setConfig(c: string, config: object) {
  writeFileSync(join(c, 'queue.config.json'), `${JSON.stringify(config, null, 2)}\n`);
}
/** Commit everything, with `trailers` (`Key: value`) after the subject. */
function commit(c: string, subject: string, ...trailers: string[]) {
  git(c, 'add', '-A');
  git(c, 'commit', '-q', '-m', subject, ...(trailers.length ? ['-m', trailers.join('\n')] : []));
}
/** Push HEAD (or `refspecs`) to the server (or to `to`, another server in front of the same repository). */
function push(c: string, repo: string, refspecs: string[] = ['HEAD:main'], to: Daemon = server, ...flags: string[]) {
  return run(c, 'git', ['push', ...flags, to.url(repo), ...refspecs]);
}

/** The push was refused by queue's hook, with each of `rules` (regular expressions) named, and a fix. */
function refused(r: { code: number; out: string }, ...rules: RegExp[]) {
  expect(r.code, r.out).not.toBe(0);
  expect(r.out).toContain('pre-receive hook declined');
  expect(r.out).toContain('queue: refused by the claim rules (pre-receive)');
  for (const rule of rules) expect(r.out).toMatch(rule);
  // Every refusal line names a fix, and nothing like a stack trace reaches the pusher.
  for (const line of r.out.split('\n').filter((l) => /^remote: {3}\S/.test(l))) expect(line).toMatch(/Fix: /);
  expect(r.out).not.toMatch(/\n\s+at .*\.js:\d+/);
}
function accepted(r: { code: number; out: string }) {
  expect(r.code, r.out).toBe(0);
}

const stolen = '| [IN PROGRESS: mallory] | **A-1** | a1 | A-0 |';

describe('the rules come from the server, never from the push', () => {
  it('a config that turns a rule off, moves the file or names another branch does not ride in with a steal; only a maintainer changes the config', () => {
    const repo = remote('config');
    for (const config of [
      { ...CONFIG, rules: { steal: 'off' } },
      { ...CONFIG, file: 'OTHER.md' },
      { ...CONFIG, branch: 'elsewhere' },
    ]) {
      const c = clone(repo, 'mallory');
      setConfig(c, config);
      setRow(c, 'A-1', stolen);
      commit(c, 'a friendlier config');
      refused(
        push(c, repo),
        /WORK_QUEUE\.md:\d+: steal A-1: A-1 was held by devA; now mallory claims it\. Fix: /,
        /queue\.config\.json:1: config_change: queue\.config\.json was changed by mallory, who is no maintainer\. Fix: leave queue\.config\.json as it is; a maintainer \(Maint\) pushes the change/,
      );
      // validate --range, the check a pull request runs where no hook does, judges by the config at
      // the range's start too.
      if (!('file' in config)) {
        const v = run(c, BIN, ['validate', '--range', 'origin/main..HEAD']);
        expect(v.code, v.out).toBe(1);
        expect(v.out).toMatch(/steal A-1/);
        expect(v.out).toMatch(/config_change: queue\.config\.json was changed by mallory/);
      }
    }
    // Even a harmless change of the config is a maintainer's.
    const b = clone(repo, 'devB');
    setConfig(b, { ...CONFIG, agents: { ...CONFIG.agents, devB: ['devb@example.com', 'devb', 'bee'] } });
    commit(b, 'an alias');
    refused(push(b, repo), /config_change: queue\.config\.json was changed by devB/);

    // devA may hold one story: a second claim is refused under the rules on the branch...
    const a = clone(repo, 'devA');
    setRow(a, 'A-3', '| [IN PROGRESS: devA] | **A-3** | a3 | A-0 |');
    commit(a, 'claim A-3');
    refused(push(a, repo), /claim_limit A-3: devA holds 2 stories \(limit 1\)/);
    // ...until the maintainer's change of them is on the branch.
    const m = clone(repo, 'Maint');
    setConfig(m, { ...CONFIG, rules: { claim_limit: 'warning' } });
    commit(m, 'claim_limit is a warning');
    accepted(push(m, repo));
    git(a, 'pull', '-q', '--rebase', 'origin', 'main');
    accepted(push(a, repo));
  }, 60_000);
  it('replacement objects (refs/replace/*, which anyone may push) change nothing the hook reads: not the config, not the file before the push', () => {
    const repo = remote('replace');
    const c = clone(repo, 'mallory');
    const blob = (text: string) => execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: c, input: text, encoding: 'utf8' }).trim();
    // The config on the branch replaced by one that makes mallory a maintainer with every rule off;
    // the queue file on the branch replaced by one where A-1 is open.
    const lax = `${JSON.stringify({ ...CONFIG, maintainers: ['mallory'], rules: { steal: 'off', not_holder: 'off', config_change: 'off' } })}\n`;
    const config = git(c, 'rev-parse', 'HEAD:queue.config.json').trim();
    const queue = git(c, 'rev-parse', 'HEAD:WORK_QUEUE.md').trim();
    accepted(push(c, repo, [`${blob(lax)}:refs/replace/${config}`, `${blob(withRow(QUEUE, 'A-1', '| [ ] | **A-1** | a1 | A-0 |'))}:refs/replace/${queue}`]));
    setRow(c, 'A-1', stolen);
    commit(c, 'take A-1');
    refused(push(c, repo), /steal A-1: A-1 was held by devA; now mallory claims it/);
  }, 60_000);

  it('an empty hooked repository: the push that creates the queue brings its config, its history judged from the root; the administrator may name a maintainer on the server', () => {
    const bare = join(dir, 'empty.git');
    git(dir, 'init', '-q', '--bare', '-b', 'main', bare);
    expect(run(bare, BIN, ['hooks', 'install', '--server']).code).toBe(0);
    const c = mkdtempSync(join(dir, 'first-'));
    git(c, 'init', '-q', '-b', 'main');
    git(c, 'config', 'user.name', 'devB');
    git(c, 'config', 'user.email', 'devb@example.com');
    writeFileSync(join(c, 'WORK_QUEUE.md'), QUEUE);
    setConfig(c, CONFIG);
    commit(c, 'the queue');
    setRow(c, 'A-3', '| [DONE] | **A-3** | a3 | A-0 |');
    commit(c, 'A-3 done');
    refused(push(c, 'empty.git'), /done_not_claimed A-3/);
    git(c, 'reset', '-q', '--hard', 'HEAD~1');
    accepted(push(c, 'empty.git'));
    // From then on the config is on the branch: devB's change of it is refused, until the
    // administrator names devB a maintainer in the bare repository.
    setConfig(c, { ...CONFIG, maxClaims: 2 });
    commit(c, 'two claims each');
    refused(push(c, 'empty.git'), /config_change: queue\.config\.json was changed by devB, who is no maintainer/);
    git(bare, 'config', '--add', 'queue.maintainer', 'devb');
    accepted(push(c, 'empty.git'));
  }, 60_000);
});

describe("commit messages and names are text, never the listing's structure", () => {
  it('a steal whose subject, trailer or author name holds the bytes git log output is split at is judged like any other', () => {
    const repo = remote('control-bytes');
    for (const [i, how] of (['subject', 'trailer', 'author'] as const).entries()) {
      const c = clone(repo, 'mallory');
      setRow(c, 'A-1', stolen);
      git(c, 'add', '-A');
      const subject = how === 'subject' ? `take A-1\x1e` : `take A-1 (${i})`;
      const body = how === 'trailer' ? ['-m', 'Queue-Agent: mallory\x1e\x1f\x1d'] : [];
      const author = how === 'author' ? ['-c', 'user.name=mal\x1elory'] : [];
      git(c, ...author, 'commit', '-q', '-m', subject, ...body);
      refused(push(c, repo), /steal A-1/);
      // validate --range, the check CI runs, sees the commit too.
      const v = run(c, BIN, ['validate', '--range', 'HEAD~1..HEAD']);
      expect(v.code, v.out).toBe(1);
      expect(v.out).toMatch(/1 commit to WORK_QUEUE.md: 1 error/);
    }
  });
});

describe("the file's identity survives deletion, renames and rows that stop reading", () => {
  it('delete then re-add with a steal (the reported reproduction), a rename, a rename-edit-rename-back, rows under a header without a Status column', () => {
    const repo = remote('identity');
    // Mallory, while devA holds A-1: the file deleted, then written back with A-1 taken and A-2 done.
    const c = clone(repo, 'Mallory');
    const text = read(c);
    git(c, 'rm', '-q', 'WORK_QUEUE.md');
    git(c, 'commit', '-qm', 'del');
    writeFileSync(join(c, 'WORK_QUEUE.md'), withRow(withRow(text, 'A-1', stolen), 'A-2', '| [DONE] | **A-2** | a2 | A-1 |'));
    commit(c, 're-add');
    refused(
      push(c, repo),
      /WORK_QUEUE\.md:\d+: delete_claimed A-1: WORK_QUEUE\.md is gone \(deleted or renamed\), and A-1 with it while devA holds it\. Fix: /,
      /steal A-1: A-1 was held by devA; now mallory claims it/,
      /done_not_claimed A-2: A-2 went from "\[ \]" straight to done/,
    );

    // A rename; a rename, an edit and a rename back.
    const r = clone(repo, 'mallory');
    git(r, 'mv', 'WORK_QUEUE.md', 'QUEUE.md');
    commit(r, 'rename');
    refused(push(r, repo), /delete_claimed A-1: WORK_QUEUE\.md is gone/);
    setRow(r, 'A-1', stolen, 'QUEUE.md');
    commit(r, 'edit');
    git(r, 'mv', 'QUEUE.md', 'WORK_QUEUE.md');
    commit(r, 'rename back');
    refused(push(r, repo), /delete_claimed A-1/, /steal A-1/);

    // Rows moved under a second header that has no Status column, then moved back changed. (A column
    // whose cells read as statuses is a status column whatever its header: `Notes` never is one.)
    const h = clone(repo, 'mallory');
    const rows = (t: string) => t.split('\n').filter((l) => /\*\*A-[12]\*\*/.test(l));
    const outside = (t: string) =>
      `${t
        .split('\n')
        .filter((l) => !/\*\*A-[12]\*\*/.test(l))
        .join('\n')
        .trimEnd()}\n\n| Notes | Story | Description | Depends On |\n|---|---|---|---|\n${rows(t).join('\n')}\n`;
    writeFileSync(join(h, 'WORK_QUEUE.md'), outside(text));
    commit(h, 'rows out of the status table');
    writeFileSync(join(h, 'WORK_QUEUE.md'), withRow(withRow(text, 'A-1', stolen), 'A-2', '| [DONE] | **A-2** | a2 | A-1 |'));
    commit(h, 'rows back');
    refused(push(h, repo), /delete_claimed A-1: A-1 was removed while devA holds it/, /steal A-1/, /done_not_claimed A-2/);

    // The twin: moving rows nobody holds out and back unchanged.
    const b = clone(repo, 'devB');
    writeFileSync(join(b, 'WORK_QUEUE.md'), `${text.replace(`${ROWS[3]}\n`, '').trimEnd()}\n\n| Notes | Story | Description | Depends On |\n|---|---|---|---|\n${ROWS[3]}\n`);
    commit(b, 'A-3 out of the table');
    writeFileSync(join(b, 'WORK_QUEUE.md'), text);
    commit(b, 'A-3 back');
    accepted(push(b, repo));
  }, 60_000);

  it('stories that come back in a later push are judged against the last version that read them; a maintainer may move the file', () => {
    const repo = remote('identity-maint');
    // A maintainer deletes the file (devA's claim goes with it): accepted.
    const m = clone(repo, 'Maint');
    const text = read(m);
    git(m, 'rm', '-q', 'WORK_QUEUE.md');
    commit(m, 'drop the queue for a while');
    accepted(push(m, repo));
    // Bringing it back with a steal is judged against the version before the deletion.
    const c = clone(repo, 'mallory');
    writeFileSync(join(c, 'WORK_QUEUE.md'), withRow(text, 'A-1', stolen));
    commit(c, 'the queue is back');
    refused(push(c, repo), /WORK_QUEUE\.md:\d+: steal A-1: A-1 was held by devA; now mallory claims it/);
    // Back as it was: accepted.
    const a = clone(repo, 'devA');
    writeFileSync(join(a, 'WORK_QUEUE.md'), text);
    commit(a, 'the queue is back');
    accepted(push(a, repo));

    // The maintainer renames it, with the config saying so; from then on QUEUE.md is the queue.
    git(m, 'pull', '-q', 'origin', 'main');
    git(m, 'mv', 'WORK_QUEUE.md', 'QUEUE.md');
    setConfig(m, { ...CONFIG, file: 'QUEUE.md' });
    commit(m, 'rename the queue');
    accepted(push(m, repo));
    const b = clone(repo, 'devB');
    setRow(b, 'A-3', '| [IN PROGRESS: devB] | **A-3** | a3 | A-0 |', 'QUEUE.md');
    commit(b, 'claim A-3');
    accepted(push(b, repo));
    const s = clone(repo, 'mallory');
    setRow(s, 'A-1', stolen, 'QUEUE.md');
    commit(s, 'steal A-1');
    refused(push(s, repo), /QUEUE\.md:\d+: steal A-1/);
  }, 60_000);
});

describe('stories removed in one push', () => {
  it('that come back in a later push are judged against what they were, as the server remembers them', () => {
    const repo = remote('removed-rows');
    const c = clone(repo, 'mallory');
    // Rows nobody holds may be removed: A-4 (done) and A-3 (open).
    writeFileSync(
      join(c, 'WORK_QUEUE.md'),
      QUEUE.split('\n')
        .filter((l) => !/\*\*A-[34]\*\*/.test(l))
        .join('\n'),
    );
    commit(c, 'tidy the queue');
    accepted(push(c, repo));
    // Back, a push later: A-4 reopened by hand, A-3 done without a claim.
    writeFileSync(join(c, 'WORK_QUEUE.md'), withRow(withRow(QUEUE, 'A-4', '| [ ] | **A-4** | a4 | None |'), 'A-3', '| [DONE] | **A-3** | a3 | A-0 |'));
    commit(c, 'they are back');
    refused(push(c, repo), /WORK_QUEUE\.md:\d+: reopen_by_hand A-4/, /WORK_QUEUE\.md:\d+: done_not_claimed A-3/);
    // Back as they were: accepted.
    git(c, 'reset', '-q', '--hard', 'HEAD~1');
    writeFileSync(join(c, 'WORK_QUEUE.md'), QUEUE);
    commit(c, 'they are back as they were');
    accepted(push(c, repo));
  }, 60_000);

  it('nor after pushes the hook let through that never landed (an atomic push refused for another of its refs)', () => {
    const repo = remote('removed-unlanded');
    const c = clone(repo, 'mallory');
    writeFileSync(
      join(c, 'WORK_QUEUE.md'),
      QUEUE.split('\n')
        .filter((l) => !l.includes('**A-4**'))
        .join('\n'),
    );
    commit(c, 'A-4 out');
    accepted(push(c, repo));
    const tip = git(c, 'rev-parse', 'HEAD').trim();
    // `dir/sub` exists, so `dir` cannot: each atomic push passes the hook and lands nothing.
    accepted(push(c, repo, ['HEAD:refs/heads/dir/sub']));
    for (let i = 0; i < 18; i++) {
      const noise = git(c, 'commit-tree', 'HEAD^{tree}', '-p', tip, '-m', `noise ${i}`).trim();
      expect(push(c, repo, [`${noise}:refs/heads/main`, `${noise}:refs/heads/dir`], server, '--atomic').code).not.toBe(0);
    }
    expect(git(c, 'ls-remote', server.url(repo), 'refs/heads/main').split('\t')[0]).toBe(tip);
    // Each tip names what it remembers; the same stories are kept once, whatever the number of tips.
    const kept = readdirSync(join(dir, repo, 'queue', 'remembered'));
    expect(kept.filter((n) => n.endsWith('.tip')).length).toBeGreaterThanOrEqual(19);
    expect(kept.filter((n) => n.endsWith('.json')).length).toBe(1);
    writeFileSync(join(c, 'WORK_QUEUE.md'), withRow(QUEUE, 'A-4', '| [ ] | **A-4** | a4 | None |'));
    commit(c, 'A-4 back');
    refused(push(c, repo), /reopen_by_hand A-4/);
  }, 90_000);

  it('nor through a commit with no parent merged in, nor after a forced update back to an older commit', () => {
    const repo = remote('removed-orphan');
    const c = clone(repo, 'mallory');
    const without = QUEUE.split('\n')
      .filter((l) => !l.includes('**A-4**'))
      .join('\n');
    writeFileSync(join(c, 'WORK_QUEUE.md'), without);
    commit(c, 'A-4 out');
    const out = git(c, 'rev-parse', 'HEAD').trim();
    writeFileSync(join(c, 'notes.txt'), 'code\n');
    commit(c, 'code');
    accepted(push(c, repo));
    // A root commit holding A-4 open, merged in with the queue as it is plus A-4 open.
    const reopened = withRow(QUEUE, 'A-4', '| [ ] | **A-4** | a4 | None |');
    const blob = (text: string) => execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: c, input: text, encoding: 'utf8' }).trim();
    const tree = (text: string) =>
      execFileSync('git', ['mktree'], {
        cwd: c,
        input: `100644 blob ${blob(text)}\tWORK_QUEUE.md\n100644 blob ${git(c, 'rev-parse', 'HEAD:queue.config.json').trim()}\tqueue.config.json\n`,
        encoding: 'utf8',
      }).trim();
    const orphan = git(c, 'commit-tree', tree(reopened), '-m', 'an orphan').trim();
    const merged = git(c, 'commit-tree', tree(reopened), '-p', orphan, '-p', 'HEAD', '-m', 'merge').trim();
    refused(push(c, repo, [`${merged}:refs/heads/main`]), /reopen_by_hand A-4/);
    // Forced back to the commit that removed it (the file the same), then A-4 back open.
    accepted(push(c, repo, [`${out}:refs/heads/main`], server, '--force'));
    git(c, 'reset', '-q', '--hard', out);
    writeFileSync(join(c, 'WORK_QUEUE.md'), reopened);
    commit(c, 'A-4 back');
    refused(push(c, repo, ['HEAD:main'], server, '--force'), /reopen_by_hand A-4/);
  }, 60_000);
});

describe('the queue file stays a regular file', () => {
  it('a commit that makes it a symbolic link (whose target the judging would never read) is refused', () => {
    const repo = remote('linked');
    const c = clone(repo, 'devA');
    git(c, 'mv', 'WORK_QUEUE.md', 'real.md');
    symlinkSync('real.md', join(c, 'WORK_QUEUE.md'));
    commit(c, 'the queue behind a link');
    refused(push(c, repo), /WORK_QUEUE\.md:1: unparseable: WORK_QUEUE\.md became a symbolic link/);
    // validate --range says so too.
    const r = run(c, process.execPath, [BIN, 'validate', '--range', 'origin/main..HEAD', '--json']);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain('became a symbolic link');
    // A change of mode alone (the content kept) makes a link as well.
    const m = clone(repo, 'mallory');
    git(m, 'update-index', '--cacheinfo', `120000,${git(m, 'rev-parse', 'HEAD:WORK_QUEUE.md').trim()},WORK_QUEUE.md`);
    git(m, 'commit', '-q', '-m', 'a link by its mode');
    refused(push(m, repo), /WORK_QUEUE\.md:1: unparseable: WORK_QUEUE\.md became a symbolic link/);
    const byMode = run(m, process.execPath, [BIN, 'validate', '--range', 'origin/main..HEAD', '--json']);
    expect(byMode.code, byMode.out).toBe(1);
    expect(byMode.out).toContain('became a symbolic link');
  }, 60_000);

  it('nor may a directory on its path become a link, with nothing held', () => {
    const bare = join(dir, 'docs-link.git');
    git(dir, 'init', '-q', '--bare', '-b', 'main', bare);
    const seed = maintainerSeed('docs-link');
    mkdirSync(join(seed, 'docs'));
    writeFileSync(join(seed, 'docs', 'queue.md'), QUEUE.replace('[IN PROGRESS: devA]', '[ ]'));
    setConfig(seed, { ...CONFIG, file: 'docs/queue.md' });
    commit(seed, 'the queue, in docs/');
    git(seed, 'push', '-q', bare, 'HEAD:main');
    expect(run(bare, BIN, ['hooks', 'install', '--server']).code).toBe(0);
    const c = clone('docs-link.git', 'mallory');
    git(c, 'mv', 'docs', 'real');
    symlinkSync('real', join(c, 'docs'));
    commit(c, 'docs behind a link');
    refused(push(c, 'docs-link.git'), /unparseable: docs, on the path of docs\/queue\.md, became a symbolic link/);
  }, 60_000);
});

describe('every ref update is judged', () => {
  it('a forced rewind that erases a claim, and a rewrite that steals, are judged against the old tip', () => {
    const repo = remote('force');
    const b = clone(repo, 'devB');
    setRow(b, 'A-3', '| [IN PROGRESS: devB] | **A-3** | a3 | A-0 |');
    commit(b, 'claim A-3');
    accepted(push(b, repo));

    // A rewind: no commit at all, devB's claim erased.
    const c = clone(repo, 'mallory');
    git(c, 'reset', '-q', '--hard', 'HEAD~1');
    refused(
      push(c, repo, ['HEAD:main'], server, '--force'),
      /main \(forced update [0-9a-f]{7}\.\.[0-9a-f]{7}\) WORK_QUEUE\.md:\d+: not_holder A-3: A-3 is held by devB, but a forced update by a pusher the server does not name changed it to "\[ \]"\. Fix: /,
    );
    // A rewrite: the same commit made again as mallory's claim, which its new parent allows.
    setRow(c, 'A-3', '| [IN PROGRESS: mallory] | **A-3** | a3 | A-0 |');
    commit(c, 'claim A-3');
    refused(push(c, repo, ['HEAD:main'], server, '--force'), /forced update .*steal A-3: A-3 was held by devB; now mallory claims it/);

    // The twins: a rewrite that keeps every claim (devB rewords its commit); a rewind of a description edit.
    git(b, 'commit', '-q', '--amend', '-m', 'claim A-3, said better');
    accepted(push(b, repo, ['HEAD:main'], server, '--force'));
    setRow(b, 'A-2', '| [ ] | **A-2** | a2, longer | A-1 |');
    commit(b, 'describe A-2');
    accepted(push(b, repo));
    git(b, 'reset', '-q', '--hard', 'HEAD~1');
    accepted(push(b, repo, ['HEAD:main'], server, '--force'));
  }, 60_000);

  it('a merge is judged for what it resolves itself: a pull that merges others’ work passes, a merge that keeps its own claim over a holder’s is a steal', () => {
    const repo = remote('merge');
    // devB claims A-3 in its clone while devA marks A-1 done on the server; devB pulls (a merge) and pushes.
    const b = clone(repo, 'devB');
    setRow(b, 'A-3', '| [IN PROGRESS: devB] | **A-3** | a3 | A-0 |');
    commit(b, 'claim A-3');
    const a = clone(repo, 'devA');
    setRow(a, 'A-1', '| [DONE] | **A-1** | a1 | A-0 |');
    commit(a, 'done A-1');
    accepted(push(a, repo));
    git(b, 'pull', '-q', '--no-rebase', '--no-edit', 'origin', 'main');
    accepted(push(b, repo));

    // Mallory claims A-3 on the seed, where it was free, then merges main keeping her side: every
    // commit is fine against its first parent, but the merge drops devB's claim.
    const m = clone(repo, 'mallory');
    git(m, 'reset', '-q', '--hard', git(m, 'rev-list', '--max-parents=0', 'HEAD').trim());
    setRow(m, 'A-3', '| [IN PROGRESS: mallory] | **A-3** | a3 | A-0 |');
    commit(m, 'claim A-3');
    git(m, 'merge', '-q', '-s', 'ours', '--no-edit', 'origin/main');
    refused(push(m, repo), /steal A-3: A-3 was held by devB; now mallory claims it/);
  }, 60_000);

  it('a queue branch that is not HEAD: deleting it is a maintainer’s, and a commit first pushed to a side branch is judged when it reaches the queue branch or re-creates it', () => {
    const repo = remote('branch');
    // The maintainer makes `queue` the queue branch (HEAD stays main).
    const m = clone(repo, 'Maint');
    git(m, 'push', '-q', server.url(repo), 'HEAD:refs/heads/queue');
    setConfig(m, { ...CONFIG, branch: 'queue' });
    commit(m, 'the queue lives on the queue branch');
    accepted(push(m, repo, ['HEAD:main', 'HEAD:queue']));

    const c = clone(repo, 'mallory');
    git(c, 'checkout', '-q', '-b', 'side', 'origin/queue');
    refused(
      push(c, repo, [':queue']),
      /queue \(deleted\) WORK_QUEUE\.md:1: delete_branch: queue is the queue branch and was deleted by a pusher the server does not name, who is no maintainer\. Fix: /,
    );
    // HEAD's config names the queue branch: pointing it elsewhere is a maintainer's change.
    git(c, 'checkout', '-q', 'main');
    setConfig(c, { ...CONFIG, branch: 'elsewhere' });
    commit(c, 'another queue branch');
    refused(push(c, repo), /config_change: queue\.config\.json was changed by mallory/);
    git(c, 'checkout', '-q', 'side');

    // A steal pushed to a side branch is nobody's business there...
    setRow(c, 'A-1', stolen);
    commit(c, 'steal on a side branch');
    accepted(push(c, repo, ['HEAD:refs/heads/side']));
    // ...and is judged when it reaches the queue branch.
    refused(push(c, repo, ['HEAD:queue']), /steal A-1/);
    // A maintainer (the server says who pushes) deletes the queue branch: accepted. Re-creating it
    // from the side branch is judged against its last tip, so the steal is refused again.
    accepted(push(m, repo, [':queue'], as.maint));
    // A tag named like the deleted branch (`refs/tags/refs/heads/queue`, anyone's to push) whose
    // config turns the rules off is not the branch: git's name lookup would find it, the hook does not.
    git(c, 'checkout', '-q', '-b', 'lax');
    setConfig(c, { ...CONFIG, branch: 'queue', maintainers: ['mallory'], rules: { steal: 'off' } });
    commit(c, 'a config of my own');
    accepted(push(c, repo, ['HEAD:refs/tags/refs/heads/queue']));
    git(c, 'checkout', '-q', 'side');
    refused(push(c, repo, ['HEAD:queue']), /steal A-1: A-1 was held by devA/);
    // The twin: the branch re-created from its last tip with a legitimate claim.
    const b = clone(repo, 'devB');
    git(b, 'fetch', '-q', 'origin', 'main');
    git(b, 'reset', '-q', '--hard', git(m, 'rev-parse', 'HEAD').trim());
    setRow(b, 'A-3', '| [IN PROGRESS: devB] | **A-3** | a3 | A-0 |');
    commit(b, 'claim A-3');
    accepted(push(b, repo, ['HEAD:queue']));
  }, 60_000);
});

describe('identity from what the server knows; trailers are hints', () => {
  it('a forged Queue-Agent, a Queue-Force steal, a forged Queue-Op: reopen and an unknown author are refused; the holder and the maintainer pass', () => {
    const repo = remote('identity-trailers');
    const done = '| [DONE] | **A-1** | a1 | A-0 |';
    const m = clone(repo, 'mallory');
    setRow(m, 'A-1', done);
    commit(m, 'done A-1', 'Queue-Op: done', 'Queue-Story: A-1', 'Queue-Agent: devA');
    refused(push(m, repo), /not_holder A-1: A-1 is held by devA, but mallory changed it to "\[DONE\]"\. Fix: /);
    git(m, 'reset', '-q', '--hard', 'origin/main');
    setRow(m, 'A-1', stolen);
    commit(m, 'take A-1', 'Queue-Op: claim', 'Queue-Agent: mallory', 'Queue-Force: true');
    refused(push(m, repo), /steal A-1: A-1 was held by devA; now mallory claims it; Queue-Force binds only for a maintainer, and mallory is none/);
    git(m, 'reset', '-q', '--hard', 'origin/main');
    setRow(m, 'A-4', '| [ ] | **A-4** | a4 | None |');
    commit(m, 'reopen A-4', 'Queue-Op: reopen', 'Queue-Story: A-4', 'Queue-Agent: mallory');
    refused(push(m, repo), /reopen_by_hand A-4: A-4 was done and is "\[ \]" again; Queue-Op: reopen binds only for a maintainer/);

    // An author the config does not know is judged as themselves, never as the holder.
    const lead = clone(repo, 'Lead');
    setRow(lead, 'A-1', done);
    commit(lead, 'hand edit');
    refused(push(lead, repo), /not_holder A-1: A-1 is held by devA, but Lead changed it to "\[DONE\]"/);
    // validate --range names the real actor.
    const v = run(lead, BIN, ['validate', '--range', 'origin/main..HEAD', '--json']);
    expect(v.code).toBe(1);
    const judged = JSON.parse(v.out);
    expect(judged.errors).toBe(1);
    expect(judged.commits[0]).toMatchObject({ actor: 'Lead', violations: [{ rule: 'not_holder', story: 'A-1' }] });

    // The twins: the maintainer's forced release and reopen; the holder's done.
    const maint = clone(repo, 'Maint');
    setRow(maint, 'A-4', '| [ ] | **A-4** | a4 | None |');
    commit(maint, 'queue: reopen A-4 (Maint)', 'Queue-Op: reopen', 'Queue-Story: A-4', 'Queue-Agent: Maint');
    accepted(push(maint, repo));
    const a = clone(repo, 'devA');
    setRow(a, 'A-1', done);
    commit(a, 'done A-1');
    accepted(push(a, repo));
    const b = clone(repo, 'devB');
    setRow(b, 'A-3', '| [IN PROGRESS: devB] | **A-3** | a3 | A-0 |');
    commit(b, 'claim A-3');
    accepted(push(b, repo));
    git(maint, 'pull', '-q', 'origin', 'main');
    setRow(maint, 'A-3', '| [ ] | **A-3** | a3 | A-0 |');
    commit(maint, 'queue: release A-3 (Maint)', 'Queue-Op: release', 'Queue-Story: A-3', 'Queue-Agent: Maint', 'Queue-Force: true');
    accepted(push(maint, repo));
  }, 60_000);

  it('where the server says who pushes, the pusher is the actor: of hand edits and of queue’s own writes', () => {
    const repo = remote('pusher');
    // A commit authored as the holder, pushed by mallory: refused. Pushed by devA: accepted.
    const c = clone(repo, 'devA');
    setRow(c, 'A-1', '| [DONE] | **A-1** | a1 | A-0 |');
    commit(c, 'done A-1');
    refused(push(c, repo, ['HEAD:main'], as.mallory), /not_holder A-1: A-1 is held by devA, but mallory changed it/);
    accepted(push(c, repo, ['HEAD:main'], as.deva));

    // queue's own writes from a clone whose git identity is nobody's: the pusher decides.
    const bot = clone(repo, 'ci-bot');
    git(bot, 'remote', 'set-url', 'origin', as.deva.url(repo));
    const claimed = run(bot, BIN, ['claim', 'A-2', '--agent', 'devA', '--json']);
    expect(claimed.code, claimed.out).toBe(0);
    git(bot, 'remote', 'set-url', 'origin', as.mallory.url(repo));
    const release = run(bot, BIN, ['release', 'A-2', '--agent', 'devA', '--json']);
    expect(release.code).not.toBe(0);
    expect(release.out).toMatch(/not_holder A-2: A-2 is held by devA, but mallory changed it/);
    git(bot, 'remote', 'set-url', 'origin', as.deva.url(repo));
    const released = run(bot, BIN, ['release', 'A-2', '--agent', 'devA', '--json']);
    expect(released.code, released.out).toBe(0);
    expect(git(bot, 'show', 'origin/main:WORK_QUEUE.md')).toContain('| [ ] | **A-2** |');
  }, 60_000);
});

describe('status moves and claims the hook judged as something else', () => {
  it("a held story cancelled by someone else is refused, by its holder accepted; a second claim under one's address, or in a row added already claimed, is over the limit", () => {
    const repo = remote('cancel');
    const m = clone(repo, 'mallory');
    setRow(m, 'A-1', '| [CANCELLED] | **A-1** | a1 | A-0 |');
    commit(m, 'cancel A-1');
    refused(push(m, repo), /not_holder A-1: A-1 is held by devA, but mallory changed it to "\[CANCELLED\]"/);
    git(m, 'reset', '-q', '--hard', 'HEAD~1');
    setRow(m, 'A-3', '| [IN PROGRESS: mallory] | **A-3** | a3 | A-0 |');
    writeFileSync(join(m, 'WORK_QUEUE.md'), `${read(m)}| [IN PROGRESS: mallory@example.com] | **A-5** | a5 | None |\n`);
    commit(m, 'two claims');
    refused(push(m, repo), /claim_limit A-3: mallory holds 2 stories \(limit 1\)/);
    const a = clone(repo, 'devA');
    setRow(a, 'A-1', '| [CANCELLED] | **A-1** | a1 | A-0 |');
    commit(a, 'A-1 is not needed');
    accepted(push(a, repo));
  }, 60_000);

  it("a queue write the remote's hook refuses (the clone's identity is not the agent's) is rule_violation with the hook's lines, not a git error", async () => {
    const repo = remote('identity-write');
    const b = clone(repo, 'devB');
    const r = run(b, process.execPath, [BIN, 'done', 'A-1', '--agent', 'devA', '--json']);
    expect(r.code, r.out).toBe(1);
    const error = JSON.parse(r.out).error;
    expect(error.code).toBe('rule_violation');
    expect(error.refusals).toEqual([expect.stringMatching(/^[0-9a-f]{7} WORK_QUEUE\.md:\d+: not_holder A-1: A-1 is held by devA, but devB changed it to "\[DONE\]"/)]);
    expect(error.message).toMatch(/^the remote's queue hook refused the push, so nothing was published: /);
    // Nothing moved: the remote's branch and the clone's.
    expect(git(b, 'status', '--porcelain')).toBe('');
    expect(read(b)).toBe(QUEUE);
  }, 60_000);

  it("HEAD's branch deleted by a maintainer and pushed again is judged by its last tip's config (its queue file moved), not by the defaults", () => {
    const bare = join(dir, 'headless.git');
    git(dir, 'init', '-q', '--bare', '-b', 'main', bare);
    git(bare, 'config', 'receive.denyDeleteCurrent', 'ignore');
    const seed = maintainerSeed('headless');
    mkdirSync(join(seed, 'docs'));
    writeFileSync(join(seed, 'docs', 'queue.md'), QUEUE);
    setConfig(seed, { ...CONFIG, file: 'docs/queue.md' });
    commit(seed, 'the queue, in docs/');
    git(seed, 'push', '-q', bare, 'HEAD:main');
    expect(run(bare, BIN, ['hooks', 'install', '--server']).code).toBe(0);
    const c = clone('headless.git', 'mallory');
    setRow(c, 'A-1', stolen, 'docs/queue.md');
    commit(c, 'steal A-1');
    refused(push(c, 'headless.git'), /steal A-1/);
    accepted(push(seed, 'headless.git', [':main'], as.maint));
    refused(push(c, 'headless.git'), /docs\/queue\.md:\d+: steal A-1: A-1 was held by devA/);
  }, 60_000);

  it("a repository whose HEAD names a branch that does not exist refuses every push until it is set; deleting HEAD's branch is a maintainer's", () => {
    // HEAD names master (git's old default) while the team pushes main.
    const bare = join(dir, 'master-head.git');
    git(dir, 'init', '-q', '--bare', '-b', 'master', bare);
    const seed = maintainerSeed('master-head');
    writeFileSync(join(seed, 'WORK_QUEUE.md'), QUEUE);
    setConfig(seed, CONFIG);
    commit(seed, 'the queue');
    git(seed, 'push', '-q', bare, 'HEAD:main');
    const installed = spawnSync(BIN, ['hooks', 'install', '--server'], { cwd: bare, encoding: 'utf8' });
    expect(installed.status).toBe(0);
    expect(installed.stderr).toMatch(/HEAD names master, a branch that does not exist here.*git symbolic-ref HEAD refs\/heads\/main/);
    const c = clone('master-head.git', 'mallory');
    git(c, 'checkout', '-q', 'main');
    setRow(c, 'A-1', stolen);
    commit(c, 'steal A-1');
    refused(push(c, 'master-head.git'), /^remote: {3}main: this repository's HEAD names master/m);
    // Creating HEAD's branch would choose what the hook guards: refused too.
    refused(push(c, 'master-head.git', ['origin/main:refs/heads/master']), /^remote: {3}master: this repository's HEAD names master/m);
    git(bare, 'symbolic-ref', 'HEAD', 'refs/heads/main');
    refused(push(c, 'master-head.git'), /steal A-1/);

    // HEAD's branch holds the config naming the queue branch (here `queue`): deleting it is a maintainer's.
    const split = join(dir, 'split-head.git');
    git(dir, 'init', '-q', '--bare', '-b', 'main', split);
    git(split, 'config', 'receive.denyDeleteCurrent', 'ignore');
    setConfig(seed, { ...CONFIG, branch: 'queue' });
    commit(seed, 'the queue lives on the queue branch');
    git(seed, 'push', '-q', split, 'HEAD:main', 'HEAD:queue');
    expect(run(split, BIN, ['hooks', 'install', '--server']).code).toBe(0);
    const m = clone('split-head.git', 'mallory');
    refused(push(m, 'split-head.git', [':main']), /delete_branch/);
    git(m, 'checkout', '-q', 'queue');
    setRow(m, 'A-1', stolen);
    commit(m, 'steal A-1');
    refused(push(m, 'split-head.git', ['HEAD:queue']), /steal A-1/);
    accepted(push(seed, 'split-head.git', [':main'], as.maint));
    // Its last tip still says where the queue is.
    refused(push(m, 'split-head.git', ['HEAD:queue']), /steal A-1/);
  }, 60_000);

  it('validate --range judges every commit of the range, also those a merge brings in from another branch', () => {
    const repo = remote('merged');
    const c = clone(repo, 'devA');
    const base = git(c, 'rev-parse', 'HEAD').trim();
    git(c, 'checkout', '-q', '-b', 'side');
    setRow(c, 'A-1', '| [DONE] | **A-1** | a1 | A-0 |');
    git(c, 'add', '-A');
    git(c, '-c', 'user.name=mallory', '-c', 'user.email=mallory@example.com', 'commit', '-q', '-m', 'mallory marks A-1 done');
    git(c, 'checkout', '-q', 'main');
    writeFileSync(join(c, 'notes.txt'), 'code\n');
    commit(c, 'code');
    git(c, 'merge', '-q', '--no-edit', 'side');
    const r = run(c, process.execPath, [BIN, 'validate', '--range', `${base}..HEAD`, '--json']);
    expect(r.code, r.out).toBe(1);
    const commits = JSON.parse(r.out).commits as Array<{ subject: string; violations: Array<{ rule: string; story: string }> }>;
    const bad = commits.find((k) => k.subject === 'mallory marks A-1 done');
    expect(bad?.violations.map((v) => `${v.rule} ${v.story}`)).toEqual(['not_holder A-1']);
    // The merge took A-1 cleanly from the side branch, where it was judged: not again.
    expect(commits.find((k) => k.subject.startsWith('Merge'))?.violations ?? []).toEqual([]);
  }, 60_000);
});
