/**
 * `npm run client:example` (the hub running, e.g. `npm start`): a partner referrer's app submits a
 * fictional referral and follows it. Options: --url (http://localhost:4000/graphql), --agency
 * (education). The token provider mints a development token with `npm run token` — in a real app it
 * asks the partnership's identity provider — and is asked again for a fresh one after a 401.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { createHubClient, HubError, type TokenProvider } from '../src';
import { exampleReferral, referAndFollow } from './partner-flow';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://localhost:4000/graphql' },
    agency: { type: 'string', default: 'education' },
  },
});

let cached: string | null = null;
const developmentToken: TokenProvider = async ({ forceRefresh }) => {
  if (cached && !forceRefresh) return cached;
  const args = [
    'run',
    '-s',
    'token',
    '--',
    '--sub',
    'dsl-example',
    '--name',
    'Example DSL',
    '--agency',
    values.agency!,
    '--role',
    'PARTNER_REFERRER',
    '--ttl',
    '1h',
  ];
  const { stdout } = await promisify(execFile)('npm', args);
  cached = stdout.trim();
  return cached;
};

async function main(): Promise<void> {
  const client = createHubClient({
    url: values.url!,
    getToken: developmentToken,
    clientName: 'example-referrer-app',
    clientVersion: '0.1.0',
  });
  const result = await referAndFollow(client, exampleReferral(), randomUUID(), (line) =>
    process.stdout.write(`${line}\n`),
  );
  process.stdout.write(`done: ${result.reference} is ${result.followed.status}\n`);
}

main().catch((e: unknown) => {
  if (e instanceof HubError)
    process.stderr.write(`client:example: ${e.code} (HTTP ${e.status}, request ${e.requestId}): ${e.message}\n`);
  else process.stderr.write(`client:example: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
