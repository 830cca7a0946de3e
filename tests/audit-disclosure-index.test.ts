import crypto from 'node:crypto';
import type { AuditEvent } from '../src/audit/audit-event';
import { sealAuditBatch } from '../src/audit/audit-store';
import { givenPerson, givenRecord, unique } from './support/factories';
import { DataSource } from 'typeorm';
import { appUrlOf, dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';

const READ_PERSON = `query($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { id givenName records { id summary } } }`;
const BY_PERSON = `query($f: AccessLogFilterInput) { accessLog(filter: $f, first: 100) {
  entries { eventId requestId action subjects { personId outcome released redacted relationships } } } }`;
const VERIFY = `{ verifyAuditChain { intact message firstBrokenBatch problems batchesAwaitingIndex } }`;

interface ByPerson {
  accessLog: { entries: Array<{ eventId: string; requestId: string; action: string; subjects: Array<{ personId: string; outcome: string; released: string[]; redacted: string[]; relationships: string[] }> }> };
}

/**
 * The by-person rows of a read's audit (`audit_disclosure`) are written just after the read's audit
 * batch commits (migration 1763902200000, ADR 002). What must hold: the response waits for the
 * hashed record naming every person; no reader of the by-person rows ever misses an audited read;
 * a batch left without its rows (a crash between the two) is written by the next reader or writer;
 * removing a batch from the list without its rows is caught by the verification. A database of
 * its own: these tests break and restore the chain.
 */
describe('the by-person audit rows, written after the commit', () => {
  let hub: TestHub;
  let ig: string;
  let police: string;
  let childId: string;
  let ownerUrl: string;

  beforeAll(async () => {
    ownerUrl = await dedicatedDatabaseUrl('disclosure_index');
    // Every batch's rows after its commit (the default writes batches naming up to 32 people at once).
    hub = await startTestHub({ AUDIT_INLINE_DISCLOSURE_ROWS: '0' }, { databaseUrl: ownerUrl });
    ig = await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'] });
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('pc') });
    childId = await givenPerson(hub, police);
    await givenRecord(hub, police, childId, { recordType: 'POLICE_INCIDENT', personRole: 'VICTIM', detail: 'Fictional' });
  });
  afterAll(() => hub.close());

  const pending = async (): Promise<number[]> =>
    ((await hub.db.query(`SELECT batch_id FROM audit_index_pending ORDER BY batch_id`)) as Array<{ batch_id: string }>).map((r) => Number(r.batch_id));
  const rowsOf = async (eventId: string) =>
    (await hub.db.query(`SELECT person_id, outcome, released, relationships FROM audit_disclosure WHERE event_id = $1`, [eventId])) as Array<{
      person_id: string;
      outcome: string;
      released: string[];
      relationships: string[];
    }>;
  const accessLogOf = async (personId: string) => {
    const r = await hub.gql<ByPerson>(ig, BY_PERSON, { f: { personId } });
    expect(r.errors).toBeUndefined();
    return r.data!.accessLog.entries;
  };
  const verify = async () => {
    const r = await hub.gql<{ verifyAuditChain: { intact: boolean; message: string; firstBrokenBatch: number | null; problems: string[]; batchesAwaitingIndex: number } }>(ig, VERIFY);
    expect(r.errors).toBeUndefined();
    return r.data!.verifyAuditChain;
  };
  /** A read recorded straight through the store (the hub process is bypassed, as if it died after the commit). */
  const sealedRead = (personId: string): AuditEvent => ({
    id: crypto.randomUUID(),
    occurredAt: new Date().toISOString(),
    requestId: unique('crash'),
    actor: { sub: 'fictional-officer', name: 'PC Example', agency: 'police', roles: ['POLICE_MASH_OFFICER'] },
    purpose: 'DIRECT_CARE',
    breakGlass: null,
    operation: { type: 'query', name: 'CrashProbe', documentHash: null },
    action: 'READ',
    outcome: 'SUCCESS',
    errorCodes: [],
    subjects: [{ personId, outcome: 'DISCLOSED', recordIds: [], released: ['Person.givenName'], redacted: [], relationships: ['OWN_AGENCY_RECORD'] }],
    changes: [],
  });
  /** Seals a batch and checks, before its commit makes it visible to anyone, that it has no rows and is listed. */
  const sealWithoutIndex = async (event: AuditEvent, beforeCommit?: (q: (sql: string, p?: unknown[]) => Promise<unknown>, batchId: number) => Promise<unknown>) => {
    const qr = hub.db.createQueryRunner();
    await qr.startTransaction();
    try {
      const batchId = await sealAuditBatch(qr.manager, [event], 0);
      expect(await qr.query(`SELECT count(*)::int AS n FROM audit_disclosure WHERE event_id = $1`, [event.id])).toEqual([{ n: 0 }]);
      expect(await qr.query(`SELECT batch_id::int AS b FROM audit_index_pending WHERE batch_id = $1`, [batchId])).toEqual([{ b: batchId }]);
      await beforeCommit?.((sql, p) => qr.query(sql, p), batchId);
      await qr.commitTransaction();
      return batchId;
    } catch (e) {
      await qr.rollbackTransaction();
      throw e;
    } finally {
      await qr.release();
    }
  };

  it('given reads answered one after another, when an IG auditor asks for the child at once, then every read is there; and the hub writes the rows by itself shortly after each response', async () => {
    const requests: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await hub.gql(police, READ_PERSON, { id: childId });
      expect(r.errors).toBeUndefined();
      requests.push(r.headers.get('x-request-id')!);
    }

    const entries = await accessLogOf(childId);
    expect(entries.map((e) => e.requestId)).toEqual(expect.arrayContaining(requests));
    const read = entries.find((e) => e.requestId === requests[4])!;
    expect(read.subjects).toEqual([expect.objectContaining({ personId: childId, outcome: 'DISCLOSED', relationships: ['OWN_AGENCY_RECORD'] })]);
    expect(read.subjects[0]!.released).toEqual(expect.arrayContaining(['Person.givenName']));

    // Without any reader: one more read, and its rows appear by themselves (the writer's own run).
    const r = await hub.gql(police, READ_PERSON, { id: childId });
    const [event] = (await hub.db.query(`SELECT id FROM audit_event WHERE request_id = $1`, [r.headers.get('x-request-id')])) as Array<{ id: string }>;
    expect(event).toBeDefined();
    const deadline = Date.now() + 5000;
    while ((await rowsOf(event!.id)).length === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
    expect(await rowsOf(event!.id)).toEqual([expect.objectContaining({ person_id: childId, outcome: 'DISCLOSED', relationships: ['OWN_AGENCY_RECORD'] })]);
  });

  it('given a deferred batch still being indexed, when another read is answered, then that read carries its own rows (one deferred batch at a time), and the first is written once its index finishes', async () => {
    const [slow, quick] = [await givenPerson(hub, police), await givenPerson(hub, police)];
    for (const id of [slow, quick]) await givenRecord(hub, police, id, { recordType: 'POLICE_INCIDENT', personRole: 'VICTIM', detail: 'Fictional' });
    // Given: writing the slow person's rows takes 1.5 s (a trigger of this test's own database).
    await hub.db.query(`CREATE FUNCTION test_slow_disclosure() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.person_id = '${slow}' THEN PERFORM pg_sleep(1.5); END IF; RETURN NEW; END $$`);
    await hub.db.query(`CREATE TRIGGER test_slow_disclosure BEFORE INSERT ON audit_disclosure FOR EACH ROW EXECUTE FUNCTION test_slow_disclosure()`);
    try {
      const deferred = hub.server.hub.auditWriter.stats.deferred;
      const first = await hub.gql(police, READ_PERSON, { id: slow });
      const second = await hub.gql(police, READ_PERSON, { id: quick });
      expect([first.errors, second.errors]).toEqual([undefined, undefined]);
      expect(hub.server.hub.auditWriter.stats.deferred - deferred).toBe(1);
      const eventOf = async (r: typeof first) =>
        ((await hub.db.query(`SELECT id, batch_id::int AS batch FROM audit_event WHERE request_id = $1`, [r.headers.get('x-request-id')])) as Array<{ id: string; batch: number }>)[0]!;
      const [e1, e2] = [await eventOf(first), await eventOf(second)];

      // The second read's rows were written with its batch: there without any catch-up.
      expect(await rowsOf(e2.id)).toEqual([expect.objectContaining({ person_id: quick })]);
      expect(await pending()).toEqual([e1.batch]);
      expect(await rowsOf(e1.id)).toEqual([]);
      const deadline = Date.now() + 10_000;
      while ((await rowsOf(e1.id)).length === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
      expect(await rowsOf(e1.id)).toEqual([expect.objectContaining({ person_id: slow })]);
      expect(await pending()).toEqual([]);
    } finally {
      await hub.db.query(`DROP TRIGGER test_slow_disclosure ON audit_disclosure`);
      await hub.db.query(`DROP FUNCTION test_slow_disclosure()`);
    }
  });

  it('given a batch sealed and never indexed (the process died in between), when an IG auditor asks for the person, then the read is listed with its fields and the batch leaves the list', async () => {
    const person = await givenPerson(hub, police);
    const event = sealedRead(person);
    const batchId = await sealWithoutIndex(event);

    const entries = await accessLogOf(person);

    expect(entries.find((e) => e.eventId === event.id)).toMatchObject({
      action: 'READ',
      subjects: [{ personId: person, outcome: 'DISCLOSED', released: ['Person.givenName'], redacted: [], relationships: ['OWN_AGENCY_RECORD'] }],
    });
    expect(await pending()).not.toContain(batchId);
    expect(await rowsOf(event.id)).toEqual([{ person_id: person, outcome: 'DISCLOSED', released: ['Person.givenName'], relationships: ['OWN_AGENCY_RECORD'] }]);
    expect(await verify()).toMatchObject({ intact: true, problems: [] });
  });

  it('given a sealed batch taken off the list without its rows (by a superuser), when verified, then that batch is named: its disclosure rows are missing; listed again, it is written and verifies', async () => {
    const person = await givenPerson(hub, police);
    const event = sealedRead(person);
    const batchId = await sealWithoutIndex(event, (q, id) => q(`DELETE FROM audit_index_pending WHERE batch_id = $1`, [id]));

    const broken = await verify();

    expect(broken).toMatchObject({ intact: false, firstBrokenBatch: batchId, problems: [`event ${event.id}: 1 disclosure row(s) of the hashed payload are missing`] });
    expect((await accessLogOf(person)).map((e) => e.eventId)).not.toContain(event.id);
    // Restored: listed again, the next reader (here the verification itself) writes the rows.
    await hub.db.query(`INSERT INTO audit_index_pending (batch_id, first_at, last_at) VALUES ($1, $2, $2)`, [batchId, event.occurredAt]);
    expect(await verify()).toMatchObject({ intact: true, problems: [], batchesAwaitingIndex: 0 });
    expect((await accessLogOf(person)).filter((e) => e.eventId === event.id)).toHaveLength(1);
  });

  it('given a batch listed while its rows are already there, when indexed again, then nothing is duplicated and the list empties', async () => {
    const person = await givenPerson(hub, police);
    const event = sealedRead(person);
    const batchId = await sealWithoutIndex(event);
    await accessLogOf(person);
    await hub.db.query(`INSERT INTO audit_index_pending (batch_id, first_at, last_at) VALUES ($1, $2, $2)`, [batchId, event.occurredAt]);

    expect((await accessLogOf(person)).filter((e) => e.eventId === event.id)).toHaveLength(1);
    expect(await rowsOf(event.id)).toHaveLength(1);
    expect(await pending()).not.toContain(batchId);
  });

  it('given a batch naming no more people than the inline limit, when sealed, then its rows are written in the same transaction and it is never listed; one person more and it is listed', async () => {
    const people = await Promise.all([givenPerson(hub, police), givenPerson(hub, police)]);
    const twoPeople: AuditEvent = { ...sealedRead(people[0]!), subjects: people.map((personId) => ({ ...sealedRead(personId).subjects[0]! })) };
    const qr = hub.db.createQueryRunner();
    await qr.startTransaction();
    try {
      const inline = await sealAuditBatch(qr.manager, [twoPeople], 2);
      expect(await qr.query(`SELECT person_id FROM audit_disclosure WHERE event_id = $1 ORDER BY person_id`, [twoPeople.id])).toEqual(
        [...people].sort().map((person_id) => ({ person_id })),
      );
      const later = { ...twoPeople, id: crypto.randomUUID() };
      const listed = await sealAuditBatch(qr.manager, [later], 1);
      expect(await qr.query(`SELECT batch_id::int AS b FROM audit_index_pending WHERE batch_id = ANY($1::bigint[]) ORDER BY 1`, [[inline, listed]])).toEqual([{ b: listed }]);
      expect(await qr.query(`SELECT count(*)::int AS n FROM audit_disclosure WHERE event_id = $1`, [later.id])).toEqual([{ n: 0 }]);
      await qr.commitTransaction();
    } catch (e) {
      await qr.rollbackTransaction();
      throw e;
    } finally {
      await qr.release();
    }
    expect(await verify()).toMatchObject({ intact: true, problems: [] });
  });

  it('given the serving role (as the hub serves), then it may run the index but not change or empty the list itself', async () => {
    const app = new DataSource({ type: 'postgres', url: appUrlOf(ownerUrl), synchronize: false });
    await app.initialize();
    try {
      await expect(app.query(`DELETE FROM audit_index_pending`)).rejects.toThrow(/permission denied/);
      await expect(app.query(`UPDATE audit_index_pending SET batch_id = batch_id`)).rejects.toThrow(/permission denied/);
      expect(await app.query(`SELECT mash_audit_index_disclosures(true) AS n`)).toEqual([{ n: expect.any(Number) }]);
    } finally {
      await app.destroy();
    }
  });

  it('given many reads and IG queries at once, when they have all been answered, then every read has its rows, nothing is left listed once a reader has caught up, and the chain verifies', async () => {
    const people = await Promise.all(Array.from({ length: 4 }, () => givenPerson(hub, police)));
    for (const id of people) await givenRecord(hub, police, id, { recordType: 'POLICE_INCIDENT', personRole: 'VICTIM', detail: 'Fictional' });
    const reads = people.flatMap((id) => Array.from({ length: 6 }, () => hub.gql(police, READ_PERSON, { id })));
    const lookups = people.map((id) => hub.gql<ByPerson>(ig, BY_PERSON, { f: { personId: id } }));
    const answered = await Promise.all([...reads, ...lookups]);
    for (const r of answered) expect(r.errors).toBeUndefined();

    const v = await verify();

    expect(v).toMatchObject({ intact: true, problems: [] });
    expect(await pending()).toEqual([]);
    for (const id of people) {
      const readIds = answered.slice(0, reads.length).filter((r) => (r.data as { person?: { id: string } }).person?.id === id).map((r) => r.headers.get('x-request-id'));
      const listed = (await accessLogOf(id)).map((e) => e.requestId);
      expect(listed).toEqual(expect.arrayContaining(readIds));
      expect(readIds).toHaveLength(6);
    }
  });
});
