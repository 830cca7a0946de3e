import type { DataSource, EntityManager } from 'typeorm';
import type { Guarded, RequestAccess } from '../access-policy/request-access';
import type { RelationshipKind } from '../access-policy/vocabulary';
import type { Asserted } from './identity-rule';

/**
 * The data-quality queue, read for a MASH worker (shield: social care MASH roles). The worker's
 * relationship with the people named is the issue itself (DATA_QUALITY): each issue and each
 * source's values are guarded as the identity of the person they are about, so every page read is
 * in the audit by person. Nothing else about the people (records, relatives) is reachable from here.
 */

export interface AssertionView {
  id: string;
  personId: string;
  agency: string;
  sourceSystem: string;
  channel: string;
  verified: boolean;
  assertedAt: Date;
  kind: string | null;
  givenName: string | null;
  familyName: string | null;
  otherNames: string | null;
  dateOfBirth: string | null;
  expectedDateOfDelivery: string | null;
  sex: string | null;
  nhsNumber: string | null;
  pncId: string | null;
  laPersonId: string | null;
  upn: string | null;
  address: string | null;
  postcode: string | null;
}

export interface IssueView {
  id: string;
  kind: string;
  status: string;
  personId: string;
  proposedPersonId: string | null;
  referralId: string | null;
  field: string | null;
  raisedByAgency: string;
  raisedAt: Date;
  chosenAssertionId: string | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  resolutionNote: string | null;
  version: number;
  assertions: Guarded<AssertionView>[];
}

type Row = Record<string, unknown>;

const ISSUE_COLUMNS = `id, kind, status, person_id, proposed_person_id, referral_id, field, raised_by_agency, raised_at,
  chosen_assertion_id, resolved_by, resolved_at, resolution_note, version`;

const DATA_QUALITY: ReadonlySet<RelationshipKind> = new Set(['DATA_QUALITY']);

export function toIssue(r: Row): Omit<IssueView, 'assertions'> {
  return {
    id: r.id as string,
    kind: r.kind as string,
    status: r.status as string,
    personId: r.person_id as string,
    proposedPersonId: r.proposed_person_id as string | null,
    referralId: r.referral_id as string | null,
    field: r.field as string | null,
    raisedByAgency: r.raised_by_agency as string,
    raisedAt: r.raised_at as Date,
    chosenAssertionId: r.chosen_assertion_id as string | null,
    resolvedBy: r.resolved_by as string | null,
    resolvedAt: r.resolved_at as Date | null,
    resolutionNote: r.resolution_note as string | null,
    version: r.version as number,
  };
}

function toAssertion(r: Row): AssertionView {
  const a = r.asserted as Asserted;
  return {
    id: r.id as string,
    personId: r.person_id as string,
    agency: r.agency_code as string,
    sourceSystem: r.source_system as string,
    channel: r.channel as string,
    verified: r.verified as boolean,
    assertedAt: r.asserted_at as Date,
    kind: a.kind ?? null,
    givenName: a.givenName ?? null,
    familyName: a.familyName ?? null,
    otherNames: a.otherNames ?? null,
    dateOfBirth: a.dateOfBirth ?? null,
    expectedDateOfDelivery: a.expectedDateOfDelivery ?? null,
    sex: a.sex ?? null,
    nhsNumber: a.nhsNumber ?? null,
    pncId: a.pncId ?? null,
    laPersonId: a.laPersonId ?? null,
    upn: a.upn ?? null,
    address: a.address ?? null,
    postcode: a.postcode ?? null,
  };
}

export class DataQualityRepository {
  constructor(
    private readonly db: DataSource | EntityManager,
    private readonly access: RequestAccess,
  ) {}

  async find(id: string, forUpdate = false): Promise<Omit<IssueView, 'assertions'> | null> {
    const rows: Row[] = await this.db.query(
      `SELECT ${ISSUE_COLUMNS} FROM data_quality_issue WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? toIssue(rows[0]) : null;
  }

  async assertionOf(id: string, personId: string): Promise<AssertionView | null> {
    const rows: Row[] = await this.db.query(
      `SELECT id, person_id, agency_code, source_system, channel, verified, asserted, asserted_at FROM identity_assertion WHERE id = $1 AND person_id = $2`,
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
      `SELECT ${ISSUE_COLUMNS} FROM data_quality_issue
        WHERE status = $1 AND ($2::timestamptz IS NULL OR (raised_at, id) > ($2::timestamptz, $3::uuid))
        ORDER BY raised_at, id LIMIT $4`,
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
          `SELECT id, person_id, agency_code, source_system, channel, verified, asserted, asserted_at FROM identity_assertion
            WHERE person_id = ANY($1::uuid[]) ORDER BY person_id, asserted_at, id`,
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
