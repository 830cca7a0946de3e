import type { DataSource, EntityManager } from 'typeorm';
import type { Guarded, RequestAccess } from '../access-policy/request-access';
import type { RelationshipKind } from '../access-policy/vocabulary';
import { readShape, type ShapeOf } from '../db/read-shape';
import type { IdentityKey } from './identity-rule';
import { DataQualityIssueEntity, IdentityAssertionEntity } from './person.entity';

/**
 * The data-quality queue, read for a MASH worker (shield: social care MASH roles). The worker's
 * relationship with the people named is the issue itself (DATA_QUALITY): each issue and each
 * source's values are guarded as the identity of the person they are about, so every page read is
 * in the audit by person. Nothing else about the people (records, relatives) is reachable from here.
 */

/**
 * One source's identity values: the assertion's own columns, described once by its entity
 * (`readShape`, ADR 031; the GraphQL type shows `agencyCode` as `agency`), and the values shown from
 * its `asserted` document, each read out in SQL. The values not shown here (ethnicity, language,
 * religion, disability) never leave the database on this path.
 */
const ASSERTION = readShape(IdentityAssertionEntity, 'a', [
  'id',
  'personId',
  'agencyCode',
  'sourceSystem',
  'channel',
  'verified',
  'assertedAt',
]);

/** The identity values a data-quality issue shows for each source (absent from a source: null). */
const SHOWN_VALUES = [
  'kind',
  'givenName',
  'familyName',
  'otherNames',
  'dateOfBirth',
  'expectedDateOfDelivery',
  'sex',
  'nhsNumber',
  'pncId',
  'laPersonId',
  'upn',
  'address',
  'postcode',
] as const satisfies readonly IdentityKey[];

const ASSERTION_SELECT = [ASSERTION.select, ...SHOWN_VALUES.map((key) => `a.asserted ->> '${key}' AS "${key}"`)].join(
  ', ',
);

export type AssertionView = ShapeOf<typeof ASSERTION> & Record<(typeof SHOWN_VALUES)[number], string | null>;

/** An issue: the table's own columns, described once by its entity (`readShape`, ADR 031). */
const ISSUE = readShape(DataQualityIssueEntity, 'i', [
  'id',
  'kind',
  'status',
  'personId',
  'proposedPersonId',
  'referralId',
  'field',
  'raisedByAgency',
  'raisedAt',
  'chosenAssertionId',
  'resolvedBy',
  'resolvedAt',
  'resolutionNote',
  'version',
]);

export type IssueView = ShapeOf<typeof ISSUE> & { assertions: Guarded<AssertionView>[] };

type Row = Record<string, unknown>;

const DATA_QUALITY: ReadonlySet<RelationshipKind> = new Set(['DATA_QUALITY']);

const toIssue = (r: Row): Omit<IssueView, 'assertions'> => ISSUE.view(r);

function toAssertion(r: Row): AssertionView {
  const values = Object.fromEntries(SHOWN_VALUES.map((key) => [key, (r[key] as string | null) ?? null]));
  return { ...ASSERTION.view(r), ...(values as Record<(typeof SHOWN_VALUES)[number], string | null>) };
}

export class DataQualityRepository {
  constructor(
    private readonly db: DataSource | EntityManager,
    private readonly access: RequestAccess,
  ) {}

  async find(id: string, forUpdate = false): Promise<Omit<IssueView, 'assertions'> | null> {
    const rows: Row[] = await this.db.query(
      `SELECT ${ISSUE.select} FROM data_quality_issue i WHERE i.id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? toIssue(rows[0]) : null;
  }

  async assertionOf(id: string, personId: string): Promise<AssertionView | null> {
    const rows: Row[] = await this.db.query(
      `SELECT ${ASSERTION_SELECT} FROM identity_assertion a WHERE a.id = $1 AND a.person_id = $2`,
      [id, personId],
    );
    return rows[0] ? toAssertion(rows[0]) : null;
  }

  /** The people of an issue, locked until the transaction ends (in id order, so two decisions cannot deadlock). */
  async lockPeople(
    personIds: string[],
  ): Promise<Array<{ id: string; provisional: boolean; merged_into: string | null }>> {
    return this.db.query(
      `SELECT id, provisional, merged_into FROM person WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [personIds],
    );
  }

  async recordDecision(id: string, status: string, chosenAssertionId: string | null, note: string): Promise<void> {
    await this.db.query(
      `UPDATE data_quality_issue SET status = $2, chosen_assertion_id = $3, resolution_note = $4, resolved_by = $5, resolved_at = now(),
              version = version + 1 WHERE id = $1`,
      [id, status, chosenAssertionId, note, this.access.viewer.sub],
    );
  }

  /** One page of the queue, oldest first, keyset on (raised_at, id). */
  async page(
    status: string,
    limit: number,
    after: [string, string] | null,
  ): Promise<{ rows: Guarded<IssueView>[]; hasNext: boolean }> {
    const rows: Row[] = await this.db.query(
      `SELECT ${ISSUE.select} FROM data_quality_issue i
        WHERE i.status = $1 AND ($2::timestamptz IS NULL OR (i.raised_at, i.id) > ($2::timestamptz, $3::uuid))
        ORDER BY i.raised_at, i.id LIMIT $4`,
      [status, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
    );
    const page = rows.slice(0, limit).map(toIssue);
    return { rows: await this.withAssertions(page), hasNext: rows.length > limit };
  }

  /** Guards issues with every source's values for the people they name (one query for the page). */
  async withAssertions(issues: Array<Omit<IssueView, 'assertions'>>): Promise<Guarded<IssueView>[]> {
    const personIds = [
      ...new Set(issues.flatMap((i) => [i.personId, ...(i.proposedPersonId ? [i.proposedPersonId] : [])])),
    ];
    const rows: Row[] = personIds.length
      ? await this.db.query(
          `SELECT ${ASSERTION_SELECT} FROM identity_assertion a
            WHERE a.person_id = ANY($1::uuid[]) ORDER BY a.person_id, a.asserted_at, a.id`,
          [personIds],
        )
      : [];
    const byPerson = new Map<string, AssertionView[]>();
    for (const r of rows) {
      const a = toAssertion(r);
      byPerson.set(a.personId, [...(byPerson.get(a.personId) ?? []), a]);
    }
    return issues.map((issue) => {
      const people = [issue.personId, ...(issue.proposedPersonId ? [issue.proposedPersonId] : [])];
      const assertions = people.flatMap((p) =>
        (byPerson.get(p) ?? []).map((a) =>
          this.access.guard({ ...a }, { owner: null, relationships: DATA_QUALITY }, [a.personId]),
        ),
      );
      return this.access.guard({ ...issue, assertions }, { owner: null, relationships: DATA_QUALITY }, people);
    });
  }
}
