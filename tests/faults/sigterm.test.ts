import { runScenario } from './support/run-scenario';

type R = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('fault: SIGTERM mid-load', () => {
  it('given 10 readers and one request held open, when the hub gets SIGTERM, then readiness goes false first, in-flight requests complete (even across the listener closing), the audit is flushed and it exits 0', async () => {
    const r = await runScenario<R>('sigterm');
    expect(r.crashed).toBeUndefined();
    expect(r.readiness).toEqual([200, 503, 'refused']);
    expect(r.notReadyAfterTermMs).toBeLessThan(r.listenerClosedAfterMs);
    expect(r.inFlightAtTerm).toBeGreaterThan(0);
    expect(r.startedBeforeTermUnanswered).toBe(0);
    expect(r.unanswered).toBe(0);
    expect(r.failedAnswers).toBe(0);
    // Its body arrived after the listener closed; it was still served, with data.
    expect(r.held).toMatchObject({ status: 200, code: null, data: true });
    expect(r.unaudited).toBe(0);
    expect(r.chain.intact).toBe(true);
    expect(r.flushedLog).toBe(true);
    expect(r.exit).toEqual({ code: 0, signal: null });
  });
});
