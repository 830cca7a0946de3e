/**
 * Exports the access log: `npm run audit:export -- --person <id> --format csv|fhir [--from ISO] [--to ISO]
 * [--actor sub] [--out file]`. CSV for a subject access request; FHIR R4 AuditEvent NDJSON (IHE BALP).
 * Streams page by page; the export itself is recorded as a SYSTEM audit event.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { AgencyDirectory } from '../auth/agencies';
import { appendAuditBatch } from '../audit/audit-store';
import { accessLogEntries, csvHeader, csvRows, fhirLines } from '../governance/export';
import { UUID_PATTERN } from '../shared/validation';
import { withDatabase } from './cli-db';
import { systemEvent } from '../audit/system-event';
import { requirePartnership } from '../db/partnership-scope';

void withDatabase('audit:export', async (db, config) => {
  const { values } = parseArgs({
    options: {
      person: { type: 'string' },
      actor: { type: 'string' },
      format: { type: 'string', default: 'csv' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (values.person && !UUID_PATTERN.test(values.person)) throw new Error('--person is not a valid id');
  if (!values.person && !values.actor) throw new Error('give --person <id> or --actor <sub>');
  if (values.format !== 'csv' && values.format !== 'fhir') throw new Error('--format must be csv or fhir');
  const date = (name: string, v: string | undefined) => {
    if (v === undefined) return null;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw new Error(`--${name} is not a date`);
    return d;
  };
  const filter = {
    personId: values.person ?? null,
    actorSub: values.actor ?? null,
    from: date('from', values.from),
    to: date('to', values.to),
  };
  const out = values.out ? fs.createWriteStream(values.out, { mode: 0o600 }) : process.stdout;
  const write = (s: string) => new Promise<void>((resolve, reject) => out.write(s, (e) => (e ? reject(e) : resolve())));
  if (values.format === 'csv') await write(csvHeader());
  const agencies = AgencyDirectory.load(config.agenciesFile);
  const people = new Set<string>();
  let events = 0;
  for await (const e of accessLogEntries(db.dataSource, agencies, filter)) {
    events++;
    for (const s of e.subjects) people.add(s.personId);
    await write(values.format === 'csv' ? csvRows(e) : fhirLines(e));
  }
  if (values.out) await new Promise<void>((resolve) => (out as fs.WriteStream).end(resolve));
  // Exporting someone's access history is itself an access: record it.
  await db.dataSource.transaction((m) =>
    appendAuditBatch(m, [
      systemEvent(requirePartnership(), 'auditExport', crypto.randomUUID(), [...people], ['Query.exportAccessLog'], {
        format: values.format,
        events,
      }),
    ]),
  );
  process.stderr.write(`audit:export: ${events} events\n`);
  return 0;
});
