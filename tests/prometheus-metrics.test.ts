import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildBareSchema } from '../src/app/schema';
import { fakeNhsNumber, unique } from './support/factories';
import { dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';

/**
 * Issue 22: Prometheus metrics on a listener of their own (METRICS_PORT; off by default). After some
 * traffic the series exist — requests by operation, errors by code, audit batches, pool, rate-limit
 * refusals, the MASH gauges — with bounded labels, and nothing from a person, a user or a client's
 * own names appears in the output.
 */

const UPSERT = `mutation Push($input: PersonInput!) { upsertPerson(input: $input) { person { id } } }`;
const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const RATE = `mutation($id: ID!, $v: Int!) { rateReferral(id: $id, rag: RED, rationale: "Fictional rationale", expectedVersion: $v) { version } }`;
const CHECKS = `mutation($id: ID!, $v: Int!) { requestAgencyChecks(referralId: $id, agencies: ["police", "health"], expectedVersion: $v) { version } }`;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);
const has = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.some((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

describe('Prometheus metrics', () => {
  let hub: TestHub;
  let dataDir: string;
  const person = {
    givenName: 'Zebulonia',
    familyName: `Quillfeather${Date.now() % 100000}`,
    nhsNumber: fakeNhsNumber(),
  };
  const childName = { givenName: 'Marmadukea', familyName: `Thistlewick${Date.now() % 100000}` };
  const officerSub = unique('pc-metrics');
  const officerName = 'PC Ottoline Fictional';
  let personId: string;
  let referralId: string;
  let text: string;
  let samples: Sample[];

  beforeAll(async () => {
    // A database of its own, so the MASH gauges count only this story's referrals.
    const url = await dedicatedDatabaseUrl('metrics');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-metrics-'));
    hub = await startTestHub(
      { METRICS_PORT: '0', MASH_DATA_DIR: dataDir, RATE_LIMIT_USER_PER_MINUTE: '30' },
      { databaseUrl: url },
    );
    const police = await hub.token({
      agency: 'police',
      roles: ['POLICE_MASH_OFFICER'],
      sub: officerSub,
      name: officerName,
    });
    const referrer = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'] });
    const worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });

    // Traffic: a person pushed in, read under a client-chosen operation name, searched for by name.
    const pushed = await hub.gql<{ upsertPerson: { person: { id: string } } }>(police, UPSERT, {
      input: {
        sourceSystem: 'TEST',
        sourceReference: unique('p'),
        kind: 'CHILD',
        dateOfBirth: '2016-04-03',
        ...person,
      },
    });
    expect(pushed.errors).toBeUndefined();
    personId = pushed.data!.upsertPerson.person.id;
    const read = await hub.gql(
      police,
      `query LookupZebulonia_${person.familyName}($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { id givenName } }`,
      { id: personId },
    );
    expect(read.errors).toBeUndefined();
    const search = await hub.gql(
      police,
      `query { zzAliasFound: searchPeople(input: { familyName: "${person.familyName}" }, purpose: DIRECT_CARE) { person { id } } }`,
    );
    expect(search.errors).toBeUndefined();
    // A referral, rated RED, with checks to police and health; then its clocks run out (time travel).
    const submitted = await hub.gql<{ submitReferral: { id: string } }>(referrer, SUBMIT, {
      input: {
        subjects: [{ newPerson: { kind: 'CHILD', dateOfBirth: '2015-02-03', ...childName } }],
        referrerContact: 'Fictional School office',
        concernCategories: ['NEGLECT'],
        narrative: 'Fictional narrative for the metrics story.',
        consentSought: true,
        consentGiven: true,
      },
      key: unique('k'),
    });
    expect(submitted.errors).toBeUndefined();
    referralId = submitted.data!.submitReferral.id;
    expect((await hub.gql(worker, RATE, { id: referralId, v: 1 })).errors).toBeUndefined();
    expect((await hub.gql(worker, CHECKS, { id: referralId, v: 2 })).errors).toBeUndefined();
    await hub.db.query(`UPDATE referral SET decision_due_at = now() - interval '1 hour' WHERE id = $1`, [referralId]);
    await hub.db.query(`UPDATE agency_check SET due_at = now() - interval '1 hour' WHERE referral_id = $1`, [
      referralId,
    ]);
    // Errors: a validation error, an unauthenticated request, and one user over the rate limit.
    expect((await hub.gql(police, `{ person(id: "x", purpose: DIRECT_CARE) { noSuchField } }`)).status).toBe(400);
    expect((await hub.gql('not-a-token', `{ me { sub } }`)).status).toBe(401);
    const hasty = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await hub.gql(hasty, `{ me { sub } }`)).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    // Clients choosing names and aliases must not create series.
    for (let i = 0; i < 5; i++)
      expect(
        (await hub.gql(worker, `query RandomOpXq${unique('op').replace(/-/g, '_')} { a${i}: me { sub } }`)).errors,
      ).toBeUndefined();
    expect(
      (await hub.gql(worker, `query { me { sub } alerts(first: 1) { edges { cursor } } }`)).errors,
    ).toBeUndefined();

    const res = await fetch(hub.server.metricsUrl!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    text = await res.text();
    samples = parseExposition(text);
  }, 60_000);
  afterAll(async () => {
    await hub?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('given traffic, then request rate and latency are there by operation type and root field', () => {
    const d = 'mash_graphql_operation_duration_seconds_count';
    expect(value(samples, d, { type: 'mutation', operation: 'upsertPerson' })).toBe(1);
    expect(value(samples, d, { type: 'query', operation: 'person' })).toBe(1);
    // The invalid document resolved to no operation.
    expect(value(samples, d, { type: 'unknown', operation: 'none' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, d, { type: 'query', operation: 'searchPeople' })).toBe(1);
    expect(value(samples, d, { type: 'mutation', operation: 'submitReferral' })).toBe(1);
    expect(value(samples, d, { type: 'query', operation: 'me' })).toBeGreaterThanOrEqual(5);
    expect(value(samples, d, { type: 'query', operation: 'multiple' })).toBe(1);
    expect(
      has(samples, 'mash_graphql_operation_duration_seconds_bucket', { type: 'query', operation: 'person', le: '0.1' }),
    ).toBe(true);
    expect(value(samples, 'mash_http_responses_total', { route: '/graphql', status: '200' })).toBeGreaterThan(10);
  });

  it('given errors, then they are counted by code, rate-limit refusals included', () => {
    // A validation error is answered BAD_USER_INPUT by the hub's error formatter.
    expect(value(samples, 'mash_graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'mash_graphql_errors_total', { code: 'UNAUTHENTICATED' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'mash_graphql_errors_total', { code: 'RATE_LIMITED' })).toBeGreaterThanOrEqual(1);
    expect(has(samples, 'mash_graphql_errors_total', { code: 'AUDIT_UNAVAILABLE' })).toBe(true);
    expect(value(samples, 'mash_rate_limit_refusals_total', { limit: 'user' })).toBeGreaterThanOrEqual(1);
    expect(has(samples, 'mash_rate_limit_refusals_total', { limit: 'failed_auth' })).toBe(true);
    expect(value(samples, 'mash_http_responses_total', { route: '/graphql', status: '429' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'mash_http_responses_total', { route: '/graphql', status: '401' })).toBeGreaterThanOrEqual(1);
  });

  it('given audited traffic, then audit batches, append latency and queue depth are there; the pool, subscriptions and readiness too', () => {
    expect(value(samples, 'mash_audit_batch_events_count')).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'mash_audit_batch_events_sum')).toBeGreaterThanOrEqual(
      value(samples, 'mash_audit_batch_events_count'),
    );
    expect(value(samples, 'mash_audit_append_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'mash_audit_events_written_total')).toBeGreaterThanOrEqual(5);
    expect(has(samples, 'mash_audit_queue_depth')).toBe(true);
    expect(value(samples, 'mash_db_pool_clients', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'mash_db_pool_max')).toBe(hub.config.dbPoolSize);
    for (const topic of ['referral', 'meeting', 'alert'])
      expect(has(samples, 'mash_subscriptions_open', { topic })).toBe(true);
    expect(value(samples, 'mash_ready')).toBe(1);
    expect(value(samples, 'mash_serving_role_restricted')).toBe(1);
    expect(has(samples, 'mash_process_resident_memory_bytes')).toBe(true);
  });

  it('given a RED referral past its decision time with overdue police and health checks, then the MASH gauges show them, by RAG and agency', () => {
    expect(value(samples, 'mash_referrals_open', { rag: 'RED' })).toBe(1);
    expect(value(samples, 'mash_referrals_open', { rag: 'AMBER' })).toBe(0);
    expect(value(samples, 'mash_referrals_open', { rag: 'UNRATED' })).toBe(0);
    expect(value(samples, 'mash_referrals_breached', { rag: 'RED' })).toBe(1);
    expect(value(samples, 'mash_agency_checks_overdue', { agency: 'police' })).toBe(1);
    expect(value(samples, 'mash_agency_checks_overdue', { agency: 'health' })).toBe(1);
    expect(value(samples, 'mash_agency_checks_overdue', { agency: 'education' })).toBe(0);
    expect(value(samples, 'mash_agency_checks_overdue', { agency: 'other' })).toBe(0);
  });

  it('given the whole output, then no person, user, id or client-chosen name appears in it', () => {
    for (const secret of [
      person.givenName,
      person.familyName,
      person.nhsNumber,
      childName.givenName,
      childName.familyName,
      personId,
      referralId,
      officerSub,
      officerName,
      'LookupZebulonia',
      'RandomOpXq',
      'Fictional',
      'zzAliasFound',
    ]) {
      expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    }
    // No UUID (person, referral, event or request id) anywhere.
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
  });

  it('given every series, then each label takes its values from a bounded set fixed by the code, the schema or the configuration', () => {
    const schema = buildBareSchema();
    const rootFields = new Set<string>();
    for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
      for (const name of Object.keys(type?.getFields() ?? {})) rootFields.add(name);
    }
    const allowed: Record<string, (v: string) => boolean> = {
      service: (v) => v === 'mash-hub',
      type: (v) => ['query', 'mutation', 'subscription', 'unknown'].includes(v),
      operation: (v) => rootFields.has(v) || ['multiple', 'none', '__schema', '__type'].includes(v),
      code: (v) => /^[A-Z_]+$/.test(v) && v.length < 40,
      route: (v) => ['/graphql', '/healthz', '/readyz', 'other'].includes(v),
      status: (v) => /^[1-5]\d\d$/.test(v),
      outcome: (v) => ['ok', 'failed'].includes(v),
      state: (v) => ['total', 'idle', 'waiting'].includes(v),
      topic: (v) => ['referral', 'meeting', 'alert'].includes(v),
      limit: (v) => ['user', 'failed_auth'].includes(v),
      rag: (v) => ['RED', 'AMBER', 'GREEN', 'UNRATED'].includes(v),
      agency: (v) => ['social-care', 'police', 'health', 'probation', 'education', 'other'].includes(v),
      le: (v) => v === '+Inf' || !Number.isNaN(Number(v)),
      quantile: (v) => !Number.isNaN(Number(v)),
    };
    const mashOwn = samples.filter((s) => !s.name.startsWith('mash_nodejs_') && !s.name.startsWith('mash_process_'));
    const bad = mashOwn.flatMap((s) =>
      Object.entries(s.labels)
        .filter(([k, v]) => !allowed[k]?.(v))
        .map(([k, v]) => `${s.name} ${k}=${v}`),
    );
    expect(bad).toEqual([]);
    expect(rootFields.has('person')).toBe(true);
    expect(rootFields.size).toBeGreaterThan(20);
  });

  it('given the Grafana dashboard in docs/, then every metric it queries is served', () => {
    const dashboard = fs.readFileSync(path.join(__dirname, '..', 'docs', 'grafana-dashboard.json'), 'utf8');
    const queried = new Set([...dashboard.matchAll(/\b(mash_[a-z0-9_]+)/g)].map((m) => m[1]!));
    const served = new Set(samples.map((s) => s.name));
    expect(queried.size).toBeGreaterThan(15);
    expect([...queried].filter((name) => !served.has(name))).toEqual([]);
  });

  it('given the main port, then /metrics is not served there; given no METRICS_PORT, then no metrics listener', async () => {
    expect((await fetch(hub.server.url.replace('/graphql', '/metrics'))).status).toBe(404);
    const plain = await startTestHub();
    try {
      expect(plain.server.metricsUrl).toBeNull();
    } finally {
      await plain.close();
    }
  });
});
