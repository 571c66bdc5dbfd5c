/**
 * `queue run` end to end: real processes, real git (a bare remote and clones), fake agents
 * (test/run/fake-agent.mjs) that finish, fail twice then succeed, hang past the timeout, exit 0
 * without finishing, crash, find a blocker, or take a while. Needs dist/ (npm run build).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers.js';
import { BIN, git, queue, remoteFile, setup } from '../git/repos.js';

const AGENT = join(ROOT, 'test', 'run', 'fake-agent.mjs');

/** A table queue of `n` stories S-01…: every third one independent, the others depending on one or two earlier stories. */
function tableQueue(n: number, extra: string[] = []): string {
  const id = (i: number) => `S-${String(i).padStart(2, '0')}`;
  const rows = [];
  for (let i = 1; i <= n; i++) {
    const deps = i % 3 === 1 ? [] : i % 3 === 2 ? [id(i - 1)] : [id(i - 2), id(Math.max(1, i - 5))].filter((d, k, a) => a.indexOf(d) === k);
    rows.push(`| ${deps.length ? '[BLOCKED]' : '[ ]'} | **${id(i)}** | Story ${i} | ${deps.length ? deps.join(', ') : 'None'} |`);
  }
  return ['# Work Queue', '', '## Sprint', '', '| Status | Story | Description | Depends On |', '|--------|-------|-------------|------------|', ...rows, ...extra, ''].join('\n');
}

interface Fixture {
  remote: string;
  clones: string[];
  state: string;
  env: Record<string, string>;
}

/** A remote with `queue` and `config`, `clones` clones, and the fake agent's plan. */
function fixture(text: string, config: Record<string, unknown>, plan: Record<string, string>, clones = 1, files: Record<string, string> = {}): Fixture {
  const { remote, clones: cs } = setup({ 'WORK_QUEUE.md': text, 'queue.config.json': JSON.stringify(config, null, 2), 'conflict.txt': 'base\n', ...files }, clones);
  const state = tempDir('queue-run-state-');
  writeFileSync(join(state, 'plan.json'), JSON.stringify(plan));
  return {
    remote,
    clones: cs,
    state,
    env: { FAKE_PLAN: join(state, 'plan.json'), FAKE_QUEUE_BIN: BIN, FAKE_LOG: join(state, 'agents.jsonl'), FAKE_STATE: state, FAKE_SLOW_MS: '400' },
  };
}

interface RunProcess {
  child: ChildProcess;
  events: Array<Record<string, any>>;
  /** Resolves once an event matching `pred` has been printed. */
  waitFor(pred: (e: Record<string, any>) => boolean): Promise<void>;
  done: Promise<{ code: number | null; signal: string | null; stderr: string }>;
}

/** `queue run --json …` as a real process in `cwd`. */
function startRun(cwd: string, args: string[], env: Record<string, string>): RunProcess {
  const child = spawn(BIN, ['run', '--json', ...args, '--command', '--', process.execPath, AGENT, '{story}'], { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
  const events: Array<Record<string, any>> = [];
  const waiters: Array<{ pred: (e: Record<string, any>) => boolean; resolve: () => void }> = [];
  let buf = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    buf += d;
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      nl = buf.indexOf('\n');
      const e = JSON.parse(line);
      events.push(e);
      for (const w of waiters.splice(0)) w.pred(e) ? w.resolve() : waiters.push(w);
    }
  });
  child.stderr!.on('data', (d) => (stderr += d));
  return {
    child,
    events,
    waitFor: (pred) => (events.some(pred) ? Promise.resolve() : new Promise((resolve) => waiters.push({ pred, resolve }))),
    done: new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr }))),
  };
}

/** The stories at the remote's tip, by id: status category and claimant. */
async function tipStories(clone: string): Promise<Map<string, { status: string; claimant: string | null; raw: string; deps: string[] }>> {
  git(clone, 'fetch', '-q', 'origin');
  const r = await queue(clone, ['list', '--json']);
  expect(r.code).toBe(0);
  return new Map(r.json.stories.map((s: any) => [s.id, { status: s.status, claimant: s.claimant, raw: s.rawStatus, deps: s.deps }]));
}

/**
 * Intervals during which each story was worked on, from the fake agents' log; no two may overlap. An
 * agent killed before it could log its end (a timeout's SIGTERM before its handler ran) ends, at the
 * latest, when the runner's record of that attempt ends (`run.json` in `clones`' logs).
 */
function overlaps(logFile: string, clones: string[] = []): string[] {
  const ends = new Map<string, number>();
  for (const c of clones) for (const r of records(c)) ends.set(`${r.agent}\0${r.story}\0${r.attempt}`, Date.parse(r.end));
  const lines = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const spans = new Map<string, { story: string; start: number; end: number }>();
  for (const l of lines) {
    const key = `${l.pid}`;
    if (l.event === 'start') spans.set(key, { story: l.story, start: l.t, end: ends.get(`${l.agent}\0${l.story}\0${l.attempt}`) ?? Number.POSITIVE_INFINITY });
    else spans.get(key)!.end = l.t;
  }
  const all = [...spans.values()];
  const bad: string[] = [];
  for (let i = 0; i < all.length; i++)
    for (let j = i + 1; j < all.length; j++) {
      const [a, b] = [all[i], all[j]];
      if (a.story === b.story && a.start < b.end && b.start < a.end) bad.push(`${a.story}: [${a.start}, ${a.end}] and [${b.start}, ${b.end}]`);
    }
  return bad;
}

/** Whether process `pid` still runs (a zombie waiting for its parent to read it does not; on Linux, read from /proc). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    if (existsSync('/proc/self')) return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Commit subjects of the remote's main, oldest first. */
const subjects = (remote: string) => git(remote, 'log', '--reverse', '--format=%s', 'main').split('\n').filter(Boolean);

/** The run.json of every attempt in `clone`'s logs. */
function records(clone: string): Array<Record<string, any>> {
  const dir = join(clone, 'logs', 'run');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((d) => existsSync(join(dir, d, 'run.json')))
    .map((d) => JSON.parse(readFileSync(join(dir, d, 'run.json'), 'utf8')));
}

/** Every attempt's log directory holds the prompt, both outputs and a complete run.json. */
function checkLogs(clone: string): Array<Record<string, any>> {
  const dir = join(clone, 'logs', 'run');
  return readdirSync(dir).map((d) => {
    for (const f of ['prompt.md', 'stdout.log', 'stderr.log', 'run.json']) expect(existsSync(join(dir, d, f)), `${d}/${f}`).toBe(true);
    const r = JSON.parse(readFileSync(join(dir, d, 'run.json'), 'utf8'));
    for (const k of ['story', 'agent', 'attempt', 'start', 'end', 'exit', 'exitStatus', 'outcome', 'commits']) expect(r, `${d}/run.json`).toHaveProperty(k);
    expect(readFileSync(join(dir, d, 'prompt.md'), 'utf8')).toContain(r.story);
    return r;
  });
}

describe('queue run', () => {
  it('finishes a 30-story queue with dependencies with 3 agents from a clean clone: retries, a blocker found, an escalation; code lands before done', async () => {
    const f = fixture(tableQueue(30), { run: { timeout: '20s', retries: 3 } }, { 'S-05': 'flaky', 'S-09': 'blocker', 'S-13': 'noop', '*': 'ok' });
    const clone = f.clones[0];
    const r = startRun(clone, ['--agents', '3', '--name', 'R'], f.env);
    const end = await r.done;
    expect(end.stderr).toBe('');
    expect(end.code).toBe(1); // one story escalated

    const finish = r.events.at(-1)!;
    expect(finish).toMatchObject({ schemaVersion: 1, event: 'finish', escalated: ['S-13'] });
    const tip = await tipStories(clone);
    // Every story ends done or escalated, or waits on the escalated one.
    const waitsOnEscalated = new Set(['S-13']);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [id, s] of tip)
        if (!waitsOnEscalated.has(id) && s.deps.some((d) => waitsOnEscalated.has(d))) {
          waitsOnEscalated.add(id);
          grew = true;
        }
    }
    expect(waitsOnEscalated.size).toBeGreaterThan(3);
    for (const [id, s] of tip) {
      if (id === 'S-13') expect(s.raw).toMatch(/^\[BLOCKED: 3 failed attempts, see logs\/run\/.*_S-13_a3\]$/);
      else if (s.status !== 'done') expect(waitsOnEscalated.has(id), `${id} is ${s.raw}`).toBe(true);
      expect(s.claimant, `${id} still claimed`).toBeNull();
    }
    expect(tip.get('S-09-B')?.status).toBe('done');
    expect(tip.get('S-09')?.status).toBe('done');
    expect(finish.done).toBe([...tip.values()].filter((s) => s.status === 'done').length);
    expect(finish.done).toBeGreaterThanOrEqual(18);

    // S-05 failed twice, then succeeded; each retry with a handoff naming what happened.
    const s05 = r.events.filter((e) => e.story === 'S-05');
    expect(s05.filter((e) => e.event === 'exit').map((e) => e.outcome)).toEqual(['failed', 'failed', 'done']);
    const retries = s05.filter((e) => e.event === 'retry');
    expect(retries.map((e) => e.attempt)).toEqual([2, 3]);
    const handoffText = git(f.remote, 'show', `main:${retries[0].handoff}`);
    expect(handoffText).toContain('Attempt 1 of 3');
    expect(handoffText).toContain('exit 1');
    expect(handoffText).toContain('flaky failure on attempt 1');
    // The blocker: not a failure, the blocker taken and done, then the story itself.
    const s09 = r.events.filter((e) => e.story === 'S-09' && e.event === 'exit').map((e) => e.outcome);
    expect(s09).toEqual(['blocked', 'done']);

    // The code is on the shared branch before the done: "work on X" precedes "queue: done X".
    const subs = subjects(f.remote);
    for (const [id, s] of tip) {
      if (s.status !== 'done') continue;
      const work = subs.indexOf(`work on ${id}`);
      const doneAt = subs.findIndex((x) => x.startsWith(`queue: done ${id} (`));
      expect(work, `work on ${id}`).toBeGreaterThanOrEqual(0);
      expect(work, `${id}: code before done`).toBeLessThan(doneAt);
      expect(git(f.remote, 'show', `main:work/${id}.txt`)).toContain(id);
    }
    expect(overlaps(f.env.FAKE_LOG, [clone])).toEqual([]);
    const records = checkLogs(clone);
    expect(records.length).toBe(finish.attempts);
    expect(records.filter((x) => x.story === 'S-13').map((x) => x.outcome)).toEqual(['failed', 'failed', 'failed']);
    // Nothing the run made shows in git status, and the worktrees are reused by the next run.
    expect(git(clone, 'status', '--porcelain')).toBe('');
    expect((await queue(clone, ['validate', '--json'])).json.valid).toBe(true);
  }, 240_000);

  it('a hang is killed at the timeout with its process group, a crash, a clean exit without done and a critical error are failed attempts; after the last the story is blocked for a person', async () => {
    const text = tableQueue(0, [
      '| [ ] | **H** | Hangs | None |',
      '| [ ] | **C** | Crashes | None |',
      '| [ ] | **N** | Does nothing | None |',
      '| [ ] | **F** | Logs FATAL | None |',
    ]);
    const f = fixture(text, { run: { timeout: '3s', retries: 2 } }, { H: 'hang', C: 'crash', N: 'noop', F: 'critical' });
    const clone = f.clones[0];
    const r = startRun(clone, ['--agents', '2', '--name', 'R'], f.env);
    const end = await r.done;
    expect(end.code).toBe(1);
    const finish = r.events.at(-1)!;
    expect(finish).toMatchObject({ event: 'finish', done: 0, attempts: 8 });
    expect([...finish.escalated].sort()).toEqual(['C', 'F', 'H', 'N']);
    const exits = (id: string) => r.events.filter((e) => e.event === 'exit' && e.story === id);
    for (const e of exits('H')) expect(e.exit).toMatch(/^timed out \(process group killed/);
    expect(exits('C')[0].exit).toBe('killed by SIGKILL');
    expect(exits('N')[0].why).toBe('exited 0 without marking the story done');
    expect(exits('F')[0].why).toBe('critical error in the log: FATAL: the database is gone');
    const tip = await tipStories(clone);
    for (const id of ['H', 'C', 'N', 'F']) expect(tip.get(id)!.raw).toMatch(new RegExp(`^\\[BLOCKED: 2 failed attempts, see logs/run/.*_${id}_a2\\]$`));
    // The hanging agent's grandchild went with its process group.
    const pids = readFileSync(join(f.state, 'grandchildren'), 'utf8').split('\n').filter(Boolean).map(Number);
    expect(pids.length).toBeGreaterThanOrEqual(1);
    for (const pid of pids) expect(alive(pid), `grandchild ${pid}`).toBe(false);
    // The escalation's handoff is addressed to a person, with the last lines of the log.
    const handoffs = git(f.remote, 'ls-tree', '--name-only', 'main', 'deployment/handoffs/')
      .split('\n')
      .filter((p) => p.includes('a-person'));
    expect(handoffs.length).toBe(4);
    expect(git(f.remote, 'show', `main:${handoffs.find((h) => h.endsWith('-n.md'))}`)).toContain('did nothing');
    expect(overlaps(f.env.FAKE_LOG, [clone])).toEqual([]);
    expect(checkLogs(clone).length).toBe(8);
  }, 120_000);

  it("passes the remote's queue hook, which judges each commit by its author: every worker authors its own writes", async () => {
    const f = fixture(tableQueue(4), { run: { timeout: '30s' } }, { '*': 'ok' });
    const hook = await queue(f.remote, ['hooks', 'install', '--server']);
    expect(hook.code, hook.stderr).toBe(0);
    const r = startRun(f.clones[0], ['--agents', '2', '--name', 'R'], f.env);
    const end = await r.done;
    // A failed run says why in its JSON events, not on stderr.
    expect(end.code, `${end.stderr}${JSON.stringify(r.events.filter((e) => e.event !== 'progress'))}`).toBe(0);
    const tip = await tipStories(f.clones[0]);
    for (const [id, s] of tip) expect(s.status, id).toBe('done');
    // The queue's commits name the worker as author; the clone's identity commits them.
    const queueCommits = git(f.remote, 'log', '--format=%an <%ae> | %cn | %s', 'main')
      .split('\n')
      .filter((l) => / \| queue: (claim|done) /.test(l));
    expect(queueCommits.length).toBe(8);
    for (const l of queueCommits) {
      const [author, committer, subject] = l.split(' | ');
      const worker = /\((R-\d)\)/.exec(subject)![1];
      expect(author).toBe(`${worker} <${worker.toLowerCase()}@queue.invalid>`);
      expect(committer).not.toBe(worker);
    }
  }, 120_000);

  it('two runs in two clones never give one story to two agents at once', async () => {
    const f = fixture(tableQueue(12), { run: { timeout: '20s' } }, { '*': 'slow' }, 2);
    const a = startRun(f.clones[0], ['--agents', '2', '--name', 'A'], f.env);
    const b = startRun(f.clones[1], ['--agents', '2', '--name', 'B'], f.env);
    const [ea, eb] = await Promise.all([a.done, b.done]);
    expect([ea.code, eb.code]).toEqual([0, 0]);
    const tip = await tipStories(f.clones[0]);
    for (const [id, s] of tip) expect(s.status, id).toBe('done');
    const subs = subjects(f.remote);
    for (const id of tip.keys()) expect(subs.filter((s) => s.startsWith(`queue: done ${id} (`)).length, id).toBe(1);
    expect(a.events.at(-1)!.done + b.events.at(-1)!.done).toBe(12);
    expect(overlaps(f.env.FAKE_LOG, f.clones)).toEqual([]);
  }, 180_000);

  it('Ctrl-C stops dispatching and lets running agents finish; a second Ctrl-C kills them and releases their claims with a handoff', async () => {
    const f = fixture(tableQueue(6), { run: { timeout: '30s' } }, { '*': 'slow' });
    const env = { ...f.env, FAKE_SLOW_MS: '2500' };
    const once = startRun(f.clones[0], ['--agents', '2', '--name', 'R'], env);
    await once.waitFor((e) => e.event === 'dispatch' && e.agent === 'R-2');
    once.child.kill('SIGINT');
    const end = await once.done;
    // Stopped before the queue was through: the shell's code for a Ctrl-C.
    expect(end.code).toBe(130);
    expect(once.events.at(-1)).toMatchObject({ event: 'finish', done: 2, interrupted: true });
    expect(once.events.filter((e) => e.event === 'dispatch').length).toBe(2);
    let tip = await tipStories(f.clones[0]);
    expect([...tip.values()].filter((s) => s.claimant !== null)).toEqual([]);
    expect([...tip.values()].filter((s) => s.status === 'done').length).toBe(2);

    writeFileSync(join(f.state, 'plan.json'), JSON.stringify({ '*': 'hang' }));
    const twice = startRun(f.clones[0], ['--agents', '2', '--name', 'R'], env);
    await twice.waitFor((e) => e.event === 'dispatch' && e.agent === 'R-2');
    twice.child.kill('SIGINT');
    // The second Ctrl-C, sent again until the run ends: two signals close together may reach a
    // loaded machine's process as one, and the agents would hang on (more are no-ops).
    const again = setInterval(() => twice.child.kill('SIGINT'), 500);
    const end2 = await twice.done.finally(() => clearInterval(again));
    expect(end2.code).toBe(130);
    const released = twice.events.filter((e) => e.event === 'release');
    expect(released.length).toBe(2);
    expect(twice.events.filter((e) => e.event === 'exit').map((e) => e.outcome)).toEqual(['interrupted', 'interrupted']);
    tip = await tipStories(f.clones[0]);
    expect([...tip.values()].filter((s) => s.claimant !== null)).toEqual([]);
    const subs = subjects(f.remote);
    for (const e of released) expect(subs).toContain(`queue: release ${e.story} (R-${e.agent.slice(-1)})`);
    expect(subs.filter((s) => /^queue: handoff .* → next claimant\)$/.test(s)).length).toBe(2);
  }, 120_000);

  it('renews the lease while an agent works, so queue stale never reclaims live work; killed with -9, its claim goes stale after the lease', async () => {
    const f = fixture(tableQueue(1), { lease: '4s', run: { timeout: '60s' } }, { '*': 'slow' }, 2);
    const env = { ...f.env, FAKE_SLOW_MS: '60000' };
    const r = startRun(f.clones[0], ['--name', 'R'], env);
    await r.waitFor((e) => e.event === 'dispatch');
    const other = f.clones[1];
    // Past the lease more than once while the agent works.
    for (const until = Date.now() + 9000; Date.now() < until; ) {
      await new Promise((res) => setTimeout(res, 1000));
      const stale = await queue(other, ['stale', '--release', '--agent', 'Lead', '--json']);
      expect(stale.code).toBe(0);
      expect(stale.json.released).toEqual([]);
    }
    r.child.kill('SIGKILL');
    await r.done;
    // The agent outlives a runner killed with -9; stop it (it could only record its done for a runner that is gone).
    const start = readFileSync(f.env.FAKE_LOG, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((l) => l.event === 'start');
    try {
      process.kill(-start.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    expect((await tipStories(other)).get('S-01')!.claimant).toBe('R-1');
    await new Promise((res) => setTimeout(res, 5500));
    const stale = await queue(other, ['stale', '--release', '--agent', 'Lead', '--json']);
    expect(stale.json.released).toEqual(['S-01']);
    expect((await tipStories(other)).get('S-01')!.claimant).toBeNull();
  }, 120_000);

  it('--max-stories and --once bound what is dispatched; a restarted runner first releases, with a handoff, the work its workers still hold', async () => {
    const f = fixture(
      tableQueue(0, ['| [ ] | **A** | a | None |', '| [ ] | **B** | b | None |', '| [ ] | **C** | c | None |', '| [ ] | **D** | d | None |']),
      { run: { timeout: '20s' } },
      { '*': 'ok' },
    );
    const clone = f.clones[0];
    const one = startRun(clone, ['--agents', '2', '--max-stories', '1', '--name', 'R'], f.env);
    expect((await one.done).code).toBe(0);
    expect(one.events.filter((e) => e.event === 'dispatch').length).toBe(1);
    // R-1 holds a story nobody works on, as after a runner killed with -9.
    expect((await queue(clone, ['claim', 'D', '--agent', 'R-1', '--json'])).code).toBe(0);
    const once = startRun(clone, ['--agents', '2', '--once', '--name', 'R'], f.env);
    expect((await once.done).code).toBe(0);
    expect(once.events[0]).toMatchObject({ event: 'release', story: 'D', agent: 'R-1' });
    expect(once.events.filter((e) => e.event === 'dispatch').length).toBe(2);
    expect(once.events.at(-1)).toMatchObject({ event: 'finish', done: 2 });
    expect(subjects(f.remote)).toContain('queue: handoff D (R-1 restart → next claimant)');
    const tip = await tipStories(clone);
    expect([...tip.values()].filter((s) => s.status === 'done').length).toBe(3);
    expect([...tip.values()].filter((s) => s.claimant !== null)).toEqual([]);
  }, 60_000);

  it("a worker named by an alias in the config's agents claims under the canonical name and still finishes its story", async () => {
    const f = fixture(tableQueue(0, ['| [ ] | **A** | a | None |']), { run: { timeout: '20s' }, agents: { Bot: ['R-1'] } }, { '*': 'ok' });
    const clone = f.clones[0];
    const run = startRun(clone, ['--agents', '1', '--name', 'R'], f.env);
    expect((await run.done).code).toBe(0);
    expect(run.events.at(-1)).toMatchObject({ event: 'finish', done: 1 });
    expect(subjects(f.remote)).toContain('queue: claim A (Bot)');
    expect((await tipStories(clone)).get('A')).toMatchObject({ status: 'done' });
  }, 60_000);

  it("in a clone that knows no origin/HEAD (a clone of an empty remote), the agents' own queue commands write to the shared branch, not their worktree's", async () => {
    const f = fixture(tableQueue(0, ['| [ ] | **A** | a | None |', '| [ ] | **B** | b | None |']), { run: { timeout: '20s', retries: 1 } }, { A: 'blocker', '*': 'ok' });
    const clone = f.clones[0];
    git(clone, 'remote', 'set-head', 'origin', '-d');
    const r = startRun(clone, ['--agents', '1', '--max-stories', '1', '--name', 'H'], f.env);
    const end = await r.done;
    expect(end.stderr).toBe('');
    // The agent's `queue add` and `queue dep add` landed on main: A waits on its blocker, not failed.
    expect(r.events.filter((e) => e.event === 'exit').map((e) => e.outcome)).toEqual(['blocked']);
    const tip = await tipStories(clone);
    expect(tip.get('A')?.deps).toEqual(['A-B']);
    expect(tip.get('A')?.claimant).toBeNull();
    expect(git(f.remote, 'branch', '--list', 'queue-run/*')).toBe('');
  }, 60_000);

  it('integrates by merge, or pushes a branch and leaves the story in review; a conflict is a failed attempt naming the file; --dry-run claims nothing; --clean removes the worktrees', async () => {
    const text = tableQueue(0, ['| [ ] | **M** | Merged | None |', '| [ ] | **K** | Conflicts | None |']);
    const f = fixture(text, { run: { timeout: '20s', retries: 1, integrate: 'merge' } }, { M: 'ok', K: 'conflict' });
    const clone = f.clones[0];
    const dry = await queue(clone, ['run', '--json', '--dry-run', '--agents', '2', '--name', 'R', '--command', '--', 'agent', '{story}', '{agent}'], f.env);
    expect(dry.code).toBe(0);
    const lines = dry.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(lines.map((e) => [e.event, e.story, e.agent, e.command?.slice(1)])).toEqual([
      ['dispatch', 'M', 'R-1', ['M', 'R-1']],
      ['dispatch', 'K', 'R-2', ['K', 'R-2']],
      ['finish', undefined, undefined, undefined],
    ]);
    expect(subjects(f.remote)).toEqual(['seed']);

    const r = startRun(clone, ['--agents', '1', '--name', 'R'], f.env);
    expect((await r.done).code).toBe(1);
    const exits = r.events.filter((e) => e.event === 'exit');
    expect(exits.find((e) => e.story === 'M')).toMatchObject({ outcome: 'done' });
    expect(exits.find((e) => e.story === 'K')).toMatchObject({ outcome: 'conflict', why: 'the commits do not apply on main: conflict in conflict.txt' });
    expect(remoteFile(f.remote)).toMatch(/\[BLOCKED: 1 failed attempt, see logs\/run\/.*_K_a1\]/);
    expect(git(f.remote, 'show', 'main:conflict.txt')).toMatch(/^changed on the shared branch/);

    // branch: the work is pushed as queue-run/<story>, the story left in review.
    writeFileSync(join(f.state, 'plan.json'), JSON.stringify({ '*': 'ok' }));
    git(clone, 'pull', '-q');
    await queue(clone, ['add', '--id', 'B', '--title', 'On a branch', '--agent', 'Lead']);
    const b = startRun(clone, ['--name', 'R', '--integrate', 'branch'], f.env);
    expect((await b.done).code).toBe(0);
    expect(b.events.find((e) => e.event === 'exit' && e.story === 'B')).toMatchObject({ outcome: 'review' });
    // In review is not done: the finish names it for the person who reviews.
    expect(b.events.at(-1)).toMatchObject({ event: 'finish', done: 0, review: ['B'] });
    expect(remoteFile(f.remote)).toContain('[REVIEW: R-1]');
    expect(git(f.remote, 'show', 'queue-run/b:work/B.txt')).toContain('B by R-1');
    expect(() => git(f.remote, 'show', 'main:work/B.txt')).toThrow();

    const clean = await queue(clone, ['run', '--clean', '--json']);
    expect(clean.json.removed.length).toBe(1);
    expect(existsSync(join(clone, '.queue-run', 'r-1'))).toBe(false);
  }, 120_000);
});
