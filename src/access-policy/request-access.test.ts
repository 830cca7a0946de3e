import { AccessPolicy, DEFAULT_POLICY, type Subject } from './policy';
import { GUARD, RequestAccess, type Guarded } from './request-access';
import type { Viewer } from './viewer';
import type { Purpose, RelationshipKind, SensitivityClass } from './vocabulary';

/**
 * The per-request access state beyond the purpose checks (policy-mechanics.test.ts): decisions are
 * the policy's, made once per object and class; what is collected per person is exactly what the
 * audit event will say.
 */

const police: Viewer = {
  sub: 'pc',
  name: 'PC',
  agency: 'police',
  agencyKind: 'POLICE',
  roles: ['POLICE_MASH_OFFICER'],
};
const ownedBy = (owner: string | null, ...kinds: RelationshipKind[]): Subject => ({
  owner,
  relationships: new Set(kinds),
});

/** The shipped policy, counting how often it is asked. */
class CountingPolicy extends AccessPolicy {
  calls = 0;
  override decide(viewer: Viewer, purpose: Purpose | null, subject: Subject, cls: SensitivityClass) {
    this.calls++;
    return super.decide(viewer, purpose, subject, cls);
  }
}

describe("RequestAccess.decide: the policy's decision, made once per object and class", () => {
  it('given one guarded object read field by field, then the policy is asked once per class and answers under the declared purpose', () => {
    const policy = new CountingPolicy(DEFAULT_POLICY);
    const access = new RequestAccess(police, policy);
    access.declarePurpose('AGENCY_CHECK');
    const row = access.guard({}, ownedBy('health', 'AGENCY_CHECK'), ['p1']) as Guarded<object>;
    expect(access.decide(row[GUARD], 'AGENCY_DETAIL')).toEqual({ release: false, reason: 'NEED_TO_KNOW' });
    expect(access.decide(row[GUARD], 'AGENCY_DETAIL')).toEqual({ release: false, reason: 'NEED_TO_KNOW' });
    expect(access.decide(row[GUARD], 'SHARED_SUMMARY')).toEqual({ release: true });
    expect(policy.calls).toBe(2);
  });

  it('given a purpose-bound rule, then mayRead answers under the declared purpose', () => {
    const access = new RequestAccess(police, new AccessPolicy(DEFAULT_POLICY));
    const invited = ownedBy('health', 'STRATEGY_INVITE');
    expect(access.mayRead(invited, 'AGENCY_DETAIL')).toBe(false);
    access.declarePurpose('STRATEGY');
    expect(access.mayRead(invited, 'AGENCY_DETAIL')).toBe(true);
    expect(access.mayRead(invited, 'SEALED')).toBe(false);
  });

  it('given a list filter, then mayFilterOn answers for the purpose the list is asked under', () => {
    const access = new RequestAccess(police, new AccessPolicy(DEFAULT_POLICY));
    expect(access.mayFilterOn('IDENTITY', 'AGENCY_CHECK')).toBe(true);
    expect(access.mayFilterOn('SEALED', 'AGENCY_CHECK')).toBe(false);
    const ig = new RequestAccess(
      { ...police, agency: 'social-care', agencyKind: 'SOCIAL_CARE', roles: ['IG_AUDITOR'] },
      new AccessPolicy(DEFAULT_POLICY),
    );
    expect(ig.mayFilterOn('IDENTITY', 'IG_AUDIT')).toBe(false);
  });
});

describe('RequestAccess: what is collected for the audit', () => {
  it('given a new request, then nothing is collected, no break-glass, and auditing only when something is disclosed', () => {
    const access = new RequestAccess(police, new AccessPolicy(DEFAULT_POLICY));
    expect(access.purpose).toBeNull();
    expect(access.breakGlass).toBeNull();
    expect(access.alwaysAudit).toBe(false);
    expect(access.redactions).toEqual([]);
    expect(access.disclosures.size).toBe(0);
    access.requireAudit();
    expect(access.alwaysAudit).toBe(true);
  });

  it('given a released field of a class other than agency detail, or agency detail of a shared object, then no detail owner is recorded', () => {
    const access = new RequestAccess(police, new AccessPolicy(DEFAULT_POLICY));
    const record = access.guard({}, ownedBy('health', 'AGENCY_CHECK'), ['p1'], 'r1') as Guarded<object>;
    const shared = access.guard({}, ownedBy(null, 'AGENCY_CHECK'), ['p1']) as Guarded<object>;
    access.released(record[GUARD], 'HealthRecord.summary', 'SHARED_SUMMARY');
    access.released(record[GUARD], 'HealthRecord.id');
    access.released(shared[GUARD], 'Person.notes', 'AGENCY_DETAIL');
    const d = access.disclosures.get('p1')!;
    expect([...d.released].sort()).toEqual(['HealthRecord.id', 'HealthRecord.summary', 'Person.notes']);
    expect(d.detailOwners.size).toBe(0);
    expect([...d.recordIds]).toEqual(['r1']);
  });

  it("given two objects about the same person, then one entry gathers both objects' records, relationships and fields", () => {
    const access = new RequestAccess(police, new AccessPolicy(DEFAULT_POLICY));
    const a = access.guard({}, ownedBy('police', 'OWN_AGENCY_RECORD'), ['p1'], 'r1') as Guarded<object>;
    const b = access.guard({}, ownedBy('health', 'AGENCY_CHECK'), ['p1'], 'r2') as Guarded<object>;
    access.released(a[GUARD], 'PoliceRecord.notes', 'AGENCY_DETAIL');
    access.redacted(b[GUARD], 'HealthRecord.notes', 'person.records.1.notes', 'NEED_TO_KNOW');
    expect(access.disclosures.size).toBe(1);
    const d = access.disclosures.get('p1')!;
    expect(d).toEqual({
      personId: 'p1',
      outcome: 'DISCLOSED',
      recordIds: new Set(['r1', 'r2']),
      released: new Set(['PoliceRecord.notes']),
      redacted: new Set(['HealthRecord.notes:NEED_TO_KNOW']),
      relationships: new Set(['OWN_AGENCY_RECORD', 'AGENCY_CHECK']),
      detailOwners: new Set(['police']),
    });
  });

  it('given a look-up that found nothing, then the person is recorded with that outcome and nothing else; a second attempt keeps the first', () => {
    const access = new RequestAccess(police, new AccessPolicy(DEFAULT_POLICY));
    access.attempted('p9', 'DENIED');
    access.attempted('p9', 'NOT_FOUND');
    expect(access.disclosures.get('p9')).toEqual({
      personId: 'p9',
      outcome: 'DENIED',
      recordIds: new Set(),
      released: new Set(),
      redacted: new Set(),
      relationships: new Set(),
      detailOwners: new Set(),
    });
  });

  it('given an object about nobody, then nothing is collected for it, and redactions are still reported to the client', () => {
    const access = new RequestAccess(police, new AccessPolicy(DEFAULT_POLICY));
    const row = access.guard({}, ownedBy('health'), []) as Guarded<object>;
    access.redacted(row[GUARD], 'Meeting.minutes', 'meeting.minutes', 'NEED_TO_KNOW');
    expect(access.disclosures.size).toBe(0);
    expect(access.redactions).toEqual([{ path: 'meeting.minutes', reason: 'NEED_TO_KNOW' }]);
  });
});

describe('RequestAccess: the purpose errors say what is wrong', () => {
  it('given a purpose the role may not declare, then the message names the purpose', () => {
    const access = new RequestAccess(police, new AccessPolicy(DEFAULT_POLICY));
    expect(() => access.declarePurpose('IG_AUDIT')).toThrow('Your role may not declare purpose IG_AUDIT');
  });

  it('given a second purpose, then BAD_USER_INPUT on the purpose field saying one purpose per operation', () => {
    const access = new RequestAccess(police, new AccessPolicy(DEFAULT_POLICY));
    access.declarePurpose('TRIAGE');
    expect(() => access.declarePurpose('STRATEGY')).toThrow(
      expect.objectContaining({
        message: 'purpose: one operation may declare only one purpose of use',
        extensions: expect.objectContaining({ field: 'purpose' }),
      }),
    );
  });
});
