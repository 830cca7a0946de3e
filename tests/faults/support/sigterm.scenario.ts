/**
 * SIGTERM mid-load (10 readers that disclose data): readiness goes false first while requests are
 * still served (SHUTDOWN_DELAY_MS), in-flight requests complete, the audit is flushed, exit code 0.
 */
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
  heldRequest,
  load,
  PERSON_READ,
  sleep,
  tally,
  unauditedReads,
  watchReadiness,
} from './harness';

const DELAY_MS = 1000;

async function main(): Promise<void> {
  const pg = await FaultPostgres.create();
  await pg.start();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-fault-hub-'));
  const police = await devToken(dataDir, 'police', ['POLICE_MASH_OFFICER']);
  const hub = await HubProcess.spawn(pg, dataDir, { SHUTDOWN_DELAY_MS: String(DELAY_MS) });
  try {
    await hub.waitFor('/readyz', 200, 60_000);
    const personId = await givenPoliceChild(hub.base, police);
    const readiness = watchReadiness(hub, 50);
    let stop = false;
    // The clients act as a load balancer would: no new requests once readiness has gone false.
    const running = load(
      10,
      () => stop || readiness.firstNotReadyAt() !== null,
      () => gql(hub.base, police, 'read', PERSON_READ, { id: personId }),
    );
    // One request held in flight across the drain: its body completes only after the listener has closed.
    let release!: () => void;
    const held = heldRequest(
      hub.base,
      police,
      'held',
      PERSON_READ,
      { id: personId },
      new Promise<void>((r) => (release = r)),
    );
    await sleep(2000);
    const termAt = Date.now();
    hub.kill('SIGTERM');
    const listenerClosedAfterMs = await (async () => {
      for (;;) {
        if ((await hub.status('/healthz')) === 'refused') return Date.now() - termAt;
        await sleep(20);
      }
    })();
    release();
    const heldOutcome = await held;
    const exit = await hub.exited;
    const exitedAt = Date.now();
    stop = true;
    const outcomes = await running;
    const transitions = await readiness.stop();
    const notReadyAt = readiness.firstNotReadyAt();
    const answered = outcomes.filter((o) => o.status !== null);
    const lastAnsweredAt = Math.max(...answered.map((o) => o.endedAt));
    // Started before SIGTERM, so in flight or queued when it came: every one must have an answer.
    const startedBeforeTerm = outcomes.filter((o) => o.startedAt < termAt);
    const unanswered = outcomes.filter((o) => o.status === null);
    const chain = await pg.verifyChain();
    emit({
      clients: 10,
      attempts: outcomes.length,
      acknowledged: answered.filter((o) => o.status === 200 && o.code === null).length,
      tally: tally(outcomes),
      failedAnswers: answered.filter((o) => o.status !== 200 || o.code !== null).length,
      startedBeforeTermUnanswered: startedBeforeTerm.filter((o) => o.status === null).length,
      unanswered: unanswered.length,
      startedAfterNotReady: outcomes.filter((o) => notReadyAt !== null && o.startedAt > notReadyAt).length,
      answeredAfterTermMs: lastAnsweredAt - termAt,
      notReadyAfterTermMs: notReadyAt === null ? null : notReadyAt - termAt,
      readinessFalseBeforeLastAnswer: notReadyAt !== null && notReadyAt < lastAnsweredAt,
      readiness: transitions,
      exitAfterTermMs: exitedAt - termAt,
      exit,
      flushedLog: hub.logs.some((l) => l.includes('shut down cleanly')),
      inFlightAtTerm: outcomes.filter((o) => o.startedAt < termAt && o.endedAt > termAt).length,
      listenerClosedAfterMs,
      held: {
        status: heldOutcome.status,
        code: heldOutcome.code,
        data: (heldOutcome.data as { person?: unknown } | null)?.person != null,
        answeredAfterCloseMs: heldOutcome.endedAt - termAt - listenerClosedAfterMs,
      },
      unaudited: (await unauditedReads(pg, [...outcomes, { ...heldOutcome, kind: 'read' }])).length,
      chain,
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
