/**
 * The JSON contract's objects (docs/json.md): the story and the diagnostic as agents read them. Pure; kept
 * apart from the human formatting (`cli/format.ts`, with string-width and colors), which `--json`
 * never loads.
 */
import type { QueueGraph } from './graph.js';
import type { Diagnostic, Story } from '../domain/types.js';

/** The contract's story object. */
export interface StoryJson {
  id: string;
  title: string;
  status: string;
  rawStatus: string;
  claimant: string | null;
  deps: string[];
  section: string | null;
  storyFile: string | null;
  file: string;
  line: number;
  ready: boolean;
}

/** A story as the `--json` contract gives it ({@link StoryJson}, schemaVersion 1): ids of its
 * dependencies (the written reference when unresolved), `ready` from `graph`. */
export function storyJson(s: Story, graph: QueueGraph): StoryJson {
  return {
    id: s.id,
    title: s.title,
    status: s.status.category,
    rawStatus: s.status.raw,
    claimant: s.claimant,
    deps: s.deps.map((d) => d.id ?? d.ref),
    section: s.sectionPath.length ? s.sectionPath[s.sectionPath.length - 1] : null,
    storyFile: s.storyFile,
    file: s.file,
    line: s.line,
    ready: graph.isReady(s),
  };
}

/** A diagnostic as the `--json` contract gives it: severity, code, message, file, 1-based line and
 * column, and `story` when it concerns one. */
export function diagnosticJson(d: Diagnostic) {
  return { severity: d.severity, code: d.code, message: d.message, file: d.file, line: d.line, column: d.column, ...(d.story ? { story: d.story } : {}) };
}
