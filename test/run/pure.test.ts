/** The pure pieces of `queue run`: placeholders, judging an attempt, the retry policy, events, the `run` config key. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/config.js';
import { QueueError } from '../../src/domain/errors.js';
import { expandArgv } from '../../src/run/command.js';
import { describeEvent, eventLine, workerLine } from '../../src/run/events.js';
import { afterFailure, criticalLines, describeExit, judge, tail, type AttemptFacts, type Exit } from '../../src/run/judge.js';
import { deferredDone } from '../../src/run/signal.js';

const values = { prompt: 'do it; rm -rf / "quoted"', promptFile: '/l/prompt.md', story: '1-3', agent: 'run-1', worktree: '/w', logDir: '/l' };
const clean: Exit = { code: 0, signal: null, timedOut: false, interrupted: false, error: null };
const facts = (over: Partial<AttemptFacts>): AttemptFacts => ({
  exit: clean,
  doneRequested: true,
  tip: { category: 'in_progress', claimant: 'run-1', waitingOn: [] },
  agent: 'run-1',
  critical: [],
  ...over,
});

describe('placeholders', () => {
  it('fill each argv element, the prompt as one argument whatever it holds', () => {
    expect(expandArgv(['claude', '-p', '{prompt}'], values)).toEqual(['claude', '-p', 'do it; rm -rf / "quoted"']);
    expect(expandArgv(['aider', '--message-file={promptFile}', '--x={story}@{agent}', '{worktree}/{logDir}'], values)).toEqual([
      'aider',
      '--message-file=/l/prompt.md',
      '--x=1-3@run-1',
      '/w//l',
    ]);
    expect(expandArgv(['echo', '{{story}}'], values)).toEqual(['echo', '{story}']);
  });
  it('refuse an unknown placeholder and an empty command', () => {
    expect(() => expandArgv(['x', '{promt}'], values)).toThrow(/unknown placeholder \{promt\}/);
    expect(() => expandArgv([], values)).toThrow(QueueError);
  });
});

describe('judging an attempt', () => {
  it('success is done asked, a clean exit and no critical error', () => {
    expect(judge(facts({}))).toEqual({ kind: 'finish' });
    // A claim writes the canonical name of an alias: the worker still holds what it claimed.
    const bot: AttemptFacts['tip'] = { category: 'in_progress', claimant: 'Bot', waitingOn: [] };
    expect(judge(facts({ tip: bot, agents: { Bot: ['run-1'] } }))).toEqual({ kind: 'finish' });
    expect(judge(facts({ tip: bot }))).toEqual({ kind: 'lost' });
    expect(judge(facts({ tip: { category: 'done', claimant: null, waitingOn: [] }, doneRequested: false }))).toEqual({ kind: 'closed' });
    expect(judge(facts({ tip: { category: 'review', claimant: 'run-1', waitingOn: [] } }))).toEqual({ kind: 'closed' });
  });
  it('a non-zero exit, a crash, a timeout, a clean exit without done, a critical error: failed', () => {
    expect(judge(facts({ exit: { ...clean, code: 2 } }))).toEqual({ kind: 'failed', why: 'exit 2' });
    expect(judge(facts({ exit: { ...clean, code: null, signal: 'SIGSEGV' } }))).toEqual({ kind: 'failed', why: 'killed by SIGSEGV' });
    expect(judge(facts({ exit: { ...clean, code: null, signal: 'SIGTERM', timedOut: true } })).kind).toBe('failed');
    expect(judge(facts({ doneRequested: false }))).toEqual({ kind: 'failed', why: 'exited 0 without marking the story done' });
    expect(judge(facts({ critical: ['FATAL: gone'] }))).toEqual({ kind: 'failed', why: 'critical error in the log: FATAL: gone' });
    expect(judge(facts({ exit: { ...clean, code: null, error: 'ENOENT' } }))).toEqual({ kind: 'failed', why: 'could not start: ENOENT' });
  });
  it('a story the agent blocked (a hold, or a dependency it added) is not a failure', () => {
    expect(judge(facts({ doneRequested: false, tip: { category: 'blocked', claimant: null, waitingOn: [] } }))).toEqual({ kind: 'blocked' });
    expect(judge(facts({ doneRequested: false, exit: { ...clean, code: 1 }, tip: { category: 'in_progress', claimant: 'run-1', waitingOn: ['1-3-B'] } }))).toEqual({
      kind: 'blocked',
    });
  });
  it('a story someone else holds, or that is gone, is lost', () => {
    expect(judge(facts({ tip: { category: 'in_progress', claimant: 'Dev 2', waitingOn: [] } }))).toEqual({ kind: 'lost' });
    expect(judge(facts({ tip: null }))).toEqual({ kind: 'lost' });
    expect(judge(facts({ tip: { category: 'todo', claimant: null, waitingOn: [] } }))).toEqual({ kind: 'lost' });
  });
  it('describes exits and finds critical lines', () => {
    expect(describeExit({ ...clean, code: null, signal: 'SIGKILL', timedOut: true })).toBe('timed out (process group killed by SIGKILL)');
    expect(criticalLines("ok\nFATAL: x\n  critical: y\nnot fatal: z\nthread 'main' panicked at src/x.rs")).toEqual([
      'FATAL: x',
      '  critical: y',
      "thread 'main' panicked at src/x.rs",
    ]);
    expect(tail('a\n\nb\nc\n', 2)).toEqual(['b', 'c']);
  });
});

describe('the retry policy', () => {
  it('retries while attempts remain, then escalates; a stopping run releases', () => {
    expect([1, 2, 3].map((a) => afterFailure(a, 3, false))).toEqual(['retry', 'retry', 'escalate']);
    expect(afterFailure(1, 1, false)).toBe('escalate');
    expect(afterFailure(1, 3, true)).toBe('release');
  });
});

describe('events', () => {
  it('one JSON document per line with the schema version', () => {
    const line = eventLine({ event: 'finish', done: 2, review: [], escalated: ['1-4'], attempts: 5, interrupted: false });
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual({ schemaVersion: 1, event: 'finish', done: 2, review: [], escalated: ['1-4'], attempts: 5, interrupted: false });
    expect(describeEvent({ event: 'escalate', story: '1-4', agent: 'run-1', attempt: 3, reason: 'r' })).toBe('run-1: 1-4: blocked after 3 failed attempts, for a person: r');
    expect(describeEvent({ event: 'escalate', story: '1-4', agent: 'run-1', attempt: 1, reason: 'r' })).toBe('run-1: 1-4: blocked after 1 failed attempt, for a person: r');
    expect(workerLine({ agent: 'run-1', story: '1-3', attempt: 2, since: 0, state: 'working' }, 83_000)).toMatch(/^run-1\s+1-3\s+attempt 2 {2}01:23 {2}working$/);
  });
});

describe('a done deferred to the runner', () => {
  it('only for the story the runner started the agent on', () => {
    const env = { QUEUE_RUN_DONE_FILE: '/l/done.json', QUEUE_RUN_STORY: '1-3' };
    expect(deferredDone('1-3', env)).toBe('/l/done.json');
    expect(deferredDone('1-4', env)).toBeNull();
    expect(deferredDone('1-3', {})).toBeNull();
  });
});

describe('the "run" config key', () => {
  it('takes every key, with defaults', () => {
    const { config, diagnostics } = parseConfig(
      JSON.stringify({
        run: { command: ['claude', '-p', '{prompt}'], timeout: '45m', retries: 2, agents: 3, integrate: 'branch', name: 'ci', worktrees: './wt/', logs: 'logs/agents', colour: 1 },
      }),
    );
    expect(config.run).toEqual({
      command: ['claude', '-p', '{prompt}'],
      timeoutMs: 45 * 60_000,
      retries: 2,
      agents: 3,
      integrate: 'branch',
      name: 'ci',
      worktrees: 'wt',
      logs: 'logs/agents',
    });
    expect(diagnostics.map((d) => d.message)).toEqual(['queue.config.json: unknown key "run.colour" is ignored']);
    expect(parseConfig('{}').config.run).toMatchObject({ command: null, retries: 3, agents: 1, integrate: 'rebase', worktrees: '.queue-run', logs: 'logs/run' });
  });
  it.each([
    ['{"run": "claude -p"}', /"run" must be an object/],
    ['{"run": {"command": "claude -p {prompt}"}}', /"run.command" must be a non-empty array of strings/],
    ['{"run": {"command": []}}', /"run.command"/],
    ['{"run": {"timeout": "soon"}}', /"run.timeout" must be a duration/],
    ['{"run": {"retries": 0}}', /"run.retries" must be an integer from 1 to 64/],
    ['{"run": {"integrate": "squash"}}', /"run.integrate" must be "rebase", "merge" or "branch"/],
    ['{"run": {"logs": "../elsewhere"}}', /"run.logs" must be a path inside the repository/],
    ['{"run": {"name": "a|b"}}', /"run.name" must be an agent name/],
  ])('refuses %s', (text, message) => {
    expect(() => parseConfig(text)).toThrow(message);
  });
});
