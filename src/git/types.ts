/**
 * The shapes a transaction on the shared branch reads and returns, shared by the transaction
 * (`transaction.ts`), group commit (`requests.ts`) and syncing the clone afterwards (`sync.ts`).
 */
import type { Vocabulary } from '../domain/config.js';
import type { Applied } from '../edit/apply.js';
import type { Decision } from '../edit/decide.js';
import type { Queue } from '../read/queue.js';

/** What {@link transact} did. */
export interface TransactionResult {
  decision: Decision;
  /** The queue as read at `base`. */
  before: Queue;
  /** The edited queue, or null when nothing changed. */
  applied: Applied | null;
  /** The commit published, or null when there was nothing to commit. */
  commit: string | null;
  /** The tip the decision was made on. */
  base: string;
  attempts: number;
  /** What happened to the local branch and working file afterwards. */
  sync: 'updated' | 'not-checked-out' | 'skipped';
  /** Why the local side was not updated, when it was not. */
  note?: string;
}

/** What one attempt decided and published, before the local side is synced. */
export type Attempt = Omit<TransactionResult, 'sync' | 'note' | 'attempts'>;

/** Where a transaction reads and writes: the shared branch, locally or on a remote. */
export interface BranchRef {
  /** Work tree root. */
  root: string;
  /** Queue file, relative to `root`, with `/` separators. */
  file: string;
  /** Remote holding the shared branch, or null for the local branch only. */
  remote: string | null;
  /** Shared branch name (`main`). */
  branch: string;
  /** The team's vocabulary the queue file is read with (queue.config.json's `statuses`, `columns`,
   * `ids`); none when absent. */
  vocabulary?: Vocabulary;
}
