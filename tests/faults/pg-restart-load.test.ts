import { runScenario } from './support/run-scenario';

type R = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('fault: PostgreSQL restarted under load', () => {
  it('given 10 clients reading, when PostgreSQL stops for 2 s and starts again, then the hub stays up, only requests meeting the outage fail (503, no stack), readiness goes false then true, and the audit chain verifies', async () => {
    const r = await runScenario<R>('pg-restart-load');
    expect(r.crashed).toBeUndefined();
    expect(r.hubAlive).toBe(true);
    // No request hangs or loses its connection: every failure is an answered, retryable 503.
    expect(Object.keys(r.tally).filter((k) => k.startsWith('network:'))).toEqual([]);
    for (const code of r.failedCodes) expect(['503:SERVICE_UNAVAILABLE', '503:AUDIT_UNAVAILABLE']).toContain(code);
    expect(r.failed).toBeGreaterThan(0); // the fault really happened under load
    expect(r.slowestMs).toBeLessThan(10_000);
    // Only requests during the outage fail: none before it, none once ready again.
    expect(r.failedOutside).toEqual({ before: 0, after: 0 });
    expect(r.afterAttempts).toBeGreaterThan(0);
    expect(r.readiness).toEqual([200, 503, 200]);
    expect(r.unaudited).toBe(0);
    expect(r.chain.intact).toBe(true);
    expect(r.leaks).toEqual([]);
  });
});
