/** PostgreSQL stopped and started again under 10 concurrent readers: the hub stays up, failures are clean 503s, readiness recovers. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  FaultPostgres,
  HubProcess,
  devToken,
  emit,
  gql,
  givenPoliceChild,
  leaks,
  load,
  PERSON_READ,
  sleep,
  tally,
  unauditedReads,
  watchReadiness,
} from './harness';

async function main(): Promise<void> {
  const pg = await FaultPostgres.create();
  await pg.start();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-fault-hub-'));
  const police = await devToken(dataDir, 'police', ['POLICE_MASH_OFFICER']);
  const hub = await HubProcess.spawn(pg, dataDir);
  try {
    await hub.waitFor('/readyz', 200, 60_000);
    const personId = await givenPoliceChild(hub.base, police);
    const readiness = watchReadiness(hub);
    let phase: 'before' | 'down' | 'recovering' | 'after' = 'before';
    let stop = false;
    const phases: Record<string, number> = {};
    const running = load(
      10,
      () => stop,
      async () => ({ ...(await gql(hub.base, police, 'read', PERSON_READ, { id: personId })), phase }) as never,
    );
    await sleep(2000);
    phase = 'down';
    phases.stoppedAt = Date.now();
    await pg.stop();
    await sleep(2000);
    phase = 'recovering';
    await pg.start();
    phases.startedAt = Date.now();
    phases.readyAfterRestartMs = await hub.waitFor('/readyz', 200, 60_000);
    phase = 'after';
    await sleep(2000);
    stop = true;
    const outcomes = await running;
    const transitions = await readiness.stop();
    const byPhase = (p: string) => outcomes.filter((o) => (o as unknown as { phase: string }).phase === p);
    const failed = outcomes.filter((o) => o.status !== 200 || o.code !== null);
    const chain = await pg.verifyChain();
    emit({
      clients: 10,
      attempts: outcomes.length,
      acknowledged: outcomes.length - failed.length,
      failed: failed.length,
      tally: tally(outcomes),
      byPhase: Object.fromEntries(['before', 'down', 'recovering', 'after'].map((p) => [p, tally(byPhase(p))])),
      failedCodes: [...new Set(failed.map((o) => `${o.status}:${o.code}`))],
      failedOutside: {
        before: byPhase('before').filter((o) => o.status !== 200).length,
        after: byPhase('after').filter((o) => o.status !== 200).length,
      },
      afterAttempts: byPhase('after').length,
      slowestMs: Math.max(...outcomes.map((o) => o.endedAt - o.startedAt)),
      readyAfterRestartMs: phases.readyAfterRestartMs,
      readiness: transitions,
      hubAlive: hub.alive,
      unaudited: (await unauditedReads(pg, outcomes)).length,
      chain,
      leaks: leaks(outcomes, hub.logs, pg.password),
    });
    hub.kill('SIGTERM');
    await hub.exited;
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
