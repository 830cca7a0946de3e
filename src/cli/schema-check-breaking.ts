/**
 * Breaking-change check (issue 22, ADR 013): compares schema/schema.graphql with the newest released
 * schema in schema/released/ using graphql-js's own finders. Every breaking change must be listed
 * in schema/breaking-changes.json with the issue and a reason (reviewed like a migration); a
 * removal must have been `@deprecated` in the released schema, or its entry says why it could not
 * be. Dangerous changes (an enum value or optional argument added) are reported, not refused.
 *
 * Usage: npm run schema:check-breaking   (exit 1 on an unacknowledged break)
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildSchema,
  findBreakingChanges,
  findDangerousChanges,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLSchema,
} from 'graphql';

export interface AcceptedBreak {
  /** graphql-js's BreakingChangeType, e.g. FIELD_REMOVED. */
  change: string;
  /** graphql-js's description, exactly as the check prints it. */
  description: string;
  issue: number;
  reason: string;
  /** For a removal that was not `@deprecated` in the released schema: why it could not be. */
  removedWithoutDeprecation?: string;
}

export interface BreakingChangesFile {
  /** The released version these breaks are measured against (the newest file in schema/released/). */
  released: string;
  accepted: AcceptedBreak[];
}

export interface CompatibilityReport {
  /** Breaking changes not listed in the allow-list. */
  unlisted: Array<{ change: string; description: string }>;
  /** Listed removals of something that was not deprecated first, without a stated reason. */
  notDeprecatedFirst: string[];
  /** Allow-list entries that match no change (the list must describe what is really there). */
  stale: AcceptedBreak[];
  accepted: AcceptedBreak[];
  dangerous: Array<{ change: string; description: string }>;
}

/** Whether a removed coordinate carried `@deprecated` in the released schema. */
function wasDeprecated(released: GraphQLSchema, change: { type: string; description: string }): boolean {
  let m: RegExpMatchArray | null;
  if (change.type === 'FIELD_REMOVED' && (m = change.description.match(/^(\w+)\.(\w+) was removed\.$/))) {
    const t = released.getType(m[1]!);
    if (isObjectType(t) || isInterfaceType(t) || isInputObjectType(t)) return !!t.getFields()[m[2]!]?.deprecationReason;
  }
  if (change.type === 'ARG_REMOVED' && (m = change.description.match(/^(\w+)\.(\w+) arg (\w+) was removed\.$/))) {
    const t = released.getType(m[1]!);
    if (isObjectType(t) || isInterfaceType(t))
      return !!t.getFields()[m[2]!]?.args.find((a) => a.name === m![3])?.deprecationReason;
  }
  if (
    change.type === 'VALUE_REMOVED_FROM_ENUM' &&
    (m = change.description.match(/^(\w+) was removed from enum type (\w+)\.$/))
  ) {
    const t = released.getType(m[2]!);
    if (isEnumType(t)) return !!t.getValue(m[1]!)?.deprecationReason;
  }
  return false;
}

const REMOVALS = new Set(['FIELD_REMOVED', 'ARG_REMOVED', 'VALUE_REMOVED_FROM_ENUM']);

export function checkSchemaCompatibility(
  releasedSdl: string,
  currentSdl: string,
  allowList: BreakingChangesFile,
): CompatibilityReport {
  const released = buildSchema(releasedSdl);
  const current = buildSchema(currentSdl);
  const breaking = findBreakingChanges(released, current);
  const key = (change: string, description: string) => `${change}\u0000${description}`;
  const listed = new Map(allowList.accepted.map((a) => [key(a.change, a.description), a]));
  const found = new Set<string>();
  const report: CompatibilityReport = { unlisted: [], notDeprecatedFirst: [], stale: [], accepted: [], dangerous: [] };
  for (const b of breaking) {
    const k = key(b.type, b.description);
    found.add(k);
    const entry = listed.get(k);
    if (!entry) {
      report.unlisted.push({ change: b.type, description: b.description });
      continue;
    }
    if (REMOVALS.has(b.type) && !wasDeprecated(released, b) && !entry.removedWithoutDeprecation?.trim()) {
      report.notDeprecatedFirst.push(b.description);
    }
    report.accepted.push(entry);
  }
  report.stale = allowList.accepted.filter((a) => !found.has(key(a.change, a.description)));
  report.dangerous = findDangerousChanges(released, current).map((d) => ({
    change: d.type,
    description: d.description,
  }));
  return report;
}

export const failed = (r: CompatibilityReport) => r.unlisted.length + r.notDeprecatedFirst.length + r.stale.length > 0;

const ROOT = path.resolve(__dirname, '..', '..');

/** The newest released schema: schema/released/<major>.<minor>.<patch>.graphql. */
export function newestRelease(dir = path.join(ROOT, 'schema', 'released')): { version: string; file: string } {
  const versions = fs
    .readdirSync(dir)
    .map((f) => f.match(/^(\d+)\.(\d+)\.(\d+)\.graphql$/))
    .filter((m): m is RegExpMatchArray => !!m)
    .sort((a, b) => Number(a[1]) - Number(b[1]) || Number(a[2]) - Number(b[2]) || Number(a[3]) - Number(b[3]));
  const last = versions.at(-1);
  if (!last) throw new Error(`no released schema in ${path.relative(ROOT, dir)}`);
  return { version: `${last[1]}.${last[2]}.${last[3]}`, file: path.join(dir, last[0]) };
}

export function loadAllowList(file = path.join(ROOT, 'schema', 'breaking-changes.json')): BreakingChangesFile {
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as BreakingChangesFile;
  if (typeof parsed.released !== 'string' || !Array.isArray(parsed.accepted))
    throw new Error(`${path.relative(ROOT, file)}: needs "released" and "accepted"`);
  for (const a of parsed.accepted) {
    if (!a.change || !a.description || !Number.isInteger(a.issue) || !a.reason?.trim()) {
      throw new Error(`${path.relative(ROOT, file)}: every accepted break needs change, description, issue and reason`);
    }
  }
  return parsed;
}

/** Paths default to the repository's; the options exist for the check's own story. */
function main(): number {
  const { values } = parseArgs({
    options: { schema: { type: 'string' }, released: { type: 'string' }, 'allow-list': { type: 'string' } },
  });
  const release = newestRelease(values.released);
  const allowList = loadAllowList(values['allow-list']);
  const schemaFile = values.schema ?? path.join(ROOT, 'schema', 'schema.graphql');
  const out: string[] = [];
  if (allowList.released !== release.version) {
    process.stderr.write(
      `schema/breaking-changes.json lists breaks against ${allowList.released}, but the newest released schema is ${release.version}: ` +
        `start a new list ("released": "${release.version}", "accepted": [])\n`,
    );
    return 1;
  }
  const report = checkSchemaCompatibility(
    fs.readFileSync(release.file, 'utf8'),
    fs.readFileSync(schemaFile, 'utf8'),
    allowList,
  );
  out.push(`schema/schema.graphql against released ${release.version}:`);
  for (const a of report.accepted) out.push(`  accepted break (issue ${a.issue}): ${a.description}`);
  if (report.dangerous.length)
    out.push('  dangerous, reported not refused (an exhaustive switch in a client may need a new case):');
  for (const d of report.dangerous) out.push(`    ${d.change}: ${d.description}`);
  for (const u of report.unlisted) out.push(`  BREAKING, not acknowledged: ${u.change}: ${u.description}`);
  for (const d of report.notDeprecatedFirst)
    out.push(
      `  REMOVED WITHOUT @deprecated FIRST: ${d} (deprecate it in a release, or say why not in "removedWithoutDeprecation")`,
    );
  for (const s of report.stale) out.push(`  STALE allow-list entry (no such change): ${s.change}: ${s.description}`);
  if (failed(report)) {
    out.push(
      'Fix the schema, or acknowledge each intentional break in schema/breaking-changes.json ' +
        '({ "change", "description" exactly as above, "issue", "reason" }); see ADR 013.',
    );
  } else
    out.push(`  ok: ${report.accepted.length} acknowledged break(s), ${report.dangerous.length} dangerous change(s)`);
  (failed(report) ? process.stderr : process.stdout).write(`${out.join('\n')}\n`);
  return failed(report) ? 1 : 0;
}

if (require.main === module) {
  try {
    process.exitCode = main();
  } catch (e) {
    process.stderr.write(`schema:check-breaking: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
