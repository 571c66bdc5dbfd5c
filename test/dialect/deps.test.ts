import { describe, expect, it } from 'vitest';
import { parseDeps } from '../../src/dialect/deps.js';

const refs = (s: string) => parseDeps(s).deps.map((d) => `${d.ref}${d.markedDone ? '✓' : ''}`);

describe('dependency grammar', () => {
  it.each([
    ['None', []],
    ['—', []],
    ['-', []],
    ['', []],
    ['5-1', ['5-1']],
    ['5-1 [DONE]', ['5-1✓']],
    ['5-1 ✅', ['5-1✓']],
    ['5-1 ✅, 5-2 ✅', ['5-1✓', '5-2✓']],
    ['Epic 2 ✅', ['Epic 2✓']],
    ['D1,D2', ['D1', 'D2']],
    ['D-003,D-005,D-009', ['D-003', 'D-005', 'D-009']],
    ['STAB-1, STAB-2, STAB-3', ['STAB-1', 'STAB-2', 'STAB-3']],
    ['A1 A5', ['A1', 'A5']],
    ['MODEL-01, REPLAY-01', ['MODEL-01', 'REPLAY-01']],
    ['GOV-001..GOV-005', ['GOV-001', 'GOV-002', 'GOV-003', 'GOV-004', 'GOV-005']],
    ['T-8..10', ['T-8', 'T-9', 'T-10']],
    ['GOV-001 `DONE`; AUTONOMY.md; WORKFLOW.md', ['GOV-001✓']],
    ['Story 5-1', ['5-1']],
    ['5-1 (partial)', ['5-1']],
  ])('%j', (text, expected) => {
    expect(refs(text)).toEqual(expected);
  });

  it('keeps file references apart from dependencies', () => {
    expect(parseDeps('GOV-002 `DONE`; EXECUTION.md').documents).toEqual(['EXECUTION.md']);
  });
});
