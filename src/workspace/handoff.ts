/**
 * Handoff files, deployment/handoffs/*.md, in the context-handoff format agent teams use to pass
 * work on (docs/formats.md, "Workspace files"): the fields from_agent, to_agent, timestamp,
 * task_completed, dependencies_ready, blockers, next_steps, artifacts, notes, as YAML front matter
 * (`---` … `---`) or in a fenced ```yaml block. Parsed with the `yaml` package. Pure.
 */
import { parse as parseYaml } from 'yaml';
import type { Diagnostic } from '../domain/types.js';

/** A handoff file under `deployment/handoffs/` (the handoff fields, from YAML front matter). */
export interface Handoff {
  file: string;
  fromAgent: string | null;
  toAgent: string | null;
  timestamp: string | null;
  taskCompleted: string[];
  dependenciesReady: string[];
  blockers: string[];
  nextSteps: string[];
  notes: string | null;
  /** Every field as read (unknown keys kept). */
  data: Record<string, unknown>;
  /** Ids of stories the handoff names (filled in by `load.ts`). */
  stories: string[];
}

const FRONT = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;
const FENCED = /```ya?ml\r?\n([\s\S]*?)\r?\n```/;

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.map((x) => (typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x))) : v == null || v === '' ? [] : [String(v)];
const str = (v: unknown): string | null => (v == null || v === '' ? null : v instanceof Date ? v.toISOString() : String(v));

/** Parse one handoff file. Unparseable YAML gives a diagnostic and an empty handoff, never a throw. */
export function readHandoff(text: string, file: string): { handoff: Handoff; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const m = FRONT.exec(text) ?? FENCED.exec(text);
  let data: Record<string, unknown> = {};
  if (m) {
    try {
      const parsed = parseYaml(m[1]);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) data = parsed as Record<string, unknown>;
      if ('handoff_template' in data && typeof data.handoff_template === 'object') data = data.handoff_template as Record<string, unknown>;
    } catch (e) {
      const line = text.slice(0, m.index).split('\n').length + 1;
      diagnostics.push({
        severity: 'warning',
        code: 'handoff_yaml',
        message: `handoff front matter is not valid YAML: ${(e as Error).message.split('\n')[0]}`,
        file,
        line,
        column: 1,
      });
    }
  } else {
    diagnostics.push({ severity: 'info', code: 'handoff_no_fields', message: 'handoff has no YAML front matter (from_agent, to_agent, timestamp, …)', file, line: 1, column: 1 });
  }
  return {
    handoff: {
      file,
      fromAgent: str(data.from_agent),
      toAgent: str(data.to_agent),
      timestamp: str(data.timestamp),
      taskCompleted: list(data.task_completed),
      dependenciesReady: list(data.dependencies_ready),
      blockers: list(data.blockers),
      nextSteps: list(data.next_steps),
      notes: str(data.notes),
      data,
      stories: [],
    },
    diagnostics,
  };
}
