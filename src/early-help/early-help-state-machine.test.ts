import { ROLES, type Role } from '../access-policy/vocabulary';
import { checkEarlyHelpTransition, EARLY_HELP_TRANSITION_NAMES } from './early-help-state-machine';
import { EARLY_HELP_STATUSES, type EarlyHelpStatus } from './vocabulary';

/** The whole table: state × transition × role, written out independently of the machine. */
const EXPECTED: Record<string, { from: EarlyHelpStatus[]; to: EarlyHelpStatus; roles: Role[] }> = {
  UPDATE: { from: ['OPEN'], to: 'OPEN', roles: ['MASH_SOCIAL_WORKER', 'MASH_MANAGER'] },
  CLOSE: { from: ['OPEN'], to: 'CLOSED', roles: ['MASH_SOCIAL_WORKER', 'MASH_MANAGER'] },
  STEP_UP: { from: ['OPEN'], to: 'STEPPED_UP', roles: ['MASH_MANAGER'] },
};

describe('the early-help state machine, as a table of state × transition × role', () => {
  it('names exactly the expected transitions', () => {
    expect([...EARLY_HELP_TRANSITION_NAMES].sort()).toEqual(Object.keys(EXPECTED).sort());
  });
  for (const t of EARLY_HELP_TRANSITION_NAMES) {
    for (const status of EARLY_HELP_STATUSES) {
      for (const role of ROLES) {
        const e = EXPECTED[t]!;
        const expected = !e.roles.includes(role)
          ? { allowed: false, error: 'FORBIDDEN' }
          : e.from.includes(status)
            ? { allowed: true, to: e.to }
            : { allowed: false, error: 'INVALID_TRANSITION' };
        it(`${t} from ${status} as ${role}`, () => {
          expect(checkEarlyHelpTransition(status, t, [role])).toEqual(expected);
        });
      }
    }
  }
});
