// Bounded cost: how fast queue refuses each over-limit input (target: under a second each, and
// never a stack trace), as a ratio to `node -e 0` measured in the same run; and, for scale, what the
// costliest inputs still within the limits take. Prints figures, asserts nothing.
//   node bench/limits.mjs [--quick]
// Over the limits, by `queue ready` (and `claim` where the issue timed it) on the file, and by the
// pre-receive hook on a commit holding it (`queue hooks run pre-receive`, as the installed hook
// runs it, in a bare repository), plus one real push through an installed server hook.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateQueue } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', 'dist', 'queue.js');
const work = join(here, '.work', 'limits');
const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 5;
const { NODE_EXTRA_CA_CERTS: _extraCa, ...env } = process.env;

const HEAD = '# Queue\n\n| Status | Story | Description | Depends On |\n|---|---|---|---|\n| [ ] | **1-1** | first | None |\n';
const LINKDEF = '\n[ref]: https://example.com\n';
const ROW = '| [ ] | **1-2** | x | None |\n';

/** The over-limit inputs: name → [file text, what the issue measured]. */
const over = {
  'list nested 10,000 deep (20 KB)': () => `${HEAD}\n${'- '.repeat(10_000)}[ ] x\n`,
  '10,000 nested quotes': () => `${HEAD}\n${'>'.repeat(10_000)} x\n`,
  'a 300 KB cell of 50,000 links': () => `${HEAD}| [ ] | **1-2** | ${'[a](b) '.repeat(50_000)}| None |\n`,
  '200 MB file': () => `${HEAD}${ROW.repeat(Math.ceil((200 * 1024 * 1024) / ROW.length))}`,
  'emphasis nested 10,000 deep (needs remark)': () => `${HEAD}\n${'*a '.repeat(10_000)}x${' a*'.repeat(10_000)}\n${LINKDEF}`,
  'a paragraph of 50,000 emphasis and link marks (needs remark)': () => `${HEAD}\n${'*_[a'.repeat(16_667)}\n${LINKDEF}`,
};

/** Inputs within the limits that cost remark the most, timed once for scale. */
const within = {
  'a paragraph of 3,900 marks, just within the budget (needs remark)': () => `${HEAD}\n${'*_[a'.repeat(1300)}\n${LINKDEF}`,
  'list and emphasis nested 64 deep (needs remark)': () =>
    `${HEAD}\n${Array.from({ length: 64 }, (_, i) => `${'  '.repeat(i)}- ${'*a '.repeat(64)}x${' a*'.repeat(64)}`).join('\n\n')}\n${LINKDEF}`,
  '240 KB of dense Markdown, all read by remark (a link definition)': () => {
    const unit =
      '## Section\n\n- [ ] **T-1** Do the *thing* with [a link](http://x.y) and `code`\n\nSome paragraph text that goes on for a while, with **bold** words.\n\n| Status | Story | Description | Depends On |\n|---|---|---|---|\n| [DONE] | **1-2** | Another *one* | None |\n\n';
    return `${unit.repeat(Math.floor(240_000 / unit.length))}${LINKDEF}`;
  },
};

/** Median wall time (s), peak RSS (MB), exit code and stderr of a command over `runs` runs. */
function measure(cmd, args, opts = {}) {
  const times = [];
  let rss = 0;
  let last = null;
  for (let k = 0; k < (opts.runs ?? RUNS); k++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { cwd: opts.cwd, input: opts.input, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...env, ...opts.env } });
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    const lines = r.stderr.trimEnd().split('\n');
    rss = Math.max(rss, Number(lines.pop()) / 1024);
    last = { code: r.status, stderr: lines.join('\n'), stdout: r.stdout };
  }
  times.sort((a, b) => a - b);
  return { s: times[Math.floor(times.length / 2)], rss, ...last };
}

const git = (cwd, ...args) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
const floor = () => measure(process.execPath, ['-e', '0']).s;
const fmt = (x) => x.toFixed(3);
/** What a refusal said: its code from `--json`, else the first line of stderr. */
function verdict(r) {
  const stack = /\n\s+at |internal error/.test(r.stderr + r.stdout);
  let code = null;
  try {
    code = JSON.parse(r.stdout).error?.code ?? 'read';
  } catch {
    code = r.stderr.split('\n')[0].slice(0, 90);
  }
  return { code, stack };
}

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
// The bare repository the hook judges in, and a work tree to build commits from.
const bare = join(work, 'remote.git');
git(work, 'init', '-q', '--bare', '-b', 'main', bare);
const zero = '0'.repeat(40);
/** A commit in `bare` whose tree holds `text` as WORK_QUEUE.md. */
function commitOf(file) {
  const blob = git(bare, 'hash-object', '-w', file).trim();
  const tree = execFileSync('git', ['mktree'], { cwd: bare, input: `100644 blob ${blob}\tWORK_QUEUE.md\n`, encoding: 'utf8' }).trim();
  return git(bare, '-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit-tree', tree, '-m', 'bench').trim();
}

const f0 = floor();
console.log(`floor: node -e 0 = ${fmt(f0)} s`);
const rows = [];
for (const [name, make] of Object.entries(over)) {
  const dir = join(work, name.replace(/[^a-z0-9]+/gi, '-'));
  mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'main');
  const file = join(dir, 'WORK_QUEUE.md');
  writeFileSync(file, make());
  const runs = [['queue ready --json', bin, ['ready', '--json'], { cwd: dir, env: { QUEUE_NO_INDEX: '1' } }]];
  if (name.includes('links')) runs.push(['queue claim 1-2 --no-commit --json', bin, ['claim', '1-2', '--agent', 'Dev 1', '--no-commit', '--json'], { cwd: dir }]);
  const sha = commitOf(file);
  runs.push(['pre-receive hook', bin, ['hooks', 'run', 'pre-receive'], { cwd: bare, input: `${zero} ${sha} refs/heads/main\n` }]);
  for (const [how, cmd, args, opts] of runs) {
    const r = measure(cmd, args, opts);
    const f = floor();
    rows.push({ what: `${name}: ${how}`, s: r.s, ratio: r.s / f, rss: r.rss, ...verdict(r) });
  }
}

console.log('\nOver the limits (target: refused in under a second each, with no stack trace)\n');
console.log('| input: how | median s | × node -e 0 | refused with | < 1 s | stack trace | peak RSS MB |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(`| ${r.what} | ${fmt(r.s)} | ${r.ratio.toFixed(1)} | ${r.code} | ${r.s < 1 ? 'met' : 'MISSED'} | ${r.stack ? 'YES' : 'none'} | ${r.rss.toFixed(0)} |`);

// One real push through an installed server hook: what the pusher is told, and how long it took.
{
  const pushed = join(work, 'pushed.git');
  git(work, 'init', '-q', '--bare', '-b', 'main', pushed);
  execFileSync(bin, ['hooks', 'install', '--server'], { cwd: pushed, env, stdio: 'ignore' });
  const clone = join(work, 'clone');
  git(work, 'clone', '-q', pushed, clone);
  writeFileSync(join(clone, 'WORK_QUEUE.md'), over['list nested 10,000 deep (20 KB)']());
  git(clone, 'add', '.');
  git(clone, '-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', 'deep');
  const t0 = process.hrtime.bigint();
  const r = spawnSync('git', ['push', 'origin', 'HEAD:main'], { cwd: clone, encoding: 'utf8', env });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const told = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('remote:'))
    .join('\n');
  console.log(
    `\nA real push of the 20 KB nested list through the installed pre-receive hook: ${r.status === 0 ? 'ACCEPTED' : 'refused'} in ${fmt(s)} s (the whole push) = ${(s / floor()).toFixed(1)}× node -e 0; the pusher reads:\n${told}`,
  );
}

console.log('\nWithin the limits: the costliest inputs read, once each (bounded, for scale)\n');
console.log('| input | s | × node -e 0 | result | peak RSS MB |');
console.log('|---|---|---|---|---|');
for (const [name, make] of Object.entries(within)) {
  const dir = join(work, name.replace(/[^a-z0-9]+/gi, '-'));
  mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'WORK_QUEUE.md'), make());
  const r = measure(bin, ['ready', '--json'], { cwd: dir, runs: 1, env: { QUEUE_NO_INDEX: '1' } });
  const f = floor();
  console.log(`| ${name} | ${fmt(r.s)} | ${(r.s / f).toFixed(1)} | ${verdict(r).code} | ${r.rss.toFixed(0)} |`);
}

// A push whose one commit edits every open row (each held) of a large queue: the hook re-reads the
// commit from its parent, and that must cost about a full read, not one pass over the file per row.
{
  const n = quick ? 10_000 : 40_000;
  const dir = join(work, 'every-row');
  mkdirSync(dir);
  const before = join(dir, 'before.md');
  const after = join(dir, 'WORK_QUEUE.md');
  writeFileSync(before, generateQueue(n));
  writeFileSync(after, generateQueue(n).replaceAll('| [ ] |', '| [BLOCKED: hold] |'));
  const parent = commitOf(before);
  const blob = git(bare, 'hash-object', '-w', after).trim();
  const tree = execFileSync('git', ['mktree'], { cwd: bare, input: `100644 blob ${blob}\tWORK_QUEUE.md\n`, encoding: 'utf8' }).trim();
  const child = git(bare, '-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit-tree', tree, '-p', parent, '-m', 'hold every open row').trim();
  const hook = measure(bin, ['hooks', 'run', 'pre-receive'], { cwd: bare, input: `${parent} ${child} refs/heads/main\n` });
  const full = measure(bin, ['validate', '--json', '--file', after], { cwd: dir, env: { QUEUE_NO_INDEX: '1' } });
  console.log(
    `\nA push of one commit holding every open row of ${n.toLocaleString('en')} stories, judged by the pre-receive hook: ${fmt(hook.s)} s (${hook.code === 0 ? 'accepted' : `refused: ${verdict(hook).code}`}); a full read of the file (queue validate): ${fmt(full.s)} s; the hook ÷ the full read: ${(hook.s / full.s).toFixed(1)}× (it reads the commit and its parent)`,
  );
}
if (!existsSync(bin)) console.log('dist/queue.js is missing: run `npm run build` first');
