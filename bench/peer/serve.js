'use strict';
/**
 * The benchmark's PEER server (bench/README.md, ADR 020): PostGraphile v4 in library mode over the
 * bench database, what a team would pick instead of writing a hub. It compiles each GraphQL query
 * into one SQL statement and does no authorisation, redaction or audit. Run by bench/run.ts like
 * the other variants (same environment variables, the same stats port), with its own dependencies
 * (bench/peer/package.json: PostGraphile 4 needs graphql 15, the hub pins 16).
 */
const http = require('node:http');
const { Pool, Client } = require('pg');
const { postgraphile } = require('postgraphile');

const stats = { statements: 0, requests: 0, inFlight: 0 };

// Statements per request, counted like the hub's TypeORM logger counts them (every query sent).
const query = Client.prototype.query;
Client.prototype.query = function countedQuery(...args) {
  stats.statements += 1;
  return query.apply(this, args);
};

async function main() {
  const url = process.env.BENCH_DATABASE_URL;
  const port = Number(process.env.BENCH_PORT || 0);
  const statsPort = Number(process.env.BENCH_STATS_PORT || 0);
  http
    .createServer((_req, res) => res.end(JSON.stringify({ ...stats, rss: process.memoryUsage().rss, audit: null })))
    .listen(statsPort, '127.0.0.1');

  // The same pool size as the hub's variants (serve.ts: DB_POOL_SIZE 10).
  const pool = new Pool({ connectionString: url, max: 10 });
  const handler = postgraphile(pool, 'public', {
    graphqlRoute: '/graphql',
    graphiql: false,
    disableQueryLog: true,
    disableDefaultMutations: true,
    dynamicJson: true,
    setofFunctionsContainNulls: false,
    ignoreRBAC: true,
    retryOnInitFail: false,
    // Only the tables: the hub's functions (audit chain, triggers) are not an API.
    skipPlugins: [
      require('graphile-build-pg').PgQueryProceduresPlugin,
      require('graphile-build-pg').PgMutationProceduresPlugin,
    ].filter(Boolean),
  });
  await handler.getGraphQLSchema();
  const server = http.createServer((req, res) => {
    stats.requests += 1;
    stats.inFlight += 1;
    res.once('close', () => {
      stats.inFlight -= 1;
    });
    handler(req, res);
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, '127.0.0.1', () => process.stdout.write('READY\n'));
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
