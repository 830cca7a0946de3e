import { useState } from 'preact/hooks';
import { request, type Redaction } from '../api.js';
import { date, dateTime, REDACTION_REASON, words } from '../format.js';
import { Child, Chronology, type ChildResult, type ChronologyResult, type Purpose } from '../generated/operations.js';
import type { Me } from '../session.js';

type Person = NonNullable<ChildResult['person']>;
type AgencyRecord = NonNullable<Person['records']>[number];

/** Purposes a user declares when opening a child; break-glass is its own deliberate action. */
const OPENING_PURPOSES: Purpose[] = ['TRIAGE', 'AGENCY_CHECK', 'STRATEGY', 'SECTION_47', 'DIRECT_CARE'];

const RECORD_FIELDS: Record<AgencyRecord['__typename'], Array<[string, keyof AgencyRecord]>> = {
  HealthRecord: [['Practitioner', 'practitioner'], ['Registered GP', 'registeredGp'], ['Clinical notes', 'clinicalNotes'], ['Mental health involvement', 'mentalHealthInvolvement'], ['Substance misuse involvement', 'substanceMisuseInvolvement']],
  PoliceRecord: [['Incident type', 'incidentType'], ['Detail', 'detail'], ['Intelligence grading', 'intelligenceGrading'], ['Domestic abuse risk', 'riskLevel'], ['Warning markers', 'warningMarkers']],
  ProbationRecord: [['Offence summary', 'offenceSummary'], ['MAPPA level', 'mappaLevel'], ['Risk of serious harm to children', 'riskOfSeriousHarmToChildren'], ['Under supervision', 'underSupervision']],
  EducationRecord: [['School', 'school'], ['Attendance %', 'attendancePercent'], ['Exclusions', 'exclusions'], ['DSL notes', 'dslNotes']],
  SocialCareRecord: [['Legal status', 'legalStatus'], ['Allocated worker', 'allocatedWorker'], ['Previous referrals', 'previousReferrals'], ['Case notes', 'caseNotes']],
};

const IDENTITY_FIELDS: Array<[string, keyof Person]> = [
  ['Given name', 'givenName'],
  ['Family name', 'familyName'],
  ['Other names', 'otherNames'],
  ['Date of birth', 'dateOfBirth'],
  ['Sex', 'sex'],
  ['NHS number', 'nhsNumber'],
  ['Unique pupil number', 'upn'],
  ['Address', 'address'],
  ['Postcode', 'postcode'],
];

/** A value, or "withheld" with the hub's reason (extensions.redactions), never a blank. */
function Value({ value, path, redactions }: { value: unknown; path: string; redactions: Map<string, string> }) {
  const reason = redactions.get(path);
  if (reason) {
    return (
      <span class="withheld" data-testid="withheld" data-path={path}>
        Withheld — {REDACTION_REASON[reason] ?? words(reason)}
      </span>
    );
  }
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) return <span class="none">not recorded</span>;
  if (typeof value === 'boolean') return <>{value ? 'yes' : 'no'}</>;
  if (Array.isArray(value)) return <>{value.join(', ')}</>;
  // Enum values (FEMALE, LEVEL_1) read as words; identifiers (a UPN such as Z000800000310) stay as they are.
  if (typeof value === 'string' && /^[A-Z]+(_[A-Z0-9]+)*$/.test(value)) return <>{words(value)}</>;
  return <>{String(value)}</>;
}

/** Opening a child is declaring a purpose of use; the hub audits the read under that purpose. */
export function ChildView({ me, id }: { me: Me; id: string }) {
  const choices = OPENING_PURPOSES.filter((p) => me.purposes.includes(p));
  const [purpose, setPurpose] = useState<Purpose | ''>(choices[0] ?? '');
  const [opened, setOpened] = useState<{ person: Person | null; purpose: Purpose; redactions: Map<string, string>; chronology: ChronologyResult['chronology'] | null; chronologyRedactions: Map<string, string> } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function open(e: Event) {
    e.preventDefault();
    if (!purpose) return;
    setBusy(true);
    setError(null);
    try {
      const child = await request(Child, { id, purpose });
      const redactions = new Map(child.redactions.map((r: Redaction) => [r.path, r.reason]));
      let chronology: ChronologyResult['chronology'] | null = null;
      let chronologyRedactions = new Map<string, string>();
      if (child.data.person) {
        try {
          const answer = await request(Chronology, { personId: id, purpose });
          chronology = answer.data.chronology;
          chronologyRedactions = new Map(answer.redactions.map((r: Redaction) => [r.path, r.reason]));
        } catch {
          chronology = null;
        }
      }
      setOpened({ person: child.data.person, purpose, redactions, chronology, chronologyRedactions });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  if (!opened) {
    return (
      <section aria-labelledby="open-title">
        <h1 id="open-title">Open a child's record</h1>
        <form onSubmit={(e) => void open(e)} class="purpose">
          <label for="purpose">Purpose of use (recorded in the audit with everything you see)</label>
          <select id="purpose" value={purpose} onChange={(e) => setPurpose((e.currentTarget as HTMLSelectElement).value as Purpose)}>
            {choices.map((p) => (
              <option key={p} value={p}>
                {words(p)}
              </option>
            ))}
          </select>
          <button type="submit" disabled={busy || !purpose}>
            Open record
          </button>
        </form>
        {!choices.length && <p>Your role may not declare a purpose for opening a child's record.</p>}
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
      </section>
    );
  }

  const { person, redactions, chronology, chronologyRedactions } = opened;
  if (!person) {
    return (
      <section>
        <h1>Not found</h1>
        <p>No child with this id is within your legitimate relationships.</p>
      </section>
    );
  }
  const byAgency = new Map<string, Array<{ record: AgencyRecord; index: number }>>();
  (person.records ?? []).forEach((record, index) => {
    const agency = record.owningAgency ?? 'unknown agency';
    byAgency.set(agency, [...(byAgency.get(agency) ?? []), { record, index }]);
  });

  return (
    <section aria-labelledby="child-title">
      <h1 id="child-title">
        {person.givenName ?? 'Name withheld'} {person.familyName ?? ''}
      </h1>
      <p class="hint">Opened for {words(opened.purpose)}. This view is recorded in the audit.</p>
      <h2>Identity</h2>
      <dl class="fields">
        {IDENTITY_FIELDS.map(([label, key]) => (
          <div key={key}>
            <dt>{label}</dt>
            <dd>
              <Value value={key === 'dateOfBirth' && person.dateOfBirth ? date(person.dateOfBirth) : person[key]} path={`person.${key}`} redactions={redactions} />
            </dd>
          </div>
        ))}
      </dl>
      <h2>Relationships</h2>
      {person.relationships?.length ? (
        <ul>
          {person.relationships.map((r, i) => (
            <li key={i}>
              {words(r.type)}:{' '}
              {r.relatedPerson?.id ? (
                <a href={`#/child/${r.relatedPerson.id}`}>
                  {r.relatedPerson.givenName ?? 'withheld'} {r.relatedPerson.familyName ?? ''}
                </a>
              ) : (
                'withheld'
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p>No relationships you may see.</p>
      )}
      <h2>Records by agency</h2>
      {[...byAgency].map(([agency, records]) => (
        <section key={agency} class="agency" aria-labelledby={`agency-${agency}`}>
          <h3 id={`agency-${agency}`}>{agency}</h3>
          {records.map(({ record, index }) => (
            <article key={record.id ?? index} class="record" data-testid="record" data-agency={agency}>
              <h4>
                {words(record.recordType)} · {date(record.occurredAt)}
              </h4>
              <dl class="fields">
                <div>
                  <dt>Summary</dt>
                  <dd>
                    <Value value={record.summary} path={`person.records.${index}.summary`} redactions={redactions} />
                  </dd>
                </div>
                {RECORD_FIELDS[record.__typename].map(([label, key]) => (
                  <div key={key}>
                    <dt>{label}</dt>
                    <dd>
                      <Value value={record[key]} path={`person.records.${index}.${key}`} redactions={redactions} />
                    </dd>
                  </div>
                ))}
              </dl>
            </article>
          ))}
        </section>
      ))}
      {!byAgency.size && <p>No records you may see.</p>}
      <h2>Chronology</h2>
      {chronology === null && <p>The chronology is not available to your role.</p>}
      {chronology && (
        <table>
          <caption>Significant events, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Agency</th>
              <th scope="col">Type</th>
              <th scope="col">Summary</th>
            </tr>
          </thead>
          <tbody>
            {chronology.map((c, i) => (
              <tr key={i}>
                <td>{dateTime(c.occurredAt)}</td>
                <td>{c.agency}</td>
                <td>{words(c.recordType)}</td>
                <td>
                  <Value value={c.summary} path={`chronology.${i}.summary`} redactions={chronologyRedactions} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
