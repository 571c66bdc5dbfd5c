/** The claim rules' codes and default severities (docs/rules-and-hooks.md); `queue.config.json` `"rules"` overrides them. */
export type RuleCode =
  | 'unparseable'
  | 'claim_not_ready'
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
