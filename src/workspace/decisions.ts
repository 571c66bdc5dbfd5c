/**
 * Decision records, `<deploymentDir>/decisions/NNNN-slug.md`: numbered, one decision each, with
 * YAML front matter (number, title, status, date, proposer, reviewers, decision_maker) that `queue
 * decision add` writes with the `yaml` package, then the record a person reads (Context, Decision).
 * Records written by hand without front matter are read from their `# NNNN — Title` heading and
 * their `- Status:` / `- Date:` lines. Pure: the caller lists the directory and gives the clock.
 */
import { parse as parseYaml, stringify } from 'yaml';
import { slug } from '../dialect/normalize.js';

/** A decision record as read. */
export interface DecisionRecord {
  /** `0003`, as the file name writes it. */
  number: string;
  /** Path relative to the repository root. */
  file: string;
  title: string;
  status: string | null;
  date: string | null;
  proposer: string | null;
  reviewers: string[];
  decisionMaker: string | null;
}

/** A decision to write. */
export interface DecisionRequest {
  title: string;
  context: string;
  decision: string;
  /** Who proposes it (the acting agent). */
  proposer: string;
  /** Who decides, when known. */
  decisionMaker?: string | null;
  reviewers?: string[];
  /** Default `proposed`. */
  status?: string;
  /** YYYY-MM-DD. */
  date: string;
}

/** A decision file name: `0003-slug.md`. */
const NAME = /^(\d{1,6})-[^/]*\.md$/i;

/** The number of a decision file name (`0003-fast-reader.md` → 3), or null for another file. */
export function decisionNumber(name: string): number | null {
  const m = NAME.exec(name);
  return m ? Number(m[1]) : null;
}

/**
 * The path and content of a new decision record, numbered one after the highest of `existing` (file
 * names in the decisions directory), four digits at least.
 */
export function decisionFile(deploymentDir: string, existing: readonly string[], req: DecisionRequest): { path: string; content: string; number: string } {
  const highest = Math.max(0, ...existing.map((n) => decisionNumber(n) ?? 0));
  const number = String(highest + 1).padStart(4, '0');
  const status = req.status?.trim() || 'proposed';
  const data = {
    number,
    title: req.title,
    status,
    date: req.date,
    proposer: req.proposer,
    reviewers: req.reviewers ?? [],
    decision_maker: req.decisionMaker ?? null,
  };
  const body = [
    `# ${number} — ${req.title}`,
    '',
    `- Date: ${req.date}`,
    `- Status: ${status}`,
    '',
    '## Context',
    '',
    req.context.trim(),
    '',
    '## Decision',
    '',
    req.decision.trim(),
    '',
  ];
  return {
    number,
    path: `${deploymentDir.replace(/\/+$/, '')}/decisions/${number}-${slug(req.title, 48)}.md`,
    content: `---\n${stringify(data)}---\n\n${body.join('\n')}`,
  };
}

const FRONT = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Read a decision record (`file` relative to the root, `name` its file name). Never throws: what does not read is null. */
export function readDecision(file: string, name: string, text: string): DecisionRecord {
  let data: Record<string, unknown> = {};
  const front = FRONT.exec(text);
  if (front) {
    try {
      const parsed = parseYaml(front[1]);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) data = parsed as Record<string, unknown>;
    } catch {
      /* front matter that does not parse: read the body as a person wrote it */
    }
  }
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null);
  const bullet = (key: string) => new RegExp(`^[-*]\\s+${key}:\\s*(.+)$`, 'im').exec(text)?.[1].trim() ?? null;
  const heading = /^#\s+(.+)$/m.exec(text.slice(front ? front[0].length : 0))?.[1].trim() ?? null;
  const number = NAME.exec(name)?.[1] ?? str(data.number) ?? '';
  const reviewers = Array.isArray(data.reviewers) ? data.reviewers.flatMap((r) => (str(r) ? [str(r)!] : [])) : typeof data.reviewers === 'string' ? splitNames(data.reviewers) : [];
  return {
    number,
    file,
    title: str(data.title) ?? (heading ? heading.replace(/^\d+\s*[—–:-]\s*/, '') : name.replace(/\.md$/i, '')),
    status: str(data.status) ?? bullet('Status'),
    date: str(data.date) ?? bullet('Date'),
    proposer: str(data.proposer),
    reviewers,
    decisionMaker: str(data.decision_maker) ?? str(data.decisionMaker),
  };
}

/** `a, b` → `['a', 'b']`. */
export function splitNames(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The decision numbers a text names, in order, each once: `decision 0003`, `Decision #3`, `ADR-0003`,
 * or a link to `decisions/0003-….md`. Numbers as integers (3).
 */
export function namedDecisions(text: string): number[] {
  const out: number[] = [];
  const add = (n: string) => {
    const v = Number(n);
    if (!out.includes(v)) out.push(v);
  };
  for (const m of text.matchAll(/\b(?:decision|adr)[\s#-]*(\d{1,6})\b/gi)) add(m[1]);
  for (const m of text.matchAll(/decisions\/(\d{1,6})-[^\s)\]]*\.md/gi)) add(m[1]);
  return out;
}
