/**
 * Prints a development JWT: npm run token -- --sub <id> --name <name> --agency <code> --role <ROLE> [--role ...]
 * [--partnership <id> ...] (the partnerships it may act for; `default` when none is given, ADR 016)
 */
import { parseArgs } from 'node:util';
import { AgencyDirectory } from '../auth/agencies';
import { ROLES, type Role } from '../access-policy/vocabulary';
import { signDevToken } from '../auth/authenticator';
import { loadConfig } from '../config';
import { DEFAULT_PARTNERSHIP, PARTNERSHIP_ID } from '../shared/partnership';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      name: { type: 'string' },
      agency: { type: 'string' },
      role: { type: 'string', multiple: true },
      partnership: { type: 'string', multiple: true },
      ttl: { type: 'string', default: '8h' },
    },
  });
  const config = loadConfig();
  const agencies = AgencyDirectory.load(config.agenciesFile);
  const missing = ['sub', 'name', 'agency', 'role'].filter((k) => !values[k as keyof typeof values]);
  if (missing.length) throw new Error(`missing --${missing.join(', --')}`);
  if (!agencies.has(values.agency!))
    throw new Error(
      `unknown agency ${values.agency}; known: ${agencies
        .list()
        .map((a) => a.code)
        .join(', ')}`,
    );
  const bad = values.role!.filter((r) => !ROLES.includes(r as Role));
  if (bad.length) throw new Error(`unknown role ${bad.join(', ')}; known: ${ROLES.join(', ')}`);
  const partnerships = values.partnership ?? [DEFAULT_PARTNERSHIP];
  const badPartnership = partnerships.filter((p) => !PARTNERSHIP_ID.test(p));
  if (badPartnership.length) throw new Error(`not a partnership id: ${badPartnership.join(', ')}`);
  const token = await signDevToken(
    config.auth,
    { sub: values.sub!, name: values.name!, agency: values.agency!, roles: values.role!, partnerships },
    values.ttl,
  );
  process.stdout.write(`${token}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`token: ${(e as Error).message}\n`);
  process.exit(1);
});
