/**
 * Decision records: numbering after the highest, the front matter (read back with the yaml
 * package), records written by hand, the decisions a story names; `queue decision add` committed
 * in one commit of its own over real git (and to the working tree with --no-commit),
 * `queue decision list`, and `queue show` listing the decisions a story names.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { decisionFile, namedDecisions, readDecision } from '../../src/workspace/decisions.js';
import { git, queue, remoteFile, setup } from '../git/repos.js';

describe('decision records', () => {
  it('are numbered after the highest record, with the fields as YAML front matter', () => {
    const f = decisionFile('deployment', ['0001-a.md', '0012-b.md', 'README.md', 'notes.txt'], {
      title: 'Plans: the longest remaining path first',
      context: 'Agents idle.',
      decision: 'List scheduling.',
      proposer: 'Dev 1',
      decisionMaker: 'Lead',
      reviewers: ['Dev 2', 'Dev 3'],
      date: '2026-12-06',
    });
    expect(f.number).toBe('0013');
    expect(f.path).toBe('deployment/decisions/0013-plans-the-longest-remaining-path-first.md');
    const front = parse(/^---\n([\s\S]*?)\n---\n/.exec(f.content)![1]);
    expect(front).toEqual({
      number: '0013',
      title: 'Plans: the longest remaining path first',
      status: 'proposed',
      date: '2026-12-06',
      proposer: 'Dev 1',
      reviewers: ['Dev 2', 'Dev 3'],
      decision_maker: 'Lead',
    });
    expect(f.content).toContain(
      '# 0013 — Plans: the longest remaining path first\n\n- Date: 2026-12-06\n- Status: proposed\n\n## Context\n\nAgents idle.\n\n## Decision\n\nList scheduling.\n',
    );
    expect(readDecision(f.path, '0013-x.md', f.content)).toEqual({
      number: '0013',
      file: f.path,
      title: 'Plans: the longest remaining path first',
      status: 'proposed',
      date: '2026-12-06',
      proposer: 'Dev 1',
      reviewers: ['Dev 2', 'Dev 3'],
      decisionMaker: 'Lead',
    });
    expect(decisionFile('deployment/', [], { title: 'x', context: 'c', decision: 'd', proposer: 'p', date: '2026-01-01' }).number).toBe('0001');
  });

  it('reads a record written by hand from its heading and its Status and Date lines', () => {
    const text = '# 0007 — remark reads only the stretch\n\n- Date: 2026-11-22\n- Status: accepted\n\n## Context\n\n…\n';
    expect(readDecision('deployment/decisions/0007-remark.md', '0007-remark.md', text)).toMatchObject({
      number: '0007',
      title: 'remark reads only the stretch',
      status: 'accepted',
      date: '2026-11-22',
      proposer: null,
      reviewers: [],
    });
  });

  it('finds the decisions a text names: decision 0003, ADR-4, a link to a record', () => {
    expect(namedDecisions('see decision 0003 and Decision #5; ADR-4; [why](../deployment/decisions/0012-queue-index.md), again decision 3')).toEqual([3, 5, 4, 12]);
    expect(namedDecisions('no decisions here, 0003 alone')).toEqual([]);
  });
});

const QUEUE = [
  '| Status | Story | Description | Depends On | Story File |',
  '|---|---|---|---|---|',
  '| [ ] | **A** | a | None | |',
  '| [ ] | **B** | b, as [decided](deployment/decisions/0001-first.md) | None | |',
  '| [ ] | **C** | c | None | stories/C.md |',
  '',
].join('\n');

describe('queue decision', () => {
  it('add commits the record on its own; list lists it; show lists the decisions a row or story file names; --no-commit writes the working tree', async () => {
    const { remote, clones } = setup({ 'WORK_QUEUE.md': QUEUE }, 1);
    const c = clones[0];
    mkdirSync(join(c, 'deployment', 'decisions'), { recursive: true });
    mkdirSync(join(c, 'stories'));
    writeFileSync(join(c, 'deployment', 'decisions', '0001-first.md'), '# 0001 — First\n\n- Date: 2026-12-01\n- Status: accepted\n');
    writeFileSync(join(c, 'stories', 'C.md'), '# C\n\nFollows decision 0002.\n');
    git(c, 'add', '.');
    git(c, 'commit', '-qm', 'records');
    git(c, 'push', '-q', 'origin', 'HEAD:main');

    const r = await queue(c, [
      'decision',
      'add',
      '--title',
      'Use YAML front matter',
      '--context',
      'Records need fields.',
      '--decision',
      'The yaml package writes them.',
      '--by',
      'Lead',
      '--reviewers',
      'Dev 2, Dev 3',
      '--agent',
      'Dev 1',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const path = 'deployment/decisions/0002-use-yaml-front-matter.md';
    expect(r.json.decision).toEqual({ number: '0002', file: path });
    expect(r.json.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(git(remote, 'show', '--name-only', '--format=%s%n%(trailers:key=Queue-Op)', 'main').trim().split('\n').filter(Boolean)).toEqual([
      'queue: decision 0002 Use YAML front matter (Dev 1)',
      'Queue-Op: decision',
      path,
    ]);
    const front = parse(/^---\n([\s\S]*?)\n---\n/.exec(remoteFile(remote, path))![1]);
    expect(front).toMatchObject({ number: '0002', proposer: 'Dev 1', decision_maker: 'Lead', reviewers: ['Dev 2', 'Dev 3'], status: 'proposed' });

    const list = await queue(c, ['decision', 'list', '--json']);
    expect(list.json.decisions.map((d: { number: string; title: string }) => [d.number, d.title])).toEqual([
      ['0001', 'First'],
      ['0002', 'Use YAML front matter'],
    ]);
    const b = await queue(c, ['show', 'B', '--json', '--offline']);
    expect(b.json.story.decisions).toEqual([{ number: '0001', file: 'deployment/decisions/0001-first.md', title: 'First', status: 'accepted' }]);
    const sc = await queue(c, ['show', 'C', '--json', '--offline']);
    expect(sc.json.story.decisions.map((d: { number: string }) => d.number)).toEqual(['0002']);
    expect((await queue(c, ['show', 'A', '--json', '--offline'])).json.story.decisions).toEqual([]);
    expect((await queue(c, ['show', 'C', '--offline'])).stdout).toContain('decision   0002 Use YAML front matter (proposed)');

    const head = git(remote, 'rev-parse', 'main');
    const local = await queue(c, ['decision', 'add', '--title', 'Draft', '--context', 'c', '--decision', 'd', '--agent', 'Dev 1', '--no-commit', '--json']);
    expect(local.code).toBe(0);
    expect(local.json.decision.number).toBe('0003');
    expect(local.json.commit).toBeNull();
    expect(existsSync(join(c, 'deployment', 'decisions', '0003-draft.md'))).toBe(true);
    expect(readFileSync(join(c, 'deployment', 'decisions', '0003-draft.md'), 'utf8')).toContain('proposer: Dev 1');
    expect(git(remote, 'rev-parse', 'main')).toBe(head);
    expect((await queue(c, ['decision', 'add', '--title', ' ', '--context', 'c', '--decision', 'd', '--agent', 'Dev 1', '--json'])).json.error.code).toBe('usage');
  });
});
