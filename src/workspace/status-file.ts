/**
 * deployment/status/current-status.md, the status board agent teams keep (docs/formats.md,
 * "Workspace files"): one section per agent, `## Backend Agent Status`, then `**Last Updated**: …`,
 * `**Current Task**: …`, `**Progress**: 60%`, `**Blockers**: …`, `**Next Update**: …`. Parsed with
 * remark. Pure.
 */
import type { Root, RootContent } from 'mdast';
import type { Diagnostic } from '../domain/types.js';
import { plainText as nodeText } from '../markdown/mdast-text.js';

/** One agent's section of the status board. */
export interface AgentStatus {
  /** Agent name: the heading without a trailing "Status" (`Backend Agent`). */
  name: string;
  lastUpdated: string | null;
  currentTask: string | null;
  /** Progress in percent (0-100) when written as a number, else null. */
  progress: number | null;
  blockers: string | null;
  nextUpdate: string | null;
  /** Every `**Field**: value` in the section, by field name as written. */
  fields: Record<string, string>;
  file: string;
  line: number;
}

/** Read `**Field**: value` pairs from the paragraphs of `top` and of the lists in it, in order
 * (walked with a stack of its own, however deep the lists nest). */
function fieldsOf(top: RootContent, into: Record<string, string>) {
  const stack: RootContent[] = [top];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'list') {
      const inner = node.children.flatMap((item) => item.children as RootContent[]);
      for (let i = inner.length - 1; i >= 0; i--) stack.push(inner[i]);
    } else if (node.type === 'paragraph') paragraphFields(node, into);
  }
}

/** Read `**Field**: value` pairs from a paragraph whose children alternate strong and text. */
function paragraphFields(node: Extract<RootContent, { type: 'paragraph' }>, into: Record<string, string>) {
  const kids = node.children;
  for (let i = 0; i < kids.length; i++) {
    const k = kids[i];
    if (k.type !== 'strong') continue;
    let name = nodeText(k).trim();
    let value = '';
    for (let j = i + 1; j < kids.length && kids[j].type !== 'strong'; j++) value += nodeText(kids[j]);
    if (name.endsWith(':')) name = name.slice(0, -1);
    else value = value.replace(/^\s*:/, '');
    const v = value.split(/\r?\n/)[0].trim();
    if (name) into[name] = v;
  }
}

const pick = (f: Record<string, string>, ...names: string[]) => {
  for (const n of names) for (const k of Object.keys(f)) if (k.toLowerCase() === n) return f[k] || null;
  return null;
};

/** Parse a status board already parsed to mdast. */
export function readStatusBoard(tree: Root, file: string): { agents: AgentStatus[]; diagnostics: Diagnostic[] } {
  const agents: AgentStatus[] = [];
  const diagnostics: Diagnostic[] = [];
  let current: AgentStatus | null = null;
  for (const node of tree.children) {
    if (node.type === 'heading' && node.depth <= 3) {
      const text = nodeText(node).trim();
      const m = /^(.*?)\s+status$/i.exec(text);
      current = null;
      if (node.depth >= 2 && m) {
        current = { name: m[1].trim(), lastUpdated: null, currentTask: null, progress: null, blockers: null, nextUpdate: null, fields: {}, file, line: node.position!.start.line };
        agents.push(current);
      }
      continue;
    }
    if (current) fieldsOf(node, current.fields);
  }
  for (const a of agents) {
    a.lastUpdated = pick(a.fields, 'last updated');
    a.currentTask = pick(a.fields, 'current task');
    a.blockers = pick(a.fields, 'blockers');
    a.nextUpdate = pick(a.fields, 'next update');
    const p = pick(a.fields, 'progress');
    if (p !== null) {
      const m = /^(\d{1,3}(?:\.\d+)?)\s*%?/.exec(p);
      a.progress = m ? Math.min(100, Number(m[1])) : null;
      if (!m) diagnostics.push({ severity: 'warning', code: 'status_progress', message: `${a.name}: Progress "${p}" is not a percentage`, file, line: a.line, column: 1 });
    }
  }
  return { agents, diagnostics };
}
