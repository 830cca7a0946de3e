/** Prints a development JWT: npm run token -- --sub <id> --name <name> --agency <code> --role <ROLE> [--role ...] */
import { parseArgs } from 'node:util';
import { AgencyDirectory } from '../auth/agencies';
import { ROLES, type Role } from '../access-policy/vocabulary';
import { signDevToken } from '../auth/authenticator';
import { loadConfig } from '../config';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      name: { type: 'string' },
      agency: { type: 'string' },
      role: { type: 'string', multiple: true },
      ttl: { type: 'string', default: '8h' },
    },
  });
  const config = loadConfig();
  const agencies = AgencyDirectory.load(config.agenciesFile);
  const missing = ['sub', 'name', 'agency', 'role'].filter((k) => !values[k as keyof typeof values]);
  if (missing.length) throw new Error(`missing --${missing.join(', --')}`);
  if (!agencies.has(values.agency!)) throw new Error(`unknown agency ${values.agency}; known: ${agencies.list().map((a) => a.code).join(', ')}`);
  const bad = values.role!.filter((r) => !ROLES.includes(r as Role));
  if (bad.length) throw new Error(`unknown role ${bad.join(', ')}; known: ${ROLES.join(', ')}`);
  const token = await signDevToken(config.auth, { sub: values.sub!, name: values.name!, agency: values.agency!, roles: values.role! }, values.ttl);
  process.stdout.write(`${token}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`token: ${(e as Error).message}\n`);
  process.exit(1);
});
