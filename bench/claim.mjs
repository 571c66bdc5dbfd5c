// Benchmarks for the claim transaction (issue 3). Prints figures and ratios taken in this one run;
// asserts nothing.
//   node bench/claim.mjs [--quick]
// 1. Uncontended `queue claim ID` against the raw-git floor: the same edit done with plain git
//    plumbing and a push from a shell script (fetch, cat-file, sed, hash-object, temporary index,
//    commit-tree, push), on a 1,000-story queue with a bare remote; the same plumbing from node;
//    and the least a node process can do there (start, fetch, commit, push, nothing read).
// 2. 16 claimers over 8 clones on 200 stories, each claiming until nothing is ready: double claims,
//    throughput against one writer claiming alone, p99 latency against the uncontended median.
//    Then the same 16 claimers each alone on a remote of its own: the floor that 16 processes on
//    this machine's cores set for any protocol, since nothing is shared.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { build } from 'esbuild';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { git, remoteWithClones } from './git.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'dist', 'queue.js');
const quick = process.argv.includes('--quick');

function queueText(n) {
  const rows = Array.from({ length: n }, (_, i) => `| [ ] | **S-${i}** | Story number ${i} with a title | None |`);
  return `# Bench queue\n\n## Tier 1\n\n| Status | Story | Description | Depends On |\n|---|---|---|---|\n${rows.join('\n')}\n`;
}

/** A bare remote seeded with an n-story queue and `clones` clones; claim limits lifted. */
function setup(n, clones) {
  return remoteWithClones('queue-bench-', queueText(n), { maxClaims: 100000, maxAttempts: 200 }, clones);
}

const RAW = `set -e
git fetch -q origin main
base=$(git rev-parse origin/main)
git cat-file blob "$base:WORK_QUEUE.md" > .git/raw-tmp
sed -i "s/^| \\[ \\] | \\*\\*$1\\*\\* |/| [IN PROGRESS: $2] | **$1** |/" .git/raw-tmp
blob=$(git hash-object -w .git/raw-tmp)
GIT_INDEX_FILE=.git/raw-index git read-tree "$base"
GIT_INDEX_FILE=.git/raw-index git update-index --cacheinfo 100644,"$blob",WORK_QUEUE.md
tree=$(GIT_INDEX_FILE=.git/raw-index git write-tree)
c=$(git commit-tree "$tree" -p "$base" -m "claim $1")
git push -q origin "$c:refs/heads/main"
`;

// The same plumbing from a Node process (execFileSync, no library): the floor for any Node CLI.
// `x` is execFileSync and `writeFileSync` is in scope in both scripts that use it.
const RAW_FN = `const g = (...a) => x('git', a, { encoding: 'utf8' }).trim();
function raw(id, agent) {
  x('git', ['fetch', '-q', 'origin', 'main']);
  const base = g('rev-parse', 'origin/main');
  const text = x('git', ['cat-file', 'blob', base + ':WORK_QUEUE.md'], { encoding: 'utf8' });
  writeFileSync('.git/raw-node-tmp', text.replace('| [ ] | **' + id + '** |', '| [IN PROGRESS: ' + agent + '] | **' + id + '** |'));
  const blob = g('hash-object', '-w', '.git/raw-node-tmp');
  const env = { ...process.env, GIT_INDEX_FILE: '.git/raw-node-index' };
  x('git', ['read-tree', base], { env });
  x('git', ['update-index', '--cacheinfo', '100644,' + blob + ',WORK_QUEUE.md'], { env });
  const tree = x('git', ['write-tree'], { env, encoding: 'utf8' }).trim();
  const c = g('commit-tree', tree, '-p', base, '-m', 'claim ' + id);
  x('git', ['push', '-q', 'origin', c + ':refs/heads/main']);
}
`;
const RAW_NODE = `const { execFileSync: x } = require('node:child_process');
const { writeFileSync } = require('node:fs');
${RAW_FN}
raw(...process.argv.slice(1));
`;

// The least any node CLI can do for a claim over a remote: start, fetch the tip, write a commit (the
// tip's own tree: nothing read, nothing edited) and push it. What the 1.3× target leaves beside it
// is printed with it.
const LEAST_NODE = `const { execFileSync: x } = require('node:child_process');
x('git', ['fetch', '-q', 'origin', 'main']);
const base = x('git', ['rev-parse', 'origin/main'], { encoding: 'utf8' }).trim();
const c = x('git', ['commit-tree', base + '^{tree}', '-p', base, '-m', 'nothing ' + process.argv[2]], { encoding: 'utf8' }).trim();
x('git', ['push', '-q', 'origin', c + ':refs/heads/main']);
`;

/** A script claiming `runs` stories through the core API and `runs` through raw plumbing, in turn,
 *  after two warm-ups of each; prints `{"queue": [ms…], "raw": [ms…]}`. Story ids from `first` on. */
const INPROCESS = (core) => `import { execFileSync as x } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { locateWrite, write } from ${JSON.stringify(core)};
const [runs, first] = process.argv.slice(2).map(Number);
${RAW_FN}
async function ours(id, agent) {
  const where = await locateWrite({ cwd: process.cwd() });
  await write(where, { op: 'claim', id, agent, maxClaims: where.config.maxClaims });
}
const out = { queue: [], raw: [] };
let n = first;
for (let i = 0; i < runs + 2; i++) {
  let t0 = performance.now();
  await ours('S-' + n++, 'lib');
  if (i >= 2) out.queue.push(performance.now() - t0);
  t0 = performance.now();
  raw('S-' + n++, 'rawlib');
  if (i >= 2) out.raw.push(performance.now() - t0);
}
process.stdout.write(JSON.stringify(out));
`;

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];

function timed(cmd, args, cwd, env = process.env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return ms(t0);
}

// queue and the plumbing from node both start without NODE_EXTRA_CA_CERTS (node 20 parses that CA
// bundle at start, nodejs/node#40524; a user whose environment sets it can unset it for queue), so
// the two node figures pay the same start, the lean one.
const { NODE_EXTRA_CA_CERTS: _extraCa, ...noExtraCa } = process.env;

// 1. Uncontended.
const RUNS = quick ? 7 : 21;
const u = setup(1000, 1);
writeFileSync(join(u.dir, 'raw.sh'), RAW);
writeFileSync(join(u.dir, 'raw.cjs'), RAW_NODE);
writeFileSync(join(u.dir, 'least.cjs'), LEAST_NODE);
const ours = [];
const floor = [];
const nodeFloor = [];
const least = [];
for (let i = 0; i < RUNS; i++) {
  // Interleaved, so drift in this machine's speed hits all alike.
  ours.push(timed(process.execPath, [bin, 'claim', `S-${3 * i}`, '--agent', 'bench', '--json'], u.clones[0], noExtraCa));
  floor.push(timed('bash', [join(u.dir, 'raw.sh'), `S-${3 * i + 1}`, 'raw'], u.clones[0]));
  nodeFloor.push(timed(process.execPath, [join(u.dir, 'raw.cjs'), `S-${3 * i + 2}`, 'node'], u.clones[0], noExtraCa));
  least.push(timed(process.execPath, [join(u.dir, 'least.cjs'), String(i)], u.clones[0], noExtraCa));
}
const uncontended = median(ours);
console.log(
  `uncontended claim, 1,000 stories: queue ${uncontended.toFixed(0)} ms; raw git from bash ${median(floor).toFixed(0)} ms (ratio ${(uncontended / median(floor)).toFixed(2)}, target ≤ 1.3); the same plumbing from node ${median(nodeFloor).toFixed(0)} ms (ratio ${(uncontended / median(nodeFloor)).toFixed(2)})`,
);
console.log(
  `  the least a node CLI does (start, fetch, commit the tip's own tree, push; nothing read or edited): ${median(least).toFixed(0)} ms = ${(median(least) / median(floor)).toFixed(2)}× the bash floor's whole claim`,
);

// 1b. The same two in one long-lived node process, as an agent harness embedding queue would run
// them: queue's core write API (src/app/write.ts, bundled here) against the same plumbing run with
// execFileSync from that process. Node's start and queue's module loading are out of both figures;
// what is left is what queue's transaction adds to the git work.
const core = join(u.dir, 'core.mjs');
await build({
  entryPoints: [join(root, 'src', 'app', 'write.ts')],
  outfile: core,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  banner: { js: 'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);' },
  logLevel: 'warning',
});
writeFileSync(join(u.dir, 'inprocess.mjs'), INPROCESS(core));
const inproc = JSON.parse(execFileSync(process.execPath, [join(u.dir, 'inprocess.mjs'), String(RUNS), String(3 * RUNS)], { cwd: u.clones[0], encoding: 'utf8' }));
console.log(
  `the same, in one node process: queue's core API ${median(inproc.queue).toFixed(0)} ms; the plumbing from that process ${median(inproc.raw).toFixed(0)} ms (ratio ${(median(inproc.queue) / median(inproc.raw)).toFixed(2)}); the rest of the CLI's ${uncontended.toFixed(0)} ms is node's start and queue's loading`,
);
rmSync(u.dir, { recursive: true, force: true });

// 2. Contended.
function claimLoop(cwd, agent, latencies) {
  return new Promise((resolve) => {
    const won = [];
    const next = () => {
      const t0 = process.hrtime.bigint();
      const p = spawn(process.execPath, [bin, 'claim', '--agent', agent, '--json'], { cwd, env: noExtraCa });
      let out = '';
      let err = '';
      p.stdout.on('data', (d) => (out += d));
      p.stderr.on('data', (d) => (err += d));
      p.on('close', (code, signal) => {
        let j;
        try {
          j = JSON.parse(out);
        } catch {
          throw new Error(`queue claim printed no JSON (exit ${code}, signal ${signal}): ${out}${err}`);
        }
        if (code === 0) {
          latencies.push(ms(t0));
          won.push({ id: j.story.id, agent, attempts: j.attempts });
          next();
        } else if (j.error.code === 'no_ready_story') resolve(won);
        else throw new Error(out);
      });
    };
    next();
  });
}

/** `writers` claimers, each alone on a remote of its own: the same processes and CPU load as the
 *  contended run with no shared branch, so no protocol can do better on this machine. */
async function isolated(stories, writers) {
  const setups = Array.from({ length: writers }, () => setup(Math.ceil(stories / writers), 1));
  const latencies = [];
  const t0 = process.hrtime.bigint();
  const results = (await Promise.all(setups.map((s, k) => claimLoop(s.clones[0], `W-${k}`, latencies)))).flat();
  const seconds = ms(t0) / 1000;
  for (const s of setups) rmSync(s.dir, { recursive: true, force: true });
  return { seconds, rate: results.length / seconds, latencies, claims: results.length };
}

async function contended(stories, writers, clones) {
  const s = setup(stories, clones);
  const latencies = [];
  const t0 = process.hrtime.bigint();
  const results = (await Promise.all(Array.from({ length: writers }, (_, k) => claimLoop(s.clones[k % clones], `W-${k}`, latencies)))).flat();
  const seconds = ms(t0) / 1000;
  const text = git(s.remote, 'show', 'main:WORK_QUEUE.md');
  const claimedRows = text.split('\n').filter((l) => l.startsWith('| [IN PROGRESS'));
  const byId = new Map();
  for (const r of results) byId.set(r.id, (byId.get(r.id) ?? 0) + 1);
  const doubles = [...byId.values()].filter((v) => v > 1).length;
  const lost = results.filter((r) => !text.includes(`| [IN PROGRESS: ${r.agent}] | **${r.id}** |`)).length;
  rmSync(s.dir, { recursive: true, force: true });
  return { seconds, rate: results.length / seconds, latencies, doubles, lost, claims: results.length, rows: claimedRows.length, attempts: results.map((r) => r.attempts) };
}

const N = quick ? 60 : 200;
const single = await contended(Math.min(N, 60), 1, 1);
const many = await contended(N, 16, 8);
const alone = await isolated(N, 16);
console.log(`one writer alone: ${single.rate.toFixed(1)} claims/s`);
console.log(
  `16 claimers over 8 clones, ${N} stories: ${many.claims} claims in ${many.seconds.toFixed(1)} s = ${many.rate.toFixed(1)} claims/s (${((100 * many.rate) / single.rate).toFixed(0)}% of one writer; target ≥ 70%)`,
);
console.log(`  double claims: ${many.doubles}, successes missing from the remote: ${many.lost}, claimed rows on the remote: ${many.rows} (target: 0, 0, ${N})`);
console.log(
  `  latency median ${median(many.latencies).toFixed(0)} ms, p99 ${pct(many.latencies, 99).toFixed(0)} ms = ${(pct(many.latencies, 99) / uncontended).toFixed(1)}× the uncontended median (target ≤ 10×); attempts mean ${(many.attempts.reduce((a, b) => a + b, 0) / many.attempts.length).toFixed(1)}, max ${Math.max(...many.attempts)}`,
);
console.log(
  `16 claimers, each alone on a remote of its own (${N} stories in all; same processes, nothing shared): ${alone.rate.toFixed(1)} claims/s; latency median ${median(alone.latencies).toFixed(0)} ms, p99 ${pct(alone.latencies, 99).toFixed(0)} ms = ${(pct(alone.latencies, 99) / uncontended).toFixed(1)}× the uncontended median: the floor 16 processes on this machine's ${availableParallelism()} cores set for any protocol`,
);
console.log(
  `what sharing one branch costs over that floor: throughput ${(many.rate / alone.rate).toFixed(2)}× the floor's, p99 ${(pct(many.latencies, 99) / pct(alone.latencies, 99)).toFixed(2)}× the floor's`,
);
