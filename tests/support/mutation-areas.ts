import fs from 'node:fs';

/**
 * The mutation score of each area of the security core (issue 18). Stryker's own threshold is over
 * all mutated files together, so a strong area could hide a weak one: this reads Stryker's JSON
 * report, prints each area's killed/total and its survivors, and exits 1 when an area is below the bar.
 */

const REPORT = 'reports/mutation/mutation.json';
const BAR = 85;
const AREAS: Array<[string, string]> = [
  ['access policy', 'src/access-policy/'],
  ['audit core', 'src/audit/'],
];

interface Mutant {
  status: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number } };
}
interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const report = JSON.parse(fs.readFileSync(REPORT, 'utf8')) as Report;
let failed = false;
for (const [area, prefix] of AREAS) {
  let detected = 0;
  let total = 0;
  const survivors: string[] = [];
  for (const [file, { mutants, source }] of Object.entries(report.files)) {
    if (!file.replace(/\\/g, '/').includes(prefix)) continue;
    const lines = source.split('\n');
    for (const m of mutants) {
      if (DETECTED.has(m.status)) detected++;
      else if (UNDETECTED.has(m.status)) {
        const { line, column } = m.location.start;
        const was = (lines[line - 1] ?? '').trim().slice(0, 90);
        survivors.push(
          `  ${m.status} ${file}:${line}:${column} ${m.mutatorName}: ${was} → ${String(m.replacement).replace(/\s+/g, ' ').slice(0, 60)}`,
        );
      } else continue;
      total++;
    }
  }
  const score = total === 0 ? 100 : (100 * detected) / total;
  console.log(
    `${area}: ${detected}/${total} mutants killed (${score.toFixed(1)} %)${score < BAR ? `, below ${BAR} %` : ''}`,
  );
  for (const s of survivors) console.log(s);
  if (score < BAR) failed = true;
}
process.exitCode = failed ? 1 : 0;
