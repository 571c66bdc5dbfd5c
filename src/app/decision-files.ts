/**
 * Decision records in the working tree (`queue decision list`, and the decisions `queue show` lists
 * for a story); the format is `workspace/decisions.ts`. Light: no git, no write machinery.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readablePath } from './files.js';
import type { Story } from '../domain/types.js';
import type { Queue } from '../read/queue.js';
import { decisionNumber, namedDecisions, readDecision, type DecisionRecord } from '../workspace/decisions.js';

/** The decisions directory, relative to the root. */
export function decisionsDir(deploymentDir: string): string {
  return `${deploymentDir.replace(/\/+$/, '')}/decisions`;
}

/** The decision records under `root`/`deploymentDir`/decisions in the working tree, in number order. */
export function listDecisions(root: string, deploymentDir: string): DecisionRecord[] {
  const dir = join(root, decisionsDir(deploymentDir));
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => decisionNumber(n) !== null)
    .sort((a, b) => decisionNumber(a)! - decisionNumber(b)! || a.localeCompare(b))
    .flatMap((n) => {
      // Only a file really inside the work tree: a committed link to elsewhere is not a record.
      const real = readablePath(root, join(dir, n));
      return real ? [readDecision(`${decisionsDir(deploymentDir)}/${n}`, n, readFileSync(real, 'utf8').slice(0, 1_000_000))] : [];
    });
}

/**
 * The decision records story `story` names: in its row (as written, links included) or in its story
 * file (`decision 0003`, `ADR-3`, a link to `decisions/0003-….md`), in the order named.
 */
export function decisionsFor(root: string, deploymentDir: string, queue: Queue, story: Story): DecisionRecord[] {
  const texts: string[] = [];
  for (const o of story.occurrences) {
    const doc = queue.documents.find((d) => d.file === o.file);
    if (doc) texts.push(doc.text.slice(o.start, o.end));
  }
  if (story.storyFile) {
    for (const path of [join(root, story.storyFile), join(root, queue.documents[0]?.file ?? '', '..', story.storyFile)]) {
      // Only a file really inside the work tree: a story file cell, and any link it passes, are anyone's.
      const real = relative(root, path).startsWith('..') ? null : readablePath(root, path);
      if (!real) continue;
      try {
        texts.push(readFileSync(real, 'utf8').slice(0, 1_000_000));
        break;
      } catch {
        /* a directory or an unreadable file names nothing */
      }
    }
  }
  const wanted = namedDecisions(texts.join('\n'));
  if (wanted.length === 0) return [];
  const all = listDecisions(root, deploymentDir);
  return wanted.flatMap((n) => all.filter((d) => Number(d.number) === n));
}
