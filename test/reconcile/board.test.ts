import { describe, expect, it } from 'vitest';
import { readQueue } from '../../src/read/queue.js';
import { handoffFile, unblockedBy } from '../../src/edit/handoff.js';
import { updateBoard } from '../../src/reconcile/board.js';
import { readHandoff } from '../../src/workspace/handoff.js';

const q = (rows: string[]) => readQueue([{ file: 'WORK_QUEUE.md', text: `| Status | Story | Description | Depends On |\n|---|---|---|---|\n${rows.join('\n')}\n` }]);
const now = new Date('2026-11-21T14:05:00Z');

describe('status board', () => {
  it("adds a section in seed 002's format for an agent who holds a story, and is idempotent", async () => {
    const queue = await q(['| [IN PROGRESS: Dev 2] | **A** | build the API | None |']);
    const first = updateBoard(null, queue, now)!;
    expect(first.content).toBe(
      '# Current Status\n\n## Dev 2 Status\n**Last Updated**: 2026-11-21 14:05\n**Current Task**: A — build the API\n**Progress**: 0%\n**Blockers**: None\n**Next Update**: When the task changes\n',
    );
    expect(updateBoard(first.content, queue, new Date('2026-11-22T00:00:00Z'))).toBeNull();
  });

  it('keeps what a person wrote while it names the right story, rewrites the task when it does not', async () => {
    const board =
      '# Status\n\n## Dev 2 Status\n**Last Updated**: 2026-11-20 09:00\n**Current Task**: A, wiring the handlers\n**Progress**: 60%\n**Blockers**: keys\n**Next Update**: 18:00\n\nnotes by hand\n\n## Backend Agent Status\n**Last Updated**: 2026-11-20 09:00\n**Current Task**: Waiting for database\n**Progress**: 0%\n**Blockers**: Database not ready\n**Next Update**: When unblocked\n';
    expect(updateBoard(board, await q(['| [IN PROGRESS: Dev 2] | **A** | a | None |', '| [ ] | **B** | b | None |']), now)).toBeNull();
    const moved = updateBoard(board, await q(['| [DONE] | **A** | a | None |', '| [IN PROGRESS: Dev 2] | **B** | b | None |']), now)!;
    expect(moved.content).toBe(
      board.replace('**Last Updated**: 2026-11-20 09:00\n**Current Task**: A, wiring the handlers', '**Last Updated**: 2026-11-21 14:05\n**Current Task**: B — b'),
    );
    expect(moved.effects).toEqual([{ kind: 'board', agent: 'Dev 2', task: 'B — b' }]);
  });
});

describe('handoff files', () => {
  it("carry seed 002's fields as YAML front matter that reads back", async () => {
    const queue = await q(['| [DONE] | **A** | a | None |', '| [BLOCKED] | **B** | b | A |', '| [BLOCKED] | **C** | c | A, B |']);
    expect(unblockedBy(queue, 'A').map((s) => s.id)).toEqual(['B']);
    const f = handoffFile('deployment', {
      from: 'Dev 1',
      to: null,
      story: queue.graph.byId.get('B')!,
      completed: [queue.graph.byId.get('A')!],
      notes: 'see the API notes',
      next: ['read them'],
      now: '2026-11-21T14:05:00.000Z',
      satisfied: (d) => queue.graph.satisfied(d),
    });
    expect(f.path).toBe('deployment/handoffs/2026-11-21-dev-1-next-claimant-b.md');
    // Only the done dependencies are ready: C waits on A (done) and B (not).
    const forC = handoffFile('deployment', {
      from: 'Dev 1',
      to: 'Dev 2',
      story: queue.graph.byId.get('C')!,
      now: '2026-11-21T14:05:00.000Z',
      satisfied: (d) => queue.graph.satisfied(d),
    });
    expect(readHandoff(forC.content, forC.path).handoff.dependenciesReady).toEqual(['A']);
    const { handoff, diagnostics } = readHandoff(f.content, f.path);
    expect(diagnostics).toEqual([]);
    expect(handoff).toMatchObject({
      fromAgent: 'Dev 1',
      toAgent: 'next claimant',
      timestamp: '2026-11-21T14:05:00.000Z',
      taskCompleted: ['A: a'],
      dependenciesReady: ['A'],
      nextSteps: ['read them'],
      notes: 'see the API notes',
    });
    expect(f.content).toContain('# Handoff: B — b');
  });
});
