import { fakeNhsNumber, givenImportedPerson, givenPerson, givenRecord } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Acknowledging an alert (issue 23, ADR 021): the desk it was addressed to records who and when,
 * once, audited with the change; an IG auditor acknowledges information governance's alerts but not
 * an agency's; another agency's alert is not found.
 */

const OPEN = `mutation($personId: ID!) { openBreakGlass(personId: $personId, reason: "Child seen with injuries at A&E tonight; urgent joint visit planned") { id } }`;
const ACK = `mutation($id: ID!) { acknowledgeAlert(id: $id) { id toAgency acknowledgedAt acknowledgedByName acknowledgedBySub } }`;

type Ack = {
  acknowledgeAlert: {
    id: string;
    toAgency: string | null;
    acknowledgedAt: string | null;
    acknowledgedByName: string | null;
    acknowledgedBySub: string | null;
  };
};

describe('acknowledging alerts', () => {
  let hub: TestHub;
  let police: string;
  let health: string;
  let ig: string;
  const healthSub = `nurse-${Date.now()}`;

  beforeAll(async () => {
    hub = await startTestHub();
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: `police-${Date.now()}` });
    health = await hub.token({
      agency: 'health',
      roles: ['HEALTH_MASH_PRACTITIONER'],
      sub: healthSub,
      name: 'Fictional Nurse',
    });
    ig = await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'] });
  });
  afterAll(() => hub.close());

  /** Given: police break the glass on a child health and social care hold: alerts to health, social care and IG. */
  async function givenBreakGlassAlerts(): Promise<{
    personId: string;
    health: string;
    ig: string;
    socialCare: string;
  }> {
    const nhsNumber = fakeNhsNumber();
    const personId = await givenPerson(hub, health, { nhsNumber });
    await givenImportedPerson(hub, 'social-care', { nhsNumber, sourceSystem: 'LCS' });
    await givenRecord(hub, health, personId, {
      recordType: 'HEALTH_ED_ATTENDANCE',
      clinicalNotes: 'Fictional clinical note',
    });
    const opened = await hub.gql<{ openBreakGlass: { id: string } }>(police, OPEN, { personId });
    if (opened.errors) throw new Error(JSON.stringify(opened.errors));
    const rows: Array<{ id: string; to_agency: string | null }> = await hub.db.query(
      `SELECT id, to_agency FROM alert WHERE break_glass_id = $1`,
      [opened.data!.openBreakGlass.id],
    );
    const of = (agency: string | null) => rows.find((r) => r.to_agency === agency)!.id;
    return { personId, health: of('health'), ig: of(null), socialCare: of('social-care') };
  }

  it('given an alert to health, when a health practitioner acknowledges it, then who and when are recorded and audited with the change', async () => {
    const alerts = await givenBreakGlassAlerts();

    const r = await hub.gql<Ack>(health, ACK, { id: alerts.health });

    expect(r.errors).toBeUndefined();
    expect(r.data!.acknowledgeAlert).toMatchObject({
      id: alerts.health,
      toAgency: 'health',
      acknowledgedByName: 'Fictional Nurse',
      acknowledgedBySub: healthSub,
    });
    expect(Math.abs(Date.parse(r.data!.acknowledgeAlert.acknowledgedAt!) - Date.now())).toBeLessThan(60_000);
    const audit: Array<{ action: string; payload: { changes?: Array<{ entity: string; id: string }> } }> =
      await hub.db.query(`SELECT action, payload FROM audit_event WHERE request_id = $1`, [
        r.headers.get('x-request-id'),
      ]);
    expect(audit.find((e) => e.action === 'UPDATE')?.payload.changes).toEqual([
      expect.objectContaining({ entity: 'alert', id: alerts.health }),
    ]);
  });

  it('given an acknowledged alert, when it is acknowledged again, then INVALID_TRANSITION and the first acknowledgement stands', async () => {
    const alerts = await givenBreakGlassAlerts();
    await hub.gql<Ack>(health, ACK, { id: alerts.health });
    const [before] = await hub.db.query(`SELECT acknowledged_at, acknowledged_by FROM alert WHERE id = $1`, [
      alerts.health,
    ]);

    const again = await hub.gql<Ack>(
      await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'], sub: 'another-nurse' }),
      ACK,
      { id: alerts.health },
    );

    expect(again.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', field: 'id' });
    expect(
      await hub.db.query(`SELECT acknowledged_at, acknowledged_by FROM alert WHERE id = $1`, [alerts.health]),
    ).toEqual([before]);
  });

  it('given an IG alert, when an IG auditor acknowledges it, then it is recorded; an agency alert IG can read is FORBIDDEN to it and stays unacknowledged', async () => {
    const alerts = await givenBreakGlassAlerts();

    const own = await hub.gql<Ack>(ig, ACK, { id: alerts.ig });
    const agencys = await hub.gql<Ack>(ig, ACK, { id: alerts.health });

    expect(own.errors).toBeUndefined();
    expect(own.data!.acknowledgeAlert).toMatchObject({ toAgency: null, acknowledgedAt: expect.any(String) });
    expect(agencys.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'id' });
    expect(await hub.db.query(`SELECT acknowledged_at FROM alert WHERE id = $1`, [alerts.health])).toEqual([
      { acknowledged_at: null },
    ]);
  });

  it("given social care's alert, when a health practitioner tries to acknowledge it, then NOT_FOUND (as for an id that does not exist) and nothing changes", async () => {
    const alerts = await givenBreakGlassAlerts();

    const other = await hub.gql<Ack>(health, ACK, { id: alerts.socialCare });
    const missing = await hub.gql<Ack>(health, ACK, { id: '00000000-0000-4000-8000-000000000000' });

    expect(other.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect(missing.errors![0]!.message).toBe(other.errors![0]!.message);
    // The attempt is in the audit, like every refused reach.
    const audited: Array<{ outcome: string }> = await hub.db.query(
      `SELECT outcome FROM audit_event WHERE request_id = $1`,
      [other.headers.get('x-request-id')],
    );
    expect(audited.map((e) => e.outcome)).toContain('NOT_FOUND');
    expect(await hub.db.query(`SELECT acknowledged_at FROM alert WHERE id = $1`, [alerts.socialCare])).toEqual([
      { acknowledged_at: null },
    ]);
  });

  it('given a role without alerts (a partner referrer), when it tries to acknowledge, then FORBIDDEN; a malformed id is BAD_USER_INPUT naming the field', async () => {
    const alerts = await givenBreakGlassAlerts();
    const referrer = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'] });

    const refused = await hub.gql<Ack>(referrer, ACK, { id: alerts.health });
    const malformed = await hub.gql<Ack>(health, ACK, { id: 'not-an-id' });

    expect(refused.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect(malformed.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(await hub.db.query(`SELECT acknowledged_at FROM alert WHERE id = $1`, [alerts.health])).toEqual([
      { acknowledged_at: null },
    ]);
  });
});
