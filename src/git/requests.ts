/**
 * Claim requests: group commit across clones, so that claimers who lose the compare-and-swap are
 * served by whoever wins it instead of racing again, so that many agents claiming at once all get
 * a story quickly (decision record deployment/decisions/0003-claim-requests.md).
 *
 * - A claimer whose push was rejected, or that finds requests of the last 3 s pending (their oldest
 *   requester is racing and will serve it too) or a tip that is a group commit of the last 3 s (a
 *   burst of claimers is coming back), publishes its operation on the remote as a request: a commit
 *   with no parent (the tip's tree, so the push carries one small object) whose message holds the
 *   operation as JSON, pushed to `refs/queue/requests/<id>`. A ref of its own never conflicts.
 * - Every claim fetches the requests with the shared branch (into `refs/queue/remotes/<remote>/
 *   requests/`). A claim that commits serves the pending requests in the same commit, oldest first,
 *   each decided on the queue as the earlier ones left it; one that cannot be carried out (its story
 *   taken meanwhile) stays pending for its requester to find out. The push is atomic and deletes
 *   every request it serves with a lease on the request's object id, so a request is served by at
 *   most one commit: the deletion and the branch update land together or not at all, and a second
 *   deletion of the same request fails its lease.
 * - Waiting requesters look with `ls-remote` (no fetch); only the oldest of the last 3 s races for
 *   the branch (`transaction.ts`), so requesters do not race each other.
 * - The requester learns that it was served when its request is gone and a commit on the branch
 *   carries `Queue-Request: <id> <story>`. When it stops for any other reason it withdraws the
 *   request (a deletion with the same lease); a failed withdrawal means it was served meanwhile.
 * - A request dated more than {@link REQUEST_TTL_MS} from now (the time in its id) is never served,
 *   so a killed requester cannot be handed a story long after it died; the next serving push
 *   deletes it.
 */
import { randomBytes } from 'node:crypto';
import { isAgentName } from '../domain/config.js';
import { QueueError } from '../domain/errors.js';
import { readQueue } from '../read/queue.js';
import type { Decision, Operation } from '../edit/decide.js';
import type { Attempt, BranchRef } from './types.js';
import { GitFailure, type Git } from './git.js';
import { commitTree } from './tree.js';
import { TRAILER } from '../domain/trailers.js';
import { logCommits, trailerField, trailerValues } from './log.js';

/** A claim as a request carries it: fresh claims only (a renewal changes nothing to combine). */
export type ClaimOperation = Omit<Extract<Operation, { op: 'claim' }>, 'maxClaims'>;

/** One request on the remote, as fetched. */
export interface ClaimRequest {
  /** The last part of `refs/queue/requests/<id>`: 20 hex digits, the requester's clock in
   * milliseconds (12) then 8 random ones, so ids sort oldest first. */
  id: string;
  /** The request commit's object id: the lease of its deletion. */
  sha: string;
  /** When it was published (the time in its id), milliseconds since the epoch. */
  created: number;
  /** The operation, or null when the message is not a claim this version reads (never served;
   * deleted once expired, since a newer queue may have written it). */
  op: ClaimOperation | null;
}

/** A request this process published and is waiting on. */
export interface PublishedRequest {
  request: ClaimRequest;
  /** The branch tip when it was published: a commit that serves it comes after. */
  since: string;
}

/** Age after which a request is presumed abandoned and never served: 20 s. A live requester has
 * raced for the branch itself long before (after 3 s) and publishes again if its request lapses. */
export const REQUEST_TTL_MS = 20_000;

/** At most this many requests ride on one commit (each is re-read and proved in turn). */
export const MAX_SERVED = 16;

const PREFIX = 'refs/queue/requests/';
const SUBJECT = 'queue request: ';

/** The remote ref of request `id`. */
export const requestRef = (id: string): string => `${PREFIX}${id}`;

/** Where a clone keeps the requests fetched from `remote`. */
export const trackingPrefix = (remote: string): string => `refs/queue/remotes/${remote}/requests/`;

/** The fetch refspec for the requests of `remote` (forced: requests are deleted, never moved). */
export const requestRefspec = (remote: string): string => `+${PREFIX}*:${trackingPrefix(remote)}*`;

const ID = /^[0-9a-f]{20}$/;

/** A new request id: the time now and 4 random bytes, in hex. */
function newId(): string {
  return Date.now().toString(16).padStart(12, '0') + randomBytes(4).toString('hex');
}

/** The time (ms since the epoch) in a request id. */
export function idTime(id: string): number {
  return parseInt(id.slice(0, 12), 16);
}

/** Whether `op` can travel as a request: a claim, not a renewal. */
export function isCombinable(op: Operation | undefined): op is Extract<Operation, { op: 'claim' }> {
  return op !== undefined && op.op === 'claim' && op.renew !== true;
}

/** The commit message of a request: a subject for people, then the operation as JSON. */
export function encodeRequest(op: ClaimOperation): string {
  const json = JSON.stringify({ v: 1, op: 'claim', agent: op.agent, ...(op.id !== undefined ? { id: op.id } : {}) });
  const id = op.id === undefined ? '(next ready)' : op.id.replace(/[\u0000-\u001f]/g, ' ');
  return `${SUBJECT}claim ${id} (${op.agent})\n\n${json}\n`;
}

/**
 * The operation a request commit's message holds, or null when it is not one queue wrote: the
 * subject, version 1, op `claim`, an agent name that passes {@link isAgentName}, and an optional
 * one-line story id. The claim limit is the serving side's config, never the request's.
 */
export function decodeRequest(message: string): ClaimOperation | null {
  if (!message.startsWith(SUBJECT)) return null;
  const line = message.split('\n').at(2);
  if (!line?.startsWith('{')) return null;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (o.v !== 1 || o.op !== 'claim' || typeof o.agent !== 'string' || !isAgentName(o.agent)) return null;
  if (o.id !== undefined && (typeof o.id !== 'string' || o.id === '' || o.id.length > 200 || /[\u0000-\u001f]/.test(o.id))) return null;
  return { op: 'claim', agent: o.agent.trim(), ...(o.id !== undefined ? { id: o.id as string } : {}) };
}

/** The fetched tip of the shared branch and the requests pending beside it ({@link tipAndRequests}). */
export interface TipAndRequests {
  /** The tip commit, or null when the branch does not exist. */
  tip: string | null;
  /** When the tip was committed (its committer date, ms since the epoch) if it serves requests
   * (carries `Queue-Request` trailers): a sign that claimers are contending right now. Else null. */
  groupCommitAt: number | null;
  /** Pending requests, oldest first. */
  requests: ClaimRequest[];
}

/**
 * The fetched tip of the shared branch (`tracking`) and the requests fetched from `remote`, in one
 * `for-each-ref`.
 */
export async function tipAndRequests(git: Git, tracking: string, remote: string): Promise<TipAndRequests> {
  const prefix = trackingPrefix(remote);
  // Fields separated by NUL, which no ref name and no commit message holds (a message is anyone's
  // text: any other byte in it could pass for a separator); each ref's line ends after its last NUL.
  const out = await git.raw(['for-each-ref', '--format=%(refname)%00%(objectname)%00%(committerdate:unix)%00%(contents)%00', tracking, prefix]);
  let tip: string | null = null;
  let groupCommitAt: number | null = null;
  const requests: ClaimRequest[] = [];
  const t = out.split('\0');
  for (let i = 0; i + 3 < t.length; i += 4) {
    const [ref, sha, date, message] = [t[i].replace(/^\n/, ''), t[i + 1], t[i + 2], t[i + 3]];
    if (!ref || !sha) continue;
    if (ref === tracking) {
      tip = sha;
      if (/^Queue-Request: /m.test(message ?? '')) groupCommitAt = Number(date) * 1000;
    } else if (ref.startsWith(prefix)) {
      const id = ref.slice(prefix.length);
      if (ID.test(id)) requests.push({ id, sha, created: idTime(id), op: decodeRequest(message ?? '') });
    }
  }
  requests.sort((a, b) => (a.id < b.id ? -1 : 1));
  return { tip, groupCommitAt, requests };
}

/**
 * Ids of the requests on `remote`, oldest first, without fetching anything (`ls-remote`): what a
 * waiting requester looks at between attempts.
 */
export async function pendingIds(git: Git, remote: string): Promise<string[]> {
  const out = await git.raw(['ls-remote', '--end-of-options', remote, `${PREFIX}*`]);
  const ids: string[] = [];
  for (const line of out.split('\n')) {
    const ref = line.split('\t')[1];
    if (ref?.startsWith(PREFIX) && ID.test(ref.slice(PREFIX.length))) ids.push(ref.slice(PREFIX.length));
  }
  return ids.sort();
}

/** Publish `op` as a request on `remote`, made against the tip `base`. Throws GitFailure. */
export async function publishRequest(git: Git, remote: string, base: string, op: ClaimOperation): Promise<PublishedRequest> {
  const id = newId();
  const sha = await commitTree(git, [`${base}^{tree}`, '-m', encodeRequest(op)], op.agent);
  await git.with({ QUEUE_IN_TRANSACTION: '1' }).raw(['push', '--quiet', '--porcelain', '--end-of-options', remote, `${sha}:${requestRef(id)}`]);
  return { request: { id, sha, created: idTime(id), op }, since: base };
}

/** Push arguments that delete `requests` on the remote, each with a lease on its object id. */
export function deletions(requests: readonly ClaimRequest[]): { leases: string[]; refspecs: string[] } {
  return {
    leases: requests.map((r) => `--force-with-lease=${requestRef(r.id)}:${r.sha}`),
    refspecs: requests.map((r) => `:${requestRef(r.id)}`),
  };
}

/**
 * Withdraw a request: true when this call deleted it, false when it was already gone (served, or
 * deleted as expired). Throws GitFailure for anything else (the remote unreachable).
 */
export async function withdrawRequest(git: Git, remote: string, request: ClaimRequest): Promise<boolean> {
  const d = deletions([request]);
  try {
    await git.with({ QUEUE_IN_TRANSACTION: '1' }).raw(['push', '--quiet', '--porcelain', ...d.leases, '--end-of-options', remote, ...d.refspecs]);
    return true;
  } catch (e) {
    if (e instanceof GitFailure && /stale info|\[rejected\]|does not exist/i.test(e.stderr)) return false;
    throw e;
  }
}

/**
 * The commit in `since..tip` that served request `id` (its `Queue-Request: <id> <story>` trailer),
 * with its first parent and the story it claimed; null when none did.
 */
export async function servedBy(git: Git, since: string, tip: string, id: string): Promise<{ commit: string; parent: string; story: string } | null> {
  const listed = await logCommits(git, ['%P', trailerField(TRAILER.request)], ['--fixed-strings', `--grep=${id}`, `${since}..${tip}`]);
  for (const { commit, fields } of listed) {
    const [parents, values] = fields;
    for (const value of trailerValues(values)) {
      const [served, story] = value.split(/ (.*)/);
      if (served === id && story) return { commit, parent: parents.split(' ')[0], story };
    }
  }
  return null;
}

/**
 * The outcome of request `mine` when another claimer's commit in `since..tip` served it: that
 * commit, its parent, and the queue as it reads there; null when none did. Throws `git` when the
 * commit does not show the story claimed by the requester (never expected).
 */
export async function servedOutcome(git: Git, opts: BranchRef, mine: PublishedRequest, tip: string): Promise<Attempt | null> {
  const s = await servedBy(git, mine.since, tip, mine.request.id);
  if (!s) return null;
  const agent = mine.request.op!.agent;
  const queue = await readQueue([{ file: opts.file, text: await git.raw(['cat-file', 'blob', `${s.commit}:${opts.file}`]) }], { vocabulary: opts.vocabulary });
  const story = queue.graph.byId.get(s.story);
  if (!story || story.claimant?.toLowerCase() !== agent.toLowerCase()) {
    throw new QueueError('git', `request ${mine.request.id} was served by ${s.commit.slice(0, 7)}, but ${s.story} does not read as claimed by ${agent} there`, {
      commit: s.commit,
    });
  }
  const decision: Decision = {
    op: 'claim',
    id: story.id,
    changes: [{ id: story.id, expect: { category: 'in_progress', claimant: agent } }],
    document: queue.documents.find((d) => d.file === opts.file) ?? queue.documents[0],
    edits: [],
    subject: `queue: claim ${story.id} (${agent})`,
    trailers: [
      [TRAILER.op, 'claim'],
      [TRAILER.story, story.id],
      [TRAILER.agent, agent],
    ],
    unchanged: false,
  };
  return { decision, before: queue, applied: null, commit: s.commit, base: s.parent };
}
