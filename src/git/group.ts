/**
 * A claim's part in group commit during one transaction (`transaction.ts`; the protocol is
 * `requests.ts`, the decision record deployment/decisions/0003-claim-requests.md): when a fresh
 * claim joins the requests instead of racing, how long a requester waits behind older ones, how
 * often it looks, and which requests a winner may serve.
 */
import type { Git } from './git.js';
import { idTime, pendingIds, REQUEST_TTL_MS, withdrawRequest, type ClaimOperation, type ClaimRequest, type PublishedRequest } from './requests.js';

/** A claim's part in group commit (`requests.ts`) during one transaction. */
export interface Group {
  op: ClaimOperation;
  remote: string;
  /** This process's request on the remote, while it waits on it. */
  mine: PublishedRequest | null;
  /** The remote refused a request or an atomic push: plain compare-and-swap from here on. */
  off: boolean;
}

/** How long a requester waits behind older requests before it races for the branch itself: a few
 * winners' rounds on a busy machine. The oldest requester younger than this races at once. */
export const PATIENCE_MS = 3_000;

/** Between two looks of a waiting requester (`ls-remote`): at least this, jittered from half of it. */
const POLL_MS = 300;
/** ... and at most this. */
const POLL_MAX_MS = 2_000;

/**
 * How long a waiting requester sleeps before its next look, in ms: twice as long as its own last
 * attempt took (`attemptMs`), within [POLL_MS, POLL_MAX_MS], jittered down to half. The winner it
 * waits on runs a longer attempt on the same machine and load (it also writes, serves the requests
 * and pushes), so looking sooner mostly finds the request still pending, and on a loaded machine
 * every look costs the CPU the winner needs (two git processes: `ls-remote` and the remote's
 * `upload-pack`).
 */
export function lookDelay(attemptMs: number): number {
  const cap = Math.min(POLL_MAX_MS, Math.max(POLL_MS, 2 * attemptMs));
  return cap / 2 + Math.random() * (cap / 2);
}

/**
 * Whether our pending request should go on waiting: it is still on the remote behind an older one
 * whose requester races for the branch and will serve it too (racing as well would only cost
 * everyone). A request older than PATIENCE_MS has no requester racing for it any more (it raced
 * itself, or died). Looks with `ls-remote`: no fetch, no lock.
 */
export async function waitingBehind(git: Git, group: Group): Promise<boolean> {
  if (!group.mine || group.off || Date.now() - group.mine.request.created >= PATIENCE_MS) return false;
  const ids = (await pendingIds(git, group.remote).catch(() => [])).filter((id) => Date.now() - idTime(id) < PATIENCE_MS);
  return ids.includes(group.mine.request.id) && ids[0] !== group.mine.request.id;
}

/**
 * Whether claimers are contending right now, so that a fresh claim should join the requests rather
 * than race: requests of the last PATIENCE_MS are pending (their oldest requester is racing and will
 * serve this one too), or the tip itself is a group commit of the last PATIENCE_MS. The second
 * covers a burst: the claimers a group commit has just served come back for more at about the same
 * moment and would all race for the branch (one wins, and every other loses a whole attempt
 * before it publishes its request). A lone claimer never sees either, and one that joins by
 * mistake is the oldest requester: it races at once, having paid one more push.
 */
export function contending(requests: readonly ClaimRequest[], groupCommitAt: number | null): boolean {
  const now = Date.now();
  return live(requests, null).some((r) => now - r.created < PATIENCE_MS) || (groupCommitAt !== null && Math.abs(now - groupCommitAt) < PATIENCE_MS);
}

/** Requests that may be served: valid, not expired, not `mine`. Oldest first. */
export function live(requests: readonly ClaimRequest[], mine: PublishedRequest | null): ClaimRequest[] {
  return requests.filter((r) => r.id !== mine?.request.id && r.op !== null && !expired(r));
}

/**
 * A request dated more than the TTL away from now, in the past or (a forged or far-off clock) in the
 * future: deleted by the next serving push. One this version cannot read but within the TTL is left
 * alone: a newer queue may have written it.
 */
export function expired(r: ClaimRequest): boolean {
  return Math.abs(Date.now() - r.created) >= REQUEST_TTL_MS;
}

/** Withdraw our pending request, if any, whatever became of it. */
export async function forget(git: Git, group: Group): Promise<void> {
  if (group.mine) await withdrawRequest(git, group.remote, group.mine.request).catch(() => false);
  group.mine = null;
}
