/**
 * `queue show ID`'s answer, shared by the CLI and the MCP server: one story in full (its fields,
 * checklist, dependencies, dependents, every place it is written, the agents and handoffs naming
 * it) as the JSON contract gives it (docs/json.md), and the parts the human format prints.
 */
import { QueueError } from '../domain/errors.js';
import type { Diagnostic, Story } from '../domain/types.js';
import { diagnosticJson, storyJson } from '../model/contract.js';
import type { Handoff } from '../workspace/handoff.js';
import type { OpenedQueue } from './open.js';
import type { Agent } from './workspace.js';
import type { DecisionRecord } from '../workspace/decisions.js';
import { decisionsFor } from './decision-files.js';
import { loadConfig } from './locate.js';
import type { Rollup } from '../model/graph.js';

/** A parent's roll-up as the JSON contract gives it (`{done, total, byCategory}`), null for a story with no children. */
function rollupJson(r: Rollup | null): { done: number; total: number; byCategory: Rollup['byCategory'] } | null {
  return r ? { done: r.done, total: r.total, byCategory: r.byCategory } : null;
}

/** One story of an opened queue, with what names it. */
export interface ShownStory {
  story: Story;
  dependents: string[];
  agents: Agent[];
  handoffs: Handoff[];
  /** The decision records its row or story file names (deployment/decisions/NNNN-*.md). */
  decisions: DecisionRecord[];
  diagnostics: Diagnostic[];
  /** The `--json` document without its `schemaVersion` envelope: `{story: {…}, diagnostics: […]}`. */
  json: Record<string, unknown>;
}

/** Story `id` of `q` (opened with `workspace: true` for agents and handoffs). Throws QueueError `not_found`. */
export function showStory(q: OpenedQueue, id: string): ShownStory {
  const s = q.graph.lookup(id);
  if (!s) throw new QueueError('not_found', `no story "${id}" in ${q.documents[0]?.file ?? q.path}`, { id });
  const g = q.graph;
  const dependents = g.dependents.get(s.id) ?? [];
  const agents = (q.workspace?.agents ?? []).filter((a) => a.stories.includes(s.id));
  const handoffs = (q.workspace?.handoffs ?? []).filter((h) => h.stories.includes(s.id));
  const diagnostics = q.diagnostics.filter((d) => d.story === s.id);
  const decisions = decisionsFor(q.root, loadConfig(q.root).config.deploymentDir, q, s);
  const json = {
    story: {
      ...storyJson(s, g),
      sectionPath: s.sectionPath,
      owner: s.owner,
      priority: s.priority,
      effort: s.effort,
      wave: s.wave,
      fields: s.fields,
      parent: s.parent,
      needsDecomposition: s.needsDecomposition,
      children: g.children(s.id).map((c) => ({ id: c, status: g.byId.get(c)!.status.category })),
      rollup: rollupJson(g.rollup(s.id)),
      checklist: s.checklist,
      waitingOn: g.waitingOn(s),
      dependents,
      occurrences: s.occurrences.map((o) => ({ file: o.file, line: o.line, column: o.column, kind: o.kind, rawStatus: o.status.raw })),
      agents: agents.map((a) => a.name),
      handoffs: handoffs.map((h) => ({ file: h.file, from: h.fromAgent, to: h.toAgent, timestamp: h.timestamp })),
      decisions: decisions.map((d) => ({ number: d.number, file: d.file, title: d.title, status: d.status })),
    },
    diagnostics: diagnostics.map(diagnosticJson),
  };
  return { story: s, dependents, agents, handoffs, decisions, diagnostics, json };
}
