import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import { childProtectionSteps } from './support/child-protection';
import { fakeNhsNumber, givenPerson } from './support/factories';
import { appUrlOf, dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';
import { createDataSource } from '../src/db/data-source';
import { createLogger } from '../src/shared/logger';

/**
 * The one answer across the partnership wall (issue 26, ADR 028): the CP flag view, for a child held
 * flagged by ANOTHER partnership, answers "held by partnership X, contact Y" and nothing more, only to
 * the flag-view roles, audited in the asker's chain and in the holder's.
 */

const FLAGS = `query($nhs: String!) {
  childProtectionFlags(nhsNumber: $nhs, setting: "Fictional General Hospital ED", purpose: DIRECT_CARE) {
    onPlan onPlanSince lookedAfter unbornWithPrebirthPlan openToMash responsibleTeam outOfHoursContact
    heldElsewhere { partnership outOfHoursContact }
  }
}`;
const ACCESS_LOG = `query($person: ID!) {
  accessLogEntries(filter: { personId: $person }, first: 20) {
    edges { node { requestId purposeOfUse actor { sub agency } subjects { personId outcome released } } }
  }
}`;

const NOT_FLAGGED = {
  onPlan: false,
  onPlanSince: null,
  lookedAfter: false,
  unbornWithPrebirthPlan: false,
  openToMash: false,
  responsibleTeam: null,
  outOfHoursContact: null,
  heldElsewhere: [],
};
const HOLDER_CONTACT = 'Holderton Emergency Duty Team, 01632 960 111 (fictional)';

const newId = (prefix: string) => `${prefix}-${crypto.randomBytes(4).toString('hex')}`;

describe('the CP flag look-up across partnerships', () => {
  let hub: TestHub;
  const asker = newId('fa');
  const holder = newId('fh');
  let holderWorker: string;
  let clinician: string;
  let edt: string;
  let child: string;
  const flaggedNhs = fakeNhsNumber();

  const flags = (token: string, nhs: string) =>
    hub.gql<{ childProtectionFlags: typeof NOT_FLAGGED }>(token, FLAGS, { nhs });

  /** The audit events of one request, with the chain (partnership) each is in and the children it names. */
  const eventsOf = (requestId: string) =>
    hub.db.query(
      `SELECT e.partnership_id AS partnership, e.action, e.purpose, d.person_id, d.released
         FROM audit_event e LEFT JOIN audit_disclosure d ON d.event_id = e.id AND d.occurred_at = e.occurred_at
        WHERE e.request_id = $1 ORDER BY e.partnership_id`,
      [requestId],
    ) as Promise<
      Array<{
        partnership: string;
        action: string;
        purpose: string;
        person_id: string | null;
        released: string[] | null;
      }>
    >;

  beforeAll(async () => {
    // A database of its own: the partnerships it adds must not reach the shared database's commands.
    hub = await startTestHub({}, { databaseUrl: await dedicatedDatabaseUrl('cross_partnership_flags') });
    await hub.db.query(
      `INSERT INTO partnership (id, display_name, out_of_hours_contact)
       VALUES ($1, 'Askerton MASH (fictional)', NULL), ($2, 'Holderton MASH (fictional)', $3)`,
      [asker, holder, HOLDER_CONTACT],
    );
    holderWorker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'], partnerships: [holder] });
    clinician = await hub.token({ agency: 'health', roles: ['UNSCHEDULED_CARE_CLINICIAN'], partnerships: [asker] });
    edt = await hub.token({ agency: 'social-care', roles: ['EDT_SOCIAL_WORKER'], partnerships: [asker] });
    child = await givenPerson(hub, holderWorker, { nhsNumber: flaggedNhs, dateOfBirth: '2019-05-01' });
    await childProtectionSteps(hub, holderWorker).givenPlan(child, '2026-10-01', '2026-10-20', 'SEXUAL_ABUSE');
  });
  afterAll(() => hub?.close());

  it('given a child on a plan in another partnership, when a clinician looks the child up, then the answer is only "held by that partnership, call this contact"', async () => {
    const r = await flags(clinician, flaggedNhs);
    expect(r.errors).toBeUndefined();
    expect(r.data!.childProtectionFlags).toEqual({
      ...NOT_FLAGGED,
      heldElsewhere: [{ partnership: 'Holderton MASH (fictional)', outOfHoursContact: HOLDER_CONTACT }],
    });
    const text = JSON.stringify(r);
    expect(text).not.toContain(child);
    expect(text).not.toContain('SEXUAL');
    expect(text).not.toContain('2026-10-20');
  });

  it('given the look-up, then it is audited in both chains: the asker’s (no child of the holder in it) and the holder’s, against the holder’s child', async () => {
    const r = await flags(edt, flaggedNhs);
    expect(r.errors).toBeUndefined();
    const events = await eventsOf(r.headers.get('x-request-id')!);
    expect(events.find((e) => e.partnership === asker)).toMatchObject({ purpose: 'DIRECT_CARE', person_id: null });
    expect(events.filter((e) => e.partnership === holder)).toEqual([
      expect.objectContaining({
        purpose: 'DIRECT_CARE',
        person_id: child,
        released: ['ChildProtectionFlags.heldElsewhere'],
      }),
    ]);
  });

  it('given the look-up, when the holder’s IG auditor reads the child’s access log, then it shows who asked, for what, and what they were told', async () => {
    const r = await flags(clinician, flaggedNhs);
    const requestId = r.headers.get('x-request-id')!;
    const ig = await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'], partnerships: [holder] });
    const log = await hub.gql<{
      accessLogEntries: {
        edges: Array<{
          node: {
            requestId: string;
            purposeOfUse: string;
            actor: { agency: string };
            subjects: Array<{ personId: string; released: string[] }>;
          };
        }>;
      };
    }>(ig, ACCESS_LOG, { person: child });
    expect(log.errors).toBeUndefined();
    const entry = log.data!.accessLogEntries.edges.map((e) => e.node).find((n) => n.requestId === requestId);
    expect(entry).toMatchObject({
      purposeOfUse: 'DIRECT_CARE',
      actor: { agency: 'health' },
      subjects: [{ personId: child, released: ['ChildProtectionFlags.heldElsewhere'] }],
    });
  });

  it('given an NHS number unknown anywhere and one of an unflagged child in the other partnership, then both answer alike and nothing is written to the other partnership’s chain', async () => {
    const unflaggedNhs = fakeNhsNumber();
    await givenPerson(hub, holderWorker, { nhsNumber: unflaggedNhs });
    const unknown = await flags(clinician, fakeNhsNumber());
    const unflagged = await flags(clinician, unflaggedNhs);
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data).toEqual({ childProtectionFlags: NOT_FLAGGED });
    expect(unflagged.data).toEqual(unknown.data);
    for (const r of [unknown, unflagged]) {
      const events = await eventsOf(r.headers.get('x-request-id')!);
      expect(events.map((e) => e.partnership)).toEqual([asker]);
    }
  });

  it.each([
    ['a MASH social worker', 'social-care', 'MASH_SOCIAL_WORKER'],
    ['a police officer', 'police', 'POLICE_MASH_OFFICER'],
    ['a partner referrer', 'education', 'PARTNER_REFERRER'],
    ['an IG auditor', 'social-care', 'IG_AUDITOR'],
  ])(
    'given %s (not a flag-view role), when they ask, then it is refused and nothing reaches the holder’s chain',
    async (_who, agency, role) => {
      const token = await hub.token({ agency, roles: [role], partnerships: [asker] });
      const r = await flags(token, flaggedNhs);
      expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(r.data?.childProtectionFlags ?? null).toBeNull();
      const events = await eventsOf(r.headers.get('x-request-id')!);
      expect(events.filter((e) => e.partnership === holder)).toEqual([]);
    },
  );

  it('given the holder itself asks, then it gets its own flags and is not told it holds the child "elsewhere"', async () => {
    const own = await hub.token({ agency: 'health', roles: ['UNSCHEDULED_CARE_CLINICIAN'], partnerships: [holder] });
    const r = await flags(own, flaggedNhs);
    expect(r.errors).toBeUndefined();
    expect(r.data!.childProtectionFlags).toMatchObject({ onPlan: true, heldElsewhere: [] });
  });

  describe('the way across the wall, in the database', () => {
    let app: DataSource;
    beforeAll(async () => {
      app = createDataSource(appUrlOf(hub.config.migrationDatabaseUrl!), createLogger('silent'), 1);
      await app.initialize();
    });
    afterAll(() => app?.destroy());

    it('answers the serving role a partnership’s name and contact (and the holder’s ids for its audit), no rows, and leaves the caller’s partnership as it was', async () => {
      const [rows, after] = await app.transaction(async (m) => {
        await m.query(`SELECT set_config('mash.partnership', $1, true)`, [asker]);
        const found = (await m.query(`SELECT * FROM mash_cp_flag_holders($1)`, [flaggedNhs])) as unknown[];
        const [{ p }] = (await m.query(`SELECT current_setting('mash.partnership') AS p`)) as Array<{ p: string }>;
        return [found, p] as const;
      });
      expect(rows).toEqual([
        {
          holder_id: holder,
          holder_name: 'Holderton MASH (fictional)',
          holder_contact: HOLDER_CONTACT,
          holder_person_ids: [child],
        },
      ]);
      expect(after).toBe(asker);
    });

    it('may be executed by the serving role only, not by PUBLIC', async () => {
      const [r] = (await hub.db.query(
        `SELECT has_function_privilege('mash_app', 'mash_cp_flag_holders(text)', 'EXECUTE') AS app,
                EXISTS (SELECT 1 FROM pg_proc p, aclexplode(p.proacl) a
                         WHERE p.proname = 'mash_cp_flag_holders' AND a.grantee = 0) AS public,
                (SELECT prosecdef FROM pg_proc WHERE proname = 'mash_cp_flag_holders') AS definer`,
      )) as Array<{ app: boolean; public: boolean; definer: boolean }>;
      expect(r).toEqual({ app: true, public: false, definer: true });
    });
  });
});
