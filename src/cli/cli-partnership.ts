import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import { PARTNERSHIP_ID } from '../shared/partnership';
import { inPartnership } from '../db/partnership-scope';

/**
 * `--partnership <id>` of an operator command (ADR 016), taken out of process.argv so each command's
 * own option parsing is unchanged. Without it the command acts in the only partnership there is, and
 * is refused when there are several.
 */
export function takePartnershipOption(argv: string[] = process.argv): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--partnership' || a.startsWith('--partnership=')) {
      const value = a === '--partnership' ? argv[i + 1] : a.slice('--partnership='.length);
      argv.splice(i, a === '--partnership' ? 2 : 1);
      if (value === undefined || !PARTNERSHIP_ID.test(value))
        throw new Error('--partnership must be a partnership id (a-z, 0-9, -)');
      return value;
    }
  }
  return undefined;
}

/** The partnership a command acts in: the one named, if it exists, or the only one there is. */
export async function commandPartnership(db: DataSource, named: string | undefined): Promise<string> {
  const rows = (await db.query('SELECT id FROM partnership ORDER BY id')) as Array<{ id: string }>;
  const ids = rows.map((r) => r.id);
  if (named !== undefined) {
    if (!ids.includes(named)) throw new Error(`no partnership ${named}; known: ${ids.join(', ')}`);
    return named;
  }
  if (ids.length === 1) return ids[0]!;
  throw new Error(`several partnerships share this database: name one with --partnership (known: ${ids.join(', ')})`);
}

/** Runs a command's work in its partnership, as `system:<command>`. */
export function inCommandPartnership<T>(command: string, partnership: string, work: () => Promise<T>): Promise<T> {
  return inPartnership(
    { partnership, actor: `system:${command}`, requestId: `${command}-${crypto.randomUUID()}` },
    work,
  );
}
