import { describe, expect, it } from 'vitest';
import { contending, expired, live, lookDelay } from '../../src/git/group.js';
import type { ClaimRequest } from '../../src/git/requests.js';

const at = (ago: number, op: ClaimRequest['op'] = { op: 'claim', agent: 'A' }): ClaimRequest => {
  const created = Date.now() - ago;
  return { id: `${created.toString(16).padStart(12, '0')}00000001`, sha: 'f'.repeat(40), created, op };
};

describe('group commit policy (pure)', () => {
  it('a fresh claim joins when a young readable request is pending or the tip is a young group commit', () => {
    expect(contending([], null)).toBe(false);
    expect(contending([at(500)], null)).toBe(true);
    // Older than the patience: its requester races itself (or died); not a sign of a racer now.
    expect(contending([at(5_000)], null)).toBe(false);
    // One this version cannot read is never served, so it says nothing about who races.
    expect(contending([at(500, null)], null)).toBe(false);
    expect(contending([], Date.now() - 1_000)).toBe(true);
    expect(contending([], Date.now() - 60_000)).toBe(false);
    // A committer clock far ahead is no burst either.
    expect(contending([], Date.now() + 60_000)).toBe(false);
  });

  it('serves only readable requests within the TTL, never the requester its own', () => {
    const mine = at(100);
    const young = at(200);
    const old = at(25_000);
    const future = at(-25_000);
    expect(live([mine, young, old, future, at(300, null)], { request: mine, since: 'x' })).toEqual([young]);
    expect([old, future, young].map(expired)).toEqual([true, true, false]);
  });

  it('looks about two attempts apart, within 150 ms and 2 s', () => {
    for (let i = 0; i < 200; i++) {
      const fast = lookDelay(0);
      expect(fast).toBeGreaterThanOrEqual(150);
      expect(fast).toBeLessThanOrEqual(300);
      const loaded = lookDelay(400);
      expect(loaded).toBeGreaterThanOrEqual(400);
      expect(loaded).toBeLessThanOrEqual(800);
      const slow = lookDelay(10_000);
      expect(slow).toBeGreaterThanOrEqual(1_000);
      expect(slow).toBeLessThanOrEqual(2_000);
    }
  });
});
