/**
 * `queue watch` (issue 5): keep what follows from the graph up to date while people and agents edit.
 * chokidar watches the queue file, stories/ and deployment/; changes are debounced into one pass;
 * a pass reads the file, reconciles (`reconcile/`), and writes only when something changes:
 * atomically (write-file-atomic: temp file + rename), and only if the file still holds what was read
 * (otherwise it reads again: a concurrent edit is never clobbered). A pass that finds the bytes it
 * wrote itself does nothing. With `commit`, a pass commits through the transaction layer instead
 * (the shared branch's tip is reconciled; the work tree follows when that is safe).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import chokidar from 'chokidar';
import writeFileAtomic from 'write-file-atomic';
import type { QueueConfig } from '../core/config.js';
import { QueueError } from '../core/errors.js';
import { readQueue } from '../core/read.js';
import { applyDecision } from '../edit/apply.js';
import { transact, type BranchRef } from '../git/transaction.js';
import { reconcile, renderDecision } from '../reconcile/reconcile.js';

export interface WatchOptions {
  /** Repository root; the queue file is `root/file`. */
  root: string;
  /** Queue file relative to the root, `/` separators. */
  file: string;
  config: QueueConfig;
  agent: string;
  /** Quiet time before a pass, in milliseconds. */
  debounceMs?: number;
  /** Commit each pass through the transaction layer (remote and branch as for the write commands). */
  commit?: Pick<BranchRef, 'remote' | 'branch'>;
  /** One line per action taken, for people. */
  log: (line: string) => void;
}

export interface Watcher {
  /** Resolves once the file system watch is live. */
  ready: Promise<void>;
  /** Stop watching; resolves when the last pass has finished. */
  close(): Promise<void>;
}

const sha = (s: string) => createHash('sha1').update(s).digest('hex');

/** Start watching. */
export function watch(opts: WatchOptions): Watcher {
  const path = join(opts.root, opts.file);
  // The queue file's directory is watched, not the file: an editor's atomic save (write a temp file,
  // rename it over) and a delete-and-recreate then stay visible. Everything else in it is ignored,
  // apart from stories/ and deployment/ (and the directories leading to them).
  const queueDir = dirname(path);
  const dirs = [join(opts.root, opts.config.storiesDir), join(opts.root, opts.config.deploymentDir)];
  const within = (p: string, d: string) => p === d || p.startsWith(d + sep);
  const keep = (p: string) => p === queueDir || p === path || dirs.some((d) => within(p, d) || d.startsWith(p + sep));
  const watcher = chokidar.watch([queueDir, ...dirs.filter((d) => existsSync(d))], { ignoreInitial: true, ignored: (p: string) => !keep(p) });
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let written: string | null = null;
  let closed = false;

  const pass = async (): Promise<void> => {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (!existsSync(path)) return;
      const text = readFileSync(path, 'utf8');
      if (written !== null && sha(text) === written) return; // our own write coming back
      if (opts.commit) {
        const result = await transact({ root: opts.root, file: opts.file, ...opts.commit, maxAttempts: opts.config.maxAttempts, config: opts.config, decide: (q) => renderDecision(q, opts.agent) });
        if (result.commit) opts.log(`${stamp()} committed ${result.commit.slice(0, 7)}: ${result.decision.subject.replace(/^queue: /, '')}${result.note ? ` (${result.note})` : ''}`);
        return;
      }
      const queue = await readQueue([{ file: opts.file, text }]);
      const d = renderDecision(queue, opts.agent);
      if (d.unchanged) return;
      const applied = await applyDecision(queue, d, opts.config);
      if (reconcile(applied.after).some((r) => r.edits.length)) throw new QueueError('parse_error', `rendering ${opts.file} is not stable; nothing was written`);
      if (readFileSync(path, 'utf8') !== text) continue; // edited meanwhile: read again
      written = sha(applied.content);
      await writeFileAtomic(path, applied.content);
      opts.log(`${stamp()} ${reconcile(queue).flatMap((r) => r.actions).join('; ')}`);
      return;
    }
    opts.log(`${stamp()} ${opts.file} kept changing; will try on the next change`);
  };

  const run = () => {
    timer = null;
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = pass()
      .catch((e) => opts.log(`${stamp()} ${e instanceof QueueError ? `${e.code}: ${e.message}` : `error: ${(e as Error).message}`}`))
      .finally(() => {
        running = null;
        if (again && !closed) {
          again = false;
          run();
        }
      });
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, opts.debounceMs ?? 100);
  };
  watcher.on('all', schedule);
  const ready = new Promise<void>((resolve) => watcher.on('ready', () => resolve()));
  // A first pass brings the file up to date before waiting for changes.
  void ready.then(schedule);
  return {
    ready,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await watcher.close();
      await running;
    },
  };
}

function stamp(): string {
  return new Date().toISOString().slice(11, 19);
}
