import { runScenario } from './support/run-scenario';

type R = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('fault: PostgreSQL absent when the hub starts', () => {
  it('given no PostgreSQL, when the hub starts, then it is live but not ready and answers 503 at once; when PostgreSQL arrives it connects, migrates and serves without a restart', async () => {
    const r = await runScenario<R>('absent-at-start');
    expect(r.crashed).toBeUndefined();
    // While absent: the process is up, liveness OK, readiness false, GraphQL a clear 503 (no hang).
    expect(r.absent).toMatchObject({ live: 200, ready: 503, query: { status: 503, code: 'SERVICE_UNAVAILABLE' } });
    expect(r.absent.query.ms).toBeLessThan(2000);
    expect(r.retries).toBeGreaterThan(0);
    // Once it arrives: migrations run by this process, ready, and serving data.
    expect(r.migrationsApplied).toBe(r.migrationsKnown);
    expect(r.readyAfterArrivalMs).toBeLessThan(15_000);
    expect(r.after).toEqual({ status: 200, code: null, data: true });
    expect(r.leaks).toEqual([]);
    expect(r.exit).toEqual({ code: 0, signal: null });
  });
});
