import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { Client } from 'pg';
import { signDevToken } from '../src/auth/authenticator';
import { loadConfig } from '../src/config';
import { ensureDatabase, freePort } from '../src/db/admin';
import { fakeNhsNumber, unique } from './support/factories';
import { appUrlOf, startTestHub } from './support/test-hub';

/**
 * Issue 22 (ADR 015): OpenTelemetry traces when OTEL_EXPORTER_OTLP_ENDPOINT is set. One story
 * through the real OTLP/HTTP exporter into a receiver in this test: a span per request carrying the
 * hub's request id, SQL spans under it, a span per audit append; and nothing from a person, a user
 * or a client's own names anywhere in what leaves the process.
 */

const UPSERT = `mutation($input: PersonInput!) { upsertPerson(input: $input) { person { id } } }`;

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  arrayValue?: { values: OtlpValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: OtlpValue }>;
  links?: Array<{ traceId: string; spanId: string }>;
}
interface OtlpExport {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: OtlpValue }> };
    scopeSpans: Array<{ spans: OtlpSpan[] }>;
  }>;
}

const ROOT = path.join(__dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SPAN_KIND_SERVER = 2;
const attr = (span: OtlpSpan, key: string) => {
  const v = span.attributes?.find((a) => a.key === key)?.value;
  return v?.stringValue ?? (v?.intValue !== undefined ? Number(v.intValue) : undefined);
};

/** An OTLP/HTTP collector in miniature: keeps every export's raw body. */
async function startReceiver() {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      bodies.push((req.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(raw) : raw).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('traces are off unless an OTLP endpoint is configured', () => {
  it('given no OTEL_EXPORTER_OTLP_ENDPOINT, then no exporter starts, node-postgres is not instrumented and requests are served as before', async () => {
    const hub = await startTestHub();
    try {
      expect(hub.server.tracesUrl).toBeNull();
      expect(hub.server.hub.auditWriter.tracer).toBeNull();
      expect((Client.prototype.query as { __wrapped?: boolean }).__wrapped).toBeUndefined();
      const officer = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
      const r = await hub.gql(officer, `{ me { agency } }`);
      expect(r.errors).toBeUndefined();
    } finally {
      await hub.close();
    }
  });

  it('given an endpoint that is not an http(s) URL, then configuration fails naming the variable', () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://collector:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
  });
});

describe('traces exported over OTLP/HTTP', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-traces-'));
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let hub: ChildProcess | undefined;
  let stderr = '';
  const person = {
    givenName: 'Zephyrine',
    familyName: `Brackenthwaite${Date.now() % 100000}`,
    dateOfBirth: '2016-04-03',
    nhsNumber: fakeNhsNumber(),
  };
  const officerSub = unique('pc-traces');
  const officerName = 'PC Hyacinth Fictional';
  const correlationId = `case-${person.familyName}`;
  let personId: string;
  const requestIds: Record<'push' | 'read' | 'search', string> = { push: '', read: '', search: '' };
  let spans: OtlpSpan[];

  beforeAll(async () => {
    receiver = await startReceiver();
    // The hub as `npm start` runs it (main.ts in a process of its own): the OTLP exporter loads its
    // HTTP transport by dynamic import, which Jest's module sandbox cannot do.
    const ownerUrl = await ensureDatabase(
      process.env.MASH_TEST_SERVER_URL!,
      `mash_test_traces_${process.env.JEST_WORKER_ID ?? '0'}_${process.pid}`,
    );
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    hub = spawn(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'development',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: appUrlOf(ownerUrl),
        MIGRATION_DATABASE_URL: ownerUrl,
        MASH_DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    hub.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    let ready = 0;
    for (let i = 0; i < 240 && ready !== 200; i++) {
      ready = await fetch(`${base}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (ready !== 200) await sleep(500);
    }
    expect({ ready, stderr: ready === 200 ? '' : stderr }).toEqual({ ready: 200, stderr: '' });

    const config = loadConfig({ NODE_ENV: 'development', MASH_DATA_DIR: dataDir });
    const officer = await signDevToken(config.auth, {
      sub: officerSub,
      name: officerName,
      agency: 'police',
      roles: ['POLICE_MASH_OFFICER'],
    });
    const gql = async (query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${officer}`, ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: Record<string, { person?: { id: string } }>; errors?: unknown };
      expect(body.errors).toBeUndefined();
      return { body, requestId: res.headers.get('x-request-id')! };
    };

    // Traffic carrying personal data: a person pushed in, read back under an operation name that
    // names them, searched for by name (in variables and inline in the document).
    const pushed = await gql(
      UPSERT,
      { input: { sourceSystem: 'TEST', sourceReference: unique('p'), kind: 'CHILD', ...person } },
      { 'x-request-id': correlationId },
    );
    personId = pushed.body.data!.upsertPerson!.person!.id;
    requestIds.push = pushed.requestId;
    requestIds.read = (
      await gql(
        `query Lookup_${person.givenName}_${person.familyName}($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { id givenName familyName dateOfBirth nhsNumber } }`,
        { id: personId },
      )
    ).requestId;
    requestIds.search = (
      await gql(
        `query($g: String!) { searchPeople(input: { givenName: $g, familyName: "${person.familyName}", dateOfBirth: "${person.dateOfBirth}" }, purpose: DIRECT_CARE) { person { id } } }`,
        {
          g: person.givenName,
        },
      )
    ).requestId;

    // SIGTERM: the hub drains, flushes the audit and then the spans still queued, and exits.
    const exited = new Promise<number | null>((resolve) => hub!.once('exit', (code) => resolve(code)));
    hub.kill('SIGTERM');
    expect(await exited).toBe(0);
    spans = receiver.bodies.flatMap((b) =>
      (JSON.parse(b) as OtlpExport).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)),
    );
  }, 180_000);
  afterAll(async () => {
    if (hub && hub.exitCode === null) hub.kill('SIGKILL');
    await receiver.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const requestSpan = (requestId: string) =>
    spans.find((s) => s.kind === SPAN_KIND_SERVER && attr(s, 'mash.request_id') === requestId);

  it('then each request has one span carrying the request id of its response, named by operation type and root field', () => {
    expect(receiver.bodies.length).toBeGreaterThan(0);
    expect(requestSpan(requestIds.push)?.name).toBe('mutation upsertPerson');
    expect(requestSpan(requestIds.read)?.name).toBe('query person');
    expect(requestSpan(requestIds.search)?.name).toBe('query searchPeople');
    expect(attr(requestSpan(requestIds.read)!, 'http.response.status_code')).toBe(200);
    expect(attr(requestSpan(requestIds.read)!, 'mash.graphql.operation')).toBe('person');
    expect(
      spans.filter((s) => s.kind === SPAN_KIND_SERVER && attr(s, 'mash.request_id') === requestIds.read),
    ).toHaveLength(1);
  });

  it('then the SQL statements of a request are spans under its span, with the statement text and no parameter values', () => {
    for (const requestId of Object.values(requestIds)) {
      const parent = requestSpan(requestId)!;
      const sql = spans.filter((s) => s.name.startsWith('pg.query') && s.parentSpanId === parent.spanId);
      expect(sql.length).toBeGreaterThan(0);
      for (const s of sql) {
        expect(s.traceId).toBe(parent.traceId);
        expect(String(attr(s, 'db.query.text'))).toMatch(/\S/);
        expect(
          s.attributes?.some((a) => a.key.startsWith('db.query.parameter') || a.key === 'db.postgresql.values'),
        ).toBe(false);
      }
    }
    expect(spans.some((s) => s.name.startsWith('pg.query') && String(attr(s, 'db.query.text')).includes('$1'))).toBe(
      true,
    );
  });

  it('then each audit append is a span, under the request whose events it wrote or linked to it', () => {
    const appends = spans.filter((s) => s.name === 'mash.audit.append');
    expect(appends.length).toBeGreaterThan(0);
    for (const a of appends) expect(Number(attr(a, 'mash.audit.batch_events'))).toBeGreaterThan(0);
    const read = requestSpan(requestIds.read)!;
    const forRead = appends.filter(
      (a) => a.parentSpanId === read.spanId || a.links?.some((l) => l.spanId === read.spanId),
    );
    expect(forRead.length).toBeGreaterThan(0);
    // Its INSERT is a SQL span under it.
    expect(spans.some((s) => s.name.startsWith('pg.query') && forRead.some((a) => s.parentSpanId === a.spanId))).toBe(
      true,
    );
  });

  it('then no span, attribute, event, link or resource carries the person, the user or the client’s own names', () => {
    const exported = receiver.bodies.join('\n');
    for (const value of [
      person.givenName,
      person.familyName,
      person.nhsNumber,
      person.dateOfBirth,
      personId,
      officerSub,
      officerName,
      correlationId,
      'Lookup_',
    ]) {
      expect({ value, found: exported.includes(value) }).toEqual({ value, found: false });
    }
    const resource = (JSON.parse(receiver.bodies[0]!) as OtlpExport).resourceSpans[0]!.resource.attributes;
    expect(resource.find((a) => a.key === 'service.name')?.value.stringValue).toBe('mash-hub');
  });
});
