// Benchmark of `queue run` (the coordinator loop). Prints figures and ratios taken in this one run;
// asserts nothing.
//   node bench/run-loop.mjs [--quick]
// 200 stories with dependencies (story i depends on story ⌊(i-1)/2⌋: a binary tree, so work fans
// out), 4 workers, an agent that finishes at once (a shell script: one commit, `queue done`).
// - Runner overhead per story: the worker time a story takes minus what its agent took, from the
//   moment its claim began to the moment its done landed on the shared branch: claim, worktree,
//   prompt, start, judge, integrate, done (waiting for the clone's lock included).
//   Compared with one uncontended `queue claim ID` + `queue done ID` from the command line,
//   measured in the same run on a clone of the same queue.
// - Idle while ready: for each story, the time between its becoming ready (the done of its last
//   dependency landed, or the start) and the start of its claim during which some worker was free
//   (not working on a story, not claiming), summed, as a share of all worker time (workers × wall).
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { remoteWithClones } from './git.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'dist', 'queue.js');
const quick = process.argv.includes('--quick');
const N = quick ? 40 : 200;
const WORKERS = 4;
const deps = (i) => (i === 0 ? [] : [`S-${Math.floor((i - 1) / 2)}`]);

function queueText(n) {
  const rows = Array.from({ length: n }, (_, i) => `| ${deps(i).length ? '[BLOCKED]' : '[ ]'} | **S-${i}** | Story number ${i} | ${deps(i).join(', ') || 'None'} |`);
  return `# Bench queue\n\n## Tier 1\n\n| Status | Story | Description | Depends On |\n|---|---|---|---|\n${rows.join('\n')}\n`;
}

function setup(n, clones) {
  return remoteWithClones('queue-bench-run-', queueText(n), { run: { timeout: '60s' } }, clones);
}

const run = (cwd, args, env = {}) =>
  new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const lines = [];
    p.stdout.on('data', (d) => {
      out += d;
      let nl = out.indexOf('\n');
      while (nl >= 0) {
        lines.push({ t: performance.timeOrigin + performance.now(), e: JSON.parse(out.slice(0, nl)) });
        out = out.slice(nl + 1);
        nl = out.indexOf('\n');
      }
    });
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => (code === 0 ? resolve({ ms: performance.now() - t0, lines }) : reject(new Error(`queue ${args.join(' ')}: exit ${code}: ${err}`))));
  });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// 1. The baseline: uncontended `queue claim ID` + `queue done ID`, on a clone of the same queue,
//    taken before and after the run (the machine's speed drifts; both are printed).
async function baselinePairs() {
  const base = setup(N, 1);
  const pairs = [];
  for (let i = 0; i < (quick ? 5 : 11); i++) {
    const id = `S-${i}`;
    const c = await run(base.clones[0], ['claim', id, '--agent', 'Dev', '--json']);
    const d = await run(base.clones[0], ['done', id, '--agent', 'Dev', '--json']);
    pairs.push(c.ms + d.ms);
  }
  rmSync(base.dir, { recursive: true, force: true });
  return median(pairs);
}
const before = await baselinePairs();

// 2. queue run with 4 workers and an agent that finishes at once.
const { dir, clones } = setup(N, 1);
const agentLog = join(dir, 'agents.log');
const agent = join(dir, 'agent.sh');
writeFileSync(
  agent,
  `#!/bin/sh\nset -e\nt0=$(date +%s%N)\necho "$1" > "done-$1.txt"\ngit add "done-$1.txt"\ngit commit -q -m "work on $1"\n"${process.execPath}" "${bin}" done "$1" > /dev/null\nt1=$(date +%s%N)\necho "$1 $t0 $t1" >> "${agentLog}"\n`,
);
chmodSync(agent, 0o755);
const t0 = Date.now();
const { ms: wall, lines } = await run(clones[0], ['run', '--json', '--agents', String(WORKERS), '--name', 'B', '--command', '--', agent, '{story}']);
const finish = lines.at(-1).e;
const agentMs = new Map(
  readFileSync(agentLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [id, a, b] = l.split(' ');
      return [id, (Number(b) - Number(a)) / 1e6];
    }),
);

// Per worker, when it was free: from the start or its last exit (its story's done landed) to the
// moment its next claim began (the dispatch event says how long the claim and the preparation took).
const claimAt = new Map();
const exitAt = new Map();
const free = [];
const lastFree = new Map();
for (const { t, e } of lines) {
  if (e.event === 'dispatch' && e.attempt === 1) {
    const began = t - (e.claimMs ?? 0) - (e.prepareMs ?? 0);
    claimAt.set(e.story, began);
    free.push([lastFree.get(e.agent) ?? t0, began]);
  }
  if (e.event === 'exit') {
    exitAt.set(e.story, t);
    lastFree.set(e.agent, t);
  }
}
for (const w of lastFree.values()) free.push([w, t0 + wall]);
let overheadSum = 0;
let idleReady = 0;
for (let i = 0; i < N; i++) {
  const id = `S-${i}`;
  // The runner's own time on the story: from its claim's start to its done landed, less the agent's.
  overheadSum += exitAt.get(id) - claimAt.get(id) - (agentMs.get(id) ?? 0);
  // Time the story waited, ready, while some worker was free and not yet claiming.
  const readyAt = deps(i).length ? exitAt.get(deps(i)[0]) : t0;
  let waited = 0;
  for (const [a, b] of free) waited = Math.max(waited, Math.min(b, claimAt.get(id)) - Math.max(a, readyAt));
  idleReady += Math.max(0, waited);
}
const after = await baselinePairs();
const baseline = (before + after) / 2;
const overhead = overheadSum / N;
const share = idleReady / (WORKERS * wall);
const agentMedian = median([...agentMs.values()]);
console.log(
  `queue run: ${N} stories, ${WORKERS} workers, ${finish.done} done, ${finish.attempts} attempts, wall ${(wall / 1000).toFixed(1)} s (${(wall / N).toFixed(0)} ms per story)`,
);
console.log(`agent (commit + queue done), median: ${agentMedian.toFixed(0)} ms`);
console.log(
  `baseline, uncontended queue claim + queue done (median of ${quick ? 5 : 11}), before / after the run: ${before.toFixed(0)} / ${after.toFixed(0)} ms; load average ${loadavg()[0].toFixed(1)}`,
);
console.log(
  `runner overhead per story: ${overhead.toFixed(0)} ms = ${(overhead / baseline).toFixed(2)}× the baseline (target ≤ 2×: ${overhead <= 2 * baseline ? 'met' : 'missed'})`,
);
console.log(`idle while a story is ready: ${(share * 100).toFixed(1)}% of worker time (target ≤ 5%: ${share <= 0.05 ? 'met' : 'missed'})`);
rmSync(dir, { recursive: true, force: true });
