import { runScenario } from './support/run-scenario';

type R = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('fault: four hub processes behind HAProxy, one SIGKILLed mid-load (issue 26)', () => {
  it('given readers, referrers with idempotency keys and referralChanged subscribers all through the load balancer, when one process is SIGKILLed, then it leaves the rotation by its health check (and rejoins when started again), nothing acknowledged is lost or doubled, every acknowledged read is audited, and every subscriber has every acknowledged referral (those on the dead process reconnect and resume)', async () => {
    const r = await runScenario<R>('scale-out', 230_000);
    expect(r.crashed).toBeUndefined();
    expect(r.reads.acknowledged).toBeGreaterThan(0);
    expect(r.submissions.acknowledged).toBeGreaterThan(0);
    // The kill reached subscribers: at least one resubscribed through the balancer.
    expect(r.subscribersOnVictim).toBeGreaterThan(0);
    expect(r.reconnections).toBeGreaterThan(0);
    // Readiness: through the balancer always ready (bar a probe in flight on the dead process, cut off); the three left ready in every sample; the dead one
    // out of rotation (HAProxy's own view), the others in.
    expect(r.lbNotReadyOutsideKill).toBe(0);
    expect(Object.keys(r.lbReadinessCutOff).filter((k) => k !== 'refused')).toEqual([]); // cut off, never "not ready"
    expect(r.survivorsNotReady).toBe(0);
    expect(r.survivorsDownSamples).toBe(0);
    expect(Object.keys(r.victimAfterKill)).toEqual(['refused']);
    expect(r.finalView[r.victim]).toBe('DOWN');
    expect(
      Object.entries(r.finalView)
        .filter(([name]) => name !== r.victim)
        .map(([, status]) => status),
    ).toEqual(['UP', 'UP', 'UP']);
    // Started again, it is back in rotation.
    expect(Object.values(r.afterRestart)).toEqual(['UP', 'UP', 'UP', 'UP']);
    // Once HAProxy had marked it down, nothing failed.
    expect(r.failedAfterDown).toBe(0);
    // Writes: every acknowledged referral stored once with the id the client saw; every key, retried, one referral.
    expect(r.ackedMissingOrWrong).toBe(0);
    expect(r.replayFailed).toBe(0);
    expect(r.replayMismatch).toBe(0);
    expect(r.storedKeys).toBe(r.distinctKeys);
    expect(r.storedReferrals).toBe(r.distinctKeys);
    expect(r.referralRows).toBe(r.distinctKeys);
    // Reads: every acknowledged disclosure audited, with its by-person rows.
    expect(r.unaudited).toBe(0);
    expect(r.withoutPersonRows).toBe(0);
    // Subscribers: no acknowledged referral missed by any of them; no error pushed.
    expect(r.missedEvents).toBe(0);
    expect(r.resubscribed.errors).toEqual([]);
    expect(r.chain.intact).toBe(true);
    expect(r.leaks).toEqual([]);
  }, 240_000);
});
