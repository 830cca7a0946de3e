/**
 * A V8 CPU profile (`npm run bench -- --cpu-prof=DIR`, one `<variant>.cpuprofile` per hub server)
 * summarised by layer: the self time of every sampled function, grouped by where its code lives.
 *
 *   npx ts-node --transpile-only bench/profile-summary.ts DIR/B0.cpuprofile DIR/B5.cpuprofile
 */
import fs from 'node:fs';
import path from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

/** The layer a function belongs to, from its file (first match wins). */
const LAYERS: Array<[string, (url: string, fn: string) => boolean]> = [
  ['idle', (_u, fn) => fn === '(idle)'],
  // The profiler stopping and serialising the profile (bench/serve.ts): not the hub's work.
  ['profiler', (u) => /\/bench\/serve\.ts$/.test(u)],
  ['GC', (_u, fn) => fn === '(garbage collector)'],
  ['V8/Node internals (program)', (_u, fn) => fn === '(program)'],
  ['pg (protocol, row parsing)', (u) => /node_modules\/(pg|pg-protocol|pg-types|postgres-[a-z]+|pg-pool)\//.test(u)],
  ['TypeORM', (u) => /node_modules\/typeorm\//.test(u)],
  [
    'GraphQL (graphql-js, Apollo, type-graphql)',
    (u) => /node_modules\/(graphql|@apollo|type-graphql|@graphql-tools|graphql-ws)\//.test(u),
  ],
  [
    'guard (graphql-shield, field guard, access policy)',
    (u) => /node_modules\/graphql-shield\/|\/src\/(access-policy|auth\/field|graphql\/field-guard)|field-guard/.test(u),
  ],
  [
    'limits (graphql-armor, rate limiter)',
    (u) => /node_modules\/(@escape\.tech|graphql-armor|rate-limiter-flexible)/.test(u),
  ],
  ['audit (src/audit)', (u) => /\/src\/audit\//.test(u)],
  ['token verification (jose)', (u) => /node_modules\/jose\//.test(u)],
  [
    'HTTP (express, Node http)',
    (u) =>
      /node_modules\/(express|body-parser|router|raw-body|iconv-lite|qs|send|finalhandler)\/|^node:(_http|http|net|stream|internal\/streams|internal\/http)/.test(
        u,
      ),
  ],
  ['our code (src/, bench/)', (u) => /\/(src|bench)\//.test(u) && !/node_modules/.test(u)],
  ['other libraries', (u) => /node_modules/.test(u)],
  ['Node core (event loop, timers; no caller of ours)', (u) => u.startsWith('node:') || u === ''],
];

const SPECIAL = new Set(['(idle)', '(garbage collector)', '(program)']);

function summarise(file: string): Array<[string, number]> {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // A native function (no url) or a Node internal other than HTTP and sockets counts for its nearest
  // caller in a file: JSON.parse inside pg's row parser is pg's, a Buffer write in its serializer too.
  const frameOf = (id: number): Node => {
    const own = byId.get(id)!;
    if (SPECIAL.has(own.callFrame.functionName)) return own;
    let n = own;
    while (!n.callFrame.url.startsWith('file://')) {
      if (/^node:(_http|http|net|internal\/http|internal\/stream_base)/.test(n.callFrame.url)) return n;
      const up = parent.get(n.id);
      if (up === undefined || byId.get(up)!.callFrame.functionName === '(root)') return own;
      n = byId.get(up)!;
    }
    return n;
  };
  const self = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const n = frameOf(id);
    const layer =
      LAYERS.find(([, test]) => test(n.callFrame.url, n.callFrame.functionName))?.[0] ?? 'Node core (other)';
    self.set(layer, (self.get(layer) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  return [...self.entries()].sort((a, b) => b[1] - a[1]);
}

const files = process.argv.slice(2);
const all = files.map((f) => ({ name: path.basename(f, '.cpuprofile'), rows: summarise(f) }));
const layers = [...new Set(all.flatMap((a) => a.rows.map(([l]) => l)))];
const busy = (rows: Array<[string, number]>) =>
  rows.filter(([l]) => l !== 'idle' && l !== 'profiler').reduce((a, [, t]) => a + t, 0);
console.log(`| layer | ${all.map((a) => `${a.name} (% of busy CPU)`).join(' | ')} |`);
console.log(`|---|${all.map(() => '---').join('|')}|`);
for (const l of layers.filter((x) => x !== 'idle' && x !== 'profiler'))
  console.log(
    `| ${l} | ${all.map((a) => ((100 * (a.rows.find(([x]) => x === l)?.[1] ?? 0)) / busy(a.rows)).toFixed(1)).join(' | ')} |`,
  );
console.log(`| busy CPU (s) | ${all.map((a) => (busy(a.rows) / 1e6).toFixed(1)).join(' | ')} |`);
console.log(
  `| idle (s) | ${all.map((a) => ((a.rows.find(([x]) => x === 'idle')?.[1] ?? 0) / 1e6).toFixed(1)).join(' | ')} |`,
);
