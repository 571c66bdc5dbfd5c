import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, git, remoteFile, setup } from '../git/repos.js';
import { ROOT, tempDir } from '../helpers.js';

const HEAD = '| Status | Story | Description | Depends On |\n|--------|-------|-------------|------------|\n';
const QUEUE =
  HEAD +
  [
    '| [DONE] | **A** | a | None |',
    '| [IN PROGRESS: dev1] | **B** | b | A ✅ |',
    '| [BLOCKED] | **C** | waits on B | B |',
    '| [BLOCKED] | **D** | manual hold | None |',
    '| [BLOCKED] | **E** | waits on B and F | B, F |',
    '| [ ] | **F** | f | None |',
  ].join('\n') +
  '\n';

let proc: ChildProcessWithoutNullStreams | null = null;
afterEach(() => {
  proc?.kill('SIGKILL');
  proc = null;
});

async function startWatch(dir: string, debounce = 50, extra: string[] = []): Promise<{ lines: string[] }> {
  const out = { lines: [] as string[] };
  proc = spawn(BIN, ['watch', '--debounce', String(debounce), ...extra], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  let buf = '';
  proc.stdout.on('data', (d) => {
    buf += d;
    const parts = buf.split('\n');
    buf = parts.pop()!;
    out.lines.push(...parts);
  });
  await waitFor(() => out.lines.some((l) => l.startsWith('watching')), 10_000);
  return out;
}

/** Wait until `ok()` holds. `ms` is a generous limit on a loaded machine, not a latency check:
 * how fast the watcher answers is measured by bench/watch.mjs. */
async function waitFor(ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Run `f` until it stops throwing (10 tries, 100 ms apart). */
async function retry(f: () => unknown): Promise<void> {
  for (let k = 0; ; k++) {
    try {
      f();
      return;
    } catch (e) {
      if (k >= 9) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function repo(): string {
  const dir = tempDir('queue-watch-');
  execFileSync('git', ['init', '-q'], { cwd: dir });
  writeFileSync(join(dir, 'WORK_QUEUE.md'), QUEUE);
  return dir;
}
const file = (dir: string) => join(dir, 'WORK_QUEUE.md');
const text = (dir: string) => readFileSync(file(dir), 'utf8');
const doneB = (s: string) => s.replace('| [IN PROGRESS: dev1] | **B** |', '| [DONE] | **B** |');
/** Handoff files (the temp files of a write, `x.md.123`, may be there for a moment). */
const handoffs = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.md'));
const check = (dir: string) => execFileSync(BIN, ['render', '--check'], { cwd: dir, encoding: 'utf8' });

describe('queue watch (real file system events, a real process)', () => {
  it('a hand edit marking B done unblocks exactly its ready dependents and marks them; the hold stays', async () => {
    const dir = repo();
    const w = await startWatch(dir);
    writeFileSync(file(dir), doneB(QUEUE));
    await waitFor(() => text(dir).includes('| [ ] | **C** | waits on B | B ✅ |'));
    const after = text(dir);
    expect(after).toContain('| [BLOCKED] | **D** | manual hold | None |');
    expect(after).toContain('| [BLOCKED] | **E** | waits on B and F | B ✅, F |');
    expect(after.split('\n').filter((l, i) => l !== doneB(QUEUE).split('\n')[i])).toHaveLength(2);
    expect(check(dir)).toContain('up to date');
    await waitFor(() => w.lines.some((l) => /unblock C; mark B ✅ in C; mark B ✅ in E/.test(l)));
  });

  it('the done-when: a hand edit [IN PROGRESS: dev1] → [DONE] gives unblocked dependents, marks, a refreshed status board and handoffs', async () => {
    const dir = repo();
    mkdirSync(join(dir, 'deployment', 'status'), { recursive: true });
    const board =
      '# Current Status\n\n## dev1 Status\n**Last Updated**: 2026-01-01 10:00\n**Current Task**: B, the b work\n**Progress**: 80%\n**Blockers**: None\n**Next Update**: soon\n';
    writeFileSync(join(dir, 'deployment', 'status', 'current-status.md'), board);
    await startWatch(dir);
    writeFileSync(file(dir), doneB(QUEUE));
    const handoff = join(dir, 'deployment', 'handoffs');
    // How soon (the done-when says within a second) is bench/watch.mjs's to measure.
    await waitFor(
      () =>
        text(dir).includes('| [ ] | **C** |') &&
        existsSync(handoff) &&
        handoffs(handoff).length > 0 &&
        readFileSync(join(dir, 'deployment', 'status', 'current-status.md'), 'utf8').includes('**Current Task**: None'),
    );
    const newBoard = readFileSync(join(dir, 'deployment', 'status', 'current-status.md'), 'utf8');
    expect(newBoard).toContain('**Progress**: 80%');
    expect(newBoard).not.toContain('2026-01-01 10:00');
    const [name] = handoffs(handoff);
    expect(name).toMatch(/^\d{4}-\d{2}-\d{2}-dev1-next-claimant-c\.md$/);
    expect(readFileSync(join(handoff, name), 'utf8')).toMatch(/^---\nfrom_agent: dev1\nto_agent: next claimant\n/);
    expect(check(dir)).toContain('up to date');
  });

  it('a story marked done by hand joins the Completed log with its own wave: queue render, and queue watch', async () => {
    const log = readFileSync(join(ROOT, 'test', 'fixtures', 'completed-log.md'), 'utf8');
    const byHand = (s: string) => s.replace('| [IN PROGRESS: Dev 1] | **OPS-4** |', '| [DONE] | **OPS-4** |');
    const row = '| [DONE] **OPS-3** | Structured logging | Dev 3 | 2 |\n| [DONE] **OPS-4** | Metrics exporter | Dev 1 | 3 |\n';
    // queue render: done by hand since the committed file.
    const dir = repo();
    writeFileSync(file(dir), log);
    git(dir, 'add', '-A');
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'queue');
    writeFileSync(file(dir), byHand(log));
    const out = JSON.parse(execFileSync(BIN, ['render', '--json'], { cwd: dir, encoding: 'utf8' }));
    expect(out.actions).toContain('log OPS-4 in the Completed log');
    expect(text(dir)).toContain(row);
    expect(check(dir)).toContain('up to date');
    // In a clone: done by hand and committed, not pushed (since the clone last agreed with origin/main).
    const { clones } = setup({ 'WORK_QUEUE.md': log }, 1);
    writeFileSync(file(clones[0]), byHand(log));
    git(clones[0], 'commit', '-qam', 'OPS-4 done by hand');
    expect(JSON.parse(execFileSync(BIN, ['render', '--json'], { cwd: clones[0], encoding: 'utf8' })).actions).toContain('log OPS-4 in the Completed log');
    expect(text(clones[0])).toContain(row);
    // queue watch: done by hand since its last pass.
    const watched = repo();
    writeFileSync(file(watched), log);
    await startWatch(watched);
    writeFileSync(file(watched), byHand(log));
    await waitFor(() => text(watched).includes(row));
    expect(text(watched).split(row)).toHaveLength(2);
  });

  it('survives atomic saves, deletion and re-creation', async () => {
    const dir = repo();
    await startWatch(dir);
    writeFileSync(join(dir, 'tmp-save'), doneB(QUEUE));
    renameSync(join(dir, 'tmp-save'), file(dir));
    await waitFor(() => text(dir).includes('| [ ] | **C** |'));
    rmSync(file(dir));
    await new Promise((r) => setTimeout(r, 200));
    writeFileSync(file(dir), QUEUE.replace('| [ ] | **F** | f | None |', '| [DONE] | **F** | f | None |'));
    await waitFor(() => text(dir).includes('B, F ✅'));
  });

  it('sees a hand edit that lands just after its own write, when no pass is pending (chokidar drops a change within 50 ms of the last)', async () => {
    // Nothing here writes a board or handoffs: the queue file is the watcher's only write.
    const q = `${HEAD + ['| [DONE] | **D** | d | None |', '| [ ] | **A** | a | D ✅ |', '| [ ] | **C** | c | None |', '| [BLOCKED] | **B** | b | A, C |'].join('\n')}\n`;
    const dir = repo();
    writeFileSync(file(dir), q);
    await startWatch(dir, 5);
    for (const [id, want] of [
      ['A', 'A ✅, C |'],
      ['C', '| [ ] | **B** | b | A ✅, C ✅ |'],
    ]) {
      const end = Date.now() + 5000;
      let t = text(dir);
      writeFileSync(file(dir), t.replace(`| [ ] | **${id}** |`, `| [DONE] | **${id}** |`));
      // After the first edit: wait for the watcher's write, let its pass finish (debounce 5 ms), then
      // edit again some 25 ms after that write, inside chokidar's 50 ms.
      if (id === 'A') {
        while (!(t = text(dir)).includes(want) && Date.now() < end);
        await new Promise((r) => setTimeout(r, 25));
      } else await waitFor(() => text(dir).includes(want));
    }
  });

  it('100 rapid writes: the last one wins, nothing written by hand is lost, and the result is up to date', async () => {
    const dir = repo();
    await startWatch(dir);
    for (let k = 0; k < 100; k++) writeFileSync(file(dir), `${k >= 50 ? doneB(QUEUE) : QUEUE}\nnote ${k}\n`);
    await waitFor(() => text(dir).includes('| [ ] | **C** |') && text(dir).includes('note 99'));
    await new Promise((r) => setTimeout(r, 300));
    expect(text(dir)).toContain('note 99');
    expect(check(dir)).toContain('up to date');
  });

  it('200 tight-loop hand edits (in place and atomic saves) while the watcher keeps rendering: not one is lost', async () => {
    // The editor puts C back to [BLOCKED] with every edit; A is done, so every pass has a write to make.
    const q = `${HEAD + ['| [DONE] | **A** | a | None |', '| [ ] | **C** | c | A ✅ |', '| [ ] | **F** | f | None |'].join('\n')}\n`;
    const editor = join(import.meta.dirname, 'hand-editor.mjs');
    for (let run = 0; run < 3; run++) {
      const dir = repo();
      writeFileSync(file(dir), q);
      const w = await startWatch(dir, 1);
      execFileSync(process.execPath, [editor, file(dir), '200']);
      // The last edit blocked C again: once it is unblocked, the watcher has rendered after it.
      await waitFor(() => text(dir).includes('| [ ] | **C** |'));
      const lost = Array.from({ length: 200 }, (_, k) => ` x${k}.`).filter((m) => !text(dir).includes(m));
      expect(lost, `run ${run}: ${w.lines.join('\n')}`).toEqual([]);
      proc?.kill('SIGKILL');
    }
  });

  it('stops cleanly on SIGTERM', async () => {
    const dir = repo();
    const w = await startWatch(dir);
    const p = proc!;
    const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
    p.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(w.lines).toContain('stopped');
  });
});

describe('render and watch with --commit (a bare remote, two clones, real processes)', () => {
  /** B marked done by hand in clone `there` and pushed; as a person would, a push that loses to
   * the watcher's own commit is redone on the new tip. */
  const pushDoneB = (there: string) =>
    retry(() => {
      git(there, 'fetch', '-q');
      git(there, 'reset', '-q', '--hard', 'origin/main');
      writeFileSync(file(there), doneB(text(there)));
      git(there, 'commit', '-qam', 'B done by hand');
      git(there, 'push', '-q', 'origin', 'HEAD:main');
    });

  /** A remote holding QUEUE and two clones, `queue watch --commit` running in the first (`here`)
   * once its first pass has rendered the tip as it is (the status board the config asks for, with dev1's claim). */
  async function watchingClone(extra: string[] = [], agent?: string) {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE, 'queue.config.json': '{"statusBoard": true}\n' }, 2);
    const [here, there] = clones;
    if (agent) git(here, 'config', 'queue.agent', agent);
    const w = await startWatch(here, 50, ['--commit', ...extra]);
    await waitFor(() => w.lines.some((l) => / committed [0-9a-f]{7}: render/.test(l)), 10_000);
    return { remote, here, there, w };
  }

  /** Stop the watcher before its clone is removed: a killed watcher's git child would still be writing there. */
  async function stopWatch() {
    const p = proc!;
    const exited = new Promise((r) => p.on('exit', r));
    p.kill('SIGTERM');
    await exited;
  }

  it('queue render --commit renders the shared tip in one commit, as render does the working file; the clone follows', () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': doneB(QUEUE) }, 1);
    const plain = repo();
    writeFileSync(file(plain), doneB(QUEUE));
    const local = JSON.parse(execFileSync(BIN, ['render', '--json'], { cwd: plain, encoding: 'utf8' }));
    const out = JSON.parse(execFileSync(BIN, ['render', '--commit', '--json'], { cwd: clones[0], encoding: 'utf8' }));
    expect(out.actions).toEqual(local.actions);
    expect(out.actions).toContain('unblock C');
    expect(out.commit).toBe(git(remote, 'rev-parse', 'main').trim());
    expect(remoteFile(remote)).toBe(text(plain));
    expect(remoteFile(remote)).not.toBe(doneB(QUEUE));
    expect(git(clones[0], 'status', '--porcelain')).toBe('');
    expect(git(clones[0], 'rev-parse', 'HEAD')).toBe(git(remote, 'rev-parse', 'main'));
  });

  it('queue watch --commit: a done pushed from another clone and pulled here is rendered as a commit on the shared branch, with its handoff', async () => {
    const { remote, here, there, w } = await watchingClone();
    await pushDoneB(there);
    const pushed = git(remote, 'rev-parse', 'main').trim();
    // As a person would: the watcher may be fast-forwarding this clone itself (index.lock): retry.
    await retry(() => git(here, 'pull', '-q', '--ff-only'));
    await waitFor(() => git(remote, 'rev-parse', 'main').trim() !== pushed, 10_000);
    expect(git(remote, 'log', '-1', '--format=%s', 'main').trim()).toMatch(/^queue: render \(unblock C/);
    const rendered = remoteFile(remote);
    expect(rendered).toContain('| [ ] | **C** | waits on B | B ✅ |');
    expect(rendered).toContain('| [BLOCKED] | **D** | manual hold | None |');
    expect(rendered).toContain('| [BLOCKED] | **E** | waits on B and F | B ✅, F |');
    const files = git(remote, 'show', '--name-only', '--format=', 'main').trim().split('\n');
    expect(files.some((f) => /^deployment\/handoffs\/.*-c\.md$/.test(f))).toBe(true);
    await waitFor(() => w.lines.filter((l) => / committed [0-9a-f]{7}: render/.test(l)).length === 2);
    await stopWatch();
  });

  it('queue watch --commit decides on the shared tip: a done pushed elsewhere gets its handoff even when the pass runs before this clone pulls it', async () => {
    const { remote, here, there } = await watchingClone();
    await pushDoneB(there);
    const pushed = git(remote, 'rev-parse', 'main').trim();
    // Not pulled: this clone's file still has B in progress. Rewriting it unchanged wakes the watcher.
    expect(text(here)).toContain('| [IN PROGRESS: dev1] | **B** |');
    writeFileSync(file(here), text(here));
    await waitFor(() => git(remote, 'rev-parse', 'main').trim() !== pushed, 10_000);
    expect(git(remote, 'log', '-1', '--format=%s', 'main').trim()).toMatch(/^queue: render \(unblock C/);
    const files = git(remote, 'show', '--name-only', '--format=', 'main').trim().split('\n');
    expect(files.filter((f) => /^deployment\/handoffs\//.test(f))).toHaveLength(1);
    expect(files.some((f) => /^deployment\/handoffs\/.*-c\.md$/.test(f))).toBe(true);
    await stopWatch();
  });
  /** B marked done by hand in the watched clone by dev1, who holds it (and runs the watcher, named by
   * `--agent` or, with `configured`, by the clone's `git config queue.agent`). */
  async function carriedDoneB(commit: boolean, configured = false) {
    const { remote, here, w } = await (configured ? watchingClone([], 'dev1') : watchingClone(['--agent', 'dev1']));
    const before = git(remote, 'rev-parse', 'main').trim();
    writeFileSync(file(here), doneB(text(here)));
    // As a person would: the watcher may be fast-forwarding this clone itself (index.lock): retry.
    if (commit) await retry(() => git(here, 'commit', '-qam', 'B done by hand'));
    await waitFor(() => w.lines.some((l) => / committed [0-9a-f]{7}: render \(B \[DONE\] by hand/.test(l)), 30_000);
    const rendered = remoteFile(remote);
    expect(rendered).toContain('| [DONE] | **B** | b | A ✅ |');
    expect(rendered).toContain('| [ ] | **C** | waits on B | B ✅ |');
    expect(rendered).toContain('| [BLOCKED] | **D** | manual hold | None |');
    expect(rendered).toContain('| [BLOCKED] | **E** | waits on B and F | B ✅, F |');
    // One commit on the shared branch: the done by hand and what follows from it, with C's handoff.
    expect(git(remote, 'rev-list', '--count', `${before}..main`).trim()).toBe('1');
    const subject = git(remote, 'log', '-1', '--format=%s', 'main').trim();
    expect(subject).toMatch(/^queue: render \(B \[DONE\] by hand; unblock C/);
    // What follows from the hand edit is named once.
    expect(subject.match(/unblock C\b/g)).toHaveLength(1);
    const files = git(remote, 'show', '--name-only', '--format=', 'main').trim().split('\n');
    expect(files.some((f) => /^deployment\/handoffs\/.*-c\.md$/.test(f))).toBe(true);
    await stopWatch();
  }

  it('queue watch --commit carries a hand edit of the queue file, not committed, to the shared branch: B done, C unblocked there', () => carriedDoneB(false));

  it('queue watch --commit carries a hand edit committed in the clone (not pushed) to the shared branch the same way', () => carriedDoneB(true));

  it('queue watch --commit acts as the clone’s git config queue.agent when no --agent names one', () => carriedDoneB(false, true));
});
