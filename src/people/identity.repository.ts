import type { EntityManager } from 'typeorm';
import type { AgencyKind } from '../access-policy/vocabulary';
import { conflict } from '../shared/errors';
import {
  deriveIdentity,
  disagreements,
  IDENTITY_FIELDS,
  STRONG_IDENTIFIERS,
  type Asserted,
  type Assertion,
  type Channel,
} from './identity-rule';

/**
 * The SQL of per-source identity (ADR 005), always inside the caller's transaction: assertions,
 * settling a person's derived identity, match proposals, and merging a confirmed match. System
 * writes on behalf of a change the caller has already authorised; nothing here reads for a viewer.
 */

type Row = Record<string, unknown>;

const PERSON_IDENTITY_COLUMNS = IDENTITY_FIELDS.map((f) => f.column);

export interface SourceKey {
  agency: string;
  sourceSystem: string;
  sourceReference: string;
}

function toAssertion(r: Row): Assertion {
  return {
    id: r.id as string,
    agencyCode: r.agency_code as string,
    channel: r.channel as Channel,
    verified: r.verified as boolean,
    asserted: r.asserted as Asserted,
    assertedAt: r.asserted_at as Date,
  };
}

/** Settled people (not provisional, not merged) holding any of the strong identifiers given. */
export async function settledMatches(
  m: EntityManager,
  asserted: Asserted,
  except: string | null = null,
): Promise<string[]> {
  const params: unknown[] = [];
  const conditions: string[] = [];
  for (const { key, column } of STRONG_IDENTIFIERS) {
    const v = asserted[key];
    if (v) {
      params.push(v);
      conditions.push(`${column} = $${params.length}`);
    }
  }
  if (!conditions.length) return [];
  params.push(except);
  const rows: Array<{ id: string }> = await m.query(
    `SELECT id FROM person WHERE (${conditions.join(' OR ')}) AND NOT provisional AND id IS DISTINCT FROM $${params.length}::uuid
      ORDER BY id FOR UPDATE`,
    params,
  );
  return rows.map((r) => r.id);
}

/** Records (or replaces) one source's assertion about a person. */
export async function putAssertion(
  m: EntityManager,
  personId: string,
  source: SourceKey,
  channel: Exclude<Channel, 'LEGACY'>,
  asserted: Asserted,
): Promise<{ id: string; before: Row | null }> {
  const verified = channel === 'IMPORT';
  const prior: Row[] = await m.query(
    `SELECT id, person_id, channel, verified, asserted FROM identity_assertion WHERE agency_code = $1 AND source_system = $2 AND source_ref = $3 FOR UPDATE`,
    [source.agency, source.sourceSystem, source.sourceReference],
  );
  if (prior[0]) {
    await m.query(
      `UPDATE identity_assertion SET asserted = $2, channel = $3, verified = $4, asserted_at = now() WHERE id = $1`,
      [prior[0].id, asserted, channel, verified],
    );
    return { id: prior[0].id as string, before: prior[0] };
  }
  const rows: Array<{ id: string }> = await m.query(
    `INSERT INTO identity_assertion (person_id, agency_code, source_system, source_ref, channel, verified, asserted)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [personId, source.agency, source.sourceSystem, source.sourceReference, channel, verified, asserted],
  );
  return { id: rows[0]!.id, before: null };
}

/** A new person row holding one source's values; provisional when its identifiers match a settled person. */
export async function insertPerson(
  m: EntityManager,
  asserted: Asserted,
  agency: string,
  provisional: boolean,
  kindOf: (agency: string) => AgencyKind | undefined,
): Promise<string> {
  const derived = deriveIdentity(
    [{ id: '', agencyCode: agency, channel: 'OFFICER', verified: false, asserted, assertedAt: new Date() }],
    kindOf,
  );
  const cols = PERSON_IDENTITY_COLUMNS;
  const rows: Array<{ id: string }> = await m.query(
    `INSERT INTO person (${cols.join(', ')}, created_by_agency, provisional)
     VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}, $${cols.length + 1}, $${cols.length + 2}) RETURNING id`,
    [...cols.map((c) => derived[c]), agency, provisional],
  );
  return rows[0]!.id;
}

/** Opens a match proposal (the provisional person is the one who matched); once per pair, ever. */
export async function proposeMatch(
  m: EntityManager,
  proposedPersonId: string,
  personId: string,
  agency: string,
  referralId: string | null,
): Promise<string | null> {
  const rows: Array<{ id: string }> = await m.query(
    `INSERT INTO data_quality_issue (kind, person_id, proposed_person_id, referral_id, raised_by_agency)
     VALUES ('MATCH_PROPOSAL', $1, $2, $3, $4)
     ON CONFLICT (partnership_id, proposed_person_id, person_id) WHERE kind = 'MATCH_PROPOSAL' DO NOTHING RETURNING id`,
    [personId, proposedPersonId, referralId, agency],
  );
  return rows[0]?.id ?? null;
}

export type OnCollision = 'PROPOSE' | 'CONFLICT';

export interface Settled {
  before: Row;
  after: Record<string, string | null>;
  /** Match proposals opened because the derived identifiers are held by a settled person. */
  proposals: string[];
  /** Data-quality issues raised or withdrawn. */
  issues: Array<{ id: string; field: string; status: 'OPEN' | 'WITHDRAWN' }>;
}

/**
 * Re-derives a person's identity from its assertions (the rule in identity-rule.ts), stores it, and
 * brings the person's data-quality issues up to date. When a derived strong identifier is held by
 * another settled person: PROPOSE makes this person provisional and proposes the match (interactive
 * callers: nothing is revealed); CONFLICT refuses (trusted integration and MASH merges).
 */
export async function settleIdentity(
  m: EntityManager,
  personId: string,
  opts: {
    agency: string;
    onCollision: OnCollision;
    referralId?: string | null;
    kindOf: (agency: string) => AgencyKind | undefined;
  },
): Promise<Settled> {
  const [before] = (await m.query(
    `SELECT ${PERSON_IDENTITY_COLUMNS.join(', ')}, provisional FROM person WHERE id = $1 FOR UPDATE`,
    [personId],
  )) as Row[];
  const assertions = (
    (await m.query(
      `SELECT id, agency_code, channel, verified, asserted, asserted_at FROM identity_assertion WHERE person_id = $1`,
      [personId],
    )) as Row[]
  ).map(toAssertion);
  const chosenRows: Array<{ field: string; chosen_assertion_id: string }> = await m.query(
    `SELECT DISTINCT ON (field) field, chosen_assertion_id FROM data_quality_issue
      WHERE person_id = $1 AND kind = 'IDENTITY_CONFLICT' AND status = 'RESOLVED' AND chosen_assertion_id IS NOT NULL
      ORDER BY field, resolved_at DESC`,
    [personId],
  );
  const after = deriveIdentity(
    assertions,
    opts.kindOf,
    new Map(chosenRows.map((r) => [r.field, r.chosen_assertion_id])),
  );

  const derivedIds: Asserted = {};
  for (const { key, column } of STRONG_IDENTIFIERS) if (after[column]) derivedIds[key] = after[column]!;
  const holders = await settledMatches(m, derivedIds, personId);
  const proposals: string[] = [];
  let provisional = before!.provisional as boolean;
  if (holders.length) {
    if (opts.onCollision === 'CONFLICT' && !provisional)
      throw conflict('An identifier in this person is already held by a different person');
    provisional = true;
    for (const holder of holders) {
      const id = await proposeMatch(m, personId, holder, opts.agency, opts.referralId ?? null);
      if (id) proposals.push(id);
    }
  }

  const changed =
    PERSON_IDENTITY_COLUMNS.some((c) => normaliseColumn(before![c]) !== after[c]) ||
    provisional !== before!.provisional;
  if (changed) {
    await m.query(
      `UPDATE person SET ${PERSON_IDENTITY_COLUMNS.map((c, i) => `${c} = $${i + 2}`).join(', ')}, provisional = $${PERSON_IDENTITY_COLUMNS.length + 2},
              updated_at = now(), version = version + 1 WHERE id = $1`,
      [personId, ...PERSON_IDENTITY_COLUMNS.map((c) => after[c]), provisional],
    );
  }

  const issues: Settled['issues'] = [];
  const found = disagreements(assertions);
  const open: Array<{ id: string; field: string; values_hash: string }> = await m.query(
    `SELECT id, field, values_hash FROM data_quality_issue WHERE person_id = $1 AND kind = 'IDENTITY_CONFLICT' AND status = 'OPEN' FOR UPDATE`,
    [personId],
  );
  for (const d of found) {
    const current = open.find((o) => o.field === d.field);
    if (current) {
      if (current.values_hash !== d.valuesHash) {
        await m.query(`UPDATE data_quality_issue SET values_hash = $2, version = version + 1 WHERE id = $1`, [
          current.id,
          d.valuesHash,
        ]);
      }
      continue;
    }
    // Resolved before with the same values: the MASH has decided; raise again only when a source says something new.
    const decided: Row[] = await m.query(
      `SELECT 1 FROM data_quality_issue WHERE person_id = $1 AND kind = 'IDENTITY_CONFLICT' AND field = $2 AND values_hash = $3 LIMIT 1`,
      [personId, d.field, d.valuesHash],
    );
    if (decided.length) continue;
    const [row] = (await m.query(
      `INSERT INTO data_quality_issue (kind, person_id, field, values_hash, raised_by_agency) VALUES ('IDENTITY_CONFLICT', $1, $2, $3, $4) RETURNING id`,
      [personId, d.field, d.valuesHash, opts.agency],
    )) as Array<{ id: string }>;
    issues.push({ id: row!.id, field: d.field, status: 'OPEN' });
  }
  for (const o of open.filter((o) => !found.some((d) => d.field === o.field))) {
    await withdraw(m, o.id);
    issues.push({ id: o.id, field: o.field, status: 'WITHDRAWN' });
  }
  return { before: before!, after, proposals, issues };
}

async function withdraw(m: EntityManager, issueId: string): Promise<void> {
  await m.query(
    `UPDATE data_quality_issue SET status = 'WITHDRAWN', resolved_at = now(), resolved_by = 'system', version = version + 1 WHERE id = $1 AND status = 'OPEN'`,
    [issueId],
  );
}

/** Dates come back from the `date` columns as strings already; anything else as text. */
function normaliseColumn(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v);
}

/**
 * Merges a provisional person into the settled person it was confirmed to be: everything that
 * pointed at the provisional person (its sources, assertions, records, relationships, referrals,
 * meetings) now points at the settled one; the provisional person keeps only `merged_into`. Rows that
 * would become duplicates (or a relationship to oneself) are removed. Returns what moved, for the audit.
 */
export async function mergePerson(m: EntityManager, fromId: string, intoId: string): Promise<Record<string, number>> {
  const moved: Record<string, number> = {};
  const count = (r: unknown) => (Array.isArray(r) && typeof r[1] === 'number' ? r[1] : 0);
  for (const table of ['person_source', 'identity_assertion', 'agency_record']) {
    moved[table] = count(await m.query(`UPDATE ${table} SET person_id = $2 WHERE person_id = $1`, [fromId, intoId]));
  }
  for (const [table, key] of [
    ['referral_subject', 'referral_id'],
    ['meeting_subject', 'meeting_id'],
  ] as const) {
    moved[table] = count(
      await m.query(
        `UPDATE ${table} t SET person_id = $2 WHERE t.person_id = $1
            AND NOT EXISTS (SELECT 1 FROM ${table} d WHERE d.${key} = t.${key} AND d.person_id = $2)`,
        [fromId, intoId],
      ),
    );
    await m.query(`DELETE FROM ${table} WHERE person_id = $1`, [fromId]);
  }
  moved.person_relationship = count(
    await m.query(
      `UPDATE person_relationship t SET person_id = $2 WHERE t.person_id = $1 AND t.related_person_id <> $2
          AND NOT EXISTS (SELECT 1 FROM person_relationship d WHERE d.person_id = $2 AND d.related_person_id = t.related_person_id AND d.type = t.type)`,
      [fromId, intoId],
    ),
  );
  moved.person_relationship += count(
    await m.query(
      `UPDATE person_relationship t SET related_person_id = $2 WHERE t.related_person_id = $1 AND t.person_id <> $2
          AND NOT EXISTS (SELECT 1 FROM person_relationship d WHERE d.related_person_id = $2 AND d.person_id = t.person_id AND d.type = t.type)`,
      [fromId, intoId],
    ),
  );
  await m.query(`DELETE FROM person_relationship WHERE person_id = $1 OR related_person_id = $1`, [fromId]);
  await m.query(
    `UPDATE person SET merged_into = $2, provisional = true, updated_at = now(), version = version + 1 WHERE id = $1`,
    [fromId, intoId],
  );
  // Whatever else was open about the merged person is moot now.
  const open: Array<{ id: string }> = await m.query(
    `SELECT id FROM data_quality_issue WHERE status = 'OPEN' AND (person_id = $1 OR proposed_person_id = $1)`,
    [fromId],
  );
  for (const o of open) await withdraw(m, o.id);
  return moved;
}
