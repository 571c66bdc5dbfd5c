/**
 * `queue watch`: keep what follows from the graph up to date while people and agents edit.
 * chokidar watches the queue file, stories/ and deployment/; changes are debounced into one pass;
 * a pass reads the file, reconciles (`reconcile/`), and writes only when something changes:
 * by a compare-and-swap on the file's bytes (`app/files.ts` swapFile: a temp file renamed over it,
 * only if the file still holds what was read, under a lock every queue process writing it takes),
 * otherwise it reads again. A pass that finds the bytes it
 * wrote itself does nothing. With `commit`, a pass commits through the transaction layer instead
 * (the shared branch's tip is reconciled; the work tree follows when that is safe).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import chokidar from 'chokidar';
import { QueueError } from '../domain/errors.js';
import { describeEffect } from '../domain/effects.js';
import { renderCommitted, renderWorking, sharedBase } from '../app/render.js';
import { asWritten, readQueue, type Queue } from '../read/queue.js';
import { readText } from '../app/files.js';
import type { WriteTarget } from '../app/write.js';
import { diffQueues } from '../history/events.js';
import { handoffFile, unblockedBy } from '../edit/handoff.js';

/** Options of {@link watch}: what to watch and how each pass is written. */
export interface WatchOptions {
  /** The repository, queue file, config, remote and branch (`app/write.ts`'s {@link locateWrite}). */
  where: WriteTarget;
  agent: string;
  /** Quiet time before a pass, in milliseconds. */
  debounceMs?: number;
  /** Commit each pass as a transaction on the shared branch instead of editing the working file. */
  commit?: boolean;
  /** One line per action taken, for people. */
  log: (line: string) => void;
}

/** A running watch (`queue watch`): started by {@link watch}. */
export interface Watcher {
  /** Resolves once the file system watch is live and the first pass is done. */
  ready: Promise<void>;
  /** Stop watching; resolves when the last pass has finished. */
  close(): Promise<void>;
}

const sha = (s: string) => createHash('sha1').update(s).digest('hex');

/** Start watching. */
export function watch(opts: WatchOptions): Watcher {
  const { where } = opts;
  const path = join(where.root, where.file);
  // The queue file's directory is watched, not the file: an editor's atomic save (write a temp file,
  // rename it over) and a delete-and-recreate then stay visible. Everything else in it is ignored,
  // apart from stories/ and deployment/ (and the directories leading to them).
  const queueDir = dirname(path);
  const dirs = [join(where.root, where.config.storiesDir), join(where.root, where.config.deploymentDir)];
  const within = (p: string, d: string) => p === d || p.startsWith(d + sep);
  // swapFile's temp files (`current-status.md.123456789`) and lock directories
  // (`current-status.md.lock`) come and go with every write.
  const keep = (p: string) => !/\.md\.(\d+|lock)$/.test(p) && (p === queueDir || p === path || dirs.some((d) => within(p, d) || d.startsWith(p + sep)));
  const watcher = chokidar.watch([queueDir, ...dirs.filter((d) => existsSync(d))], { ignoreInitial: true, ignored: (p: string) => !keep(p) });
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let written: string | null = null;
  let closed = false;

  /** The queue as the last pass left it (in the working file, or at the shared tip with `commit`):
   * a later pass sees what people changed since (a done). */
  let last: Queue | null = null;

  /** Handoff files for the stories a hand-made done unblocked since the last pass, unless
   * one exists already where the render writes. */
  const handoffs = (now: Date) => async (queue: Queue, exists: (path: string) => Promise<boolean>) => {
    if (!last) return [];
    const files: Array<{ path: string; content: string }> = [];
    for (const e of diffQueues(last, queue)) {
      if (e.kind !== 'done') continue;
      const story = queue.graph.byId.get(e.story)!;
      const from = e.claimantBefore ?? opts.agent;
      for (const next of unblockedBy(queue, story.id)) {
        const f = handoffFile(where.config.deploymentDir, { from, to: null, story: next, completed: [story], now: now.toISOString(), satisfied: (d) => queue.graph.satisfied(d) });
        if (!(await exists(f.path))) files.push(f);
      }
    }
    return files;
  };

  const pass = async (): Promise<void> => {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (!existsSync(path)) return;
      const text = readText(path, where.file);
      if (written !== null && sha(text) === written) return; // our own write coming back
      const now = new Date();
      if (opts.commit) {
        // Decided on the shared tip, not on this working file: the dones since the tip last seen.
        // The statuses changed by hand here (committed or not) since this clone last agreed with
        // the shared branch are carried onto the tip in the same commit.
        const carry = await handEdits(where, text);
        const extra = handoffs(now);
        const render = (withCarry: boolean) =>
          renderCommitted(where, opts.agent, now, {
            extra,
            // The Completed log takes the dones since the last pass (on the first, those carried).
            since: (tip) => last ?? (withCarry && carry ? tip : null),
            carry: withCarry && carry ? carry : undefined,
          });
        let result: Awaited<ReturnType<typeof renderCommitted>>;
        try {
          result = await render(true);
        } catch (e) {
          // A hand edit the claim rules refuse (a done of a story someone else holds) is not carried;
          // what follows from the shared tip is still rendered.
          if (!(carry && e instanceof QueueError && e.code === 'rule_violation')) throw e;
          opts.log(`${stamp()} not carried: ${e.message}`);
          result = await render(false);
        }
        last = result.after;
        if (result.commit)
          opts.log(`${stamp()} committed ${result.commit.slice(0, 7)}: ${result.decision.subject.replace(/^queue: /, '')}${result.note ? ` (${result.note})` : ''}`);
        return;
      }
      // The Completed log takes the dones since the last pass (on the first, since HEAD).
      const r = await renderWorking(where, opts.agent, now, { extra: handoffs(now), since: last ?? undefined, previous: last });
      if (r.outcome === 'moved') continue; // edited meanwhile: read again
      if (r.content !== null) written = sha(r.content);
      last = r.after;
      if (r.outcome === 'written') opts.log(`${stamp()} ${[...r.effects.map(describeEffect), ...r.files.map((f) => `handoff ${f}`)].join('; ')}`);
      return;
    }
    opts.log(`${stamp()} ${where.file} kept changing; will try on the next change`);
  };

  const run = () => {
    timer = null;
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    const t0 = performance.now();
    running = pass()
      .then(() => {
        if (trace) opts.log(`${Date.now() % 100000} pass took ${(performance.now() - t0).toFixed(0)} ms`);
      })
      .catch((e) => opts.log(`${stamp()} ${e instanceof QueueError ? `${e.code}: ${e.message}` : `error: ${(e as Error).message}`}`))
      .finally(() => {
        running = null;
        if (again && !closed) {
          again = false;
          run();
        }
      });
  };
  // Debounced, but never for longer than four quiet periods: a steady trickle of events (an editor
  // saving, temp files of our own writes going away) must not postpone a pass indefinitely.
  const quiet = opts.debounceMs ?? 100;
  let firstPending = 0;
  const schedule = () => {
    const now = Date.now();
    if (timer) {
      if (now - firstPending >= 4 * quiet) return;
      clearTimeout(timer);
    } else firstPending = now;
    timer = setTimeout(run, quiet);
  };
  const trace = process.env.QUEUE_TRACE === '1';
  watcher.on('all', (event, p) => {
    if (trace) opts.log(`${Date.now() % 100000} event ${event} ${p}`);
    schedule();
  });
  // chokidar drops a file's `change` event that comes within 50 ms of the previous one, with no
  // trailing event: a hand edit landing just after one of our own writes would never be seen. Its
  // raw events (fs.watch, unthrottled) schedule a pass as well; a pass over unchanged bytes does
  // nothing.
  watcher.on('raw', (event, p, details) => {
    const watched = (details as { watchedPath?: string }).watchedPath;
    if (!watched) return;
    const full = !p ? watched : watched.endsWith(sep + p) ? watched : join(watched, p);
    if (full === queueDir || !keep(full)) return;
    if (trace) opts.log(`${Date.now() % 100000} raw ${event} ${full}`);
    schedule();
  });
  // Ready once the watch is live and a first pass has brought the file up to date (and taken the
  // state later passes compare with).
  const ready = new Promise<void>((resolve) => watcher.on('ready', () => resolve())).then(() => {
    run();
    return running ?? undefined;
  });
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

/**
 * The working file's hand edits for `watch --commit`: the queue as the working file `text` reads,
 * and as the file reads where this clone's HEAD and the shared branch last agreed
 * (`app/render.ts` sharedBase). Null when there is no such file, or the working file is that file.
 */
async function handEdits(where: WriteTarget, text: string): Promise<{ base: Queue; working: Queue } | null> {
  const base = await sharedBase(where);
  if (!base || (base.documents[0] && asWritten(base.documents[0])) === text) return null;
  return { base, working: await readQueue([{ file: where.file, text }], { vocabulary: where.config.vocabulary }) };
}

function stamp(): string {
  return new Date().toISOString().slice(11, 19);
}
