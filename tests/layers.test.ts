import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Layers you can see in the folder tree (issue 18, docs/architecture.md): an import may only point
 * down (or sideways, within its layer). This test reads every import in src/ (static, `export …
 * from`, dynamic `import()` and `require()`) and fails when one runs up. The few imports that still
 * run up are listed below, each with the reason; the list may only shrink (a listed import that no
 * longer exists fails too, so the list is kept honest). Sideways within the domains runs one way
 * only: no two domains, nor a ring of them, import each other (no exceptions).
 */

/** Top to bottom. A name is a folder under src/ (or a file at its root). */
export const LAYERS: ReadonlyArray<{ name: string; folders: readonly string[] }> = [
  { name: 'entry points', folders: ['cli', 'demo'] },
  { name: 'composition root', folders: ['main.ts', 'app', 'desk', 'telemetry'] },
  { name: 'information governance', folders: ['governance'] },
  {
    name: 'domains',
    folders: [
      'agencies',
      'people',
      'records',
      'referrals',
      'meetings',
      'break-glass',
      'metrics',
      'child-protection',
      'missing',
      'early-help',
      'lado',
      'private-fostering',
      'exploitation',
    ],
  },
  { name: 'request context', folders: ['context'] },
  { name: 'audit core and access policy', folders: ['audit', 'access-policy', 'auth', 'events'] },
  { name: 'database', folders: ['db'] },
  { name: 'ground', folders: ['shared', 'config'] },
];

/** Imports that still run up a layer: from (a file), to (a file or a pattern), why. Only shrinks. */
export const UPWARD_EXCEPTIONS: ReadonlyArray<{ from: string; to: RegExp; why: string }> = [
  {
    from: 'src/context/data-set.ts',
    to: /^src\/[a-z-]+\/[a-z-]+\.repository\.ts$/,
    why: "the request's lazy set of viewer-bound repositories is the one file that names every domain's repository (ADR 011)",
  },
  {
    from: 'src/db/entities.ts',
    to: /^src\/[a-z-]+\/[a-z-]+\.entity\.ts$/,
    why: 'the TypeORM data source registers each domain entity for the migration runner and the drift test (ADR 011)',
  },
  ...[
    'src/audit/audit-builder.ts',
    'src/audit/audit-builder.test.ts',
    'src/audit/audit-purpose.test.ts',
    'src/audit/release.ts',
    'src/access-policy/shield.ts',
  ].map((from) => ({
    from,
    to: /^src\/context\/context\.ts$/,
    why: 'type only: the RequestContext shape every rule and audit event is built from (no code runs up)',
  })),
];

const ROOT = path.join(__dirname, '..');

export interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

function resolveRelative(fromFile: string, spec: string): string | null {
  const base = path.join(path.dirname(path.join(ROOT, fromFile)), spec);
  for (const c of [base + '.ts', path.join(base, 'index.ts'), base]) {
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return path.relative(ROOT, c).split(path.sep).join('/');
  }
  return null;
}

/** Every relative import of one file (given as repo-relative path and its text). */
export function importsOf(file: string, text: string): Edge[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const edges: Edge[] = [];
  const add = (spec: string, typeOnly: boolean) => {
    if (!spec.startsWith('.')) return;
    const to = resolveRelative(file, spec);
    if (to && to.startsWith('src/')) edges.push({ from: file, to, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, !!node.importClause?.isTypeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require'))
        add(node.arguments[0].text, false);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edges;
}

/** The layer index of a src/ file (0 is the top), or -1 when its folder is in no layer. */
export function layerOf(file: string): number {
  const first = file.replace(/^src\//, '').split('/')[0];
  return LAYERS.findIndex((l) => l.folders.includes(first));
}

const folderOf = (file: string) => file.replace(/^src\//, '').split('/')[0];

/** Imports that run from a lower layer to a higher one, minus the listed exceptions. */
export function upwardImports(edges: readonly Edge[], exceptions = UPWARD_EXCEPTIONS): Edge[] {
  return edges.filter(
    (e) => layerOf(e.to) < layerOf(e.from) && !exceptions.some((x) => x.from === e.from && x.to.test(e.to)),
  );
}

/**
 * Domain folders that reach themselves through imports: each tangle (a pair that imports each other,
 * or a longer ring a -> b -> c -> a) as its folders, sorted, joined by ' <-> '. None is allowed: a
 * domain may build on another, never the other way round as well (people <-> records was the last,
 * untangled by moving `Person.records` and `chronology` into records/person-records.resolver.ts).
 */
export function domainCycles(edges: readonly Edge[]): string[] {
  const domains = LAYERS.find((l) => l.name === 'domains')!.folders;
  const next = new Map<string, Set<string>>(domains.map((d) => [d, new Set<string>()]));
  for (const e of edges) {
    const [a, b] = [folderOf(e.from), folderOf(e.to)];
    if (a !== b && next.has(a) && next.has(b)) next.get(a)!.add(b);
  }
  /** Every domain reachable from `start` (not counting `start` itself unless it is on a ring). */
  const reach = (start: string) => {
    const seen = new Set<string>();
    const todo = [...next.get(start)!];
    while (todo.length) {
      const d = todo.pop()!;
      if (seen.has(d)) continue;
      seen.add(d);
      todo.push(...next.get(d)!);
    }
    return seen;
  };
  const reachable = new Map(domains.map((d) => [d, reach(d)]));
  const tangles = new Set<string>();
  for (const d of domains) {
    if (!reachable.get(d)!.has(d)) continue;
    const ring = domains.filter((o) => reachable.get(d)!.has(o) && reachable.get(o)!.has(d));
    tangles.add([...ring].sort().join(' <-> '));
  }
  return [...tangles].sort();
}

const FILES = sourceFiles(path.join(ROOT, 'src')).map((f) => path.relative(ROOT, f).split(path.sep).join('/'));
const EDGES = FILES.flatMap((f) => importsOf(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));

describe('layers you can see in the folder tree', () => {
  it('places every folder under src/ in a layer (a new folder is placed on purpose)', () => {
    const unplaced = [...new Set(FILES.filter((f) => layerOf(f) < 0).map(folderOf))];
    expect(unplaced).toEqual([]);
  });

  it('reads the imports: there are plenty, so an empty result means something', () => {
    expect(EDGES.length).toBeGreaterThan(500);
    expect(EDGES).toContainEqual({ from: 'src/app/server.ts', to: 'src/app/schema.ts', typeOnly: false });
  });

  it('no import runs from a lower layer to a higher one', () => {
    const up = upwardImports(EDGES).map(
      (e) => `${e.from} (${LAYERS[layerOf(e.from)].name}) imports ${e.to} (${LAYERS[layerOf(e.to)].name})`,
    );
    expect(up).toEqual([]);
  });

  it('every listed exception is still needed (the list only shrinks)', () => {
    const stale = UPWARD_EXCEPTIONS.filter(
      (x) => !EDGES.some((e) => e.from === x.from && x.to.test(e.to) && layerOf(e.to) < layerOf(e.from)),
    );
    expect(stale.map((x) => `${x.from} -> ${x.to}`)).toEqual([]);
  });

  it('the type-only exceptions stay type-only', () => {
    const typed = UPWARD_EXCEPTIONS.filter((x) => x.why.startsWith('type only'));
    const valueImports = EDGES.filter((e) => !e.typeOnly && typed.some((x) => x.from === e.from && x.to.test(e.to)));
    expect(valueImports).toEqual([]);
  });

  it('no domain imports another that imports it back, directly or round a ring', () => {
    expect(domainCycles(EDGES)).toEqual([]);
  });

  describe('it bites', () => {
    const cases: Array<[string, string, string]> = [
      [
        'a domain importing the composition root',
        'src/referrals/referrals.service.ts',
        "import { buildSchema } from '../app/schema';",
      ],
      [
        'the audit core importing governance',
        'src/audit/audit-writer.ts',
        "import { verifyAuditChain } from '../governance/chain-verify';",
      ],
      ['shared importing a domain', 'src/shared/pagination.ts', "import type { Person } from '../people/person.type';"],
      [
        'the access policy importing a domain (dynamically)',
        'src/access-policy/policy.ts',
        "const m = require('../records/record-types');",
      ],
      [
        'the database importing the request context',
        'src/db/prepared.ts',
        "export type { RequestContext } from '../context/context';",
      ],
    ];
    it.each(cases)('%s is reported', (_story, file, line) => {
      const up = upwardImports(importsOf(file, line));
      expect(up).toHaveLength(1);
      expect(up[0].from).toBe(file);
    });

    it('an import down the layers is not reported', () => {
      expect(
        upwardImports(importsOf('src/app/server.ts', "import { PeopleResolver } from '../people/people.resolver';")),
      ).toEqual([]);
      expect(upwardImports(importsOf('src/governance/export.ts', "import { csvCell } from '../shared/csv';"))).toEqual(
        [],
      );
    });

    it('a new pair of domains importing each other is reported', () => {
      const edges = [
        ...importsOf('src/meetings/meetings.service.ts', "import { x } from '../referrals/referrals.service';"),
        ...importsOf('src/referrals/referrals.service.ts', "import { y } from '../meetings/meetings.service';"),
      ];
      expect(domainCycles(edges)).toEqual(['meetings <-> referrals']);
    });

    it('a ring of three domains is reported, and a one-way chain is not', () => {
      const chain = [
        ...importsOf('src/records/records.service.ts', "import { x } from '../people/people.service';"),
        ...importsOf('src/referrals/referrals.service.ts', "import { y } from '../records/records.service';"),
      ];
      expect(domainCycles(chain)).toEqual([]);
      const ring = [
        ...chain,
        ...importsOf('src/people/people.service.ts', "import type { Z } from '../referrals/referral.type';"),
      ];
      expect(domainCycles(ring)).toEqual(['people <-> records <-> referrals']);
    });

    it('people and records, the last pair untangled, would be reported if they tangled again', () => {
      const edges = [
        ...EDGES,
        ...importsOf('src/people/person.type.ts', "import { AgencyRecord } from '../records/agency-record.type';"),
      ];
      expect(domainCycles(edges)).toEqual(['people <-> records']);
    });
  });
});
