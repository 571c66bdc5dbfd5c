// The first read after a change, and a claim, as the queue grows. Prints figures and ratios taken
// in this one run; asserts nothing.
//   node bench/first-read.mjs [--quick]
// 1. `queue ready --json` as the first read after the queue file changed (the index cannot answer),
//    whole process, in a git repository without a remote whose WORK_QUEUE.md was just rewritten with
//    one heading changed, at 10,000 and 50,000 generated stories (with their story files on disk),
//    as a ratio to `node -e 0` measured between the runs; peak RSS (/usr/bin/time). Beside it, the
//    same file through bench/minimal-read.mjs, a lower bound for any JavaScript reader (not one).
// 2. A file of 1,000,000 rows: refused as `too_large` (naming the limit) or read, and how fast;
//    whether a stack trace was printed.
// 3. `queue claim` (the best ready story) at 10,000 stories against the same at 100, in repositories
//    without a remote whose trees hold one story file per story, claims interleaved.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateQueue } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// `QUEUE_BENCH_BIN` measures another build of queue (an older one, to compare) the same way.
const bin = process.env.QUEUE_BENCH_BIN ?? join(here, '..', 'dist', 'queue.js');
const work = join(here, '.work', 'first-read');
const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 7;
// Started without NODE_EXTRA_CA_CERTS, queue and the floor alike (bench/run.mjs says why).
const { NODE_EXTRA_CA_CERTS: _extraCa, ...env } = process.env;
const git = (cwd, ...args) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const haveTime = existsSync('/usr/bin/time');

/** One run of a command: wall time (s), peak RSS (MB, 0 without /usr/bin/time), exit code, output. */
function run(cmd, args, cwd) {
  const t0 = process.hrtime.bigint();
  const r = haveTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const lines = r.stderr.trimEnd().split('\n');
  const rss = haveTime ? Number(lines.pop()) / 1024 : 0;
  return { s, rss, code: r.status, stdout: r.stdout, stderr: lines.join('\n') };
}

const floor = () => run(process.execPath, ['-e', '0'], work).s;

/** A repository at `dir` holding an `n`-story queue; `commitStories`: its story files committed too. */
function repository(dir, n, commitStories) {
  const marker = join(dir, '.git', 'bench-ready');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === String(n)) {
    git(dir, 'reset', '-q', '--hard', 'bench-start');
    return dir;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'stories'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'bench');
  git(dir, 'config', 'user.email', 'bench@example.com');
  writeFileSync(join(dir, 'WORK_QUEUE.md'), generateQueue(n));
  // Claim limits lifted: the claims below all go to one of three agents.
  writeFileSync(join(dir, 'queue.config.json'), JSON.stringify({ maxClaims: 1_000_000 }));
  for (let i = 0; i < n; i++) writeFileSync(join(dir, 'stories', `S-${i}.md`), `# S-${i}\n`);
  git(dir, 'add', 'WORK_QUEUE.md', 'queue.config.json', ...(commitStories ? ['stories'] : []));
  git(dir, 'commit', '-q', '-m', 'bench queue');
  git(dir, 'tag', 'bench-start');
  writeFileSync(marker, String(n));
  return dir;
}

mkdirSync(work, { recursive: true });
const rows = [];

// 1. First read after a change.
for (const [n, target, rssTarget] of [
  [10_000, 3, null],
  [50_000, 10, 150],
]) {
  if (quick && n > 10_000) continue;
  const dir = repository(join(work, `read-${n}`), n, false);
  const file = join(dir, 'WORK_QUEUE.md');
  const body = readFileSync(file, 'utf8').replace(/^.*\n/, '');
  const times = [];
  const floors = [];
  const minimal = [];
  let rss = 0;
  let minimalRss = 0;
  for (let k = 0; k < RUNS; k++) {
    // One heading changed: the file's bytes, and so the index's key, are new every run.
    writeFileSync(file, `# Generated Work Queue ${Date.now()}-${k}\n${body}`);
    const r = run(process.execPath, [bin, 'ready', '--json'], dir);
    if (r.code !== 0) throw new Error(`queue ready failed: ${r.stdout}${r.stderr}`);
    times.push(r.s);
    rss = Math.max(rss, r.rss);
    floors.push(floor());
    const m = run(process.execPath, [join(here, 'minimal-read.mjs'), file], dir);
    if (m.code !== 0) throw new Error(`minimal-read failed: ${m.stderr}`);
    minimal.push(m.s);
    minimalRss = Math.max(minimalRss, m.rss);
  }
  const s = median(times);
  const f = median(floors);
  const stories = n.toLocaleString('en');
  rows.push({ what: `first read after a change, ${stories} stories (\`queue ready --json\`)`, s, ratio: s / f, target: `≤ ${target}×`, met: s / f <= target });
  if (haveTime)
    rows.push({ what: `peak RSS of that read, ${stories} stories`, s: null, mb: rss, target: rssTarget ? `≤ ${rssTarget} MB` : '', met: rssTarget ? rss <= rssTarget : null });
  rows.push({
    what: `lower bound: the same file through bench/minimal-read.mjs (split at pipes, no Markdown), ${stories} stories`,
    s: median(minimal),
    ratio: median(minimal) / f,
    target: '',
    met: null,
  });
  if (haveTime) rows.push({ what: `peak RSS of that pass, ${stories} stories`, s: null, mb: minimalRss, target: '', met: null });
}

// 1b. First read after a claim-like edit of one row (`[ ]` → `[IN PROGRESS: …]`, as `queue claim`
//     writes it): the index of the file before the edit is patched (app/index-cache.ts patchIndex)
//     when the edit touches only story-table rows; the heading edit above always reads in full.
for (const n of [10_000, 50_000]) {
  if (quick && n > 10_000) continue;
  const dir = repository(join(work, `read-${n}`), n, false);
  const file = join(dir, 'WORK_QUEUE.md');
  // The index of the file as it stands (the runs above leave one of another heading).
  if (run(process.execPath, [bin, 'ready', '--json'], dir).code !== 0) throw new Error('queue ready failed');
  const times = [];
  const floors = [];
  let rss = 0;
  let k = 0;
  for (let i = Math.ceil(n * 0.4); k < RUNS && i < n; i++) {
    const text = readFileSync(file, 'utf8');
    const row = `| [ ] | **S-${i}** |`;
    if (!text.includes(row)) continue;
    writeFileSync(file, text.replace(row, `| [IN PROGRESS: Dev ${k % 3}] | **S-${i}** |`));
    const r = run(process.execPath, [bin, 'ready', '--json'], dir);
    if (r.code !== 0) throw new Error(`queue ready failed: ${r.stdout}${r.stderr}`);
    times.push(r.s);
    rss = Math.max(rss, r.rss);
    floors.push(floor());
    k++;
  }
  const s = median(times);
  const f = median(floors);
  rows.push({ what: `first read after a one-row edit (a claim), ${n.toLocaleString('en')} stories`, s, ratio: s / f, target: '', met: null });
  if (haveTime) rows.push({ what: `peak RSS of that read, ${n.toLocaleString('en')} stories`, s: null, mb: rss, target: '', met: null });
}

// 2. A million rows.
{
  const dir = join(work, 'million');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'WORK_QUEUE.md');
  if (!existsSync(file)) writeFileSync(file, generateQueue(1_000_000));
  const r = run(process.execPath, [bin, 'ready', '--json', '--file', file], dir);
  let outcome;
  try {
    const j = JSON.parse(r.stdout);
    outcome = j.error ? `refused: ${j.error.code} (limit ${j.error.limit})` : `read: ${j.stories.length} ready`;
  } catch {
    outcome = `exit ${r.code}, no JSON`;
  }
  const trace = /\n\s+at /.test(r.stderr) || /RangeError|Maximum call stack/.test(r.stdout + r.stderr);
  const f = floor();
  rows.push({
    what: `1,000,000 rows (${(readFileSync(file).length / 2 ** 20).toFixed(0)} MiB): ${outcome}, ${trace ? 'a stack trace' : 'no stack trace'}`,
    s: r.s,
    ratio: r.s / f,
    target: 'too_large or read, no stack overflow',
    met: !trace && r.code !== null,
  });
}

// 3. A claim at 10,000 stories against one at 100.
{
  const small = repository(join(work, 'claim-100'), 100, true);
  const large = repository(join(work, 'claim-10000'), 10_000, true);
  const a = [];
  const b = [];
  for (let k = 0; k < RUNS; k++) {
    for (const [dir, out] of [
      [small, a],
      [large, b],
    ]) {
      const r = run(process.execPath, [bin, 'claim', '--agent', `Dev ${k % 3}`, '--json'], dir);
      if (r.code !== 0) throw new Error(`queue claim failed: ${r.stdout}${r.stderr}`);
      out.push(r.s);
    }
  }
  const s100 = median(a);
  const s10k = median(b);
  rows.push({ what: 'claim at 100 stories (`queue claim --agent`)', s: s100, ratio: null, target: '', met: null });
  rows.push({ what: 'claim at 10,000 stories, ÷ the claim at 100', s: s10k, ratio: s10k / s100, target: '≤ 1.5×', met: s10k / s100 <= 1.5 });
}

console.log(`\nnode -e 0 (floor, median of the runs above): ${floor().toFixed(3)} s\n`);
console.log('| measurement | median s | ratio | target | |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  const fig = r.mb !== undefined ? `${r.mb.toFixed(0)} MB` : r.s === null ? '' : r.s.toFixed(3);
  const ratio = r.ratio === null || r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`;
  const met = r.met === null ? '' : r.met ? 'met' : 'MISSED';
  console.log(`| ${r.what} | ${fig} | ${ratio} | ${r.target} | ${met} |`);
}
