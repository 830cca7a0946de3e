import crypto from 'node:crypto';
import type { AuditEvent } from '../src/audit/audit-event';
import { auditFor, givenPerson, givenRecord, unique, givenAuditBatch } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

const ACCESS_LOG = `query($filter: AccessLogFilterInput, $first: Int, $after: String) {
  accessLog(filter: $filter, first: $first, after: $after) {
    endCursor hasNextPage
    entries {
      eventId occurredAt requestId purpose operationName action outcome errorCodes breakGlassReason
      actor { sub name agency roles }
      subjects { personId outcome recordIds released redacted relationships relationshipsNow }
    }
  }
}`;

interface Entry {
  eventId: string;
  occurredAt: string;
  requestId: string;
  purpose: string | null;
  operationName: string | null;
  action: string;
  outcome: string;
  breakGlassReason: string | null;
  actor: { sub: string; name: string; agency: string | null; roles: string[] };
  subjects: Array<{
    personId: string;
    outcome: string;
    recordIds: string[];
    released: string[];
    redacted: string[];
    relationships: string[];
    relationshipsNow: string[];
  }>;
}
interface Page {
  accessLog: { endCursor: string | null; hasNextPage: boolean; entries: Entry[] };
}

const READ_PERSON = `query Lookup($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { id givenName records { id summary } } }`;

/** A disclosure recorded directly through the audit store (no API yet creates an access without a relationship). */
function recordedAccess(personId: string, actor: AuditEvent['actor'], extra: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: crypto.randomUUID(),
    occurredAt: new Date().toISOString(),
    requestId: unique('req'),
    actor,
    purpose: 'BREAK_GLASS',
    breakGlass: null,
    operation: { type: 'query', name: 'EmergencyLookup', documentHash: null },
    action: 'READ',
    outcome: 'SUCCESS',
    errorCodes: [],
    subjects: [
      {
        personId,
        outcome: 'DISCLOSED',
        recordIds: [],
        released: ['Person.givenName'],
        redacted: [],
        relationships: ['BREAK_GLASS'],
      },
    ],
    changes: [],
    ...extra,
  };
}

describe('IG queries: the access log', () => {
  let hub: TestHub;
  let ig: string;
  let police: string;
  let health: string;
  const policeSub = unique('pc');
  let childId: string;
  let recordId: string;
  const readRequests: string[] = [];

  beforeAll(async () => {
    hub = await startTestHub();
    ig = await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'], name: 'Fictional IG Officer' });
    police = await hub.token({
      agency: 'police',
      roles: ['POLICE_MASH_OFFICER'],
      sub: policeSub,
      name: 'PC Fictional',
    });
    health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
    // Given: a child known to the police, read twice by the officer and looked up once by health.
    childId = await givenPerson(hub, police);
    recordId = await givenRecord(hub, police, childId, {
      recordType: 'POLICE_INCIDENT',
      personRole: 'VICTIM',
      detail: 'Fictional',
    });
    for (let i = 0; i < 2; i++) {
      const r = await hub.gql(police, READ_PERSON, { id: childId });
      expect(r.errors).toBeUndefined();
      readRequests.push(r.headers.get('x-request-id')!);
    }
    const miss = await hub.gql(health, READ_PERSON, { id: childId });
    expect(miss.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
  afterAll(() => hub.close());

  const log = async (filter: Record<string, unknown>, first?: number, after?: string) => {
    const r = await hub.gql<Page>(ig, ACCESS_LOG, { filter, first, after });
    expect(r.errors).toBeUndefined();
    return { page: r.data!.accessLog, requestId: r.headers.get('x-request-id')! };
  };

  it('given a child read by police and looked up by health, when the IG auditor asks who saw it, then each access shows who, when, which fields and why — and the question is audited', async () => {
    const { page, requestId } = await log({ personId: childId }, 20);

    const reads = page.entries.filter((e) => readRequests.includes(e.requestId));
    expect(reads).toHaveLength(2);
    expect(reads[0]).toMatchObject({
      action: 'READ',
      outcome: 'SUCCESS',
      purpose: 'DIRECT_CARE',
      operationName: 'Lookup',
      breakGlassReason: null,
      actor: { sub: policeSub, name: 'PC Fictional', agency: 'police', roles: ['POLICE_MASH_OFFICER'] },
    });
    expect(reads[0]!.subjects).toEqual([
      expect.objectContaining({
        personId: childId,
        outcome: 'DISCLOSED',
        recordIds: [recordId],
        relationships: ['OWN_AGENCY_RECORD'],
        relationshipsNow: ['OWN_AGENCY_RECORD'],
      }),
    ]);
    expect(reads[0]!.subjects[0]!.released).toEqual(
      expect.arrayContaining(['Person.givenName', 'PoliceRecord.summary']),
    );
    // Health's attempt is recorded too, without anything released.
    expect(page.entries).toContainEqual(
      expect.objectContaining({
        outcome: 'NOT_FOUND',
        actor: expect.objectContaining({ agency: 'health' }),
        subjects: [expect.objectContaining({ outcome: 'NOT_FOUND', released: [] })],
      }),
    );
    // Newest first.
    const times = page.entries.map((e) => e.occurredAt);
    expect([...times].sort().reverse()).toEqual(times);
    // Reading the audit is audited: the IG event names the child whose history was seen.
    const audit = await auditFor(hub, requestId);
    expect(audit).toEqual([
      expect.objectContaining({ action: 'QUERY', outcome: 'SUCCESS', purpose: 'IG_AUDIT', person_id: childId }),
    ]);
    expect(audit[0]!.released).toEqual(
      expect.arrayContaining(['AccessLogSubject.released', 'AccessLogSubject.personId']),
    );
  });

  it('given more entries than a page, when paging with first and after, then pages are disjoint and together equal one big page', async () => {
    // The auditor's own reads of this child are audited too: fix the period so they do not shift pages.
    const filter = { personId: childId, to: new Date().toISOString() };
    const all = (await log(filter, 50)).page.entries.map((e) => e.eventId);
    const p1 = (await log(filter, 2)).page;
    const p2 = (await log(filter, 2, p1.endCursor!)).page;

    expect(p1.hasNextPage).toBe(true);
    expect([...p1.entries, ...p2.entries].map((e) => e.eventId)).toEqual(all.slice(0, 4));
  });

  it('given filters by actor, purpose and period, when queried, then only matching events come back', async () => {
    const byActor = (await log({ actorSub: policeSub, purpose: 'DIRECT_CARE' }, 20)).page.entries;
    expect(
      byActor
        .filter((e) => e.action === 'READ')
        .map((e) => e.requestId)
        .sort(),
    ).toEqual([...readRequests].sort());
    // The officer's own record of the child (person and record created) is direct care too (ADR 014: changes carry their purpose).
    expect(byActor.filter((e) => e.action !== 'READ').map((e) => e.action)).toEqual(['CREATE', 'CREATE']);

    const future = (await log({ actorSub: policeSub, from: new Date(Date.now() + 3600_000).toISOString() })).page
      .entries;
    expect(future).toEqual([]);
    const byAgency = (await log({ personId: childId, agency: 'health' })).page.entries;
    expect(byAgency.map((e) => e.outcome)).toEqual(['NOT_FOUND']);
  });

  it('given a disclosure to an education officer who has no relationship with the child now, when asked for accesses without relationship, then only that access is listed', async () => {
    const eduSub = unique('edu');
    const event = recordedAccess(
      childId,
      { sub: eduSub, name: 'Fictional Teacher', agency: 'education', roles: ['EDUCATION_MASH_OFFICER'] },
      {
        breakGlass: { id: crypto.randomUUID(), reason: 'Fictional emergency for the test' },
      },
    );
    await givenAuditBatch(hub.db, [event]);

    const { page } = await log({ personId: childId, withoutRelationship: true });

    expect(page.entries.map((e) => e.eventId)).toEqual([event.id]);
    expect(page.entries[0]!.subjects).toEqual([
      expect.objectContaining({ personId: childId, relationships: ['BREAK_GLASS'], relationshipsNow: [] }),
    ]);
    const bg = (await log({ personId: childId, breakGlass: true })).page.entries;
    expect(bg).toEqual([
      expect.objectContaining({ eventId: event.id, breakGlassReason: 'Fictional emergency for the test' }),
    ]);
  });

  it("given accesses to one child by several actors of different agencies and roles, when the IG auditor lists them, then each carries its own actor's relationships now", async () => {
    // Given: a child known to the police; a health practitioner who opened a break-glass for them;
    // a second police officer; an education officer and an IG auditor with no relationship.
    const child = await givenPerson(hub, police);
    await givenRecord(hub, police, child, { recordType: 'POLICE_INCIDENT', personRole: 'VICTIM', detail: 'Fictional' });
    const nurseSub = unique('nurse');
    const nurse = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'], sub: nurseSub });
    const bg = await hub.gql(
      nurse,
      `mutation($p: ID!) { openBreakGlass(personId: $p, reason: "Fictional: urgent concern reported out of hours") { id } }`,
      { p: child },
    );
    expect(bg.errors).toBeUndefined();
    const actors: Record<string, AuditEvent['actor']> = {
      nurse: { sub: nurseSub, name: 'Fictional Nurse', agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] },
      otherNurse: {
        sub: unique('nurse'),
        name: 'Fictional Nurse Two',
        agency: 'health',
        roles: ['HEALTH_MASH_PRACTITIONER'],
      },
      officer: { sub: unique('pc'), name: 'PC Fictional Two', agency: 'police', roles: ['POLICE_MASH_OFFICER'] },
      teacher: {
        sub: unique('edu'),
        name: 'Fictional Teacher',
        agency: 'education',
        roles: ['EDUCATION_MASH_OFFICER'],
      },
      auditor: { sub: unique('ig'), name: 'Fictional Auditor', agency: 'social-care', roles: ['IG_AUDITOR'] },
    };
    const events = Object.fromEntries(Object.entries(actors).map(([k, a]) => [k, recordedAccess(child, a)]));
    await givenAuditBatch(hub.db, Object.values(events));

    // When
    const { page } = await log({ personId: child, purpose: 'BREAK_GLASS' }, 20);

    // Then: the same person, a different answer per actor (the break-glass is the nurse's alone).
    const now = (k: string) => page.entries.find((e) => e.eventId === events[k]!.id)!.subjects[0]!.relationshipsNow;
    // The five reads, and the nurse opening the break-glass (its purpose, ADR 014).
    expect(page.entries).toHaveLength(6);
    expect(page.entries.filter((e) => e.action === 'BREAK_GLASS').map((e) => e.actor.sub)).toEqual([nurseSub]);
    expect(now('nurse')).toEqual(['BREAK_GLASS']);
    expect(now('otherNurse')).toEqual([]);
    expect(now('officer')).toEqual(['OWN_AGENCY_RECORD']);
    expect(now('teacher')).toEqual([]);
    expect(now('auditor')).toEqual([]);
  });

  it.each([
    ['a police officer', { agency: 'police', roles: ['POLICE_MASH_OFFICER'] }],
    ['a MASH manager', { agency: 'social-care', roles: ['MASH_MANAGER'] }],
    ['a hub administrator', { agency: 'social-care', roles: ['HUB_ADMIN'] }],
  ])('given %s, when they ask for the access log, then it is FORBIDDEN', async (_who, claims) => {
    const token = await hub.token(claims);

    const r = await hub.gql(token, ACCESS_LOG, { filter: { personId: childId } });

    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(r.data?.accessLog ?? null).toBeNull();
  });

  it.each([
    ['a malformed person id', { filter: { personId: 'not-an-id' } }, 'filter.personId'],
    [
      'a period that ends before it starts',
      { filter: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } },
      'filter.to',
    ],
    ['a page size of zero', { first: 0 }, 'first'],
    ['a page size over the maximum', { first: 100000 }, 'first'],
    ['a forged cursor', { after: 'bm9wZQ' }, 'after'],
  ])(
    'given %s, when the IG auditor asks, then BAD_USER_INPUT names the field and nothing is returned',
    async (_what, vars, field) => {
      const r = await hub.gql(ig, ACCESS_LOG, vars);

      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(r.data?.accessLog ?? null).toBeNull();
    },
  );
});
