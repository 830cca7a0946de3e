/**
 * Scale out, proven (issue 26): four hub processes on one PostgreSQL behind HAProxy. Readers,
 * referrers (with idempotency keys) and `referralChanged` subscribers all go through the load
 * balancer; one process is SIGKILLed mid-load. Then: every acknowledged read has its audit event,
 * every acknowledged referral is stored once (every key, acknowledged or cut off, resubmitted returns
 * one referral), every subscriber has every acknowledged referral (those on the dead process
 * reconnect through the balancer and resume with `since`), HAProxy takes the dead process out of
 * rotation by its health check while the others stay in, readiness through the balancer never fails,
 * and the process started again on its port rejoins the rotation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import {
  ackedReferralsMissingOrWrong,
  FaultPostgres,
  HubProcess,
  devToken,
  emit,
  gql,
  givenPoliceChild,
  leaks,
  load,
  PERSON_READ,
  readsWithoutPersonRows,
  referralInput,
  sleep,
  SUBMIT,
  tally,
  unauditedReads,
  type Outcome,
} from './harness';
import { HaProxy, type ServerState } from './haproxy';

const PROCESSES = 4;
const SUBSCRIBERS = 8;
const READERS = 4;
const WRITERS = 4;
/** Bounded so that a resumed subscription's replay (everything since a minute before) stays small. */
const MAX_SUBMISSIONS = 240;
const CHANGED = `subscription($since: DateTimeISO) { referralChanged(purpose: TRIAGE, since: $since) { id status version } }`;

interface Subscriber {
  /** Referral ids pushed to this subscriber (live or replayed). */
  seen: Set<string>;
  subscriptions: number;
  /** Whether its WebSocket is open now. */
  connected: boolean;
  errors: string[];
  /** Pushed events that carried no data (e.g. AUDIT_UNAVAILABLE): counted, never silently taken as seen. */
  withoutData: number;
  stop(): Promise<void>;
}

/**
 * A subscriber as a desk would be written: on a lost connection it connects again (through the
 * balancer, so to another process) and resubscribes with `since` = when it last knew itself connected.
 */
function subscriber(wsUrl: string, token: string): Subscriber {
  const s: Subscriber = {
    seen: new Set(),
    subscriptions: 0,
    connected: false,
    errors: [],
    withoutData: 0,
    stop: async () => undefined,
  };
  let stopped = false;
  let client: Client | null = null;
  // As a desk does: from the moment it read the queue (here: when it started).
  let lastConnected = new Date();
  const loop = (async () => {
    while (!stopped) {
      client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
        // A ping a second: the last pong is when we last knew the connection alive.
        keepAlive: 1000,
        on: {
          pong: () => (lastConnected = new Date()),
          connected: () => ((lastConnected = new Date()), (s.connected = true)),
          closed: () => (s.connected = false),
        },
      });
      const since = lastConnected;
      s.subscriptions += 1;
      try {
        for await (const r of client.iterate<{ referralChanged: { id: string } | null }>({
          query: CHANGED,
          variables: { since: since.toISOString() },
        })) {
          lastConnected = new Date();
          if (r.errors?.length) s.errors.push(String(r.errors[0]?.extensions?.code ?? r.errors[0]?.message));
          const id = r.data?.referralChanged?.id;
          if (id) s.seen.add(id);
          else s.withoutData += 1;
        }
      } catch {
        // The connection was lost (its process died): connect again below.
      }
      await client.dispose();
      if (!stopped) await sleep(200);
    }
  })();
  s.stop = async () => {
    stopped = true;
    await client?.dispose();
    await loop;
  };
  return s;
}

async function main(): Promise<void> {
  const pg = await FaultPostgres.create();
  await pg.start();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-fault-hub-'));
  // One partnership: every process trusts the same development signing key (made here, before they start).
  const police = await devToken(dataDir, 'police', ['POLICE_MASH_OFFICER']);
  const referrer = await devToken(dataDir, 'education', ['PARTNER_REFERRER'], 'fault-teacher');
  const worker = await devToken(dataDir, 'social-care', ['MASH_SOCIAL_WORKER'], 'fault-sw');
  const t0 = Date.now();
  // One process migrates; the others wait, not ready, until the schema is in place (docs/operations.md).
  const hubs = await Promise.all(
    Array.from({ length: PROCESSES }, (_, i) =>
      HubProcess.spawn(pg, dataDir, i === 0 ? {} : { MIGRATE_ON_START: 'false' }),
    ),
  );
  let lb: HaProxy | undefined;
  const subscribers: Subscriber[] = [];
  try {
    lb = await HaProxy.start(hubs.map((h, i) => ({ name: `hub${i}`, port: Number(new URL(h.base).port) })));
    await Promise.all(hubs.map((h) => h.waitFor('/readyz', 200, 120_000)));
    await Promise.all(hubs.map((_, i) => lb!.waitForServer(`hub${i}`, 'UP', 30_000)));
    const startedMs = Date.now() - t0;
    const personId = await givenPoliceChild(lb.base, police);

    // Subscribers first, spread by the balancer over the processes.
    const wsUrl = `${lb.base.replace(/^http/, 'ws')}/graphql`;
    for (let i = 0; i < SUBSCRIBERS; i++) subscribers.push(subscriber(wsUrl, worker));
    const subscribed = Date.now();
    while (
      subscribers.some((s) => s.subscriptions === 0) ||
      (await lb.servers()).reduce((n, x) => n + x.sessions, 0) < SUBSCRIBERS
    ) {
      if (Date.now() - subscribed > 30_000) throw new Error('subscribers did not connect');
      await sleep(100);
    }
    await sleep(500); // their subscribe messages reach the processes
    // The victim: the process holding the most subscribers (each open WebSocket is a session).
    const before = await lb.servers();
    const victimIndex = Number(before.reduce((a, b) => (b.sessions > a.sessions ? b : a)).name.replace('hub', ''));
    const victim = hubs[victimIndex]!;
    const subscribersOnVictim = before.find((x) => x.name === `hub${victimIndex}`)!.sessions;

    // Readiness as the balancer answers it, each process's own, and HAProxy's view, sampled throughout.
    let watching = true;
    const lbReadiness: Array<{ startedAt: number; endedAt: number; status: number | 'refused' }> = [];
    const processReadiness: Array<{ hub: number; status: number | 'refused'; afterKill: boolean }> = [];
    const lbViews: Array<{ at: number; servers: ServerState[] }> = [];
    let killedAt = 0;
    const watch = (async () => {
      while (watching) {
        const afterKill = killedAt > 0;
        const startedAt = Date.now();
        const [viaLb, direct, view] = await Promise.all([
          fetch(`${lb!.base}/readyz`, { signal: AbortSignal.timeout(5000) }).then(
            (r) => r.status,
            () => 'refused' as const,
          ),
          Promise.all(hubs.map((h) => h.status('/readyz'))),
          lb!.servers().catch(() => []),
        ]);
        lbReadiness.push({ startedAt, endedAt: Date.now(), status: viaLb });
        direct.forEach((status, hub) => processReadiness.push({ hub, status, afterKill }));
        lbViews.push({ at: Date.now(), servers: view });
        await sleep(100);
      }
    })();

    // Load through the balancer: readers of a disclosing record, referrers with idempotency keys.
    let stop = false;
    const submissions = new Map<string, number>();
    let n = 0;
    const running = load(
      READERS + WRITERS,
      () => stop,
      async (client) => {
        if (client < READERS || n >= MAX_SUBMISSIONS)
          return gql(lb!.base, police, 'read', PERSON_READ, { id: personId });
        const i = ++n;
        const key = `fault-scale-${i}`;
        submissions.set(key, i);
        return {
          ...(await gql(lb!.base, referrer, 'submit', SUBMIT, { input: referralInput(i), key })),
          key,
        } as Outcome;
      },
    );
    await sleep(3000);
    killedAt = Date.now();
    victim.kill('SIGKILL');
    await victim.exited;
    const markedDownMs = await lb.waitForServer(`hub${victimIndex}`, 'DOWN', 30_000);
    const markedDownAt = Date.now();
    // Load goes on through the three left until the dead process's subscribers have connected again.
    const reconnectDeadline = Date.now() + 60_000;
    while ((reconnections() < 1 || subscribers.some((s) => !s.connected)) && Date.now() < reconnectDeadline)
      await sleep(100);
    const reconnectedMs = Date.now() - markedDownAt;
    await sleep(2000);
    stop = true;
    const outcomes = await running;
    watching = false;
    await watch;

    const reads = outcomes.filter((o) => o.kind === 'read');
    const submits = outcomes.filter((o) => o.kind === 'submit') as Array<Outcome & { key: string }>;
    const ackedReads = reads.filter((o) => o.status === 200 && o.code === null);
    const ackedSubmits = submits.filter((o) => o.status === 200 && o.code === null);
    const ackedIds = ackedSubmits.map((o) => (o.data as { submitReferral: { id: string } }).submitReferral.id);
    // Failed after HAProxy marked the dead process down (nothing should fail then).
    const failedAfterDown = outcomes.filter(
      (o) => o.startedAt > markedDownAt && !(o.status === 200 && o.code === null),
    );

    // Every subscriber gets every acknowledged referral (pushes may trail the acknowledgement a little).
    const missing = () => subscribers.reduce((k, s) => k + ackedIds.filter((id) => !s.seen.has(id)).length, 0);
    const catchUpDeadline = Date.now() + 60_000;
    while (missing() > 0 && Date.now() < catchUpDeadline) await sleep(200);
    const missedEvents = missing();

    // Every acknowledged read audited, with its by-person rows.
    const unaudited = await unauditedReads(pg, reads);
    const withoutPersonRows = await readsWithoutPersonRows(pg, reads);
    // Every acknowledged referral stored once under its key, with the id the client was given.
    const ackedMissingOrWrong = await ackedReferralsMissingOrWrong(pg, ackedSubmits, 'fault-scale-');
    // The clients retry every key (acknowledged or cut off) through the balancer: one referral per key.
    let replayFailed = 0;
    let replayMismatch = 0;
    const ackedByKey = new Map(
      ackedSubmits.map((o) => [o.key, (o.data as { submitReferral: { id: string } }).submitReferral.id]),
    );
    for (const batch of chunks([...submissions], 10)) {
      await Promise.all(
        batch.map(async ([key, i]) => {
          const r = await gql(lb!.base, referrer, 'resubmit', SUBMIT, { input: referralInput(i), key });
          if (r.status !== 200 || r.code) replayFailed += 1;
          const id = (r.data as { submitReferral?: { id: string } } | null)?.submitReferral?.id;
          if (ackedByKey.has(key) && id !== ackedByKey.get(key)) replayMismatch += 1;
        }),
      );
    }
    const [{ keys, referrals }] = await pg.query<{ keys: number; referrals: number }>(
      `SELECT count(*)::int AS keys, count(DISTINCT referral_id)::int AS referrals FROM referral_idempotency WHERE key LIKE 'fault-scale-%'`,
    );
    const [{ total }] = await pg.query<{ total: number }>(
      `SELECT count(*)::int AS total FROM referral r JOIN referral_idempotency i ON i.referral_id = r.id WHERE i.key LIKE 'fault-scale-%'`,
    );
    const chain = await pg.verifyChain();

    // HAProxy's view: the dead process DOWN at the end; the three others UP in every sample taken under load.
    const survivors = hubs.map((_, i) => `hub${i}`).filter((name) => name !== `hub${victimIndex}`);
    // "UP 1/2" is one failed check, still in rotation; anything else (DOWN, "DOWN 1/2", MAINT) is out of it.
    const survivorsDownSamples = lbViews.filter((v) =>
      v.servers.some((s) => survivors.includes(s.name) && !s.status.startsWith('UP')),
    ).length;
    const survivorsWobbleSamples = lbViews.filter((v) =>
      v.servers.some((s) => survivors.includes(s.name) && s.status !== 'UP'),
    ).length;
    const finalView = await lb.servers();
    // The dead process started again on its port: back in rotation once its /readyz answers 200.
    hubs[victimIndex] = await HubProcess.spawn(pg, dataDir, {
      MIGRATE_ON_START: 'false',
      PORT: new URL(victim.base).port,
    });
    const rejoinedMs = await lb.waitForServer(`hub${victimIndex}`, 'UP', 120_000);
    const afterRestart = await lb.servers();

    emit({
      processes: PROCESSES,
      startedMs,
      victim: `hub${victimIndex}`,
      subscribersOnVictim,
      reconnections: reconnections(),
      markedDownMs,
      reconnectedMs,
      reads: { attempts: reads.length, acknowledged: ackedReads.length, tally: tally(reads) },
      submissions: { attempts: submits.length, acknowledged: ackedSubmits.length, tally: tally(submits) },
      failedAfterDown: failedAfterDown.length,
      unaudited: unaudited.length,
      withoutPersonRows: withoutPersonRows.length,
      ackedMissingOrWrong,
      distinctKeys: submissions.size,
      storedKeys: keys,
      storedReferrals: referrals,
      referralRows: total,
      replayFailed,
      replayMismatch,
      subscribers: SUBSCRIBERS,
      resubscribed: subscribersSummary(),
      missedEvents,
      lbReadiness: tallyOf(lbReadiness.map((p) => p.status)),
      // A probe in flight on the process when it died is cut off like any request; any other must be ready.
      lbNotReadyOutsideKill: lbReadiness.filter(
        (p) => p.status !== 200 && !(p.startedAt <= markedDownAt && p.endedAt >= killedAt),
      ).length,
      lbReadinessCutOff: tallyOf(lbReadiness.filter((p) => p.status !== 200).map((p) => p.status)),
      survivorsNotReady: processReadiness.filter((p) => p.hub !== victimIndex && p.status !== 200).length,
      victimAfterKill: tallyOf(
        processReadiness.filter((p) => p.hub === victimIndex && p.afterKill).map((p) => p.status),
      ),
      lbSamples: lbViews.length,
      survivorsDownSamples,
      survivorsWobbleSamples,
      finalView: Object.fromEntries(finalView.map((s) => [s.name, s.status])),
      rejoinedMs,
      afterRestart: Object.fromEntries(afterRestart.map((s) => [s.name, s.status])),
      chain,
      leaks: [
        ...leaks(
          outcomes,
          hubs.flatMap((h) => h.logs),
          pg.password,
        ),
      ],
    });

    function reconnections() {
      return subscribers.reduce((k, s) => k + s.subscriptions - 1, 0);
    }
    function subscribersSummary() {
      return {
        subscriptions: subscribers.reduce((k, s) => k + s.subscriptions, 0),
        errors: subscribers.flatMap((s) => s.errors),
        withoutData: subscribers.reduce((k, s) => k + s.withoutData, 0),
      };
    }
  } finally {
    await Promise.all(subscribers.map((s) => s.stop().catch(() => undefined)));
    for (const h of hubs) if (h.alive) h.kill('SIGTERM');
    await Promise.race([Promise.all(hubs.map((h) => h.exited)), sleep(15_000)]);
    for (const h of hubs) if (h.alive) h.kill('SIGKILL');
    await lb?.stop();
    await pg.remove();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));
}

function tallyOf(values: Array<number | 'refused'>): Record<string, number> {
  const t: Record<string, number> = {};
  for (const v of values) t[String(v)] = (t[String(v)] ?? 0) + 1;
  return t;
}

main().catch((e: unknown) => {
  emit({ crashed: (e as Error).message });
  process.exit(1);
});
