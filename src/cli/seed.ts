/**
 * Demo data: npm run seed -- --demo [--households N] [--seed N] [--as-of YYYY-MM-DD] [--referrals N]
 * Loads the synthetic partnerships (src/demo/demo-data.ts, two of them: src/demo/demo-partnerships.ts) through the bulk import path, then tells
 * its casework (src/demo/demo-cases.ts: referrals, checks, decisions, meetings over the months before
 * --as-of) through the triage and meetings services. Running it again changes nothing.
 * Exits 1 if any line was rejected, 2 if it could not run.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { DEMO_CASES_DEFAULTS, seedDemoCases, type DemoCasesReport } from '../demo/demo-cases';
import { DEMO_DEFAULTS } from '../demo/demo-data';
import { loadDemo, type DemoLoadReport } from '../demo/load-demo';
import { refuseDemoInProductionEnv, refuseDemoOnProduction } from '../demo/production-guard';
import { createCommandLogger } from '../shared/logger';
import { isFutureDate } from '../shared/validation';
import { openCliHub } from './cli-hub';
import { inCommandPartnership } from './cli-partnership';
import { createDataSource } from '../db/data-source';
import type { PreparedDatabase } from '../db/open';
import { DEMO_PARTNERSHIPS, ensureDemoPartnerships } from '../demo/demo-partnerships';

const USAGE = 'usage: npm run seed -- --demo [--households N] [--seed N] [--as-of YYYY-MM-DD] [--referrals N]';

function positive(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max)
    throw new Error(`--${name} must be a whole number from 1 to ${max}`);
  return Number(value);
}

function printReport(r: DemoLoadReport, cases: DemoCasesReport, port: number, seconds: number): void {
  const c = r.summary.counts;
  const out: string[] = [];
  out.push(
    `Demo partnership loaded in ${seconds.toFixed(1)} s: ${r.people.households} households, ${r.people.children} children, ${r.people.unborn} unborn, ${r.people.adults} adults.`,
  );
  out.push(
    `${r.summary.lines} lines: ${c.CREATED} created, ${c.LINKED} linked, ${c.UPDATED} updated, ${c.UNCHANGED} unchanged, ${c.REJECTED} rejected.`,
  );
  out.push('Records per agency:');
  for (const [agency, byType] of Object.entries(r.recordsByAgency)) {
    const total = Object.values(byType).reduce((a, b) => a + b, 0);
    out.push(
      `  ${agency.padEnd(12)} ${String(total).padStart(4)}  ${Object.entries(byType)
        .map(([t, n]) => `${t} ${n}`)
        .join(', ')}`,
    );
  }
  for (const x of r.rejected.slice(0, 10)) out.push(`  rejected line ${x.line}: ${x.reason} [${x.code}]`);
  out.push(
    `Casework: ${cases.created} referral stories told, ${cases.skipped} already there; ${cases.meetings} meetings, ${cases.breakGlass} break-glass uses, ${cases.missingEpisodes} missing episodes, ${cases.stepDowns} step-downs, ${cases.ladoAllegations} LADO allegations, ${cases.privateFostering} private fostering notifications, ${cases.exploitationFlags} exploitation flags, ${cases.breachAlerts} breach alerts.`,
  );
  const statuses = Object.entries(cases.referralsByStatus);
  if (statuses.length) out.push(`  referrals by status: ${statuses.map(([st, n]) => `${st} ${n}`).join(', ')}`);
  const url = `http://localhost:${port}/graphql`;
  const e = r.example;
  const role = e.agency === 'police' ? 'POLICE_MASH_OFFICER' : 'MASH_SOCIAL_WORKER';
  out.push('', 'Try it (with the hub running: npm start):', '');
  out.push(`  # 1. a development token for a ${e.agency} MASH officer`);
  out.push(`  TOKEN=$(npm run -s token -- --sub demo1 --name "Demo Officer" --agency ${e.agency} --role ${role})`);
  out.push('');
  out.push(`  # 2. find a fictional child by name and date of birth (tolerates spelling variants)`);
  out.push(
    `  curl -s ${url} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\\n` +
      `    -d '{"query":"{ searchPeople(purpose: TRIAGE, input: {familyName: \\"${e.familyName}\\", givenName: \\"${e.givenName}\\", dateOfBirth: \\"${e.dateOfBirth}\\"}) { score reasons person { id givenName familyName dateOfBirth } } }"}'`,
  );
  out.push('');
  out.push(
    `  # 3. the child's records from every agency (other agencies' detail comes back redacted, with reasons in extensions.redactions)`,
  );
  out.push(
    `  curl -s ${url} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\\n` +
      `    -d '{"query":"{ person(id: \\"${e.personId ?? '<id from step 2>'}\\", purpose: DIRECT_CARE) { givenName familyName nhsNumber relationships { type relatedPerson { givenName } } records { __typename owningAgency recordType occurredAt summary } } }"}'`,
  );
  out.push('');
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      demo: { type: 'boolean', default: false },
      households: { type: 'string' },
      seed: { type: 'string' },
      'as-of': { type: 'string' },
      referrals: { type: 'string' },
    },
  });
  if (!values.demo) throw new Error(`only the demo partnership can be seeded; ${USAGE}`);
  const households = positive('households', values.households, DEMO_DEFAULTS.households, 10_000);
  const seed = positive('seed', values.seed, DEMO_DEFAULTS.seed, 2 ** 31);
  const referrals = positive('referrals', values.referrals, DEMO_CASES_DEFAULTS.referrals, 5_000);
  const asOf = values['as-of'] ?? DEMO_DEFAULTS.asOf;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf)))
    throw new Error('--as-of must be a date YYYY-MM-DD');
  if (isFutureDate(asOf)) throw new Error('--as-of must not be in the future');

  const config = loadConfig();
  // Before touching any database; a database marked production is refused by loadDemo itself.
  refuseDemoInProductionEnv(config.env);
  const logger = createCommandLogger(config.logLevel);
  const { hub, db, close } = await openCliHub('seed', config, logger);
  try {
    const started = Date.now();
    // The partnerships themselves are the owner's to create (the serving role may only read them).
    await refuseDemoOnProduction(hub);
    const ownerUrl = (db as PreparedDatabase).ownerUrl ?? db.url;
    const owner = createDataSource(ownerUrl, logger, 1);
    await owner.initialize();
    try {
      await ensureDemoPartnerships(owner);
    } finally {
      await owner.destroy();
    }
    let main: { report: DemoLoadReport; cases: DemoCasesReport } | undefined;
    let rejected = 0;
    for (const p of DEMO_PARTNERSHIPS) {
      const scaled = (n: number) => Math.max(1, Math.round(n * p.share));
      process.stderr.write(`  ${p.displayName}…\n`);
      const result = await inCommandPartnership('seed', p.id, async () => {
        let done = 0;
        const report = await loadDemo(hub, { households: scaled(households), seed: seed + p.seedOffset, asOf }, () => {
          if (++done % 250 === 0) process.stderr.write(`  ${done} lines…\n`);
        });
        process.stderr.write('  telling the casework…\n');
        const casesStarted = Date.now();
        const cases = await seedDemoCases(hub, { seed: seed + p.seedOffset, asOf, referrals: scaled(referrals) });
        process.stderr.write(`  casework told in ${((Date.now() - casesStarted) / 1000).toFixed(1)} s\n`);
        return { report, cases };
      });
      rejected += result.report.summary.counts.REJECTED;
      main ??= result;
      if (p !== DEMO_PARTNERSHIPS[0]) {
        process.stderr.write(
          `  ${p.displayName} (partnership ${p.id}): ${result.report.people.children} children, ${result.cases.created} referral stories; ` +
            `send x-mash-partnership: ${p.id} with a token for it (npm run token -- … --partnership ${p.id})\n`,
        );
      }
    }
    printReport(main!.report, main!.cases, config.port, (Date.now() - started) / 1000);
    return rejected > 0 ? 1 : 0;
  } finally {
    await hub.auditWriter.drain();
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).name === 'DataDirBusyError' ? '' : 'seed: '}${(e as Error).message}\n`);
    process.exit(2);
  },
);
