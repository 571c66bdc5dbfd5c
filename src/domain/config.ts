/**
 * `queue.config.json` at the repository root (issue 3): validated, unknown keys reported, every key
 * optional. Pure: `app/locate.ts` reads the file and hands its text to {@link parseConfig}.
 *
 * ```json
 * { "file": "WORK_QUEUE.md", "storiesDir": "stories", "deploymentDir": "deployment",
 *   "remote": "origin", "branch": "main", "lease": "2h", "maxClaims": 1, "maxAttempts": 30, "groupCommit": true,
 *   "agents": { "Dev 2": ["dev2", "agent-two@example.com"] }, "rules": { "claim_limit": "warning" } }
 * ```
 */
import { QueueError } from './errors.js';
import { configPath } from './paths.js';
import type { Diagnostic } from './types.js';
import { DEFAULT_SEVERITY, type RuleCode, type RuleSeverity } from './rules.js';

/** queue.config.json at the repository root, validated, with defaults filled in ({@link DEFAULTS}). */
export interface QueueConfig {
  /** Queue file, relative to the repository root. Default `WORK_QUEUE.md`. */
  file: string;
  storiesDir: string;
  deploymentDir: string;
  /** Remote holding the shared branch; null for none (local CAS with update-ref). Default: `origin` when it exists. */
  remote: string | null | undefined;
  /** Shared branch. Default: the remote's default branch (`origin/HEAD`), else the checked-out branch. */
  branch: string | undefined;
  /** A claim older than this is stale, in milliseconds (written as `90m`, `2h`, `1d`). Default 2 h. */
  leaseMs: number;
  /** Claims one agent may hold at once (seed 004: "Complete ONE story per session"). Default 1. */
  maxClaims: number;
  /** Attempts of one transaction before `conflict_retries_exhausted`. Default 30. */
  maxAttempts: number;
  /** Whether claims over a remote take part in group commit (`git/requests.ts`: requests under
   * `refs/queue/requests/` on the remote, served by the next winner's commit). Default true; false
   * keeps every claim a plain compare-and-swap race and writes nothing outside the shared branch. */
  groupCommit: boolean;
  /** Canonical agent name → other names it goes by (commit authors, short names). */
  agents: Record<string, string[]>;
  /** Severity of each claim rule (issue 4): `"error"`, `"warning"` or `"off"`; defaults in domain/rules.ts. */
  rules: Partial<Record<RuleCode, RuleSeverity>>;
}

/** The config file's name, at the repository root. */
export const CONFIG_FILE = 'queue.config.json';

/** The configuration when queue.config.json is absent or silent on a key. */
export const DEFAULTS: QueueConfig = {
  file: 'WORK_QUEUE.md',
  storiesDir: 'stories',
  deploymentDir: 'deployment',
  remote: undefined,
  branch: undefined,
  leaseMs: 2 * 3600_000,
  maxClaims: 1,
  maxAttempts: 30,
  groupCommit: true,
  agents: {},
  rules: {},
};

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 };

/** `90m`, `2h`, `1d`, `30s` → milliseconds; null when not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$/i.exec(text);
  return m ? Number(m[1]) * UNITS[m[2].toLowerCase()] : null;
}

/**
 * Parse the config file's text. Throws {@link QueueError} `invalid` (with the file name) on bad JSON
 * or a value of the wrong type; unknown keys are warnings, not errors.
 */
export function parseConfig(text: string, file = CONFIG_FILE): { config: QueueConfig; diagnostics: Diagnostic[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new QueueError('invalid', `${file}: not valid JSON: ${(e as Error).message}`, { file });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new QueueError('invalid', `${file}: expected a JSON object`, { file });
  const config: QueueConfig = { ...DEFAULTS, agents: {}, rules: {} };
  const diagnostics: Diagnostic[] = [];
  const bad = (key: string, want: string) => {
    throw new QueueError('invalid', `${file}: "${key}" must be ${want}`, { file, key });
  };
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    switch (key) {
      case 'file':
      case 'storiesDir':
      case 'deploymentDir': {
        if (typeof value !== 'string' || value === '') bad(key, 'a non-empty string');
        const checked = configPath(value as string);
        if ('why' in checked) {
          throw new QueueError(
            'invalid',
            `${file}: "${key}" must be a path inside the repository, relative to its root (such as "${DEFAULTS[key]}"), not ${JSON.stringify(value)}: ${checked.why}`,
            { file, key, ...positionOf(text, `"${key}"`) },
          );
        }
        config[key] = checked.path;
        break;
      }
      case 'remote':
        if (value !== null && (typeof value !== 'string' || !isRefName(value))) bad(key, 'a remote name or null');
        config.remote = value as string | null;
        break;
      case 'branch':
        if (typeof value !== 'string' || !isRefName(value)) bad(key, 'a branch name');
        config.branch = value as string;
        break;
      case 'lease': {
        const ms = typeof value === 'string' ? parseDuration(value) : null;
        if (ms === null || ms <= 0) bad(key, 'a duration such as "2h" or "90m"');
        config.leaseMs = ms!;
        break;
      }
      case 'maxClaims':
      case 'maxAttempts':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) bad(key, 'a positive integer');
        config[key] = value as number;
        break;
      case 'groupCommit':
        if (typeof value !== 'boolean') bad(key, 'true or false');
        config.groupCommit = value as boolean;
        break;
      case 'agents':
        if (value === null || typeof value !== 'object' || Array.isArray(value)) bad(key, 'an object of name → [aliases]');
        for (const [name, aliases] of Object.entries(value as Record<string, unknown>)) {
          if (!Array.isArray(aliases) || !aliases.every((a) => typeof a === 'string')) bad(`agents.${name}`, 'an array of strings');
          config.agents[name] = aliases as string[];
        }
        break;
      case 'rules':
        if (value === null || typeof value !== 'object' || Array.isArray(value)) bad(key, 'an object of rule → "error" | "warning" | "off"');
        for (const [rule, sev] of Object.entries(value as Record<string, unknown>)) {
          if (!(rule in DEFAULT_SEVERITY)) {
            diagnostics.push({
              severity: 'warning',
              code: 'unknown_config_key',
              message: `${file}: unknown rule "${rule}" is ignored (rules: ${Object.keys(DEFAULT_SEVERITY).join(', ')})`,
              file,
              ...positionOf(text, `"${rule}"`),
            });
            continue;
          }
          if (sev !== 'error' && sev !== 'warning' && sev !== 'off') bad(`rules.${rule}`, '"error", "warning" or "off"');
          config.rules[rule as RuleCode] = sev as RuleSeverity;
        }
        break;
      default:
        diagnostics.push({ severity: 'warning', code: 'unknown_config_key', message: `${file}: unknown key "${key}" is ignored`, file, ...positionOf(text, `"${key}"`) });
    }
  }
  return { config, diagnostics };
}

/**
 * Whether `name` can be a branch or remote name: git's ref name rules (`git check-ref-format`) for
 * one or more `/`-separated parts, and not starting with `-`, so it can never reach git as an option.
 */
export function isRefName(name: string): boolean {
  if (name === '' || name.startsWith('-') || name === '@' || name.endsWith('/') || name.endsWith('.') || name.includes('@{')) return false;
  if (/[\u0000-\u0020\u007f~^:?*[\\]|\.\.|\/\//.test(name)) return false;
  return name.split('/').every((part) => part !== '' && !part.startsWith('.') && !part.endsWith('.lock'));
}

/** 1-based line and column of the first occurrence of `needle` in `text` (1:1 when absent). */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const at = text.indexOf(needle);
  if (at === -1) return { line: 1, column: 1 };
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** The canonical name of an agent through the config's aliases (case-insensitive), else `name`. */
export function canonicalAgent(config: QueueConfig, name: string): string {
  const n = name.trim().toLowerCase();
  for (const [canon, aliases] of Object.entries(config.agents)) {
    if (canon.toLowerCase() === n || aliases.some((a) => a.trim().toLowerCase() === n)) return canon;
  }
  return name.trim();
}

/**
 * Whether `name` may act as an agent: one line of at most 60 characters, none of `|`, `[`, `]` or a
 * control character, so it can neither break a table cell nor forge a commit trailer (issue 3).
 */
export function isAgentName(name: string): boolean {
  return name.trim() !== '' && name.trim().length <= 60 && !/[\u0000-\u001f\u007f|[\]]/.test(name);
}
