import { runScenario } from './support/run-scenario';

type R = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('fault: kill -9 of the hub mid-load', () => {
  it('given readers and referrers with idempotency keys, when the hub is SIGKILLed, then every acknowledged read has its audit event (and its by-person rows) and every acknowledged referral exists once; resubmitting any key returns the same referral', async () => {
    const r = await runScenario<R>('kill-9');
    expect(r.crashed).toBeUndefined();
    expect(r.reads.acknowledged).toBeGreaterThan(0);
    expect(r.submissions.acknowledged).toBeGreaterThan(0);
    expect(r.reads.cutOff + r.submissions.cutOff).toBeGreaterThan(0); // the kill really cut requests off
    expect(r.unaudited).toBe(0);
    expect(r.withoutPersonRows).toBe(0);
    expect(r.ackedMissingOrWrong).toBe(0);
    expect(r.replayFailed).toBe(0);
    expect(r.replayMismatch).toBe(0);
    // One referral per key, acknowledged or cut off: no duplicates, nothing lost.
    expect(r.storedKeys).toBe(r.distinctKeys);
    expect(r.storedReferrals).toBe(r.distinctKeys);
    expect(r.chain.intact).toBe(true);
  });
});
