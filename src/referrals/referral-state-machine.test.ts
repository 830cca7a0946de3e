import { ROLES, type Role } from '../access-policy/vocabulary';
import { checkTransition, TRANSITION_NAMES, type Transition } from './referral-state-machine';
import { REFERRAL_STATUSES, type ReferralStatus } from './vocabulary';

/**
 * The workflow of docs/reference/product.md C3 written out independently of the implementation's table: every
 * (state × transition × role) triple is checked against it.
 */
const SW_OR_MANAGER: Role[] = ['MASH_SOCIAL_WORKER', 'MASH_MANAGER'];
const OFFICERS: Role[] = [
  'POLICE_MASH_OFFICER',
  'HEALTH_MASH_PRACTITIONER',
  'PROBATION_MASH_OFFICER',
  'EDUCATION_MASH_OFFICER',
];
const OPEN: ReferralStatus[] = ['RECEIVED', 'SCREENED', 'AWAITING_CHECKS', 'READY_FOR_DECISION', 'DECISION_PROPOSED'];

const EXPECTED: Record<
  Transition,
  { roles: Role[]; legal: Partial<Record<ReferralStatus, ReferralStatus | 'DERIVED'>> }
> = {
  RATE: { roles: SW_OR_MANAGER, legal: { RECEIVED: 'SCREENED' } },
  RERATE: {
    roles: SW_OR_MANAGER,
    legal: { SCREENED: 'SCREENED', AWAITING_CHECKS: 'AWAITING_CHECKS', READY_FOR_DECISION: 'READY_FOR_DECISION' },
  },
  ASSIGN: { roles: SW_OR_MANAGER, legal: Object.fromEntries(OPEN.map((s) => [s, s])) },
  REQUEST_CHECKS: {
    roles: SW_OR_MANAGER,
    legal: { SCREENED: 'AWAITING_CHECKS', AWAITING_CHECKS: 'AWAITING_CHECKS', READY_FOR_DECISION: 'AWAITING_CHECKS' },
  },
  RESPOND_TO_CHECK: { roles: OFFICERS, legal: { AWAITING_CHECKS: 'DERIVED', DECISION_PROPOSED: 'DERIVED' } },
  CLOSE_CHECK: { roles: SW_OR_MANAGER, legal: { AWAITING_CHECKS: 'DERIVED', DECISION_PROPOSED: 'DERIVED' } },
  PROPOSE_DECISION: {
    roles: SW_OR_MANAGER,
    legal: {
      SCREENED: 'DECISION_PROPOSED',
      AWAITING_CHECKS: 'DECISION_PROPOSED',
      READY_FOR_DECISION: 'DECISION_PROPOSED',
    },
  },
  AUTHORISE_DECISION: { roles: ['MASH_MANAGER'], legal: { DECISION_PROPOSED: 'CLOSED' } },
  AMEND_AND_AUTHORISE: { roles: ['MASH_MANAGER'], legal: { DECISION_PROPOSED: 'CLOSED' } },
  RETURN_DECISION: { roles: ['MASH_MANAGER'], legal: { DECISION_PROPOSED: 'DERIVED' } },
  WITHDRAW: { roles: SW_OR_MANAGER, legal: Object.fromEntries(OPEN.map((s) => [s, 'WITHDRAWN'])) },
  MERGE: {
    roles: SW_OR_MANAGER,
    legal: Object.fromEntries(OPEN.filter((s) => s !== 'DECISION_PROPOSED').map((s) => [s, 'MERGED'])),
  },
  SEND_FEEDBACK: { roles: SW_OR_MANAGER, legal: { CLOSED: 'CLOSED', WITHDRAWN: 'WITHDRAWN' } },
};

const cases = REFERRAL_STATUSES.flatMap((status) =>
  TRANSITION_NAMES.flatMap((transition) => ROLES.map((role) => [status, transition, role] as const)),
);

describe('the referral state machine, as a table of state × transition × role', () => {
  it('covers every transition in the expected table', () => {
    expect([...TRANSITION_NAMES].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(cases)(
    'given %s, when %s is attempted by %s, then the outcome matches the workflow',
    (status, transition, role) => {
      const expected = EXPECTED[transition];
      const result = checkTransition(status, transition, [role]);
      if (!expected.roles.includes(role)) expect(result).toEqual({ allowed: false, error: 'FORBIDDEN' });
      else if (expected.legal[status] === undefined)
        expect(result).toEqual({ allowed: false, error: 'INVALID_TRANSITION' });
      else expect(result).toEqual({ allowed: true, to: expected.legal[status] });
    },
  );

  it('given a terminal state, then no transition leads anywhere else', () => {
    for (const status of ['MERGED'] as const)
      for (const t of TRANSITION_NAMES) expect(checkTransition(status, t, ['MASH_MANAGER']).allowed).toBe(false);
  });
});
