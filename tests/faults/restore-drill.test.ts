import { runScenario } from './support/run-scenario';

type R = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('restore drill: back up a running hub, lose the machine, restore, verify (issue 22, ADR 014)', () => {
  it('given the demo partnership, acknowledged writes and an anchor exported before the backup, when the backup taken under load is restored into a fresh data folder and a hub starts on it, then the chain verifies against the anchor, every acknowledged write and audit event from before the backup is there, and the serving role is restricted', async () => {
    const r = await runScenario<R>('restore-drill', 290_000);

    expect(r.crashed).toBeUndefined();
    // Something real was backed up: demo data, acknowledged reads and referrals, audit events.
    expect(r.before.people).toBeGreaterThan(0);
    expect(r.before.reads).toBeGreaterThan(0);
    expect(r.before.referrals).toBeGreaterThan(0);
    expect(r.before.auditEvents).toBeGreaterThan(0);
    // Every audit event, referral and acknowledged write from before the backup, by id.
    expect(r.missingAuditEvents).toBe(0);
    expect(r.missingReferrals).toBe(0);
    expect(r.missingAckedReferrals).toBe(0);
    expect(r.unauditedAckedReads).toBe(0);
    expect(r.restored.auditEvents).toBeGreaterThanOrEqual(r.before.auditEvents);
    expect(r.restored.batches).toBeGreaterThanOrEqual(r.before.batches);
    expect(r.peopleAtLeast).toBe(true);
    expect(r.recordsAtLeast).toBe(true);
    // The chain, through the restored hub's API and directly, against the anchor exported before.
    expect(r.chainViaApi).toMatchObject({ intact: true, anchorMatched: true, anchorBatchId: r.anchor.batchId });
    expect(r.chainDirect).toEqual({ intact: true, anchorMatched: true });
    // Roles and grants came back as the migrations made them.
    expect(r.servingRole).toEqual({
      servingAs: 'mash_app',
      problems: [],
      updateRefused: '42501',
      warnedAtStart: false,
    });
    // The restored hub serves, and audits what it serves.
    expect(r.readAgain).toEqual({ status: 200, code: null, audited: 1 });
  }, 300_000);
});
