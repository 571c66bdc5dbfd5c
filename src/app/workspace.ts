/**
 * Read the workspace around a queue (I/O): <deploymentDir>/status/current-status.md (agents) and
 * <deploymentDir>/handoffs/*.md, linked to the stories they name (docs/formats.md, "Workspace
 * files"; the directory is queue.config.json's `deploymentDir`, `deployment` by default).
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readablePath } from './files.js';
import { LimitError } from '../markdown/limits.js';
import type { Root } from 'mdast';
import type { Queue } from '../read/queue.js';
import { checkFileSize } from '../domain/limits.js';
import type { Diagnostic } from '../domain/types.js';
import type { Handoff } from '../workspace/handoff.js';
import { readHandoffs, shownHandoffFiles } from './handoff-files.js';
import { mentionedIds, writtenIds } from '../workspace/mentions.js';
import { readStatusBoard, type AgentStatus } from '../workspace/status-file.js';

/** An agent from the status board, linked to the stories it names. */
export interface Agent extends AgentStatus {
  /** Story ids named by the agent's Current Task (and Blockers). */
  stories: string[];
}

/** The deployment directory as read: agents, handoffs, and what could not be read. */
export interface Workspace {
  agents: Agent[];
  handoffs: Handoff[];
  diagnostics: Diagnostic[];
}

/**
 * Load and link the workspace of the queue rooted at `root`, under `deploymentDir` (relative to
 * `root`, `/` separators). Missing files are simply absent. `tip`: the shared branch's commit the
 * queue was read from, whose handoffs are read too where the work tree lacks them (not pulled yet).
 */
export async function loadWorkspace(root: string, queue: Queue, deploymentDir = 'deployment', tip: string | null = null): Promise<Workspace> {
  const ws: Workspace = { agents: [], handoffs: [], diagnostics: [] };
  const statusPath = join(root, deploymentDir, 'status', 'current-status.md');
  const statusReal = readablePath(root, statusPath);
  if (statusReal) {
    const file = relative(root, statusPath);
    const text = readFileSync(statusReal, 'utf8');
    checkFileSize(text, file);
    // The Markdown parser is loaded only for a status board to read.
    const { parseBounded } = await import('../markdown/remark.js');
    let tree: Root;
    try {
      tree = parseBounded(text, 'the status board');
    } catch (e) {
      throw e instanceof LimitError ? e.toQueueError(text, file) : e;
    }
    const { agents, diagnostics } = readStatusBoard(tree, file);
    ws.diagnostics.push(...diagnostics);
    const ids = writtenIds(queue);
    for (const a of agents) ws.agents.push({ ...a, stories: mentionedIds(`${a.currentTask ?? ''} ${a.blockers ?? ''}`, ids) });
  }
  for (const { handoff, diagnostics } of await readHandoffs(await shownHandoffFiles(root, deploymentDir, tip), root, queue)) {
    ws.handoffs.push(handoff);
    ws.diagnostics.push(...diagnostics);
  }
  return ws;
}
