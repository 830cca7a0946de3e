/**
 * The serving role (issue 4 item 1): the hub serves as `mash_app` (or a login granted it), which may
 * INSERT and SELECT audit rows but not UPDATE, DELETE or TRUNCATE them and owns nothing; migrations
 * and owner-only commands (audit:archive) run as the owner. See docs/operations.md, "Database roles".
 */

/** The NOLOGIN-by-default role created by migration 1763900200000-audit-app-role. */
export const APP_ROLE = 'mash_app';

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** Passwords we generate are base64url: safe to inline (ALTER ROLE takes no bind parameters). */
const SAFE_PASSWORD = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * Lets `mash_app` log in with the given password (embedded server and the test cluster, where the
 * hub's owner connection is a superuser). Creates the role if the migrations have not yet done so;
 * the migration tolerates it existing.
 */
export async function enableAppLogin(owner: Queryable, password: string): Promise<void> {
  if (!SAFE_PASSWORD.test(password))
    throw new Error('the application role password must be 16-128 base64url characters');
  await owner.query(`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
        CREATE ROLE ${APP_ROLE} NOLOGIN;
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$`);
  await owner.query(`ALTER ROLE ${APP_ROLE} WITH LOGIN PASSWORD '${password}'`);
}

/** The owner's URL with the credentials of the application role. */
export function appRoleUrl(ownerUrl: string, password: string): string {
  const url = new URL(ownerUrl);
  url.username = APP_ROLE;
  url.password = password;
  return url.toString();
}

/** The audit tables the serving role must not own, change or empty (their partitions included). */
const AUDIT_TABLES = ['audit_batch', 'audit_event', 'audit_disclosure', 'audit_checkpoint'];

/**
 * What the connected role could do to the audit that it must not, and whether it would pass the
 * partnership wall (a superuser or BYPASSRLS role): two catalog queries. Empty when the
 * role is properly restricted. Names tables and privileges only (no secrets, no personal data).
 */
export async function servingRoleProblems(db: Queryable): Promise<string[]> {
  const rows = (await db.query(
    `SELECT c.relname AS table,
            pg_has_role(current_user, c.relowner, 'USAGE') AS owns,
            array_remove(ARRAY[
              CASE WHEN has_table_privilege(c.oid, 'UPDATE') THEN 'UPDATE' END,
              CASE WHEN has_table_privilege(c.oid, 'DELETE') THEN 'DELETE' END,
              CASE WHEN has_table_privilege(c.oid, 'TRUNCATE') THEN 'TRUNCATE' END], NULL) AS privileges
       FROM pg_class c
      WHERE c.relkind IN ('r', 'p')
        AND (c.oid = ANY($1::regclass[])
             OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = ANY($1::regclass[])))
      ORDER BY c.relname`,
    [AUDIT_TABLES],
  )) as Array<{ table: string; owns: boolean; privileges: string[] }>;
  const problems: string[] = [];
  for (const r of rows) {
    if (r.owns) problems.push(`owns ${r.table}`);
    else if (r.privileges.length) problems.push(`may ${r.privileges.join('/')} ${r.table}`);
  }
  // The partnership wall (ADR 016) holds only for a role that row-level security applies to.
  const [role] = (await db.query(
    `SELECT rolsuper OR rolbypassrls AS bypasses FROM pg_roles WHERE rolname = current_user`,
  )) as Array<{ bypasses: boolean }>;
  if (role?.bypasses) problems.push('bypasses row-level security');
  return problems;
}

/**
 * The function the audit's flush barrier calls under load (ADR 037, flushAuditWal in
 * src/audit/audit-store.ts): pg_logical_emit_message with a text message. PostgreSQL 17 added a
 * fourth, defaulted argument, so its signature is read from the catalog.
 */
const FLUSH_BARRIER = `SELECT p.oid::regprocedure::text AS signature, has_function_privilege(p.oid, 'EXECUTE') AS may
  FROM pg_proc p
 WHERE p.proname = 'pg_logical_emit_message' AND p.pronamespace = 'pg_catalog'::regnamespace
   AND p.proargtypes[2] = 'text'::regtype`;

/**
 * What the serving role must be able to do for the audit and cannot: one catalog query. Empty when
 * it can. PostgreSQL grants the flush barrier's function to PUBLIC; a DBA who revokes it would leave
 * a hub that serves at rest and fails closed (every audited read refused) as soon as it is busy.
 */
export async function servingRoleLacks(db: Queryable): Promise<string[]> {
  const [row] = (await db.query(FLUSH_BARRIER)) as Array<{ signature: string; may: boolean }>;
  if (!row) return ['pg_logical_emit_message (PostgreSQL 9.6 or later)'];
  return row.may ? [] : [`EXECUTE on pg_catalog.${row.signature}`];
}

/** Every environment refuses to serve as a role that could not flush the audit under load. */
export async function assertServingRoleCanAudit(db: Queryable): Promise<void> {
  const lacks = await servingRoleLacks(db);
  if (lacks.length === 0) return;
  throw new ServingRoleError(
    `refusing to serve: the database role of DATABASE_URL lacks ${lacks.join('; ')}, the audit's flush barrier ` +
      `under load (ADR 037); without it every audited read would be refused once the hub is busy. ` +
      `Grant EXECUTE on it to ${APP_ROLE}; see docs/operations.md`,
  );
}

export class ServingRoleError extends Error {
  override name = 'ServingRoleError';
}

/** Production refuses to serve as a role that could rewrite the audit (the owner, a superuser, …). */
export async function assertServingRoleRestricted(db: Queryable): Promise<void> {
  const problems = await servingRoleProblems(db);
  if (problems.length === 0) return;
  const shown = problems.slice(0, 5).join('; ') + (problems.length > 5 ? `; and ${problems.length - 5} more` : '');
  throw new ServingRoleError(
    `refusing to serve in production: the database role of DATABASE_URL could alter the audit (${shown}). ` +
      `Serve as ${APP_ROLE} (or a login granted ${APP_ROLE}) and run migrations with MIGRATION_DATABASE_URL; see docs/operations.md`,
  );
}
