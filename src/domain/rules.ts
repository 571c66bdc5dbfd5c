/** The claim rules' codes and default severities (docs/rules-and-hooks.md); `queue.config.json` `"rules"` overrides them. */
export type RuleCode =
  | 'unparseable'
  | 'claim_not_ready'
  | 'claim_unnamed'
  | 'steal'
  | 'not_holder'
  | 'done_not_claimed'
  | 'reopen_by_hand'
  | 'cycle'
  | 'duplicate_id'
  | 'delete_claimed'
  | 'claim_limit'
  | 'config_change'
  | 'delete_branch'
  | 'self_approve'
  | 'not_reviewer';

/** How a rule violation is treated (queue.config.json `rules`): refused, reported, or not checked. */
export type RuleSeverity = 'error' | 'warning' | 'off';

/** Each rule's severity when queue.config.json does not set one. */
export const DEFAULT_SEVERITY: Record<RuleCode, RuleSeverity> = {
  unparseable: 'error',
  claim_not_ready: 'error',
  claim_unnamed: 'error',
  steal: 'error',
  not_holder: 'error',
  done_not_claimed: 'error',
  reopen_by_hand: 'error',
  cycle: 'error',
  duplicate_id: 'error',
  delete_claimed: 'error',
  claim_limit: 'error',
  config_change: 'error',
  delete_branch: 'error',
  self_approve: 'error',
  not_reviewer: 'error',
};

/** What queue's hooks print before their refusals (`queue: refused by the claim rules (pre-receive):`,
 * then one indented line each), and how a refused push is known from git's output. */
export const REFUSED_BY_RULES = 'refused by the claim rules';

/** The refusal lines a hook printed, as git relays them (`remote:   <line>`), from a push's stderr; [] when none. */
export function hookRefusals(stderr: string): string[] {
  const lines = stderr.split(/\r?\n/);
  const at = lines.findIndex((l) => l.includes(REFUSED_BY_RULES));
  if (at === -1) return [];
  const out: string[] = [];
  for (const l of lines.slice(at + 1)) {
    const m = /^(?:remote:)? {2,}(\S.*)$/.exec(l);
    if (!m) break;
    out.push(m[1].trim());
  }
  return out;
}
