/** PostgreSQL absent when the hub starts: live, not ready, 503 at once; then it arrives and the hub serves. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MIGRATIONS } from '../../../migrations';
import { FaultPostgres, HubProcess, devToken, emit, gql, givenPoliceChild, leaks, PERSON_READ, sleep } from './harness';

async function main(): Promise<void> {
  const pg = await FaultPostgres.create();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-fault-hub-'));
  const police = await devToken(dataDir, 'police', ['POLICE_MASH_OFFICER']);
  const hub = await HubProcess.spawn(pg, dataDir);
  try {
    const liveAfterMs = await hub.waitFor('/healthz', 200, 60_000);
    const whileAbsent = {
      live: await hub.status('/healthz'),
      ready: await hub.status('/readyz'),
      query: await gql(hub.base, police, 'read', '{ me { sub } }'),
    };
    await sleep(2000); // a few connection attempts fail while it is away
    await pg.start();
    const readyAfterMs = await hub.waitFor('/readyz', 200, 60_000);
    const personId = await givenPoliceChild(hub.base, police);
    const after = await gql(hub.base, police, 'read', PERSON_READ, { id: personId });
    const [{ n: migrationsApplied }] = await pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM schema_migrations`,
    );
    const retries = hub.logs.filter((l) => l.includes('database not available; retrying')).length;
    hub.kill('SIGTERM');
    const exit = await hub.exited;
    emit({
      liveAfterMs,
      absent: {
        live: whileAbsent.live,
        ready: whileAbsent.ready,
        query: {
          status: whileAbsent.query.status,
          code: whileAbsent.query.code,
          ms: whileAbsent.query.endedAt - whileAbsent.query.startedAt,
        },
      },
      retries,
      readyAfterArrivalMs: readyAfterMs,
      after: {
        status: after.status,
        code: after.code,
        data: (after.data as { person?: unknown } | null)?.person != null,
      },
      migrationsApplied,
      migrationsKnown: MIGRATIONS.length,
      leaks: leaks([whileAbsent.query, after], hub.logs, pg.password),
      exit,
    });
  } finally {
    if (hub.alive) hub.kill('SIGKILL');
    await pg.remove();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  emit({ crashed: (e as Error).message });
  process.exit(1);
});
