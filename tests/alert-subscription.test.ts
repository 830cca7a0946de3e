import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { givenPerson, givenRecord, unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

const TIMEOUT_MS = 4000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('alertRaised: the owning agency hears of a break-glass as it happens, on any hub process', () => {
  let hubA: TestHub;
  let hubB: TestHub;
  let dataDir: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-alerts-'));
    hubA = await startTestHub({ MASH_DATA_DIR: dataDir });
    hubB = await startTestHub({ MASH_DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await Promise.all([hubA?.close(), hubB?.close()]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function subscribe(token: string) {
    const received: Array<{ data?: { alertRaised: { kind: string; toAgency: string | null; personId: string } } }> = [];
    const client = createClient({
      url: hubB.server.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    clients.push(client);
    client.subscribe(
      { query: 'subscription { alertRaised { kind toAgency personId } }' },
      {
        next: (v) => received.push(v as never),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    return received;
  }

  it('given health holds a child and listens on hub B, when a police officer breaks glass on hub A, then health gets the alert and education does not', async () => {
    const health = await hubA.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'], sub: unique('hv') });
    const police = await hubA.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('pc') });
    const education = await hubA.token({ agency: 'education', roles: ['EDUCATION_MASH_OFFICER'], sub: unique('ed') });
    const personId = await givenPerson(hubA, health);
    await givenRecord(hubA, health, personId, { recordType: 'HEALTH_VISITING', clinicalNotes: 'Fictional note' });

    const toHealth = subscribe(health);
    const toEducation = subscribe(education);
    await sleep(300); // let both subscriptions register

    const r = await hubA.gql(
      police,
      `mutation($id: ID!) { openBreakGlass(personId: $id, reason: "Child missing overnight, urgent risk check") { id } }`,
      { id: personId },
    );
    expect(r.errors).toBeUndefined();

    const deadline = Date.now() + TIMEOUT_MS;
    while (!toHealth.length && Date.now() < deadline) await sleep(20);
    expect(toHealth[0]?.data?.alertRaised).toEqual({ kind: 'BREAK_GLASS', toAgency: 'health', personId });
    await sleep(300);
    expect(toEducation).toEqual([]);
  });
});
