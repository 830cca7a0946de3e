import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { writeOperations } from '../desk/tools/codegen';
import { fakeNhsNumber, givenImportedPerson, givenPerson, givenRecord, unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Issue 22 (ADR 013): the typed partner client in clients/typescript, generated from
 * schema/schema.graphql, and its example flow, run against the test hub through the real HTTP API.
 */
writeOperations('client');
// Imported after generating: a fresh clone has no clients/typescript/src/generated yet.
type Client = typeof import('../clients/typescript/src');
type Example = typeof import('../clients/typescript/example/partner-flow');

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const RATE = `mutation($id: ID!, $v: Int!) { rateReferral(id: $id, rag: AMBER, rationale: "Fictional: repeated hunger", expectedVersion: $v) { version } }`;
const CHECKS = `mutation($id: ID!, $v: Int!) { requestAgencyChecks(referralId: $id, agencies: ["police"], expectedVersion: $v) { checks { id agency } } }`;

describe('the typed partner client', () => {
  let hub: TestHub;
  let client: Client;
  let example: Example;
  let referrer: string;
  beforeAll(async () => {
    client = await import('../clients/typescript/src');
    example = await import('../clients/typescript/example/partner-flow');
    hub = await startTestHub();
    referrer = await hub.token({
      agency: 'education',
      roles: ['PARTNER_REFERRER'],
      sub: unique('dsl'),
      name: 'Example DSL',
    });
  });
  afterAll(() => hub.close());

  /** A token provider that records how it was asked, as an app's would be asked per request. */
  const provider = (tokens: Array<string | null>) => {
    const asked: boolean[] = [];
    return {
      asked,
      getToken: async ({ forceRefresh }: { forceRefresh: boolean }) => {
        asked.push(forceRefresh);
        return tokens[Math.min(asked.length - 1, tokens.length - 1)]!;
      },
    };
  };

  it('given a partner referrer, when the example app submits a referral and follows it, then it is acknowledged once and followed with myReferral', async () => {
    const tokens = provider([referrer]);
    const hubClient = client.createHubClient({
      url: hub.server.url,
      getToken: tokens.getToken,
      clientName: 'example-referrer-app',
    });
    const lines: string[] = [];
    const result = await example.referAndFollow(
      hubClient,
      example.exampleReferral(`Clientson${Date.now()}`),
      unique('key'),
      (l) => lines.push(l),
    );

    expect(result.reference).toMatch(/\S/);
    expect(result.submitted.replayed).toBe(false);
    expect(result.replayed).toEqual({ id: result.submitted.id, replayed: true });
    expect(result.followed).toMatchObject({
      id: result.submitted.id,
      reference: result.reference,
      status: 'RECEIVED',
      outcome: null,
    });
    expect(result.followed.expectedDecisionBy).not.toBeNull();
    expect(result.withheld).toEqual([]);
    expect(lines[0]).toBe('signed in as Example DSL (education, PARTNER_REFERRER)');
    // Asked once per request (me, submit, resubmit, follow), never to refresh.
    expect(tokens.asked).toEqual([false, false, false, false]);
    const stored = await hub.db.query('SELECT count(*)::int AS n FROM referral WHERE id = $1', [result.submitted.id]);
    expect(stored[0].n).toBe(1);
  });

  it('given a token the hub refuses, then the provider is asked for a fresh one and the request retried once', async () => {
    const tokens = provider(['not-a-token', referrer]);
    const hubClient = client.createHubClient({ url: hub.server.url, getToken: tokens.getToken });
    const answer = await hubClient.request(client.Me, {});
    expect(answer.data.me.roles).toEqual(['PARTNER_REFERRER']);
    expect(tokens.asked).toEqual([false, true]);
    expect(answer.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('given a provider whose fresh token is refused too, then UNAUTHENTICATED after one retry, not a loop', async () => {
    const tokens = provider(['not-a-token']);
    const hubClient = client.createHubClient({ url: hub.server.url, getToken: tokens.getToken });
    await expect(hubClient.request(client.Me, {})).rejects.toMatchObject({
      name: 'HubError',
      code: 'UNAUTHENTICATED',
      status: 401,
    });
    expect(tokens.asked).toEqual([false, true]);
  });

  it('given a referrer calling an officer operation, then it throws a HubError with the typed code FORBIDDEN', async () => {
    const hubClient = client.createHubClient({ url: hub.server.url, getToken: async () => referrer });
    const refused = hubClient.request(client.AgencyCheckInbox, { agency: 'education', first: 10 });
    await expect(refused).rejects.toBeInstanceOf(client.HubError);
    await expect(refused).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it("given a referral about a child health holds, when the police officer app reads its inbox and answers, then health's detail is listed as withheld with the reason in words", async () => {
    // A child health holds and social care knows (its feed matched the NHS number); health has a clinical note.
    const nhsNumber = fakeNhsNumber();
    const health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
    const personId = await givenPerson(hub, health, { nhsNumber });
    expect(await givenImportedPerson(hub, 'social-care', { nhsNumber })).toBe(personId);
    const healthRecord = await givenRecord(hub, health, personId, {
      recordType: 'HEALTH_VISITING',
      clinicalNotes: 'Fictional clinical note',
    });
    const worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    const input = { ...example.exampleReferral(), subjects: [{ personId }] };
    const referral = await hub.gql<{ submitReferral: { id: string } }>(worker, SUBMIT, { input, key: unique('key') });
    const id = referral.data!.submitReferral.id;
    expect((await hub.gql(worker, RATE, { id, v: 1 })).errors).toBeUndefined();
    const checks = await hub.gql<{ requestAgencyChecks: { checks: Array<{ id: string; agency: string }> } }>(
      worker,
      CHECKS,
      { id, v: 2 },
    );
    expect(checks.errors).toBeUndefined();

    const police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    const officerApp = client.createHubClient({
      url: hub.server.url,
      getToken: async () => police,
      clientName: 'police-case-app',
    });
    const inbox = await officerApp.request(client.AgencyCheckInbox, { agency: 'police', first: 100 });
    const index = inbox.data.referrals.edges.findIndex((e) => e.node.id === id);
    const record = inbox.data.referrals.edges[index]!.node.subjects![0]!.records!.find((r) => r.id === healthRecord)!;
    expect(record).toMatchObject({ __typename: 'HealthRecord', owningAgency: 'health', clinicalNotes: null });
    const path = `referrals.edges.${index}.node.subjects.0.records.${inbox.data.referrals.edges[index]!.node.subjects![0]!.records!.indexOf(record)}.clinicalNotes`;
    expect(client.withheldAt(inbox.withheld, path)).toEqual({
      path,
      field: 'clinicalNotes',
      reason: 'NEED_TO_KNOW',
      explanation: 'withheld: need to know',
    });

    const checkId = checks.data!.requestAgencyChecks.checks[0]!.id;
    const answered = await officerApp.request(client.RespondToAgencyCheck, {
      checkId,
      input: { noInformationHeld: true, findingsSummary: 'Fictional: searched the RMS' },
    });
    expect(answered.data.respondToAgencyCheck.checks).toEqual([
      { id: checkId, agency: 'police', status: 'NO_INFORMATION' },
    ]);
  });
});

describe('subscriptions through the typed client', () => {
  let hub: TestHub;
  let client: Client;
  const sockets: WsClient[] = [];
  beforeAll(async () => {
    client = await import('../clients/typescript/src');
    hub = await startTestHub();
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await hub.close();
  });

  function socketFor(getToken: () => Promise<string | null>) {
    const socket = createClient({
      url: hub.server.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: client.hubConnectionParams(getToken),
      retryAttempts: 0,
    });
    sockets.push(socket);
    return socket;
  }

  it("given a health practitioner's app subscribed to AlertFeed with the token provider, when police break the glass on a child health holds, then the typed alert arrives", async () => {
    const health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'], sub: unique('hv') });
    const police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('pc') });
    const personId = await givenPerson(hub, health);
    const events: Array<{ kind: string | null; toAgency: string | null; personId: string | null }> = [];
    const errors: unknown[] = [];
    const stop = client.subscribe(
      socketFor(async () => health),
      client.AlertFeed,
      {},
      { next: (e) => events.push(e.data.alertRaised), error: (e) => errors.push(e) },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));

    const opened = await hub.gql(
      police,
      `mutation($id: ID!) { openBreakGlass(personId: $id, reason: "Fictional: child missing overnight, urgent risk check") { id } }`,
      { id: personId },
    );
    expect(opened.errors).toBeUndefined();
    for (let i = 0; i < 50 && events.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    stop();

    expect(errors).toEqual([]);
    expect(events).toContainEqual(expect.objectContaining({ kind: 'BREAK_GLASS', toAgency: 'health', personId }));
  });

  it('given a token the hub does not accept, when the app subscribes, then a typed HubError UNAUTHENTICATED and no event; a query is refused as a subscription', async () => {
    const refused = await new Promise<InstanceType<Client['HubError']>>((resolve) => {
      client.subscribe(
        socketFor(async () => 'not-a-token'),
        client.AlertFeed,
        {},
        {
          next: () => resolve(new client.HubError('unexpected event', 'UNEXPECTED_RESPONSE', 0, null)),
          error: resolve,
        },
      );
    });
    expect(refused).toBeInstanceOf(client.HubError);
    expect(refused.code).toBe('UNAUTHENTICATED');
    expect(() =>
      client.subscribe(
        socketFor(async () => null),
        client.Me as never,
        {},
        { next: () => undefined, error: () => undefined },
      ),
    ).toThrow(/not a subscription/);
  });
});

describe('withheld fields, read from any GraphQL response', () => {
  it('given redactions in extensions, then each is a field, a typed reason and words; a null not listed is simply not recorded', async () => {
    const { readWithheld, withheldAt } = await import('../clients/typescript/src');
    const response = {
      data: { person: { records: [{ clinicalNotes: null, summary: null }] } },
      extensions: {
        redactions: [
          { path: 'person.records.0.clinicalNotes', reason: 'NEED_TO_KNOW' },
          { path: 'person.refugeAddress', reason: 'SEALED' },
        ],
      },
    };
    const { data, withheld } = readWithheld(response);
    expect(data).toBe(response.data);
    expect(withheld).toEqual([
      {
        path: 'person.records.0.clinicalNotes',
        field: 'clinicalNotes',
        reason: 'NEED_TO_KNOW',
        explanation: 'withheld: need to know',
      },
      {
        path: 'person.refugeAddress',
        field: 'refugeAddress',
        reason: 'SEALED',
        explanation: 'withheld: sealed by the agency that holds it',
      },
    ]);
    expect(withheldAt(withheld, 'person.records.0.clinicalNotes')?.explanation).toBe('withheld: need to know');
    expect(withheldAt(withheld, 'person.records.0.summary')).toBeUndefined();
  });
});
