import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { DEFAULT_POLICY } from '../src/access-policy/policy';
import { DEMO_AGENCIES } from '../src/auth/agencies';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Issue 17, inconsistent claims fail closed: a token whose role does not fit its agency's kind (a
 * police role at a health agency, a MASH social worker outside social care) is refused with
 * UNAUTHENTICATED, over HTTP and over graphql-ws, by the role-to-agency-kind table of the access
 * policy (ADR 006), which a partnership extends in its policy file.
 */

const ME = '{ me { sub agency roles } }';

describe('a token whose role does not fit its agency’s kind is refused', () => {
  let hub: TestHub;
  const clients: Client[] = [];
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await hub.close();
  });

  it.each([
    ['a police role at a health agency', 'health', ['POLICE_MASH_OFFICER']],
    ['a MASH social worker at the police', 'police', ['MASH_SOCIAL_WORKER']],
    ['a MASH manager at a school', 'education', ['MASH_MANAGER']],
    ['a health practitioner at probation', 'probation', ['HEALTH_MASH_PRACTITIONER']],
    ['an IG auditor at the police (the audit is the host authority’s)', 'police', ['IG_AUDITOR']],
    ['a hub administrator at health', 'health', ['HUB_ADMIN']],
    ['a fitting role with a misfitting one', 'health', ['HEALTH_MASH_PRACTITIONER', 'POLICE_MASH_OFFICER']],
  ])('given %s, then 401 UNAUTHENTICATED and no data', async (_label, agency, roles) => {
    const r = await hub.gql(await hub.token({ agency, roles }), ME);

    expect(r.status).toBe(401);
    expect(r.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect(r.data ?? null).toBeNull();
  });

  it.each([
    ['a police officer at the police', 'police', ['POLICE_MASH_OFFICER']],
    ['a partner referrer at the police', 'police', ['PARTNER_REFERRER']],
    ['a partner referrer at a school', 'education', ['PARTNER_REFERRER']],
    ['a health practitioner who also refers', 'health', ['HEALTH_MASH_PRACTITIONER', 'PARTNER_REFERRER']],
    ['an IG auditor at social care', 'social-care', ['IG_AUDITOR']],
  ])('given %s (fits), then served', async (_label, agency, roles) => {
    const r = await hub.gql<{ me: { agency: string } }>(await hub.token({ agency, roles }), ME);

    expect(r.status).toBe(200);
    expect(r.data!.me.agency).toBe(agency);
  });

  /** Connects and subscribes; the close code if refused, or 'open' if the subscription is accepted. */
  async function connect(token: string): Promise<number | 'open'> {
    let closeCode: number | undefined;
    let connected = false;
    const client = createClient({
      url: hub.server.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
      on: { closed: (e) => (closeCode = (e as { code?: number }).code), connected: () => (connected = true) },
    });
    clients.push(client);
    client.subscribe(
      { query: 'subscription { referralChanged(purpose: TRIAGE) { id } }' },
      { next: () => undefined, error: () => undefined, complete: () => undefined },
    );
    const deadline = Date.now() + 3000;
    while (closeCode === undefined && Date.now() < deadline) {
      if (connected && Date.now() > deadline - 2500) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    return closeCode ?? 'open';
  }

  it('given a police role at a health agency over graphql-ws, then the connection is closed exactly as for a bad token, and a fitting token is served', async () => {
    const misfit = await connect(await hub.token({ agency: 'health', roles: ['MASH_SOCIAL_WORKER'] }));
    const garbage = await connect('not-a-token');
    const fitting = await connect(await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] }));

    expect(garbage).not.toBe('open');
    expect(misfit).toBe(garbage);
    expect(fitting).toBe('open');
  });
});

describe('a partnership extends the role-to-agency-kind table in its policy file', () => {
  let extended: TestHub;
  let shipped: TestHub;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-kinds-'));
  beforeAll(async () => {
    // A (fictional) partnership with a youth justice service whose officers sit in the MASH as probation officers.
    const agenciesFile = path.join(dir, 'agencies.json');
    fs.writeFileSync(
      agenciesFile,
      JSON.stringify([
        ...DEMO_AGENCIES,
        { code: 'youth-justice', name: 'Exampleshire Youth Justice Service', kind: 'YOUTH_JUSTICE' },
      ]),
    );
    const policyFile = path.join(dir, 'policy.json');
    fs.writeFileSync(
      policyFile,
      JSON.stringify({
        ...DEFAULT_POLICY,
        roleAgencyKinds: { PROBATION_MASH_OFFICER: ['PROBATION', 'YOUTH_JUSTICE'] },
      }),
    );
    extended = await startTestHub({ MASH_AGENCIES_FILE: agenciesFile, MASH_POLICY_FILE: policyFile });
    shipped = await startTestHub({ MASH_AGENCIES_FILE: agenciesFile });
  });
  afterAll(async () => {
    await Promise.all([extended?.close(), shipped?.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('given a probation officer role at the youth justice service, then served where the table allows it and refused under the shipped table', async () => {
    const claims = { agency: 'youth-justice', roles: ['PROBATION_MASH_OFFICER'] };

    const allowed = await extended.gql<{ me: { agency: string } }>(await extended.token(claims), ME);
    const refused = await shipped.gql(await shipped.token(claims), ME);

    expect(allowed.status).toBe(200);
    expect(allowed.data!.me.agency).toBe('youth-justice');
    expect(refused.status).toBe(401);
    expect(refused.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('given the extended table, then roles it does not name keep the shipped kinds', async () => {
    const r = await extended.gql(await extended.token({ agency: 'youth-justice', roles: ['POLICE_MASH_OFFICER'] }), ME);
    expect(r.status).toBe(401);
  });
});
