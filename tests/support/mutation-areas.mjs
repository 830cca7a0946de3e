// The mutation score of each area of the security core (issue 18): Stryker's own threshold is over
// all mutated files together, so a strong area could hide a weak one. Reads Stryker's JSON report,
// prints each area's killed/total and its survivors, and exits 1 when an area is below the bar.
import fs from 'node:fs';

const REPORT = 'reports/mutation/mutation.json';
const BAR = 85;
const AREAS = [
  ['access policy', 'src/access-policy/'],
  ['audit core', 'src/audit/'],
];

const report = JSON.parse(fs.readFileSync(REPORT, 'utf8'));
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
let failed = false;
for (const [area, prefix] of AREAS) {
  let detected = 0;
  let total = 0;
  const survivors = [];
  for (const [file, { mutants, source }] of Object.entries(report.files)) {
    if (!file.replace(/\\/g, '/').includes(prefix)) continue;
    const lines = source.split('\n');
    for (const m of mutants) {
      if (DETECTED.has(m.status)) detected++;
      else if (!UNDETECTED.has(m.status)) continue;
      else survivors.push(`  ${m.status} ${file}:${m.location.start.line} ${m.mutatorName}: ${lines[m.location.start.line - 1].trim().slice(0, 100)} → ${String(m.replacement).replace(/\s+/g, ' ').slice(0, 80)}`);
      total++;
    }
  }
  const score = total === 0 ? 100 : (100 * detected) / total;
  console.log(`${area}: ${detected}/${total} mutants killed (${score.toFixed(1)} %)${score < BAR ? ` — below ${BAR} %` : ''}`);
  for (const s of survivors) console.log(s);
  if (score < BAR) failed = true;
}
process.exit(failed ? 1 : 0);
