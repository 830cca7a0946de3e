import { assertMayCount } from './filter-policy';
import { AccessPolicy, DEFAULT_POLICY } from './policy';
import { idsMatchSql, Params, relationshipsOfEveryRow } from './relationships';
import { RequestAccess } from './request-access';
import { mayAcknowledgeAlert } from './row-scopes';
import type { Viewer } from './viewer';
import type { Role } from './vocabulary';

/**
 * The small decisions around row scopes: who acknowledges an alert, what every row of a scoped list
 * is known to be related by (it lets a filter on a class count), a count refused like a filter, the
 * SQL of a batch of ids, and a subscription event's fresh access state.
 */

const viewer = (roles: Role[], agency: string): Viewer => ({
  sub: 'u-1',
  name: 'n',
  agency,
  agencyKind: 'POLICE',
  roles,
});
const socialWorker = viewer(['MASH_SOCIAL_WORKER'], 'social-care');
const police = viewer(['POLICE_MASH_OFFICER'], 'police');
const referrer = viewer(['PARTNER_REFERRER'], 'school-9');
const auditor = viewer(['IG_AUDITOR'], 'ig');
const edt = viewer(['EDT_SOCIAL_WORKER'], 'police');

describe('acknowledging an alert (ADR 021): the desk it was addressed to', () => {
  it('given an alert to an agency, then its own MASH staff may acknowledge it', () => {
    expect(mayAcknowledgeAlert(police, 'police')).toBe(true);
    expect(mayAcknowledgeAlert(socialWorker, 'social-care')).toBe(true);
  });

  it('given an alert to an agency, then not another agency, not a non-MASH role of the same agency, not IG on its behalf', () => {
    expect(mayAcknowledgeAlert(police, 'social-care')).toBe(false);
    expect(mayAcknowledgeAlert(edt, 'police')).toBe(false);
    expect(mayAcknowledgeAlert(auditor, 'ig')).toBe(false);
  });

  it('given an alert to information governance (no agency), then only an IG auditor', () => {
    expect(mayAcknowledgeAlert(auditor, null)).toBe(true);
    expect(mayAcknowledgeAlert(socialWorker, null)).toBe(false);
  });
});

describe('relationships every row of a scoped referral list has, known before the query', () => {
  it('given social care (a source reaching every row), then REFERRAL', () => {
    expect([...relationshipsOfEveryRow('referral', socialWorker)]).toEqual(['REFERRAL']);
  });

  it('given one applicable source, then its kind: a referrer REFERRER, an agency officer AGENCY_CHECK', () => {
    expect([...relationshipsOfEveryRow('referral', referrer)]).toEqual(['REFERRER']);
    expect([...relationshipsOfEveryRow('referral', police)]).toEqual(['AGENCY_CHECK']);
  });

  it('given social care and an agency role together, then still REFERRAL: the source reaching every row wins over the others', () => {
    expect([
      ...relationshipsOfEveryRow('referral', viewer(['MASH_SOCIAL_WORKER', 'POLICE_MASH_OFFICER'], 'police')),
    ]).toEqual(['REFERRAL']);
  });

  it('given several sources (a row reached through any one), or none, then nothing is certain', () => {
    expect([
      ...relationshipsOfEveryRow('referral', viewer(['POLICE_MASH_OFFICER', 'PARTNER_REFERRER'], 'police')),
    ]).toEqual([]);
    expect([...relationshipsOfEveryRow('referral', auditor)]).toEqual([]);
  });
});

describe('counting a list refused like filtering on the class it counts', () => {
  const shipped = new AccessPolicy(DEFAULT_POLICY);

  it('given a class the viewer may filter on, then the count is allowed; given one it may not, then FORBIDDEN naming the field', () => {
    const access = new RequestAccess(socialWorker, shipped);
    access.declarePurpose('TRIAGE');
    expect(() => assertMayCount(access, 'CASE_METADATA', 'count')).not.toThrow();
    expect(() => assertMayCount(access, 'SEALED', 'sealedCount')).toThrow(
      expect.objectContaining({
        message: 'sealedCount: you may not filter, sort, search or count on a field you may not read',
        extensions: expect.objectContaining({ code: 'FORBIDDEN', field: 'sealedCount' }),
      }),
    );
  });
});

describe('a batch of ids in SQL', () => {
  it('given one id, then `= $n::uuid` with the id bound; given several, then `= ANY($n::uuid[])` with the array bound', () => {
    const p = new Params();
    expect(idsMatchSql('p.id', ['a'], p)).toBe('p.id = $1::uuid');
    expect(idsMatchSql('p.id', ['a', 'b'], p)).toBe('p.id = ANY($2::uuid[])');
    expect(p.values).toEqual(['a', ['a', 'b']]);
  });
});

describe('a fresh access state for each pushed event of a subscription', () => {
  it('given an access state that collected a purpose, then the fresh one is of the same kind, for the same viewer and policy, with nothing collected', () => {
    class Special extends RequestAccess {}
    const policy = new AccessPolicy(DEFAULT_POLICY);
    const access = new Special(police, policy);
    access.declarePurpose('AGENCY_CHECK');
    const fresh = access.fresh();
    expect(fresh).toBeInstanceOf(Special);
    expect(fresh).not.toBe(access);
    expect(fresh.viewer).toBe(police);
    expect(fresh.policy).toBe(policy);
    expect(fresh.purpose).toBeNull();
  });
});
