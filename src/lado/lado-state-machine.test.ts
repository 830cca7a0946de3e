import { ROLES, type Role } from '../access-policy/vocabulary';
import { checkLadoTransition, LADO_TRANSITION_NAMES } from './lado-state-machine';
import { ALLEGATION_STATUSES, type AllegationStatus } from './vocabulary';

const EXPECTED: Record<string, { from: AllegationStatus[]; to: AllegationStatus; roles: Role[] }> = {
  SCHEDULE_MEETING: { from: ['OPEN', 'MEETING_SCHEDULED'], to: 'MEETING_SCHEDULED', roles: ['LADO'] },
  RECORD_OUTCOME: { from: ['OPEN', 'MEETING_SCHEDULED'], to: 'CLOSED', roles: ['LADO'] },
};

describe('the LADO allegation state machine, as a table of state × transition × role', () => {
  it('names exactly the expected transitions', () => {
    expect([...LADO_TRANSITION_NAMES].sort()).toEqual(Object.keys(EXPECTED).sort());
  });
  for (const t of LADO_TRANSITION_NAMES) {
    for (const status of ALLEGATION_STATUSES) {
      for (const role of ROLES) {
        const e = EXPECTED[t]!;
        const expected = !e.roles.includes(role)
          ? { allowed: false, error: 'FORBIDDEN' }
          : e.from.includes(status)
            ? { allowed: true, to: e.to }
            : { allowed: false, error: 'INVALID_TRANSITION' };
        it(`${t} from ${status} as ${role}`, () => {
          expect(checkLadoTransition(status, t, [role])).toEqual(expected);
        });
      }
    }
  }
});
