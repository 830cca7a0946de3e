/**
 * The restore drill (issue 22, ADR 014), run as an operator would with the embedded database:
 * demo partnership seeded, hub running (`npm start`), readers and referrers writing; the load pauses,
 * what the hub acknowledged is noted, an anchor is exported (`npm run audit:anchor`); the load resumes
 * and `npm run backup` runs under it. The first hub stops for good; `npm run restore` puts the backup in
 * a fresh data folder (the anchor key copied in from where it is kept apart), a hub starts on it, and
 * the drill checks: the chain verifies against the anchor, every acknowledged write and every audit
 * event from before the backup is there (counts and ids), the serving role is restricted again, and
 * the restored hub serves and audits.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { appRoleUrl, servingRoleProblems } from '../../../src/db/app-role';
import { verifyAuditChain } from '../../../src/governance/chain-verify';
import { DEFAULT_PARTNERSHIP } from '../../../src/shared/partnership';
import { checkAnchor, loadAnchorKey } from '../../../src/governance/anchor';
import { createDataSource } from '../../../src/db/data-source';
import { createLogger } from '../../../src/shared/logger';
import {
  HubProcess,
  devToken,
  emit,
  gql,
  givenPoliceChild,
  load,
  PERSON_READ,
  referralInput,
  sleep,
  SUBMIT,
  tally,
  type Outcome,
} from './harness';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..', '..');

/** One of the hub's commands, as `npm run <name>` runs it, with MASH_DATA_DIR set. */
async function command(
  script: string,
  args: string[],
  dataDir: string,
  env: Record<string, string> = {},
): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', `src/cli/${script}.ts`, ...args],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', MASH_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return stdout;
}

/** The superuser's URL of the embedded server a running hub holds in `dataDir`. */
function ownerUrl(dataDir: string): string {
  const port = fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3];
  const password = fs.readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/mash`;
}

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

interface Snapshot {
  auditEvents: Set<string>;
  batches: number;
  referrals: Set<string>;
  people: number;
  records: number;
}

async function snapshot(url: string): Promise<Snapshot> {
  const ids = async (sql: string) => new Set((await query<{ id: string }>(url, sql)).map((r) => r.id));
  const count = async (sql: string) => (await query<{ n: number }>(url, sql))[0]!.n;
  return {
    auditEvents: await ids('SELECT id::text AS id FROM audit_event'),
    batches: await count('SELECT count(*)::int AS n FROM audit_batch'),
    referrals: await ids('SELECT id::text AS id FROM referral'),
    people: await count('SELECT count(*)::int AS n FROM person'),
    records: await count('SELECT count(*)::int AS n FROM agency_record'),
  };
}

const missing = (want: Set<string>, have: Set<string>) => [...want].filter((x) => !have.has(x));

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-drill-'));
  // As root the embedded server runs as the postgres user, which must be able to enter the folder.
  fs.chmodSync(work, 0o755);
  const live = path.join(work, 'live');
  const restored = path.join(work, 'restored');
  const keyStore = path.join(work, 'kept-apart');
  const backupFile = path.join(work, 'mash.backup');
  const t0 = Date.now();
  const timings: Record<string, number> = {};
  const lap = (name: string, since: number) => (timings[name] = Date.now() - since);
  let hub: HubProcess | undefined;
  try {
    // Given: the demo partnership (small), seeded before the hub starts, as the README says.
    let t = Date.now();
    await command('seed', ['--demo', '--households', '3', '--referrals', '6'], live);
    lap('seedMs', t);
    hub = await HubProcess.spawnEmbedded(live);
    await hub.waitFor('/readyz', 200, 90_000);
    const police = await devToken(live, 'police', ['POLICE_MASH_OFFICER']);
    const referrer = await devToken(live, 'education', ['PARTNER_REFERRER'], 'drill-teacher');
    const personId = await givenPoliceChild(hub.base, police);

    // When: readers and referrers write through the API.
    const base = hub.base;
    let n = 0;
    const work1 = (stop: () => boolean, prefix: string) =>
      load(4, stop, async (client) => {
        if (client < 2) return gql(base, police, 'read', PERSON_READ, { id: personId });
        const i = ++n;
        return {
          ...(await gql(base, referrer, 'submit', SUBMIT, { input: referralInput(i), key: `${prefix}-${i}` })),
        } as Outcome;
      });
    let stop1 = false;
    const phase1 = work1(() => stop1, 'drill-before');
    await sleep(3000);
    stop1 = true;
    const before = await phase1;
    const ackedReads = before.filter((o) => o.kind === 'read' && o.status === 200 && o.code === null);
    const ackedReferrals = new Set(
      before
        .filter((o) => o.kind === 'submit' && o.status === 200 && o.code === null)
        .map((o) => (o.data as { submitReferral: { id: string } }).submitReferral.id),
    );
    const atBackup = await snapshot(ownerUrl(live));

    // The anchor, exported before the backup, through the running hub's database (as mash_app).
    const appUrl = appRoleUrl(ownerUrl(live), fs.readFileSync(path.join(live, 'pg-app-password'), 'utf8').trim());
    const anchorText = (
      await command('audit-anchor', ['--partnership', 'default'], live, { DATABASE_URL: appUrl })
    ).trim();
    const anchor = JSON.parse(anchorText) as { batchId: number; hash: string };
    // The anchor key lives apart from the database and its backups.
    fs.mkdirSync(keyStore);
    fs.copyFileSync(path.join(live, 'audit-anchor-key.pem'), path.join(keyStore, 'audit-anchor-key.pem'));

    // The backup, taken while the hub keeps serving writes.
    let stop2 = false;
    const phase2 = work1(() => stop2, 'drill-during');
    t = Date.now();
    const backupOut = await command('backup', ['--out', backupFile], live);
    lap('backupMs', t);
    stop2 = true;
    const during = await phase2;
    const afterBackup = await snapshot(ownerUrl(live));

    // The machine is lost: the first hub and its data folder go away.
    hub.kill('SIGTERM');
    await hub.exited;
    hub = undefined;
    fs.rmSync(live, { recursive: true, force: true });

    // Then: restore into a fresh data folder, put the anchor key back, start a hub on it.
    t = Date.now();
    const restoreOut = await command('restore', ['--from', backupFile], restored);
    fs.copyFileSync(path.join(keyStore, 'audit-anchor-key.pem'), path.join(restored, 'audit-anchor-key.pem'));
    hub = await HubProcess.spawnEmbedded(restored);
    await hub.waitFor('/readyz', 200, 90_000);
    lap('restoreToReadyMs', t);
    const owner = ownerUrl(restored);
    const got = await snapshot(owner);

    // The chain, against the anchor: through the hub's API as IG, and directly.
    const ig = await devToken(restored, 'social-care', ['IG_AUDITOR'], 'drill-ig');
    const verified = await gql(
      hub.base,
      ig,
      'verify',
      `query($a: String) { verifyAuditChain(anchor: $a) { intact anchorMatched anchorBatchId message batchesChecked eventsChecked } }`,
      { a: anchorText },
    );
    const viaApi = (verified.data as { verifyAuditChain?: Record<string, unknown> } | null)?.verifyAuditChain ?? {
      error: verified.body.slice(0, 300),
    };
    const ds = createDataSource(owner, createLogger('silent'), 1);
    await ds.initialize();
    let direct: { intact: boolean; anchorMatched: boolean | null };
    try {
      const checked = checkAnchor(anchorText, loadAnchorKey(restored, false));
      if ('error' in checked) throw new Error(checked.error);
      const v = await verifyAuditChain(ds, { anchor: checked.anchor, partnership: DEFAULT_PARTNERSHIP });
      direct = { intact: v.intact, anchorMatched: v.anchorMatched };
    } finally {
      await ds.destroy();
    }

    // The serving role on the restored database: mash_app, unable to alter the audit.
    const restoredAppUrl = appRoleUrl(owner, fs.readFileSync(path.join(restored, 'pg-app-password'), 'utf8').trim());
    const c = new Client({ connectionString: restoredAppUrl });
    await c.connect();
    let roleProblems: string[];
    let servingAs: string;
    let updateRefused: string | null = null;
    try {
      roleProblems = await servingRoleProblems({ query: async (sql, params) => (await c.query(sql, params)).rows });
      servingAs = (await c.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u;
      try {
        await c.query(`UPDATE audit_event SET purpose = purpose WHERE id = (SELECT id FROM audit_event LIMIT 1)`);
      } catch (e) {
        updateRefused = (e as { code?: string }).code ?? 'refused';
      }
    } finally {
      await c.end();
    }
    const roleWarning = hub.logs.some((l) => l.includes('could alter the audit'));

    // Acknowledged reads before the backup each have their audit event.
    const readRequestIds = ackedReads.map((o) => o.requestId);
    const auditedReads = await query<{ request_id: string }>(
      owner,
      'SELECT DISTINCT request_id FROM audit_event WHERE request_id = ANY($1::text[])',
      [readRequestIds],
    );
    // The restored hub serves: the police officer (new token: the development key is not in backups) reads the child, audited.
    const policeAgain = await devToken(restored, 'police', ['POLICE_MASH_OFFICER']);
    const readAgain = await gql(hub.base, policeAgain, 'read', PERSON_READ, { id: personId });
    const [{ n: readAgainAudited }] = await query<{ n: number }>(
      owner,
      'SELECT count(*)::int AS n FROM audit_event WHERE request_id = $1',
      [readAgain.requestId],
    );
    const duringAcked = during.filter((o) => o.status === 200 && o.code === null);
    const duringReferrals = duringAcked
      .filter((o) => o.kind === 'submit')
      .map((o) => (o.data as { submitReferral: { id: string } }).submitReferral.id);

    emit({
      seconds: Math.round((Date.now() - t0) / 1000),
      timings,
      backupFileBytes: fs.statSync(backupFile).size,
      backupOut: backupOut.trim().split('\n')[0],
      restoreOut: restoreOut.trim(),
      before: {
        reads: ackedReads.length,
        referrals: ackedReferrals.size,
        tally: tally(before),
        auditEvents: atBackup.auditEvents.size,
        batches: atBackup.batches,
        people: atBackup.people,
        records: atBackup.records,
        referralsStored: atBackup.referrals.size,
      },
      during: {
        acknowledged: duringAcked.length,
        referrals: duringReferrals.length,
        tally: tally(during),
        auditEventsAtEnd: afterBackup.auditEvents.size,
      },
      restored: {
        auditEvents: got.auditEvents.size,
        batches: got.batches,
        people: got.people,
        records: got.records,
        referrals: got.referrals.size,
      },
      missingAuditEvents: missing(atBackup.auditEvents, got.auditEvents).length,
      missingReferrals: missing(atBackup.referrals, got.referrals).length,
      missingAckedReferrals: missing(ackedReferrals, got.referrals).length,
      unauditedAckedReads: readRequestIds.length - auditedReads.length,
      // Writes acknowledged while the backup ran may or may not be in it; those present are whole.
      duringReferralsRestored: duringReferrals.filter((id) => got.referrals.has(id)).length,
      peopleAtLeast: got.people >= atBackup.people,
      recordsAtLeast: got.records >= atBackup.records,
      anchor: { batchId: anchor.batchId },
      chainViaApi: viaApi,
      chainDirect: direct,
      servingRole: { servingAs, problems: roleProblems, updateRefused, warnedAtStart: roleWarning },
      readAgain: { status: readAgain.status, code: readAgain.code, audited: readAgainAudited },
    });
    hub.kill('SIGTERM');
    await hub.exited;
    hub = undefined;
  } finally {
    if (hub?.alive) {
      hub.kill('SIGKILL');
      await hub.exited;
    }
    // A hub killed mid-way leaves its embedded server running: stop it through its pid file.
    for (const dir of [live, restored]) {
      const pid = path.join(dir, 'pg', 'postmaster.pid');
      if (fs.existsSync(pid)) {
        try {
          process.kill(Number(fs.readFileSync(pid, 'utf8').split('\n')[0]), 'SIGINT');
        } catch {
          /* already gone */
        }
      }
    }
    await sleep(500);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  emit({ crashed: (e as Error).message });
  process.exit(1);
});
