import { ROLES, SOCIAL_CARE_MASH_ROLES, MASH_ROLES, type Role } from '../access-policy/vocabulary';
import { checkMeetingTransition, MEETING_TRANSITION_NAMES, MEETING_TRANSITIONS } from './meeting-state-machine';
import { MEETING_STATUSES } from './vocabulary';

/** Every (state × transition × role): allowed exactly when the table says so. */
describe('meeting state machine', () => {
  const cases = MEETING_STATUSES.flatMap((status) =>
    MEETING_TRANSITION_NAMES.flatMap((t) => ROLES.map((role) => [status, t, role] as const)),
  );

  it.each(cases)('%s × %s × %s', (status, transition, role) => {
    const t = MEETING_TRANSITIONS[transition];
    const result = checkMeetingTransition(status, transition, [role]);
    if (!(t.roles as readonly Role[]).includes(role)) expect(result).toEqual({ allowed: false, error: 'FORBIDDEN' });
    else if (!(t.from as readonly string[]).includes(status))
      expect(result).toEqual({ allowed: false, error: 'INVALID_TRANSITION' });
    else expect(result).toEqual({ allowed: true, to: t.to === 'SAME' ? status : t.to });
  });

  it('lets only social care organise, and any MASH role record attendance', () => {
    expect(checkMeetingTransition('HELD', 'COMPLETE', ['POLICE_MASH_OFFICER'])).toEqual({
      allowed: false,
      error: 'FORBIDDEN',
    });
    for (const r of SOCIAL_CARE_MASH_ROLES)
      expect(checkMeetingTransition('HELD', 'COMPLETE', [r])).toEqual({ allowed: true, to: 'COMPLETED' });
    for (const r of MASH_ROLES)
      expect(checkMeetingTransition('SCHEDULED', 'RECORD_ATTENDANCE', [r]).allowed).toBe(true);
    expect(checkMeetingTransition('COMPLETED', 'RECORD_OUTCOME', ['MASH_MANAGER'])).toEqual({
      allowed: false,
      error: 'INVALID_TRANSITION',
    });
    expect(checkMeetingTransition('CANCELLED', 'MARK_HELD', ['MASH_MANAGER'])).toEqual({
      allowed: false,
      error: 'INVALID_TRANSITION',
    });
  });
});
