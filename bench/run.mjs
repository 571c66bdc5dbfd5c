// Benchmarks for the read path (issue 2). Prints ratios taken in this one run, never asserts time.
//   node bench/run.mjs [--quick]
// - `queue ready --json` on generated 10,000- and 50,000-story queues vs the `node -e 0` floor,
//   median of several runs; peak RSS via /usr/bin/time. Twice: with the file unchanged since the
//   last run (the queue index answers) and as the first run after a change (full read).
// - Backlog.md (`backlog task list --plain --ready`, installed into bench/node_modules only) on the
//   same stories at 1,000 and 10,000.
// - Three real queues from ../shared/corpus that the scanner cannot read whole, against remark
//   reading the whole file (QUEUE_READ=remark) in the same run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateQueue } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const work = join(here, '.work');
const bin = join(root, 'dist', 'queue.js');
const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 7;

function backlogProject(n) {
  const dir = join(work, `backlog-${n}`);
  if (existsSync(join(dir, 'backlog', 'tasks', `task-${n - 1} - S-${n - 1}.md`))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'backlog', 'tasks'), { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: dir });
  writeFileSync(
    join(dir, 'backlog', 'config.yml'),
    'project_name: "bench"\ndefault_status: "To Do"\nstatuses: ["To Do", "In Progress", "Done"]\nlabels: []\nmilestones: []\ndate_format: yyyy-mm-dd\n',
  );
  for (let i = 0; i < n; i++) {
    const st = i < n * 0.4 ? 'Done' : i % 17 === 0 ? 'In Progress' : 'To Do';
    const deps = [];
    if (i >= 50) deps.push(`task-${i - 50}`);
    if (i % 3 === 0 && i >= 7) deps.push(`task-${i - 7}`);
    writeFileSync(
      join(dir, 'backlog', 'tasks', `task-${i} - S-${i}.md`),
      `---\nid: task-${i}\ntitle: S-${i}\nstatus: ${st}\nassignee: []\ncreated_date: '2025-01-01'\nlabels: []\ndependencies: [${deps.join(', ')}]\n---\n\n## Description\n\nGenerated story number ${i} with a title\n`,
    );
  }
  return dir;
}

/** Median wall time (s) and peak RSS (MB) of a command over RUNS runs. */
function measure(cmd, args, opts = {}) {
  const times = [];
  let rss = 0;
  for (let k = 0; k < (opts.runs ?? RUNS); k++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { cwd: opts.cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...measuredEnv, ...opts.env } });
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.slice(-500)}`);
    times.push(dt);
    rss = Math.max(rss, Number(r.stderr.trim().split('\n').pop()) / 1024);
  }
  times.sort((a, b) => a - b);
  return { s: times[Math.floor(times.length / 2)], rss };
}

/** The story files a generated queue links (`stories/S-i.md`), as a real queue has them. */
function storyFiles(n) {
  const dir = join(work, 'stories');
  mkdirSync(dir, { recursive: true });
  for (let i = n - 1; i >= 0 && !existsSync(join(dir, `S-${i}.md`)); i--) writeFileSync(join(dir, `S-${i}.md`), `# S-${i}\n`);
}

const fmt = (x) => x.toFixed(3);
mkdirSync(work, { recursive: true });
// Every program measured starts without NODE_EXTRA_CA_CERTS (node 20 parses that bundle at start,
// nodejs/node#40524: ≈ 0.07 s where the environment names the system bundle; a user whose
// environment sets it can unset it for queue), so the floor `node -e 0` is the best start a node
// program has, and Backlog.md pays no more than queue. npm, which installs Backlog.md through the
// registry's TLS, keeps it.
const { NODE_EXTRA_CA_CERTS: _extraCa, ...measuredEnv } = process.env;
const floor = measure(process.execPath, ['-e', '0']);
console.log(`floor: node -e 0 = ${fmt(floor.s)} s, ${floor.rss.toFixed(0)} MB`);
// Where the environment sets NODE_EXTRA_CA_CERTS, the same floor as a plain `node` started there
// pays it (what issue 2's target was first measured against), in a column of its own.
const envFloor = () => (_extraCa === undefined ? null : measure(process.execPath, ['-e', '0'], { env: { NODE_EXTRA_CA_CERTS: _extraCa } }));
const floorAsIs = envFloor();
if (floorAsIs) console.log(`floor as this environment starts node (NODE_EXTRA_CA_CERTS=${_extraCa}): node -e 0 = ${fmt(floorAsIs.s)} s`);

const rows = [];
for (const [n, target] of [
  [1000, null],
  [10000, 2],
  [50000, 4],
]) {
  if (quick && n === 50000) continue;
  const file = join(work, `queue-${n}.md`);
  writeFileSync(file, generateQueue(n));
  storyFiles(n);
  // Cold: the first run after the file changed reads it in full (QUEUE_NO_INDEX=1 makes every run one).
  const cold = measure(bin, ['ready', '--json', '--file', file], { env: { QUEUE_NO_INDEX: '1' } });
  // Warm: the file is unchanged since the last run, and the queue index answers.
  measure(bin, ['ready', '--json', '--file', file], { runs: 1 });
  const r = measure(bin, ['ready', '--json', '--file', file]);
  // The floor again, right after: this machine's speed drifts, and the ratio is what is judged.
  const f = measure(process.execPath, ['-e', '0']);
  const fe = envFloor();
  rows.push({ what: `queue ready --json, ${n} stories (file unchanged: index)`, s: r.s, ratio: r.s / f.s, asIs: fe && r.s / fe.s, rss: r.rss, target });
  rows.push({ what: `queue ready --json, ${n} stories (file just changed: full read)`, s: cold.s, ratio: cold.s / f.s, asIs: fe && cold.s / fe.s, rss: cold.rss, target: null });
}

// Real queues that the scanner cannot read whole (a list it does not model, task items): the full
// read against remark reading the whole file (QUEUE_READ=remark), the reader before 2026-11-22.
const corpus = join(root, '..', 'shared', 'corpus', 'real');
for (const name of ['xander1421__kingfisher__WORK_QUEUE.md', 'lettersrachel__WellKept__docs__WORK_QUEUE.md', 'Ishabdullah__Codey-OS__WORK_QUEUE.md']) {
  const file = join(corpus, name);
  if (!existsSync(file)) continue;
  const ours = measure(bin, ['ready', '--json', '--file', file], { env: { QUEUE_NO_INDEX: '1' } });
  const remark = measure(bin, ['ready', '--json', '--file', file], { env: { QUEUE_NO_INDEX: '1', QUEUE_READ: 'remark' } });
  const f = measure(process.execPath, ['-e', '0']);
  const kb = (statSync(file).size / 1024).toFixed(0);
  rows.push({
    what: `queue ready --json, ${name.split('__')[0]} (real, ${kb} KB, full read; remark alone ${fmt(remark.s)} s = ${(remark.s / ours.s).toFixed(1)}× this)`,
    s: ours.s,
    ratio: ours.s / f.s,
    rss: ours.rss,
    target: null,
  });
}

let backlog = join(here, 'node_modules', '.bin', 'backlog');
if (!existsSync(backlog)) {
  const inst = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', here], { encoding: 'utf8' });
  if (inst.status !== 0) backlog = null;
}
if (backlog) {
  for (const n of quick ? [1000] : [1000, 10000]) {
    const dir = backlogProject(n);
    const r = measure(backlog, ['task', 'list', '--plain', '--ready'], { cwd: dir, runs: n > 1000 ? 1 : 3 });
    const ours = rows.find((x) => x.what.includes(` ${n} stories (file just changed`));
    rows.push({ what: `backlog task list --plain --ready, ${n} tasks`, s: r.s, ratio: r.s / floor.s, rss: r.rss, target: null, vs: ours ? r.s / ours.s : null });
  }
} else console.log('Backlog.md could not be installed into bench/: its comparison is skipped.');

const asIs = floorAsIs !== null;
console.log(`\n| measurement | median s | × node -e 0 | ${asIs ? '× node -e 0 with the CA bundle | ' : ''}target | peak RSS MB | Backlog.md ÷ queue |`);
console.log(`|---|---|---|${asIs ? '---|' : ''}---|---|---|`);
for (const r of rows) {
  const met = r.target === null ? '' : r.ratio <= r.target ? `≤ ${r.target}× met` : `≤ ${r.target}× MISSED`;
  const extra = asIs ? `${r.asIs ? r.asIs.toFixed(2) : ''} | ` : '';
  console.log(`| ${r.what} | ${fmt(r.s)} | ${r.ratio.toFixed(2)} | ${extra}${met} | ${r.rss.toFixed(0)} | ${r.vs ? `${r.vs.toFixed(1)}×` : ''} |`);
}
const at10k = rows.find((r) => r.what.includes(' 10000 stories (file just changed'));
if (at10k) console.log(`\npeak RSS at 10,000 stories: ${at10k.rss.toFixed(0)} MB (target ≤ 150 MB: ${at10k.rss <= 150 ? 'met' : 'MISSED'})`);
