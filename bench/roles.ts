import crypto from 'node:crypto';
import type { Client } from 'pg';
import { appRoleUrl, enableAppLogin } from '../src/db/app-role';

/**
 * The database logins the benchmark's servers use (issue 26, "Measured"). The hub's variants serve
 * as `mash_app`, as a deployment does, so the partnership wall (row-level security, ADR 016) is on
 * in every measurement; before 2026-12-06 they served as the embedded superuser, which row-level
 * security never applies to. NOWALL serves the production configuration (B5) as
 * `mash_bench_nowall`: a login granted `mash_app` (the same privileges) with BYPASSRLS, so the
 * policies are not evaluated at all. That role exists only in the bench's own database cluster,
 * created here; nothing in src/ can switch the wall off. RAW and PEER read as the owner.
 */
export const NOWALL_ROLE = 'mash_bench_nowall';

export async function benchServingUrls(owner: Client, ownerUrl: string): Promise<{ wallOn: string; wallOff: string }> {
  const password = crypto.randomBytes(24).toString('base64url');
  await enableAppLogin(owner, password);
  await owner.query(`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${NOWALL_ROLE}') THEN
        CREATE ROLE ${NOWALL_ROLE} LOGIN BYPASSRLS IN ROLE mash_app;
      END IF;
    END $$`);
  await owner.query(`ALTER ROLE ${NOWALL_ROLE} WITH LOGIN BYPASSRLS PASSWORD '${password}'`);
  const wallOff = new URL(ownerUrl);
  wallOff.username = NOWALL_ROLE;
  wallOff.password = password;
  return { wallOn: appRoleUrl(ownerUrl, password), wallOff: wallOff.toString() };
}
