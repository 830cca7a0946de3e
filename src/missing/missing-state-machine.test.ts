import { ROLES, type Role } from '../access-policy/vocabulary';
import { checkMissingTransition, MISSING_TRANSITION_NAMES } from './missing-state-machine';
import { MISSING_EPISODE_STATUSES, type MissingEpisodeStatus } from './vocabulary';

/** The whole table: state × transition × role, written out independently of the machine. */
const EXPECTED: Record<string, { from: MissingEpisodeStatus[]; to: MissingEpisodeStatus; roles: Role[] }> = {
  RECORD_RETURN: {
    from: ['MISSING'],
    to: 'RETURNED',
    roles: [
      'MASH_SOCIAL_WORKER',
      'MASH_MANAGER',
      'POLICE_MASH_OFFICER',
      'HEALTH_MASH_PRACTITIONER',
      'PROBATION_MASH_OFFICER',
      'EDUCATION_MASH_OFFICER',
    ],
  },
  OFFER_RETURN_INTERVIEW: {
    from: ['RETURNED'],
    to: 'INTERVIEW_OFFERED',
    roles: ['MASH_SOCIAL_WORKER', 'MASH_MANAGER'],
  },
  RECORD_RETURN_INTERVIEW: { from: ['INTERVIEW_OFFERED'], to: 'CLOSED', roles: ['MASH_SOCIAL_WORKER', 'MASH_MANAGER'] },
};

describe('the missing-episode state machine, as a table of state × transition × role', () => {
  it('names exactly the expected transitions', () => {
    expect([...MISSING_TRANSITION_NAMES].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const t of MISSING_TRANSITION_NAMES) {
    for (const status of MISSING_EPISODE_STATUSES) {
      for (const role of ROLES) {
        const e = EXPECTED[t]!;
        const expected = !e.roles.includes(role)
          ? { allowed: false, error: 'FORBIDDEN' }
          : e.from.includes(status)
            ? { allowed: true, to: e.to }
            : { allowed: false, error: 'INVALID_TRANSITION' };
        it(`${t} from ${status} as ${role}`, () => {
          expect(checkMissingTransition(status, t, [role])).toEqual(expected);
        });
      }
    }
  }
});
