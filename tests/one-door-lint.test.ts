import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * The lint rule that keeps one door to the data (ADR 011): outside src/db/, the audit store,
 * *.repository.ts files and the listed system paths, no file runs SQL or holds the data source.
 * Lints snippets as if they were files at these paths, with the project's own eslint.config.mjs.
 */
const SNIPPETS = {
  query: "export const f = (ctx: any) => ctx.db.query('SELECT 1');\n",
  dataSource: 'export const f = (ctx: any) => ctx.hub.dataSource;\n',
  manager: 'export const f = (ds: any) => ds.manager;\n',
  queryBuilder: "export const f = (m: any) => m.createQueryBuilder('person');\n",
  typeormRepository: 'export const f = (m: any) => m.getRepository(Object);\n',
};

const SERVICES = [
  'src/referrals/referrals.service.ts',
  'src/referrals/referrals.resolver.ts',
  'src/some-new-domain/thing.service.ts',
  // The rest of the composition root and telemetry are not data owners (issue 18: the exception list shrank).
  'src/app/schema.ts',
  'src/app/rate-limit.ts',
  'src/telemetry/tracing.ts',
];
const OWNERS = [
  'src/referrals/referrals.repository.ts',
  'src/db/versioned-row.ts',
  'src/audit/audit-store.ts',
  'src/context/data-set.ts',
  // Information governance reads the whole audit store: one folder, one line in the list.
  'src/governance/a-new-report.ts',
];

/** Rule ids reported for each (file path, snippet), linted in one child process (ESLint loads the .mjs config). */
let reported: Record<string, string[]>;
beforeAll(() => {
  const cases = [...SERVICES, ...OWNERS].flatMap((filePath) =>
    Object.entries(SNIPPETS).map(([name, code]) => ({ key: `${filePath} ${name}`, filePath, code })),
  );
  const script = `
    const { ESLint } = require('eslint');
    (async () => {
      const eslint = new ESLint({ cwd: process.cwd(), ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-syntax',
        overrideConfig: { languageOptions: { parserOptions: { projectService: false } } } });
      const out = {};
      for (const c of JSON.parse(process.argv[1])) {
        const [r] = await eslint.lintText(c.code, { filePath: c.filePath });
        out[c.key] = r.messages.map((m) => m.ruleId);
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const out = execFileSync(process.execPath, ['-e', script, JSON.stringify(cases)], {
    cwd: path.join(__dirname, '..'),
    encoding: 'utf8',
  });
  reported = JSON.parse(out) as Record<string, string[]>;
});

describe('one door to the data (lint)', () => {
  it.each(Object.keys(SNIPPETS))('a service or resolver that reaches the database (%s) fails lint', (name) => {
    for (const filePath of SERVICES) expect(reported[`${filePath} ${name}`]).toContain('no-restricted-syntax');
  });

  it.each(OWNERS)('%s may run SQL', (filePath) => {
    for (const name of Object.keys(SNIPPETS)) expect(reported[`${filePath} ${name}`]).toEqual([]);
  });
});
