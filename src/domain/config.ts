/**
 * `queue.config.json` at the repository root: validated, unknown keys reported, every key
 * optional. Pure: `app/locate.ts` reads the file and hands its text to {@link parseConfig}.
 *
 * ```json
 * { "file": "WORK_QUEUE.md", "storiesDir": "stories", "deploymentDir": "deployment",
 *   "remote": "origin", "branch": "main", "lease": "2h", "maxClaims": 1, "maxAttempts": 30, "groupCommit": true, "renderOnWrite": true,
 *   "agents": { "Dev 2": ["dev2", "agent-two@example.com"] }, "rules": { "claim_limit": "warning" },
 *   "maintainers": ["Lead"], "pusherVariable": "QUEUE_PUSHER" }
 * ```
 */
import { QueueError } from './errors.js';
import { configPath } from './paths.js';
import type { Diagnostic, StatusCategory } from './types.js';
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
  /** Claims one agent may hold at once. Default 1: an agent finishes one story before it takes the next. */
  maxClaims: number;
  /** Attempts of one transaction before `conflict_retries_exhausted`. Default 30. */
  maxAttempts: number;
  /** Whether claims over a remote take part in group commit (`git/requests.ts`: requests under
   * `refs/queue/requests/` on the remote, served by the next winner's commit). Default true; false
   * keeps every claim a plain compare-and-swap race and writes nothing outside the shared branch. */
  groupCommit: boolean;
  /** Whether render and watch create the status board (`<deploymentDir>/status/current-status.md`)
   * where the repository has none. Default false: a board is kept up to date only where one exists. */
  statusBoard: boolean;
  /** Whether every write re-renders the file's generated blocks (`queue:ready`, `queue:progress`,
   * `queue:graph`) in its own commit, so they are never stale after a claim or a done. Default true;
   * false leaves them to `queue render`. A file without generated blocks is not affected. */
  renderOnWrite: boolean;
  /** Canonical agent name → other names it goes by (commit authors, short names). */
  agents: Record<string, string[]>;
  /** Severity of each claim rule: `"error"`, `"warning"` or `"off"`; defaults in domain/rules.ts. */
  rules: Partial<Record<RuleCode, RuleSeverity>>;
  /** Agents (names or aliases) who may change queue.config.json, delete the queue branch, remove
   * claimed stories and act with `Queue-Force` or `Queue-Op: reopen` where the hooks judge by
   * identity. Default none. */
  maintainers: string[];
  /** An environment variable through which the server hook learns who pushes, besides the ones
   * known servers set (`GL_USERNAME`, `GITEA_PUSHER_NAME`, `REMOTE_USER`). Default none. */
  pusherVariable: string | null;
  /** Agents (names or aliases) who may approve or reject a story in review (`queue approve`,
   * `queue reject`). Default none: anyone but the story's implementer. */
  reviewers: string[];
  /** Effort sizes written as words (`S`, `M`, `L`) → effort units, for `queue plan`. Default
   * `{"XS": 0.5, "S": 1, "M": 3, "L": 8, "XL": 13}`; numbers (`3`, `4h`, `2d`, `5 pts`) need none. */
  effort: Record<string, number>;
  /** The team's own words: status words, column headers and id patterns (`statuses`, `columns`,
   * `ids`), handed to the reader as a {@link Vocabulary}. Default empty. */
  vocabulary: Vocabulary;
  /** `queue run`: the coordinator that dispatches ready stories to coding agents ({@link RunConfig}). */
  run: RunConfig;
}

/** How `integrate` lands a worker's commits: rebased onto the tip, merged with it, or pushed as a branch left in review. */
export type IntegrateMode = 'rebase' | 'merge' | 'branch';

/** The `"run"` key of queue.config.json: what `queue run` starts for a story and how it judges and lands the work. */
export interface RunConfig {
  /** The agent command, an argv array with placeholders (`{prompt}`, `{promptFile}`, `{story}`, `{agent}`, `{worktree}`, `{logDir}`); null: none configured. */
  command: string[] | null;
  /** How long one attempt may run before its process group is killed, in milliseconds. Default 45 min. */
  timeoutMs: number;
  /** Attempts a story gets (the first and its retries) before it is blocked and left to a person. Default 3. */
  retries: number;
  /** Workers (agents at once). Default 1. */
  agents: number;
  /** How a worker's commits reach the shared branch. Default `rebase`. */
  integrate: IntegrateMode;
  /** The runner's name: workers act as `<name>-<k>`. Default `run-<host>-<hash of the clone's path>`. */
  name: string | null;
  /** Where the workers' worktrees live, relative to the repository root. Default `.queue-run`. */
  worktrees: string;
  /** Where each attempt's log directory is created, relative to the repository root. Default `logs/run`. */
  logs: string;
}

/** What a table column can hold (`dialect/columns.ts` finds them by header and by content). */
export const COLUMN_ROLES = ['status', 'id', 'title', 'deps', 'owner', 'storyFile', 'priority', 'effort', 'wave', 'parent'] as const;
/** A column's role. */
export type ColumnRole = (typeof COLUMN_ROLES)[number];

/** The categories a team's status word may be mapped to in `statuses` (every category but `unknown`). */
export const VOCABULARY_CATEGORIES = ['todo', 'blocked', 'in_progress', 'review', 'done', 'cancelled'] as const satisfies readonly StatusCategory[];

/**
 * A team's own vocabulary, beside the grammar queue knows: the read path's one option
 * (`read/queue.ts` → `dialect/`). Pure data, the same for every file read with it.
 *
 * - `statuses`: a status word or phrase (any case and separator style) → its category, read before
 *   the grammar's words (`{"parked": "blocked", "shipped; awaiting deploy": "review"}`);
 * - `columns`: a table header → the role of its column (`{"Komponente": "title"}`);
 * - `ids`: regular expressions (source text, matched whole) of the project's ids (`"ORDER-\\d+"`).
 */
export interface Vocabulary {
  statuses: Readonly<Record<string, Exclude<StatusCategory, 'unknown'>>>;
  columns: Readonly<Record<string, ColumnRole>>;
  ids: readonly string[];
  /** How stories nest beyond nested task items and Parent columns: `prefixes` true makes `2-3` a
   * child of `2` and `E1.2` of `E1` (an id's prefix before its last `-` or `.`, when that story
   * exists); a list of regular expressions (source text, matched whole) allows only the prefixes
   * they match. Absent: ids say nothing about parents. */
  hierarchy?: { prefixes: true | readonly string[] };
}

/** The empty vocabulary: the grammar alone. */
export const NO_VOCABULARY: Vocabulary = Object.freeze({ statuses: Object.freeze({}), columns: Object.freeze({}), ids: Object.freeze([]) as readonly string[] });

/** Whether `v` adds nothing to the grammar. */
export function isEmptyVocabulary(v: Vocabulary | undefined): boolean {
  return !v || (Object.keys(v.statuses).length === 0 && Object.keys(v.columns).length === 0 && v.ids.length === 0 && v.hierarchy === undefined);
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
  statusBoard: false,
  renderOnWrite: true,
  agents: {},
  rules: {},
  maintainers: [],
  pusherVariable: null,
  reviewers: [],
  effort: { XS: 0.5, S: 1, M: 3, L: 8, XL: 13 },
  run: { command: null, timeoutMs: 45 * 60_000, retries: 3, agents: 1, integrate: 'rebase', name: null, worktrees: '.queue-run', logs: 'logs/run' },
  vocabulary: NO_VOCABULARY,
};

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 };

/** A fresh copy of {@link DEFAULTS} (its objects and arrays not shared). */
export function defaultConfig(): QueueConfig {
  return { ...DEFAULTS, agents: {}, rules: {}, maintainers: [], reviewers: [], effort: { ...DEFAULTS.effort }, run: { ...DEFAULTS.run } };
}

/** `90m`, `2h`, `1d`, `30s` → milliseconds; null when not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$/i.exec(text);
  return m ? Number(m[1]) * UNITS[m[2].toLowerCase()] : null;
}

/**
 * A duration for people, in the units {@link parseDuration} reads, to the precision that matters:
 * `42s`, `17m`, `2h 05m`, `3d 4h`. `ms` is in milliseconds; negative durations read as `0s`.
 */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/**
 * Parse the config file's text. Throws {@link QueueError} `invalid` (with the file name) on bad JSON
 * or a value of the wrong type; unknown keys are warnings, not errors.
 */
export function parseConfig(source: string, file = CONFIG_FILE): { config: QueueConfig; diagnostics: Diagnostic[] } {
  // A byte order mark (some Windows editors write one) is no part of the JSON.
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    // JSON.parse says where by offset (`… in JSON at position 53`): said as line and column instead.
    const message = (e as Error).message;
    const at = /\bat position (\d+)/.exec(message);
    const where = at ? lineColumn(text, Number(at[1])) : null;
    const why = message.replace(/ in JSON at position \d+(?: \(line \d+ column \d+\))?/, '');
    if (!where) throw new QueueError('invalid', `${file}: not valid JSON: ${why}`, { file });
    throw new QueueError('invalid', `${file}:${where.line}:${where.column}: not valid JSON: ${why}`, { file, ...where });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new QueueError('invalid', `${file}: expected a JSON object`, { file });
  const config = defaultConfig();
  const diagnostics: Diagnostic[] = [];
  const bad = (key: string, want: string) => {
    // Where the key is written (its last part, for `agents.A`): the value it holds is the one refused.
    throw invalidAt(file, text, `"${key.split('.').pop()}"`, `"${key}" must be ${want}`, { key });
  };
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    switch (key) {
      case 'file':
      case 'storiesDir':
      case 'deploymentDir': {
        if (typeof value !== 'string' || value === '') bad(key, 'a non-empty string');
        const checked = configPath(value as string);
        if ('why' in checked) {
          throw invalidAt(
            file,
            text,
            `"${key}"`,
            `"${key}" must be a path inside the repository, relative to its root (such as "${DEFAULTS[key]}"), not ${JSON.stringify(value)}: ${checked.why}`,
            { key },
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
      case 'statusBoard':
      case 'renderOnWrite':
        if (typeof value !== 'boolean') bad(key, 'true or false');
        config[key] = value as boolean;
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
      case 'maintainers':
        if (!Array.isArray(value) || !value.every((m) => typeof m === 'string' && isAgentName(m))) bad(key, 'an array of agent names');
        config.maintainers = (value as string[]).map((m) => m.trim());
        break;
      case 'reviewers':
        if (!Array.isArray(value) || !value.every((m) => typeof m === 'string' && isAgentName(m))) bad(key, 'an array of agent names');
        config.reviewers = (value as string[]).map((m) => m.trim());
        break;
      case 'effort':
        if (value === null || typeof value !== 'object' || Array.isArray(value)) bad(key, 'an object of size → effort units, such as {"S": 1, "M": 3, "L": 8}');
        config.effort = {};
        for (const [size, units] of Object.entries(value as Record<string, unknown>)) {
          if (typeof units !== 'number' || !Number.isFinite(units) || units < 0) bad(`effort.${size}`, 'a number of effort units, 0 or more');
          config.effort[size] = units as number;
        }
        break;
      case 'pusherVariable':
        if (value !== null && (typeof value !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value))) bad(key, 'the name of an environment variable, or null');
        config.pusherVariable = value as string | null;
        break;
      case 'run':
        config.run = parseRun(value, file, text, diagnostics);
        break;
      case 'statuses': {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) bad(key, `an object of status word → category (${VOCABULARY_CATEGORIES.join(', ')})`);
        const statuses: Record<string, Exclude<StatusCategory, 'unknown'>> = {};
        for (const [word, cat] of Object.entries(value as Record<string, unknown>)) {
          if (word.trim() === '' || word.length > 60 || /[|\n]/.test(word)) bad(`statuses.${word}`, 'a status word of one line, at most 60 characters, without `|`');
          if (typeof cat !== 'string' || !(VOCABULARY_CATEGORIES as readonly string[]).includes(cat)) bad(`statuses.${word}`, `one of ${VOCABULARY_CATEGORIES.join(', ')}`);
          statuses[word.trim()] = cat as Exclude<StatusCategory, 'unknown'>;
        }
        config.vocabulary = { ...config.vocabulary, statuses };
        break;
      }
      case 'columns': {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) bad(key, `an object of header → role (${COLUMN_ROLES.join(', ')})`);
        const columns: Record<string, ColumnRole> = {};
        for (const [header, role] of Object.entries(value as Record<string, unknown>)) {
          if (header.trim() === '' || /[|\n]/.test(header)) bad(`columns.${header}`, 'a header of one line without `|`');
          if (typeof role !== 'string' || !(COLUMN_ROLES as readonly string[]).includes(role)) bad(`columns.${header}`, `one of ${COLUMN_ROLES.join(', ')}`);
          columns[header.trim()] = role as ColumnRole;
        }
        config.vocabulary = { ...config.vocabulary, columns };
        break;
      }
      case 'ids': {
        if (!Array.isArray(value) || !value.every((p) => typeof p === 'string' && p !== '' && p.length <= 200))
          bad(key, "an array of regular expressions (strings) matching the project's ids");
        for (const p of value as string[]) {
          try {
            new RegExp(`^(?:${p})$`, 'u');
          } catch (e) {
            throw invalidAt(file, text, JSON.stringify(p).slice(0, 20), `"ids" holds ${JSON.stringify(p)}, not a regular expression: ${(e as Error).message}`, { key });
          }
        }
        config.vocabulary = { ...config.vocabulary, ids: [...(value as string[])] };
        break;
      }
      case 'hierarchy':
        config.vocabulary = { ...config.vocabulary, hierarchy: parseHierarchy(value, file, text, diagnostics) };
        break;
      default:
        diagnostics.push({ severity: 'warning', code: 'unknown_config_key', message: `${file}: unknown key "${key}" is ignored`, file, ...positionOf(text, `"${key}"`) });
    }
  }
  return { config, diagnostics };
}

/** The `"hierarchy"` object: `{"prefixes": true}` or `{"prefixes": ["E\\d+", …]}` (unknown keys are warnings). */
function parseHierarchy(value: unknown, file: string, text: string, diagnostics: Diagnostic[]): { prefixes: true | readonly string[] } {
  const want = 'an object such as {"prefixes": true} or {"prefixes": ["E\\d+"]} (regular expressions of the parent ids)';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidAt(file, text, '"hierarchy"', `"hierarchy" must be ${want}`, { key: 'hierarchy' });
  let prefixes: true | readonly string[] | null = null;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key !== 'prefixes') {
      diagnostics.push({ severity: 'warning', code: 'unknown_config_key', message: `${file}: unknown key "hierarchy.${key}" is ignored`, file, ...positionOf(text, `"${key}"`) });
      continue;
    }
    if (v === true) prefixes = true;
    else if (Array.isArray(v) && v.length > 0 && v.every((p) => typeof p === 'string' && p !== '' && p.length <= 200)) {
      for (const p of v as string[]) {
        try {
          new RegExp(`^(?:${p})$`, 'u');
        } catch (e) {
          throw invalidAt(file, text, JSON.stringify(p).slice(0, 20), `"hierarchy.prefixes" holds ${JSON.stringify(p)}, not a regular expression: ${(e as Error).message}`, {
            key: 'hierarchy.prefixes',
          });
        }
      }
      prefixes = [...(v as string[])];
    } else throw invalidAt(file, text, '"prefixes"', '"hierarchy.prefixes" must be true or a non-empty array of regular expressions (strings)', { key: 'hierarchy.prefixes' });
  }
  if (prefixes === null) throw invalidAt(file, text, '"hierarchy"', `"hierarchy" must be ${want}`, { key: 'hierarchy' });
  return { prefixes };
}

/** The `"run"` object, validated key by key (unknown keys are warnings, as at the top level). */
function parseRun(value: unknown, file: string, text: string, diagnostics: Diagnostic[]): RunConfig {
  const bad = (key: string, want: string): never => {
    throw invalidAt(file, text, `"${key}"`, `"run.${key}" must be ${want}`, { key: `run.${key}` });
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidAt(file, text, '"run"', '"run" must be an object', { key: 'run' });
  const run: RunConfig = { ...DEFAULTS.run };
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    switch (key) {
      case 'command':
        if (!Array.isArray(v) || v.length === 0 || !v.every((a) => typeof a === 'string') || v[0] === '')
          bad(key, 'a non-empty array of strings (an argv, never a shell string), such as ["claude", "-p", "{prompt}"]');
        run.command = v as string[];
        break;
      case 'timeout': {
        const ms = typeof v === 'string' ? parseDuration(v) : null;
        if (ms === null || ms <= 0) bad(key, 'a duration such as "45m" or "30s"');
        run.timeoutMs = ms!;
        break;
      }
      case 'retries':
      case 'agents':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 64) bad(key, 'an integer from 1 to 64');
        run[key] = v as number;
        break;
      case 'integrate':
        if (v !== 'rebase' && v !== 'merge' && v !== 'branch') bad(key, '"rebase", "merge" or "branch"');
        run.integrate = v as IntegrateMode;
        break;
      case 'name':
        if (typeof v !== 'string' || !isAgentName(v) || v.length > 50) bad(key, 'an agent name (one line, at most 50 characters, no | [ ])');
        run.name = (v as string).trim();
        break;
      case 'worktrees':
      case 'logs': {
        if (typeof v !== 'string' || v === '') bad(key, 'a non-empty string');
        const checked = configPath(v as string);
        if ('why' in checked) bad(key, `a path inside the repository, relative to its root (${checked.why})`);
        else run[key] = checked.path;
        break;
      }
      default:
        diagnostics.push({ severity: 'warning', code: 'unknown_config_key', message: `${file}: unknown key "run.${key}" is ignored`, file, ...positionOf(text, `"${key}"`) });
    }
  }
  return run;
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

/** QueueError `invalid` for a config refused at the first place of `needle` in its text (1:1 when
 * absent): `file:line:column: message`, with `file`, `line`, `column` and `details`. */
function invalidAt(file: string, text: string, needle: string, message: string, details: Record<string, unknown>): QueueError {
  const where = positionOf(text, needle);
  return new QueueError('invalid', `${file}:${where.line}:${where.column}: ${message}`, { file, ...details, ...where });
}

/** 1-based line and column of offset `at` in `text` (columns in UTF-16 code units, as JSON.parse counts). */
function lineColumn(text: string, at: number): { line: number; column: number } {
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** 1-based line and column of the first occurrence of `needle` in `text` (1:1 when absent). */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const at = text.indexOf(needle);
  if (at === -1) return { line: 1, column: 1 };
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** A name as agents are compared: its case and a leading `@` (a mention, `@dev1`) set aside. */
function agentKey(name: string): string {
  return name
    .trim()
    .replace(/^@(?=.)/, '')
    .toLowerCase();
}

/** The canonical name of an agent through the config's aliases (case and a leading `@` aside), else `name`. */
export function canonicalAgent(config: Pick<QueueConfig, 'agents'>, name: string): string {
  const n = agentKey(name);
  for (const [canon, aliases] of Object.entries(config.agents)) {
    if (agentKey(canon) === n || aliases.some((a) => agentKey(a) === n)) return canon;
  }
  return name.trim();
}

/**
 * Whether two names are one agent: equal, case and a leading `@` aside (`@dev1` is dev1, as a
 * mention names it), once each is mapped through the config's `agents` aliases
 * ({@link canonicalAgent}); `a` written `deva@example.com` and `devA` are one agent when the config
 * lists the address as devA's. Null or empty names are nobody, and nobody is no agent.
 */
export function sameAgent(config: Pick<QueueConfig, 'agents'>, a: string | null | undefined, b: string | null | undefined): boolean {
  const x = agentIdentity(config, a);
  return x !== null && x === agentIdentity(config, b);
}

/** What {@link sameAgent} compares of a name: equal for two names of one agent, null for nobody (a
 * null or empty name). A key to count an agent's stories by. */
export function agentIdentity(config: Pick<QueueConfig, 'agents'>, name: string | null | undefined): string | null {
  if (!name?.trim()) return null;
  return agentKey(canonicalAgent(config, name));
}

/** Where an Owner cell that names several agents splits: at a comma or semicolon, or at `/`, `&` or
 * `+` with spaces around it (`Dev1, Dev2`, `Dev1 / Dev2`); `CI/CD` and `R&D` are one name each. */
const OWNER_SEPARATOR = /\s*[,;]\s*|\s+[/&+]\s+/;

/**
 * Whether an Owner cell or field (`owner`, as read; null: it names nobody) leaves its story to
 * `agent`: it names nobody, or names the agent, by its name or one of its aliases in `agents`
 * ({@link sameAgent}), alone or among others (`Dev1, Dev2`), as a mention or not (`@dev1`). What
 * `queue ready --agent` and `queue claim` without an id both go by.
 */
export function ownerTakes(config: Pick<QueueConfig, 'agents'>, owner: string | null, agent: string): boolean {
  if (owner === null) return true;
  const named = (n: string) => sameAgent(config, n, agent);
  return named(owner) || owner.split(OWNER_SEPARATOR).some(named);
}

/** Whether `name` (an agent name or one of its aliases) is one of the config's maintainers. */
export function isMaintainer(config: QueueConfig, name: string | null | undefined): boolean {
  if (!name) return false;
  return config.maintainers.some((m) => sameAgent(config, m, name));
}

/**
 * Whether `name` may approve or reject a story in review: anyone when the config names no
 * `reviewers`, else one of them (by name or alias). The story's own implementer never may; the
 * claim rules check that apart (`self_approve`).
 */
export function isReviewer(config: QueueConfig, name: string | null | undefined): boolean {
  if (!name) return false;
  if (config.reviewers.length === 0) return true;
  return config.reviewers.some((m) => sameAgent(config, m, name));
}

/**
 * Whether `name` may act as an agent: one line of at most 60 characters, none of `|`, `[`, `]` or a
 * control character, so it can neither break a table cell nor forge a commit trailer.
 */
export function isAgentName(name: string): boolean {
  return name.trim() !== '' && name.trim().length <= 60 && !/[\u0000-\u001f\u007f|[\]]/.test(name);
}
