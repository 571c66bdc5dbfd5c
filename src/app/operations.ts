/**
 * The core write API: one function per operation on a queue (claim, done, release, review, approve,
 * reject, block, unblock, reopen, add, dependency add/remove, handoff), each carried out as a git transaction on
 * the shared branch (or, with `commit: false`, as an edit of the working file). The CLI's write
 * commands, the MCP server and the runner call these and only format what they return, so a
 * behaviour such as "done releases its dependents" lives here once.
 *
 * ```ts
 * const s = await openSession({ cwd: '/work/clone', agent: 'Dev 2' });
 * const claimed = await claim(s);                 // the best ready story for Dev 2
 * const finished = await done(s, { id: claimed.id });
 * finished.effects; // [{kind: 'status', id: '5-3', to: 'done'}, {kind: 'log', id: '5-3'}, {kind: 'unblock', id: '5-4'}, …]
 * ```
 *
 * Every operation throws QueueError: `usage` (no agent, outside a repository), the decision's own
 * code (`not_found`, `not_ready`, `already_claimed`, `not_claimant`, `claim_limit`, `invalid`,
 * `no_ready_story`), `parse_error` (the file cannot be edited with full fidelity; nothing is
 * written), `rule_violation`, `conflict_retries_exhausted` or `git`.
 */
import { dirname } from 'node:path';
import { unblockedIds, type Effect } from '../domain/effects.js';
import { assertAgentName } from '../dialect/agent-name.js';
import { QueueError } from '../domain/errors.js';
import type { DependencyRef, Story } from '../domain/types.js';
import type { Decision, Operation } from '../edit/decide.js';
import type { Queue } from '../read/queue.js';
import type { CommitAuthor } from '../git/transaction.js';
import type { Git } from '../git/git.js';
import { argumentAsRead } from '../dialect/status.js';
import { locateWrite, resolveAgent, write, type LocateOptions, type WriteIntent, type WriteOutcome, type WriteTarget, type IndexedWrite } from './write.js';
import { isClaimed } from '../domain/status.js';
import { TRAILER } from '../domain/trailers.js';

/** What {@link openSession} starts from: where the queue is, who acts, and how writes land. */
export interface SessionOptions extends LocateOptions {
  /** The acting agent; default `QUEUE_AGENT`, then `git config queue.agent`. */
  agent?: string;
  /** The clock for handoff timestamps; default the system clock. */
  now?: () => Date;
  /** The author of the session's commits, when not git's identity (`queue run`'s workers). */
  author?: CommitAuthor;
}

/** A located queue and the agent acting on it: the first argument of every operation. */
export interface Session {
  where: WriteTarget;
  /** Canonical agent name (aliases from the config's `agents` resolved). */
  agent: string;
  /** false: edit the working file only, no commit. */
  commit: boolean;
  now: () => Date;
  /** The author of its commits, when not git's identity. */
  author?: CommitAuthor;
}

/**
 * Locate the queue (`locateWrite`: repository, config, file, remote, shared branch) and resolve the
 * acting agent. Throws QueueError `usage` when no agent is named anywhere, when the name is not
 * allowed, or outside a repository unless `commit: false`.
 */
export async function openSession(opts: SessionOptions = {}): Promise<Session> {
  const where = await locateWrite(opts);
  const agent = await resolveAgent(opts.agent, where.root, where.config);
  return { where, agent, commit: opts.commit !== false, now: opts.now ?? (() => new Date()), ...(opts.author ? { author: opts.author } : {}) };
}

/** A handoff addressed to the story a write acted on, as found under `<deploymentDir>/handoffs/`. */
export interface HandoffNote {
  /** Path relative to the repository root. */
  file: string;
  from: string | null;
  to: string | null;
  /** ISO 8601, as written in the file. */
  timestamp: string | null;
  notes: string | null;
}

/** What a write did: the story after it, the commit, and the effects as typed data. */
export interface WriteResult {
  /** The operation (`claim`, `done`, …; `renew` for a lease renewal). */
  op: string;
  /** The story acted on. */
  id: string;
  /** The commit subject, e.g. `queue: claim 5-3 (Dev 2)` (for people; the effects say what happened). */
  subject: string;
  /** That story as it reads afterwards (null when it does not read back, e.g. a removed story). */
  story: Story | null;
  /** The queue as it reads afterwards (as read, when nothing changed). A claim with `indexed` may
   * answer with a partial queue: only the story it took and that story's dependencies
   * (`app/indexed-write.ts`). */
  after: Queue;
  /** False when the story already was as asked (a repeated claim by its holder): nothing was written. */
  changed: boolean;
  /** The commit published on the shared branch (or the local one), or null: nothing changed, or `commit: false`. */
  commit: string | null;
  /** Decisions taken before one held (1 without contention). */
  attempts: number;
  /** Everything the write did, in order: the status set, the Completed log row, dependents unblocked, marks, files. */
  effects: Effect[];
  /** For a claim: the handoffs under the deployment directory that name the story. */
  handoffs: HandoffNote[];
  /** Why the local branch or working file was not brought up to date, when it was not. */
  note?: string;
}

/**
 * Carry out any write `intent` (an operation, or a function deciding on the queue at the tip) for
 * `s`, as the operations here do, and describe the outcome as a {@link WriteResult}. For writes
 * defined outside this module (`app/decisions.ts`).
 */
export function writeIntent(s: Session, intent: WriteIntent): Promise<WriteResult> {
  return run(s, intent);
}

/** Carry out `intent` for `s` and describe the outcome as a {@link WriteResult}. */
async function run(s: Session, intent: WriteIntent, allowEmpty = false, indexed: IndexedWrite = false): Promise<WriteResult> {
  return result(s, await write(s.where, intent, { commit: s.commit, allowEmpty, author: s.author, indexed }));
}

async function result(s: Session, o: WriteOutcome): Promise<WriteResult> {
  const d = o.decision;
  const changed = !d.unchanged;
  const effects: Effect[] = [];
  if (changed) {
    for (const c of d.changes) {
      if (d.adds?.includes(c.id)) continue;
      const e = c.expect;
      effects.push({
        kind: 'status',
        id: c.id,
        to: e.category,
        ...(isClaimed(e.category) ? { claimant: e.claimant ?? null } : {}),
        ...(e.category === 'blocked' && e.reason ? { reason: e.reason } : {}),
      });
      // A story whose section states its status moved with it.
      const section = (q: Queue) => {
        const path = q.graph.byId.get(c.id)?.sectionPath;
        return path === undefined ? undefined : (path[path.length - 1] ?? null);
      };
      const from = section(o.before);
      const to = section(o.after);
      if (from !== undefined && to !== undefined && from !== to) effects.push({ kind: 'move', id: c.id, from, to });
    }
    if (d.logged) effects.push({ kind: 'log', id: d.id });
    for (const e of o.applied?.derived ?? []) effects.push(e);
    for (const f of d.files ?? []) effects.push({ kind: 'file', path: f.path, role: f.role ?? 'story' });
  }
  const handoffs = d.op === 'claim' && o.story ? await handoffsFor(s, o.story.id, o.after) : [];
  return {
    op: d.trailers.find(([k]) => k === TRAILER.op)?.[1] ?? d.op,
    id: d.id,
    subject: d.subject,
    story: o.story,
    after: o.after,
    changed,
    commit: o.commit,
    attempts: o.attempts,
    effects,
    handoffs,
    ...(o.note ? { note: o.note } : {}),
  };
}

/** Handoffs under the deployment directory naming story `id` (read from the work tree). */
async function handoffsFor(s: Session, id: string, queue: Queue): Promise<HandoffNote[]> {
  const { handoffsNaming } = await import('./handoff-files.js');
  return (await handoffsNaming(s.where.root, s.where.config.deploymentDir, id, queue)).map((h) => ({
    file: h.file,
    from: h.fromAgent,
    to: h.toAgent,
    timestamp: h.timestamp,
    notes: h.notes,
  }));
}

/**
 * Claim story `id`, or without one the best ready story for the agent (priority, then what it
 * unblocks, then the critical path, then file order). The agent may hold at most the config's
 * `maxClaims` stories. `renew: true` refreshes the lease of a story the agent holds: a commit with
 * no content change, which `queue stale` reads as the claim's new time. `indexed: true` (the CLI,
 * the MCP server): a claim reads the queue through its index, only the rows it
 * touches (`app/indexed-write.ts`), and answers with a partial queue as `after`.
 */
export function claim(s: Session, opts: { id?: string; renew?: boolean; indexed?: boolean } = {}): Promise<WriteResult> {
  const op: Operation = { op: 'claim', id: opts.id, agent: s.agent, renew: opts.renew, maxClaims: s.where.config.maxClaims };
  return run(s, op, opts.renew === true, opts.indexed === true);
}

/** Options of {@link done}. */
export interface DoneOptions {
  id: string;
  /** Act on a story another agent holds (a `Queue-Force` trailer says so). */
  force?: boolean;
  /** Unblock (and mark) the dependents this done releases in the same commit. Default true. */
  unblock?: boolean;
  /** Write a handoff for each story this done makes ready (or for the story itself when none), in the same commit. */
  handoff?: { notes?: string; next?: string[] };
  /** Read the tip through the queue index (the CLI, the MCP server): the decision, without
   * `handoff`, is taken on a partial queue of the story, the stories that depend on it and their
   * dependencies (`app/indexed-write.ts` storyQueue), and `after` is that partial queue. */
  indexed?: boolean;
}

/**
 * The holder marks story `id` done. In the same commit, as a person would do by hand: the story
 * is appended to the file's Completed log when it keeps one, each dependent whose last open
 * dependency this was goes from `[BLOCKED]` to `[ ]`, and its done mark is written beside them where
 * the file writes marks (`8-2 ✅`). With `handoff`, a handoff file for each story it makes ready.
 */
export async function done(s: Session, opts: DoneOptions): Promise<WriteResult> {
  const [{ decide }, { followWrite }, { handoffFile, unblockedBy }] = await Promise.all([
    import('../edit/decide.js'),
    import('../reconcile/reconcile.js'),
    import('../edit/handoff.js'),
  ]);
  const now = s.now().toISOString();
  // A handoff is written for each story the done makes ready, from the whole queue: read in full.
  const indexed = opts.indexed === true && !opts.handoff ? ({ op: 'done', id: opts.id } as const) : false;
  return run(
    s,
    (queue) => {
      const d = decide(queue, { op: 'done', id: opts.id, agent: s.agent, force: opts.force }, s.where.config.agents);
      const story = queue.graph.byId.get(d.id)!;
      // Without unblocking, the dependents keep their bytes; the story itself and the generated blocks follow as for any write.
      if (opts.unblock === false) d.follow = followWrite(queue, d, { blocks: s.where.config.renderOnWrite, dependents: false, effort: s.where.config.effort }) ?? undefined;
      if (opts.handoff) {
        const from = story.claimant ?? s.agent;
        const next = unblockedBy(queue, story.id);
        // Written for the queue as this done leaves it: the done story counts as done.
        const satisfied = (d: DependencyRef) => d.id === story.id || queue.graph.satisfied(d);
        const req = { from, to: null, notes: opts.handoff.notes, next: opts.handoff.next, completed: [story], now, satisfied };
        d.files = (next.length ? next : [story]).map((n) => ({ ...handoffFile(s.where.config.deploymentDir, { ...req, story: n }), role: 'handoff' as const }));
      }
      return d;
    },
    false,
    indexed,
  );
}

/**
 * What `read` finds in the history of the tip `base` a write decides on, about the story `ref` names
 * there (an id in another case is the same story): how it stood before the claim, hold or work a
 * write undoes (`git/history.ts`); for a write without a tip (`--no-commit`), HEAD's. Null outside a
 * repository, and when `ref` names no story (the decision then says so).
 */
async function fromHistory<T>(s: Session, queue: Queue, base: string | null, ref: string, read: (git: Git, base: string, id: string) => Promise<T | null>): Promise<T | null> {
  if (!s.where.repo) return null;
  const [{ findStory }, { Git }] = await Promise.all([import('../edit/common.js'), import('../git/git.js')]);
  let id: string;
  try {
    id = findStory(queue, ref).id;
  } catch {
    return null;
  }
  // A write to the working file only (`--no-commit`) reads the history of the checked-out commit.
  return read(new Git(s.where.root), base ?? 'HEAD', id);
}

/**
 * The holder gives story `id` back: it is open again (`[ ]`, or `[BLOCKED]` while it waits on a
 * dependency where the file writes that), in the to-do form it had before the claim queue made of it
 * (read from the claim commit's parent: `git/history.ts` claimCommit), else in the file's form; a
 * block whose status is its section goes back where it was.
 * `force` lets another agent do it, said in the commit.
 */
export async function release(s: Session, opts: { id: string; force?: boolean }): Promise<WriteResult> {
  const [{ decide }, { formerAt }] = await Promise.all([import('../edit/decide.js'), import('../git/history.js')]);
  return run(s, async (queue, base) => {
    const former = await fromHistory(s, queue, base, opts.id, (git, tip, id) => formerAt(git, tip, s.where.file, id, s.where.config.vocabulary));
    return decide(queue, { op: 'release', id: opts.id, agent: s.agent, force: opts.force, former }, s.where.config.agents);
  });
}

/** The holder hands story `id` to review (`[REVIEW: holder]`); the claim stays the holder's. */
export function review(s: Session, opts: { id: string; force?: boolean }): Promise<WriteResult> {
  return run(s, { op: 'review', id: opts.id, agent: s.agent, force: opts.force });
}

/**
 * A reviewer approves story `id`, which is in review: it is done, with everything the holder's
 * {@link done} does in the same commit (the Completed log row naming its implementer, dependents
 * released, done marks, generated blocks). The claim rules judge who: anyone but the story's
 * implementer (`self_approve`), and one of the config's `reviewers` when it names any
 * (`not_reviewer`); a refusal is QueueError `rule_violation`. `invalid` when the story is not in review.
 */
export function approve(s: Session, opts: { id: string }): Promise<WriteResult> {
  return run(s, { op: 'approve', id: opts.id, agent: s.agent });
}

/**
 * A reviewer rejects story `id`, which is in review: it is in progress again, held by its
 * implementer, and the same commit writes a handoff from the reviewer to the implementer
 * (`<deploymentDir>/handoffs/…-rejected-HHMMSS.md`) whose notes are `reason`. Who may is judged as
 * for {@link approve}. Throws QueueError `usage` for an empty reason, `invalid` when the story is not
 * in review.
 */
export async function reject(s: Session, opts: { id: string; reason: string }): Promise<WriteResult> {
  const reason = opts.reason.trim();
  if (reason === '') throw new QueueError('usage', 'say why the story goes back: --reason TEXT');
  const [{ decide }, { handoffFile }] = await Promise.all([import('../edit/decide.js'), import('../edit/handoff.js')]);
  const now = s.now().toISOString();
  return run(s, (queue): Decision => {
    const d = decide(queue, { op: 'reject', id: opts.id, agent: s.agent }, s.where.config.agents);
    const story = queue.graph.byId.get(d.id)!;
    const file = handoffFile(s.where.config.deploymentDir, {
      from: s.agent,
      to: story.claimant,
      story,
      notes: `Review: changes requested by ${s.agent}. ${reason}`,
      next: [`address the review: ${reason}`, `queue review ${story.id}`],
      now,
      satisfied: (x) => queue.graph.satisfied(x),
    });
    // One handoff per rejection: the time of day keeps a second rejection on the same day apart.
    const path = file.path.replace(/\.md$/, `-rejected-${now.slice(11, 19).replace(/:/g, '')}.md`);
    return { ...d, files: [{ path, content: file.content, role: 'handoff' }] };
  });
}

/**
 * Put a manual hold on story `id` with a reason (`[BLOCKED: reason]`). A held story needs its holder
 * (or `force`). Throws QueueError `usage` for a reason that is empty or would break the cell
 * (a newline, `|` or `]`). `indexed` (the CLI, the MCP server): the decision is taken on a partial
 * queue of the story and its dependencies (`app/indexed-write.ts` storyQueue), and `after` is it.
 */
export async function block(s: Session, opts: { id: string; reason: string; force?: boolean; indexed?: boolean }): Promise<WriteResult> {
  const reason = opts.reason.trim();
  if (reason === '' || /[\r\n|\]]/.test(reason)) throw new QueueError('usage', 'the reason must be one line of text without | or ]');
  const read = argumentAsRead(reason);
  if (read !== reason)
    throw new QueueError(
      'usage',
      `the reason ${JSON.stringify(reason)} would read back as ${read === null ? 'none' : JSON.stringify(read)}: write it without a date and without leading or trailing , ; : - (a reason that starts with - is often an option taken as the reason)`,
    );
  return run(s, { op: 'block', id: opts.id, agent: s.agent, reason, force: opts.force }, false, opts.indexed === true ? { op: 'block', id: opts.id } : false);
}

/**
 * Lift the manual hold on story `id`: it is open again, in the to-do form it had before the hold
 * queue put on it (read from the block commit's parent: `git/history.ts` heldFromAt), else in the
 * file's form; or it stays `[BLOCKED]` by its open dependencies alone.
 */
export async function unblock(s: Session, opts: { id: string }): Promise<WriteResult> {
  const [{ decide }, { heldFromAt }] = await Promise.all([import('../edit/decide.js'), import('../git/history.js')]);
  return run(s, async (queue, base) => {
    const former = await fromHistory(s, queue, base, opts.id, (git, tip, id) => heldFromAt(git, tip, s.where.file, id, s.where.config.vocabulary));
    return decide(queue, { op: 'unblock', id: opts.id, agent: s.agent, former }, s.where.config.agents);
  });
}

/**
 * A done (or cancelled) story is open again, and leaves the Completed log: in the to-do form it had
 * before the claim its done finished, a note beside its status kept, and the dependents its done
 * released `[BLOCKED]` again where the file wrote that for stories that wait (read from that claim
 * commit's parent: `git/history.ts` reopenedAt); else in the file's form.
 */
export async function reopen(s: Session, opts: { id: string }): Promise<WriteResult> {
  const [{ decide }, { reopenedAt }] = await Promise.all([import('../edit/decide.js'), import('../git/history.js')]);
  return run(s, async (queue, base) => {
    const reopened = await fromHistory(s, queue, base, opts.id, (git, tip, id) => reopenedAt(git, tip, s.where.file, id, s.where.config.vocabulary));
    return decide(queue, { op: 'reopen', id: opts.id, agent: s.agent, reopened }, s.where.config.agents);
  });
}

/** Options of {@link add}. */
export interface AddOptions {
  /** The new story's id; none: the next of its table's (`S-12` after `S-11`). */
  id?: string;
  title: string;
  /** Ids of the stories it depends on (each must be written in the file). */
  deps?: string[];
  /** Heading of the table (or task list) to add it to; default beside its first dependency, else the last one. */
  section?: string;
  /** Create `<storiesDir>/<id>-<slug>.md` from a template and link it, in the same commit. */
  storyFile?: boolean;
  /** The story it is part of: written in the table's Parent column, or the new item nested under its item. */
  parent?: string;
}

/** Add a story in the file's own conventions (a table row, or a task item in a task-list queue). */
export async function add(s: Session, opts: AddOptions): Promise<WriteResult> {
  const { decideAdd } = await import('../edit/structure.js');
  const { config } = s.where;
  return run(s, (queue) =>
    tagFiles(
      decideAdd(queue, {
        ...(opts.id?.trim() ? { id: opts.id.trim() } : {}),
        title: opts.title,
        deps: (opts.deps ?? []).map((d) => d.trim()).filter(Boolean),
        section: opts.section,
        ...(opts.parent?.trim() ? { parent: opts.parent.trim() } : {}),
        agent: s.agent,
        storyFile: opts.storyFile ? { storiesDir: config.storiesDir, queueDir: dirname(s.where.file) } : undefined,
      }),
      'story',
    ),
  );
}

/**
 * Story `id` depends (`add`) or no longer depends (`rm`) on story `on`. A cycle is refused
 * (`invalid`); a story another agent holds needs `force` (`not_claimant`).
 */
export async function dependency(s: Session, opts: { action: 'add' | 'rm'; id: string; on: string; force?: boolean }): Promise<WriteResult> {
  const { decideDep } = await import('../edit/structure.js');
  return run(s, (queue) => decideDep(queue, opts.action, opts.id, opts.on, s.agent, opts.force === true, s.where.config.agents));
}

/** Options of {@link handoff}. */
export interface HandoffOptions {
  /** The story handed over. */
  story: string;
  /** Who hands over; default the session's agent. */
  from?: string;
  /** Who takes over. */
  to: string;
  notes?: string;
  next?: string[];
  blockers?: string[];
  /** Also hand the claim over: the story, held by the acting agent, is held by `to` in the same commit. */
  reassign?: boolean;
  /** With `reassign`: act on a story another agent holds (a `Queue-Force` trailer says so). */
  force?: boolean;
}

/**
 * Write a handoff file for story `story` (`<deploymentDir>/handoffs/YYYY-MM-DD-<from>-<to>-<id>.md`,
 * YAML front matter with from_agent, to_agent, timestamp, dependencies_ready, next_steps, notes …)
 * in a commit of its own. With `reassign`, the same commit hands the claim to `to` (the holder acts;
 * `not_claimant` otherwise), so the next agent can work and finish the story as its holder.
 * Throws QueueError `usage` for an agent name that is not one line.
 */
export async function handoff(s: Session, opts: HandoffOptions): Promise<WriteResult> {
  const [{ findStory }, { handoffFile }, { decide }] = await Promise.all([import('../edit/common.js'), import('../edit/handoff.js'), import('../edit/decide.js')]);
  const from = opts.from ?? s.agent;
  for (const [flag, name] of [
    ['from', from],
    ['to', opts.to],
  ] as const) {
    assertAgentName(name, `--${flag}`);
  }
  const now = s.now().toISOString();
  return run(s, (queue): Decision => {
    const story = findStory(queue, opts.story);
    const file = handoffFile(s.where.config.deploymentDir, {
      from,
      to: opts.to,
      story,
      notes: opts.notes,
      next: opts.next,
      blockers: opts.blockers,
      now,
      satisfied: (d) => queue.graph.satisfied(d),
    });
    if (opts.reassign) {
      const d = decide(queue, { op: 'reassign', id: story.id, agent: s.agent, to: opts.to, force: opts.force }, s.where.config.agents);
      return { ...d, files: [{ ...file, role: 'handoff' }], subject: `queue: handoff ${story.id} (${from} → ${opts.to}), claim reassigned`, unchanged: false };
    }
    return {
      op: 'handoff',
      id: story.id,
      changes: [],
      document: queue.documents[0],
      edits: [],
      files: [{ ...file, role: 'handoff' }],
      subject: `queue: handoff ${story.id} (${from} → ${opts.to})`,
      trailers: [
        [TRAILER.op, 'handoff'],
        [TRAILER.story, story.id],
        [TRAILER.agent, s.agent],
      ],
      unchanged: false,
    };
  });
}

function tagFiles(d: Decision, role: 'story' | 'handoff'): Decision {
  if (d.files) d.files = d.files.map((f) => ({ ...f, role: f.role ?? role }));
  return d;
}

/**
 * A write's answer in the JSON contract (`--json`, and the MCP server's tool results), without the
 * `schemaVersion` envelope: `{story, changed, effects, commit, attempts}`, plus `handoffs` for a
 * claim, `unblocked` (ids) for a done, `files` when files were written, `unchanged: true` when
 * nothing changed, and `note` when the clone was not brought up to date.
 */
export async function resultJson(r: WriteResult): Promise<Record<string, unknown>> {
  const { storyJson } = await import('../model/contract.js');
  const files = r.effects.flatMap((e) => (e.kind === 'file' ? [e.path] : []));
  return {
    story: r.story ? storyJson(r.story, r.after.graph) : { id: r.id },
    changed: r.changed,
    effects: r.effects,
    ...(r.op === 'claim' ? { handoffs: r.handoffs } : {}),
    ...(r.op === 'done' || r.op === 'approve' ? { unblocked: unblockedIds(r.effects) } : {}),
    ...(files.length ? { files } : {}),
    commit: r.commit,
    attempts: r.attempts,
    ...(r.changed ? {} : { unchanged: true }),
    ...(r.note ? { note: r.note } : {}),
  };
}
