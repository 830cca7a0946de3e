import { useState } from 'preact/hooks';
import { request } from '../api.js';
import { dateTime, words } from '../format.js';
import {
  ConcernCategoryValues,
  LawfulBasisValues,
  SearchChildren,
  SubmitContact,
  type ConcernCategory,
  type LawfulBasis,
  type ReferralSource,
  type SearchChildrenResult,
  type SubmitContactResult,
} from '../generated/operations.js';
import { ErrorMessage } from './common.js';

/**
 * Who made the contact, in the DfE children-in-need census's words and groups (ADR 019). Keyed by
 * the schema's enum, so a source the hub adds or drops fails the desk's type-check until named here.
 */
export const SOURCE_LABEL: Record<ReferralSource, { group: string; label: string }> = {
  INDIVIDUAL_FAMILY: { group: 'Individual', label: 'Family member, relative or carer' },
  INDIVIDUAL_ACQUAINTANCE: { group: 'Individual', label: 'Acquaintance (including neighbours and childminders)' },
  INDIVIDUAL_SELF: { group: 'Individual', label: 'Self (the child or young person)' },
  INDIVIDUAL_OTHER: { group: 'Individual', label: 'Other individual' },
  SCHOOLS: { group: 'Education', label: 'School' },
  EDUCATION_SERVICES: { group: 'Education', label: 'Education services' },
  HEALTH_GP: { group: 'Health services', label: 'GP' },
  HEALTH_VISITOR: { group: 'Health services', label: 'Health visitor' },
  HEALTH_SCHOOL_NURSE: { group: 'Health services', label: 'School nurse' },
  HEALTH_OTHER_PRIMARY: { group: 'Health services', label: 'Other primary health services' },
  HEALTH_A_AND_E: { group: 'Health services', label: 'A&E (emergency department)' },
  HEALTH_OTHER: { group: 'Health services', label: 'Other health services' },
  HOUSING: { group: 'Other services', label: 'Housing' },
  LA_SOCIAL_CARE: { group: 'Local authority services', label: 'Social care (e.g. adult social care)' },
  LA_OTHER_INTERNAL: { group: 'Local authority services', label: 'Other internal service' },
  LA_EXTERNAL: { group: 'Local authority services', label: 'External (e.g. another local authority)' },
  LA_EARLY_HELP: { group: 'Local authority services', label: 'Early help' },
  POLICE: { group: 'Other services', label: 'Police' },
  OTHER_LEGAL_AGENCY: { group: 'Other services', label: 'Other legal agency (courts, probation, immigration…)' },
  OTHER: { group: 'Other services', label: 'Other' },
  ANONYMOUS: { group: 'Not known', label: 'Anonymous' },
  UNKNOWN: { group: 'Not known', label: 'Not known' },
};

const SOURCE_GROUPS = [...new Set(Object.values(SOURCE_LABEL).map((s) => s.group))];

export function sourceLabel(source: ReferralSource | null | undefined): string {
  return source ? `${SOURCE_LABEL[source].group}: ${SOURCE_LABEL[source].label}` : '—';
}

/** An idempotency key per contact: a retry after a lost answer never stores the contact twice. */
function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `desk-contact-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

type Consent = 'given' | 'refused' | 'not-sought';
type Match = SearchChildrenResult['searchPeople'][number];
type Person = NonNullable<Match['person']>;
type Receipt = SubmitContactResult['submitReferral'];

const value = (e: Event) => (e.currentTarget as HTMLInputElement).value;

/**
 * A contact taken at the MASH (a call, an e-mail, a visit), typed in by MASH social care: the child,
 * the concerns, who made the contact (the census source, their organisation and role), and consent
 * with the lawful basis when sharing without it. The hub acknowledges it with a reference and the
 * time the decision is due.
 */
export function ContactView() {
  const [key, setKey] = useState(newKey);
  const [givenName, setGivenName] = useState('');
  const [familyName, setFamilyName] = useState('');
  const [bornOn, setBornOn] = useState('');
  const [concerns, setConcerns] = useState<ConcernCategory[]>([]);
  const [narrative, setNarrative] = useState('');
  const [source, setSource] = useState<ReferralSource | ''>('');
  const [organisation, setOrganisation] = useState('');
  const [role, setRole] = useState('');
  const [contact, setContact] = useState('');
  const [consent, setConsent] = useState<Consent | ''>('');
  const [consentReason, setConsentReason] = useState('');
  const [lawfulBasis, setLawfulBasis] = useState<LawfulBasis | ''>('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  /** The hub's candidates for the names typed (null until searched), and the one chosen. */
  const [matches, setMatches] = useState<Person[] | null>(null);
  const [known, setKnown] = useState<Person | null>(null);
  const [searching, setSearching] = useState(false);

  const withoutConsent = consent === 'refused' || consent === 'not-sought';
  const ready =
    (known || (givenName.trim() && familyName.trim())) &&
    concerns.length > 0 &&
    narrative.trim() &&
    source &&
    consent &&
    (!withoutConsent || (consentReason.trim() && lawfulBasis));

  async function submit(e: Event) {
    e.preventDefault();
    if (!ready || !source || !consent) return;
    setBusy(true);
    setError(null);
    try {
      const { data } = await request(SubmitContact, {
        idempotencyKey: key,
        input: {
          subjects: [
            known?.id
              ? { personId: known.id }
              : {
                  newPerson: {
                    kind: 'CHILD',
                    givenName: givenName.trim(),
                    familyName: familyName.trim(),
                    bornOn: bornOn || null,
                  },
                },
          ],
          concernCategories: concerns,
          narrative: narrative.trim(),
          source,
          referrerOrganisation: organisation.trim() || null,
          referrerRole: role.trim() || null,
          referrerContact: contact.trim() || null,
          consentSought: consent !== 'not-sought',
          consentGiven: consent === 'given' ? true : consent === 'refused' ? false : null,
          consentReason: withoutConsent ? consentReason.trim() : null,
          lawfulBasis: withoutConsent ? lawfulBasis || null : null,
        },
      });
      setReceipt(data.submitReferral);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  /** Asks the hub's person matching for children like the one typed; adults are left out. */
  async function search() {
    setSearching(true);
    setError(null);
    setKnown(null);
    try {
      const { data } = await request(SearchChildren, {
        input: { familyName: familyName.trim(), givenName: givenName.trim() || null, dateOfBirth: bornOn || null },
      });
      setMatches(data.searchPeople.map((m) => m.person).filter((p): p is Person => !!p?.id && p.kind !== 'ADULT'));
    } catch (err) {
      setMatches(null);
      setError((err as Error).message);
    } finally {
      setSearching(false);
    }
  }

  /** A changed name or date is a new search: a child chosen for the old one no longer stands. */
  const typed = (set: (v: string) => void) => (e: Event) => {
    set(value(e));
    setMatches(null);
    setKnown(null);
  };

  function another() {
    setKey(newKey());
    setMatches(null);
    setKnown(null);
    for (const clear of [
      setGivenName,
      setFamilyName,
      setBornOn,
      setNarrative,
      setOrganisation,
      setRole,
      setContact,
      setConsentReason,
    ])
      clear('');
    setConcerns([]);
    setSource('');
    setConsent('');
    setLawfulBasis('');
    setReceipt(null);
  }

  if (receipt) {
    return (
      <section aria-labelledby="contact-heading">
        <h1 id="contact-heading">Contact recorded</h1>
        <p role="status" data-testid="contact-receipt">
          Contact {receipt.reference} received {dateTime(receipt.receivedAt)}. The decision on the type of response is
          due by {dateTime(receipt.expectedDecisionBy)}.
        </p>
        <p>
          <a href={`#/referral/${receipt.id}`}>Open {receipt.reference}</a>
        </p>
        <button type="button" onClick={another}>
          Take another contact
        </button>
      </section>
    );
  }

  return (
    <section aria-labelledby="contact-heading">
      <h1 id="contact-heading">New contact</h1>
      <p class="hint">
        A contact made to the MASH by telephone, e-mail or in person. Record who made it, not yourself: a neighbour's
        call you take is the neighbour's.
      </p>
      <form class="contact" onSubmit={(e) => void submit(e)}>
        <fieldset>
          <legend>The child</legend>
          <label for="contact-given">Given name</label>
          <input id="contact-given" required value={givenName} onInput={typed(setGivenName)} />
          <label for="contact-family">Family name</label>
          <input id="contact-family" required value={familyName} onInput={typed(setFamilyName)} />
          <label for="contact-born">Date of birth (if known)</label>
          <input id="contact-born" type="date" value={bornOn} onInput={typed(setBornOn)} />
          <button type="button" disabled={searching || familyName.trim().length < 2} onClick={() => void search()}>
            Is this a child the hub knows?
          </button>
          {matches && <KnownChildren matches={matches} known={known} onChoose={(p) => setKnown(p)} />}
        </fieldset>

        <fieldset>
          <legend>Who made the contact</legend>
          <label for="contact-source">Source</label>
          <select
            id="contact-source"
            required
            value={source}
            onChange={(e) => setSource(value(e) as ReferralSource | '')}
          >
            <option value="">Choose who made the contact</option>
            {SOURCE_GROUPS.map((group) => (
              <optgroup label={group} key={group}>
                {(Object.keys(SOURCE_LABEL) as ReferralSource[])
                  .filter((s) => SOURCE_LABEL[s].group === group)
                  .map((s) => (
                    <option value={s} key={s}>
                      {SOURCE_LABEL[s].label}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
          <label for="contact-organisation">Their organisation (if any)</label>
          <input
            id="contact-organisation"
            value={organisation}
            onInput={(e) => setOrganisation(value(e))}
            maxLength={200}
          />
          <label for="contact-role">Their role (if any)</label>
          <input id="contact-role" value={role} onInput={(e) => setRole(value(e))} maxLength={200} />
          <label for="contact-reach">How to reach them (if they agree)</label>
          <input id="contact-reach" value={contact} onInput={(e) => setContact(value(e))} maxLength={200} />
        </fieldset>

        <fieldset>
          <legend>Concerns</legend>
          {ConcernCategoryValues.map((c) => (
            <div class="choice" key={c}>
              <input
                type="checkbox"
                id={`concern-${c}`}
                checked={concerns.includes(c)}
                onChange={(e) =>
                  setConcerns((now) =>
                    (e.currentTarget as HTMLInputElement).checked ? [...now, c] : now.filter((x) => x !== c),
                  )
                }
              />
              <label for={`concern-${c}`}>{words(c)}</label>
            </div>
          ))}
        </fieldset>

        <label for="contact-narrative">What was said</label>
        <textarea id="contact-narrative" rows={5} required value={narrative} onInput={(e) => setNarrative(value(e))} />

        <fieldset>
          <legend>Consent to share</legend>
          {(
            [
              ['given', 'Sought and given'],
              ['refused', 'Sought and not given'],
              ['not-sought', 'Not sought'],
            ] as Array<[Consent, string]>
          ).map(([v, label]) => (
            <div class="choice" key={v}>
              <input
                type="radio"
                id={`consent-${v}`}
                name="consent"
                checked={consent === v}
                onChange={() => setConsent(v)}
              />
              <label for={`consent-${v}`}>{label}</label>
            </div>
          ))}
          {withoutConsent && (
            <>
              <label for="contact-consent-reason">Why consent was not sought or not given</label>
              <textarea
                id="contact-consent-reason"
                rows={2}
                required
                value={consentReason}
                onInput={(e) => setConsentReason(value(e))}
              />
              <label for="contact-lawful-basis">Lawful basis for sharing without consent</label>
              <select
                id="contact-lawful-basis"
                required
                value={lawfulBasis}
                onChange={(e) => setLawfulBasis(value(e) as LawfulBasis | '')}
              >
                <option value="">Choose the lawful basis</option>
                {LawfulBasisValues.map((b) => (
                  <option value={b} key={b}>
                    {words(b)}
                  </option>
                ))}
              </select>
            </>
          )}
        </fieldset>

        <button type="submit" disabled={busy || !ready}>
          Record the contact
        </button>
        <ErrorMessage message={error} />
      </form>
    </section>
  );
}

const withheld = (v: string | null | undefined) => v ?? 'withheld';

/**
 * The hub's candidates, each with what tells children apart (name, date of birth, sex, postcode;
 * a field the hub withholds says so), and "a new child" when none is the one. Nothing of it goes
 * into the address or the browser's storage.
 */
function KnownChildren({
  matches,
  known,
  onChoose,
}: {
  matches: Person[];
  known: Person | null;
  onChoose: (person: Person | null) => void;
}) {
  return (
    <fieldset data-testid="known-children">
      <legend>
        {matches.length
          ? `The hub knows ${matches.length === 1 ? 'a child' : `${matches.length} children`} like this: is it one of them?`
          : 'The hub knows no child like this.'}
      </legend>
      {matches.map((p) => (
        <div class="choice" key={p.id}>
          <input
            type="radio"
            id={`known-${p.id}`}
            name="known-child"
            checked={known?.id === p.id}
            onChange={() => onChoose(p)}
          />
          <label for={`known-${p.id}`}>
            {withheld(p.givenName)} {withheld(p.familyName)}, born {withheld(p.dateOfBirth)}, sex{' '}
            {p.sex ? words(p.sex) : 'withheld'}, postcode {withheld(p.postcode)}
            {p.kind === 'UNBORN' ? ' (unborn)' : ''}
          </label>
        </div>
      ))}
      <div class="choice">
        <input type="radio" id="known-none" name="known-child" checked={!known} onChange={() => onChoose(null)} />
        <label for="known-none">A new child: none of these</label>
      </div>
    </fieldset>
  );
}
