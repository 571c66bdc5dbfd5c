import { describe, expect, it } from 'vitest';
import { canonicalAgent, DEFAULTS, isMaintainer, parseConfig, parseDuration } from '../../src/domain/config.js';
import { QueueError } from '../../src/domain/errors.js';

describe('queue.config.json', () => {
  it('takes every known key and reports unknown ones', () => {
    const { config, diagnostics } = parseConfig(
      JSON.stringify({
        file: 'docs/QUEUE.md',
        remote: null,
        branch: 'trunk',
        lease: '90m',
        maxClaims: 2,
        maxAttempts: 5,
        groupCommit: false,
        agents: { 'Dev 2': ['dev2'] },
        colour: 'blue',
      }),
    );
    expect(config).toMatchObject({ file: 'docs/QUEUE.md', remote: null, branch: 'trunk', leaseMs: 90 * 60_000, maxClaims: 2, maxAttempts: 5, groupCommit: false });
    expect(diagnostics.map((d) => [d.code, d.message, d.line, d.column])).toEqual([['unknown_config_key', 'queue.config.json: unknown key "colour" is ignored', 1, 148]]);
    const multi = parseConfig('{\n  "file": "Q.md",\n  "colour": 1\n}').diagnostics[0];
    expect([multi.line, multi.column]).toEqual([3, 3]);
  });

  it('says where a config does not read: the line and column of bad JSON, and of a key whose value is refused', () => {
    const at = (text: string) => {
      try {
        parseConfig(text);
      } catch (e) {
        return [(e as QueueError).message, (e as QueueError).details.line, (e as QueueError).details.column];
      }
      return null;
    };
    expect(at('{\n  "maxClaims": 2,\n  "agents": {\n    "Dev 1": ["a"],,\n  }\n}\n')).toEqual([
      expect.stringMatching(/^queue\.config\.json:4:20: not valid JSON: (Expected double-quoted property name|Unexpected token)/),
      4,
      20,
    ]);
    expect(at('{\n  "file": "Q.md",\n  "maxClaims": 0\n}')).toEqual(['queue.config.json:3:3: "maxClaims" must be a positive integer', 3, 3]);
    // Every refusal says where: a path outside the repository, a nested object, a bad expression.
    expect(at('{\n  "file": "../Q.md"\n}')?.slice(1)).toEqual([2, 3]);
    expect(at('{\n  "run": 3\n}')?.slice(0, 1)).toEqual(['queue.config.json:2:3: "run" must be an object']);
    expect(at('{\n  "hierarchy": {\n    "prefixes": 5\n  }\n}')?.[0]).toMatch(/^queue\.config\.json:3:5: "hierarchy\.prefixes" must be/);
    expect(at('{\n  "ids": ["A-(\\\\d+"]\n}')?.[0]).toMatch(/^queue\.config\.json:2:11: "ids" holds/);
  });

  it('reads a config that starts with a byte order mark', () => {
    expect(parseConfig('\uFEFF{"lease": "2h"}').config.leaseMs).toBe(2 * 3_600_000);
  });

  it('defaults when empty', () => {
    expect(parseConfig('{}').config).toEqual({ ...DEFAULTS, agents: {}, rules: {} });
  });

  it.each([
    ['not json', /not valid JSON/],
    ['[]', /expected a JSON object/],
    ['{"maxClaims": 0}', /"maxClaims" must be a positive integer/],
    ['{"lease": "soon"}', /"lease" must be a duration/],
    ['{"remote": 3}', /"remote" must be a remote name or null/],
    ['{"groupCommit": "no"}', /"groupCommit" must be true or false/],
    ['{"agents": {"A": "a"}}', /"agents.A" must be an array of strings/],
    ['{"maintainers": "Lead"}', /"maintainers" must be an array of agent names/],
    ['{"maintainers": ["Lead\\nQueue-Agent: x"]}', /"maintainers" must be an array of agent names/],
    ['{"pusherVariable": "GL USER"}', /"pusherVariable" must be the name of an environment variable/],
  ])('refuses %s', (text, message) => {
    expect(() => parseConfig(text)).toThrow(QueueError);
    expect(() => parseConfig(text)).toThrow(message);
  });

  it('durations and aliases', () => {
    expect([parseDuration('2h'), parseDuration('30s'), parseDuration('1d'), parseDuration('2 weeks')]).toEqual([7_200_000, 30_000, 86_400_000, null]);
    const { config } = parseConfig(JSON.stringify({ agents: { 'Dev 2': ['dev2', 'two@example.com'] } }));
    expect([canonicalAgent(config, 'DEV2'), canonicalAgent(config, 'two@example.com'), canonicalAgent(config, ' Other ')]).toEqual(['Dev 2', 'Dev 2', 'Other']);
  });

  it('maintainers, by any of their names; the pusher variable', () => {
    const { config } = parseConfig(JSON.stringify({ agents: { Lead: ['lead@example.com', 'lead'] }, maintainers: [' lead '], pusherVariable: 'QUEUE_PUSHER' }));
    expect([config.maintainers, config.pusherVariable]).toEqual([['lead'], 'QUEUE_PUSHER']);
    expect(['Lead', 'LEAD@example.com', 'lead', 'Dev 2', null].map((n) => isMaintainer(config, n))).toEqual([true, true, true, false, false]);
    expect(parseConfig('{}').config.maintainers).toEqual([]);
  });
});
