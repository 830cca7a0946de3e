import { ROLES, type Role } from '../access-policy/vocabulary';
import { checkPrivateFosteringTransition, PRIVATE_FOSTERING_TRANSITION_NAMES } from './private-fostering-state-machine';
import { PRIVATE_FOSTERING_STATUSES, type PrivateFosteringStatus } from './vocabulary';

/** The whole table: state × transition × role, written out independently of the machine. */
const EXPECTED: Record<string, { from: PrivateFosteringStatus[]; to: PrivateFosteringStatus; roles: Role[] }> = {
  RECORD_VISIT: { from: ['NOTIFIED', 'VISITING'], to: 'VISITING', roles: ['MASH_SOCIAL_WORKER', 'MASH_MANAGER'] },
  CLOSE: { from: ['NOTIFIED', 'VISITING'], to: 'CLOSED', roles: ['MASH_SOCIAL_WORKER', 'MASH_MANAGER'] },
};

describe('the private fostering state machine, as a table of state × transition × role', () => {
  it('names exactly the expected transitions', () => {
    expect([...PRIVATE_FOSTERING_TRANSITION_NAMES].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const t of PRIVATE_FOSTERING_TRANSITION_NAMES) {
    for (const status of PRIVATE_FOSTERING_STATUSES) {
      for (const role of ROLES) {
        const e = EXPECTED[t]!;
        const expected = !e.roles.includes(role)
          ? { allowed: false, error: 'FORBIDDEN' }
          : e.from.includes(status)
            ? { allowed: true, to: e.to }
            : { allowed: false, error: 'INVALID_TRANSITION' };
        it(`${t} from ${status} as ${role}`, () => {
          expect(checkPrivateFosteringTransition(status, t, [role])).toEqual(expected);
        });
      }
    }
  }
});
