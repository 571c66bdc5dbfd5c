/**
 * Read the workspace around a queue (I/O): deployment/status/current-status.md (agents) and
 * deployment/handoffs/*.md, linked to the stories they name.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseMarkdown } from '../markdown/remark.js';
import type { Queue } from '../core/read.js';
import type { Diagnostic } from '../model/types.js';
import { readHandoff, type Handoff } from './handoff.js';
import { mentionedIds } from './mentions.js';
import { readStatusBoard, type AgentStatus } from './status-file.js';

export interface Agent extends AgentStatus {
  /** Story ids named by the agent's Current Task (and Blockers). */
  stories: string[];
}

export interface Workspace {
  agents: Agent[];
  handoffs: Handoff[];
  diagnostics: Diagnostic[];
}

export const STATUS_FILE = join('deployment', 'status', 'current-status.md');
export const HANDOFF_DIR = join('deployment', 'handoffs');

/** Load and link the workspace of the queue rooted at `root`. Missing files are simply absent. */
export async function loadWorkspace(root: string, queue: Queue): Promise<Workspace> {
  const ids = queue.stories.filter((s) => !s.derivedId).map((s) => s.id);
  const ws: Workspace = { agents: [], handoffs: [], diagnostics: [] };
  const statusPath = join(root, STATUS_FILE);
  if (existsSync(statusPath)) {
    const text = readFileSync(statusPath, 'utf8');
    const { agents, diagnostics } = readStatusBoard(parseMarkdown(text), relative(root, statusPath));
    ws.diagnostics.push(...diagnostics);
    for (const a of agents) ws.agents.push({ ...a, stories: mentionedIds(`${a.currentTask ?? ''} ${a.blockers ?? ''}`, ids) });
  }
  const dir = join(root, HANDOFF_DIR);
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.md') && f.toLowerCase() !== 'readme.md').sort()) {
      const path = join(dir, name);
      const text = readFileSync(path, 'utf8');
      const { handoff, diagnostics } = readHandoff(text, relative(root, path));
      handoff.stories = mentionedIds(`${name} ${text}`, ids);
      ws.handoffs.push(handoff);
      ws.diagnostics.push(...diagnostics);
    }
  }
  return ws;
}
