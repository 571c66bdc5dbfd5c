/**
 * Decision records on disk and in git (`queue decision add|list`, and the decisions `queue show`
 * lists for a story): the format is `workspace/decisions.ts`. `add` commits the new record through
 * the transaction every write takes (or writes it to the working tree with `commit: false`),
 * numbered after the highest record at the tip it commits on.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { QueueError } from '../domain/errors.js';
import { isAgentName } from '../domain/config.js';
import type { Queue } from '../read/queue.js';
import type { Decision } from '../edit/decide.js';
import { TRAILER } from '../domain/trailers.js';
import { Git } from '../git/git.js';
import { decisionFile } from '../workspace/decisions.js';
import { decisionsDir } from './decision-files.js';
import { writeIntent, type Session, type WriteResult } from './operations.js';

/** What {@link addDecision} writes. */
export interface AddDecisionOptions {
  title: string;
  context: string;
  decision: string;
  /** Who decides. */
  by?: string;
  reviewers?: string[];
  /** Default `proposed`. */
  status?: string;
}

/**
 * Write a new decision record, `<deploymentDir>/decisions/NNNN-slug.md`, proposed by the session's
 * agent, in a commit of its own (or to the working tree with `commit: false`). Numbered after the
 * highest record at the tip the commit goes on. Throws QueueError `usage` for an empty title,
 * context or decision, or a name that is not one line.
 */
export async function addDecision(s: Session, opts: AddDecisionOptions): Promise<WriteResult & { number: string }> {
  for (const [flag, v] of [
    ['title', opts.title],
    ['context', opts.context],
    ['decision', opts.decision],
  ] as const) {
    if (!v?.trim()) throw new QueueError('usage', `--${flag} must say something`);
  }
  if (/[\r\n]/.test(opts.title)) throw new QueueError('usage', '--title must be one line');
  for (const name of [opts.by, ...(opts.reviewers ?? [])]) {
    if (name !== undefined && !isAgentName(name)) throw new QueueError('usage', `${JSON.stringify(name)} is not an agent name: one line, at most 60 characters, no | [ ]`);
  }
  const dir = decisionsDir(s.where.config.deploymentDir);
  let number = '';
  const result = await writeIntent(s, async (queue: Queue, base: string | null): Promise<Decision> => {
    // The records at the tip the commit goes on (the working tree when there is none).
    const names =
      base === null
        ? existsSync(join(s.where.root, dir))
          ? readdirSync(join(s.where.root, dir))
          : []
        : (await new Git(s.where.root).raw(['ls-tree', '--name-only', `${base}:${dir}`]).catch(() => '')).split('\n').filter(Boolean);
    const file = decisionFile(s.where.config.deploymentDir, names, {
      title: opts.title.trim(),
      context: opts.context,
      decision: opts.decision,
      proposer: s.agent,
      decisionMaker: opts.by?.trim() ?? null,
      reviewers: opts.reviewers?.map((r) => r.trim()),
      status: opts.status,
      date: s.now().toISOString().slice(0, 10),
    });
    number = file.number;
    return {
      op: 'decision',
      id: file.number,
      changes: [],
      document: queue.documents[0],
      edits: [],
      files: [{ path: file.path, content: file.content, role: 'decision' }],
      subject: `queue: decision ${file.number} ${opts.title.trim()} (${s.agent})`,
      trailers: [
        [TRAILER.op, 'decision'],
        [TRAILER.agent, s.agent],
      ],
      unchanged: false,
    };
  });
  return { ...result, number };
}
