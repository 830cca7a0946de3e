import type { Hub } from '../context/context';
import { findPersonIdBySource } from '../people/person-sources.repository';
import { importNdjson, type ImportSummary, type LineResult } from '../records/bulk-import';
import { generateDemo, type DemoData, type DemoOptions } from './demo-data';
import { refuseDemoOnProduction } from './production-guard';

export interface DemoLoadReport {
  summary: ImportSummary;
  people: DemoData['people'];
  /** Record lines per agency and record type (whatever their outcome). */
  recordsByAgency: Record<string, Record<string, number>>;
  rejected: LineResult[];
  example: DemoData['example'] & { personId: string | undefined };
}

/**
 * Loads the demo partnership through the bulk import path (NDJSON generated in memory), so the
 * seed exercises exactly what a real feed does. Idempotent: a second run reports every line
 * unchanged.
 */
export async function loadDemo(
  hub: Hub,
  options: DemoOptions = {},
  onResult?: (r: LineResult) => void,
): Promise<DemoLoadReport> {
  await refuseDemoOnProduction(hub);
  const demo = generateDemo(options);
  const rejected: LineResult[] = [];
  const summary = await importNdjson(
    hub,
    demo.lines.map((l) => JSON.stringify(l)),
    (r) => {
      if (r.outcome === 'REJECTED') rejected.push(r);
      onResult?.(r);
    },
  );
  const recordsByAgency: Record<string, Record<string, number>> = {};
  for (const l of demo.lines) {
    if (l.kind !== 'record') continue;
    const byType = (recordsByAgency[l.agency] ??= {});
    const type = l.data.recordType as string;
    byType[type] = (byType[type] ?? 0) + 1;
  }
  const personId = await findPersonIdBySource(
    hub.dataSource,
    demo.example.agency,
    demo.example.sourceSystem,
    demo.example.sourceReference,
  );
  return { summary, people: demo.people, recordsByAgency, rejected, example: { ...demo.example, personId } };
}
