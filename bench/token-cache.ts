/**
 * What the verified-token cache saves per request (issue 21 §4, ADR 020): `Authenticator.verify` on
 * the same development token, with the cache off (every request verifies the ES256 signature) and
 * on. Not a benchmark: one function in a loop, on whatever the machine has spare.
 *
 *   npx ts-node --transpile-only bench/token-cache.ts [--n=2000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AccessPolicy } from '../src/access-policy/policy';
import { AgencyDirectory } from '../src/auth/agencies';
import { Authenticator, signDevToken } from '../src/auth/authenticator';
import { USERS } from './operations';

const N = Number(process.argv.find((a) => a.startsWith('--n='))?.split('=')[1] ?? 2000);

async function main(): Promise<void> {
  const keyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mash-token-cache-')), 'key.json');
  const base = {
    mode: 'development' as const,
    keyFile,
    issuer: 'mash-hub-dev',
    audience: 'mash-hub',
    algorithms: ['ES256'],
    clockToleranceSeconds: 30,
    maxTokenLifetimeSeconds: 24 * 3600,
  };
  const agencies = AgencyDirectory.load(undefined);
  const policy = AccessPolicy.load(undefined);
  const sw = USERS.socialWorker;
  const token = await signDevToken(base, { ...sw, roles: [...sw.roles] }, '2h');
  for (const size of [0, 10_000]) {
    const auth = await Authenticator.create({ ...base, tokenCacheSize: size }, agencies, policy);
    const header = [`Bearer ${token}`];
    for (let i = 0; i < 200; i++) await auth.verify(header);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await auth.verify(header);
    const us = Number(process.hrtime.bigint() - t0) / 1e3 / N;
    console.log(`cache size ${String(size).padStart(6)}: ${us.toFixed(1)} µs per verification`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
