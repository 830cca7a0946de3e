import { useState } from 'preact/hooks';
import { request, type Redaction } from '../api.js';
import { date, dateTime, REDACTION_REASON, timeLeft, words } from '../format.js';
import {
  Child,
  Chronology,
  OpenBreakGlass,
  type ChildResult,
  type ChronologyResult,
  type Purpose,
} from '../generated/operations.js';
import type { Me } from '../session.js';
import { ChildProtectionPathway } from './child-protection.js';
import { ErrorMessage, PersonLink } from './common.js';

type Person = NonNullable<ChildResult['person']>;
type AgencyRecord = NonNullable<Person['records']>[number];

/** Purposes a user declares when opening a child; break-glass is its own deliberate action. */
const OPENING_PURPOSES: Purpose[] = ['TRIAGE', 'AGENCY_CHECK', 'STRATEGY', 'SECTION_47', 'DIRECT_CARE'];

const RECORD_FIELDS: Record<AgencyRecord['__typename'], Array<[string, keyof AgencyRecord]>> = {
  HealthRecord: [
    ['Practitioner', 'practitioner'],
    ['Registered GP', 'registeredGp'],
    ['Clinical notes', 'clinicalNotes'],
    ['Mental health involvement', 'mentalHealthInvolvement'],
    ['Substance misuse involvement', 'substanceMisuseInvolvement'],
  ],
  PoliceRecord: [
    ['Incident type', 'incidentType'],
    ['Detail', 'detail'],
    ['Intelligence grading', 'intelligenceGrading'],
    ['Domestic abuse risk', 'riskLevel'],
    ['Warning markers', 'warningMarkers'],
  ],
  ProbationRecord: [
    ['Offence summary', 'offenceSummary'],
    ['MAPPA level', 'mappaLevel'],
    ['Risk of serious harm to children', 'riskOfSeriousHarmToChildren'],
    ['Under supervision', 'underSupervision'],
  ],
  EducationRecord: [
    ['School', 'school'],
    ['Attendance %', 'attendancePercent'],
    ['Exclusions', 'exclusions'],
    ['DSL notes', 'dslNotes'],
  ],
  SocialCareRecord: [
    ['Legal status', 'legalStatus'],
    ['Allocated worker', 'allocatedWorker'],
    ['Previous referrals', 'previousReferrals'],
    ['Case notes', 'caseNotes'],
  ],
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
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0))
    return <span class="none">not recorded</span>;
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
  const [opened, setOpened] = useState<{
    person: Person | null;
    purpose: Purpose;
    redactions: Map<string, string>;
    chronology: ChronologyResult['chronology'] | null;
    chronologyRedactions: Map<string, string>;
  } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const [breakGlass, setBreakGlass] = useState<{ expiresAt: string | null } | null>(null);

  async function open(e: Event) {
    e.preventDefault();
    if (purpose) await load(purpose);
  }

  async function load(purpose: Purpose) {
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
          <select
            id="purpose"
            value={purpose}
            onChange={(e) => setPurpose((e.currentTarget as HTMLSelectElement).value as Purpose)}
          >
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
        <ErrorMessage message={error} />
      </section>
    );
  }

  async function breakTheGlass(reason: string) {
    const { data } = await request(OpenBreakGlass, { personId: id, reason });
    setBreakGlass({ expiresAt: data.openBreakGlass.expiresAt });
    await load('BREAK_GLASS');
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
      {breakGlass && (
        <p class="conflict" role="status" data-testid="break-glass-open">
          Break-glass is open until {dateTime(breakGlass.expiresAt)} ({timeLeft(breakGlass.expiresAt, Date.now())}). The
          holding agencies and information governance have been alerted; IG will review this use.
        </p>
      )}
      <h2>Identity</h2>
      <dl class="fields">
        {IDENTITY_FIELDS.map(([label, key]) => (
          <div key={key}>
            <dt>{label}</dt>
            <dd>
              <Value
                value={key === 'dateOfBirth' && person.dateOfBirth ? date(person.dateOfBirth) : person[key]}
                path={`person.${key}`}
                redactions={redactions}
              />
            </dd>
          </div>
        ))}
      </dl>
      <h2>Relationships</h2>
      {person.relationships?.length ? (
        <ul>
          {person.relationships.map((r, i) => (
            <li key={i}>
              {words(r.type)}: {r.relatedPerson ? <PersonLink person={r.relatedPerson} /> : 'withheld'}
            </li>
          ))}
        </ul>
      ) : (
        <p>No relationships you may see.</p>
      )}
      <h2>Previous referrals</h2>
      {person.referrals?.length ? (
        <table data-testid="previous-referrals">
          <caption>Referrals about this child you may reach, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Reference</th>
              <th scope="col">Received</th>
              <th scope="col">Status</th>
              <th scope="col">RAG</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {person.referrals.map((r, i) => (
              <tr key={r.id ?? i} data-testid="previous-referral">
                <td>
                  {r.id && r.reference ? (
                    <a href={`#/referral/${r.id}`}>{r.reference}</a>
                  ) : (
                    <Value value={r.reference} path={`person.referrals.${i}.reference`} redactions={redactions} />
                  )}
                </td>
                <td>
                  {r.receivedAt ? (
                    dateTime(r.receivedAt)
                  ) : (
                    <Value value={null} path={`person.referrals.${i}.receivedAt`} redactions={redactions} />
                  )}
                </td>
                <td>
                  <Value value={r.status} path={`person.referrals.${i}.status`} redactions={redactions} />
                </td>
                <td>
                  <Value value={r.rag} path={`person.referrals.${i}.rag`} redactions={redactions} />
                </td>
                <td>
                  <Value
                    value={r.decisionOutcome}
                    path={`person.referrals.${i}.decisionOutcome`}
                    redactions={redactions}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No earlier referrals you may see.</p>
      )}
      <ChildProtectionPathway me={me} personId={id} purpose={opened.purpose} />
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
      {!breakGlass && me.purposes.includes('BREAK_GLASS') && redactions.size > 0 && (
        <BreakGlassPanel onOpen={breakTheGlass} />
      )}
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

/**
 * Break-glass is a deliberate act: a reason of at least 20 characters, an explicit confirmation,
 * and the time box said before and after. Sealed fields stay sealed.
 */
function BreakGlassPanel({ onOpen }: { onOpen: (reason: string) => Promise<void> }) {
  const [reason, setReason] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ready = reason.trim().length >= 20 && confirmed;
  return (
    <form
      class="action break-glass"
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        onOpen(reason)
          .catch((err: Error) => setError(err.message))
          .finally(() => setBusy(false));
      }}
    >
      <h2>Emergency access (break-glass)</h2>
      <p>
        Only when a child is at immediate risk and the detail cannot wait for an agency check. It opens this child's
        agency detail to you for a limited time (never sealed fields), alerts the agencies that hold it and information
        governance, and is reviewed.
      </p>
      <label for="break-glass-reason">Why you need it now (at least 20 characters)</label>
      <textarea
        id="break-glass-reason"
        rows={3}
        required
        value={reason}
        onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)}
      />
      <div class="choice">
        <input
          type="checkbox"
          id="break-glass-confirm"
          checked={confirmed}
          onChange={(e) => setConfirmed((e.currentTarget as HTMLInputElement).checked)}
        />
        <label for="break-glass-confirm">I understand this use is alerted and reviewed</label>
      </div>
      <button type="submit" disabled={!ready || busy}>
        Open break-glass
      </button>
      <ErrorMessage message={error} />
    </form>
  );
}
