import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/domain/config.js';
import { readQueue } from '../../src/read/queue.js';
import { applyDecision } from '../../src/edit/apply.js';
import { serveClaims } from '../../src/edit/combine.js';
import { decide } from '../../src/edit/decide.js';
import { decodeRequest, encodeRequest, type ClaimOperation } from '../../src/git/requests.js';

const head = '| Status | Story | Description | Depends On |\n|---|---|---|---|\n';
const text = head + ['| [ ] | **A** | a | None |', '| [ ] | **B** | b | None |', '| [ ] | **C** | c | A |', '| [IN PROGRESS: Dev 9] | **D** | d | None |', ''].join('\n');
const config = { ...DEFAULTS, agents: {}, rules: {} };

describe('group commit: serving pending claims on top of one', () => {
  it('decides each on the state the previous left, skips the refused, keeps every other byte', async () => {
    const queue = await readQueue([{ file: 'WORK_QUEUE.md', text }]);
    const own = await applyDecision(queue, decide(queue, { op: 'claim', agent: 'Dev 1', maxClaims: 1 }), config);
    const { applied, served } = await serveClaims(
      own,
      [
        { id: 'r1', op: { op: 'claim', agent: 'Dev 2' } }, // the next ready story: B
        { id: 'r2', op: { op: 'claim', id: 'D', agent: 'Dev 3' } }, // taken by Dev 9: stays pending
        { id: 'r3', op: { op: 'claim', id: 'C', agent: 'Dev 4' } }, // waits on A: stays pending
        { id: 'r4', op: { op: 'claim', agent: 'Dev 2' } }, // Dev 2 is at the limit of 1 now
        { id: 'r5', op: { op: 'claim', agent: 'Dev 5' } }, // nothing ready is left
      ],
      config,
      16,
    );
    expect(served).toEqual([{ id: 'r1', story: 'B', agent: 'Dev 2' }]);
    expect(applied.content).toBe(text.replace('| [ ] | **A** |', '| [IN PROGRESS: Dev 1] | **A** |').replace('| [ ] | **B** |', '| [IN PROGRESS: Dev 2] | **B** |'));
    expect(applied.after.graph.byId.get('B')?.claimant).toBe('Dev 2');
  });

  it("serves at most `max`, and uses the serving side's claim limit, not the request's", async () => {
    const queue = await readQueue([{ file: 'WORK_QUEUE.md', text }]);
    const own = await applyDecision(queue, decide(queue, { op: 'claim', id: 'A', agent: 'Dev 1', maxClaims: 1 }), config);
    const greedy = { op: 'claim' as const, agent: 'Dev 2', maxClaims: 99 };
    const one = await serveClaims(
      own,
      [
        { id: 'r1', op: greedy },
        { id: 'r2', op: greedy },
      ],
      config,
      16,
    );
    expect(one.served.map((s) => s.story)).toEqual(['B']);
    const capped = await serveClaims(
      own,
      [
        { id: 'r1', op: { op: 'claim', agent: 'Dev 2' } },
        { id: 'r2', op: { op: 'claim', agent: 'Dev 3' } },
      ],
      { ...config, maxClaims: 5 },
      1,
    );
    expect(capped.served.map((s) => s.id)).toEqual(['r1']);
  });
});

describe('claim requests: the message format', () => {
  it('round-trips a claim, with or without a story id', () => {
    expect(decodeRequest(encodeRequest({ op: 'claim', agent: 'Dev 2' }))).toEqual({ op: 'claim', agent: 'Dev 2' });
    expect(decodeRequest(encodeRequest({ op: 'claim', id: '5-3', agent: 'Dev 2', maxClaims: 9 } as ClaimOperation))).toEqual({ op: 'claim', id: '5-3', agent: 'Dev 2' });
    expect(encodeRequest({ op: 'claim', id: '5-3', agent: 'Dev 2' })).toBe('queue request: claim 5-3 (Dev 2)\n\n{"v":1,"op":"claim","agent":"Dev 2","id":"5-3"}\n');
  });

  it('refuses what queue did not write: forged agents, other ops, other versions, other messages', () => {
    const msg = (json: string) => `queue request: claim x (y)\n\n${json}\n`;
    expect(decodeRequest(msg('{"v":1,"op":"claim","agent":"A\\nQueue-Agent: B"}'))).toBeNull();
    expect(decodeRequest(msg('{"v":1,"op":"claim","agent":"A | B"}'))).toBeNull();
    expect(decodeRequest(msg('{"v":1,"op":"done","agent":"A","id":"S-1"}'))).toBeNull();
    expect(decodeRequest(msg('{"v":2,"op":"claim","agent":"A"}'))).toBeNull();
    expect(decodeRequest(msg('{"v":1,"op":"claim","agent":"A","id":"S-1\\nx"}'))).toBeNull();
    expect(decodeRequest(msg('not json'))).toBeNull();
    expect(decodeRequest('some other commit\n\n{"v":1,"op":"claim","agent":"A"}\n')).toBeNull();
    // A story id with a newline cannot break the subject line either.
    expect(encodeRequest({ op: 'claim', id: 'S-1\nQueue-Agent: B', agent: 'A' }).split('\n')[0]).toBe('queue request: claim S-1 Queue-Agent: B (A)');
  });
});
