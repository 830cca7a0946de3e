/**
 * `kill -9` of the hub mid-load (reads that disclose data + referral submissions with idempotency
 * keys). Afterwards, from a new hub process on the same database: every acknowledged read has its
 * audit event, every acknowledged referral exists exactly once, and resubmitting any key (acknowledged
 * or cut off) returns the same referral.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ackedReferralsMissingOrWrong,
  FaultPostgres,
  HubProcess,
  devToken,
  emit,
  gql,
  givenPoliceChild,
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

async function main(): Promise<void> {
  const pg = await FaultPostgres.create();
  await pg.start();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-fault-hub-'));
  const police = await devToken(dataDir, 'police', ['POLICE_MASH_OFFICER']);
  const referrer = await devToken(dataDir, 'education', ['PARTNER_REFERRER'], 'fault-teacher');
  let hub = await HubProcess.spawn(pg, dataDir);
  try {
    await hub.waitFor('/readyz', 200, 60_000);
    const personId = await givenPoliceChild(hub.base, police);
    const killed = hub;
    let stop = false;
    const submissions = new Map<string, number>(); // idempotency key -> payload number
    let n = 0;
    const running = load(
      10,
      () => stop,
      async (client) => {
        if (client < 5) return gql(killed.base, police, 'read', PERSON_READ, { id: personId });
        const i = ++n;
        const key = `fault-kill-${i}`;
        submissions.set(key, i);
        return {
          ...(await gql(killed.base, referrer, 'submit', SUBMIT, { input: referralInput(i), key })),
          key,
        } as Outcome;
      },
    );
    await sleep(3000);
    const killedAt = Date.now();
    killed.kill('SIGKILL');
    await killed.exited;
    await sleep(500);
    stop = true;
    const outcomes = await running;
    const reads = outcomes.filter((o) => o.kind === 'read');
    const submits = outcomes.filter((o) => o.kind === 'submit') as Array<Outcome & { key: string }>;
    const ackedSubmits = submits.filter((o) => o.status === 200 && o.code === null);
    const ackedReads = reads.filter((o) => o.status === 200 && o.code === null);

    // After: a new hub process on the same database.
    hub = await HubProcess.spawn(pg, dataDir);
    await hub.waitFor('/readyz', 200, 60_000);
    const unaudited = await unauditedReads(pg, reads);
    // Every acknowledged referral is stored once, under its key, with the id the client was given.
    const ackedMissingOrWrong = await ackedReferralsMissingOrWrong(pg, ackedSubmits, 'fault-kill-');
    // Every key resubmitted (the client retrying after the crash): same referral for acknowledged ones, one referral per key.
    let replayMismatch = 0;
    let replayFailed = 0;
    const replayed = await Promise.all(
      [...submissions].map(async ([key, i]) => {
        const r = await gql(hub.base, referrer, 'resubmit', SUBMIT, { input: referralInput(i), key });
        if (r.status !== 200 || r.code) replayFailed += 1;
        const acked = ackedSubmits.find((o) => o.key === key);
        const id = (r.data as { submitReferral?: { id: string } } | null)?.submitReferral?.id;
        if (acked && id !== (acked.data as { submitReferral: { id: string } }).submitReferral.id) replayMismatch += 1;
        return id;
      }),
    );
    const [{ keys, referrals }] = await pg.query<{ keys: number; referrals: number }>(
      `SELECT count(*)::int AS keys, count(DISTINCT referral_id)::int AS referrals FROM referral_idempotency WHERE key LIKE 'fault-kill-%'`,
    );
    const chain = await pg.verifyChain();
    // Every acknowledged read also has its by-person (audit_disclosure) rows.
    const withoutPersonRows = await readsWithoutPersonRows(pg, reads);
    emit({
      clients: 10,
      killedAfterMs: killedAt - Math.min(...outcomes.map((o) => o.startedAt)),
      reads: {
        attempts: reads.length,
        acknowledged: ackedReads.length,
        cutOff: reads.length - ackedReads.length,
        tally: tally(reads),
      },
      submissions: {
        attempts: submits.length,
        acknowledged: ackedSubmits.length,
        cutOff: submits.length - ackedSubmits.length,
        tally: tally(submits),
      },
      unaudited: unaudited.length,
      withoutPersonRows: withoutPersonRows.length,
      ackedMissingOrWrong,
      resubmitted: replayed.length,
      replayFailed,
      replayMismatch,
      distinctKeys: submissions.size,
      storedKeys: keys,
      storedReferrals: referrals,
      chain,
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
