import { useState } from 'preact/hooks';
import { request } from '../api.js';
import { date } from '../format.js';
import { CohortChildSearch } from '../generated/operations.js';
import { ErrorMessage } from './common.js';

type Found = { id: string; label: string };

/**
 * Choosing the child a new cohort record is about (ADR 035): a search among the people the viewer
 * reaches, read under TRIAGE (the hub scopes and audits it), then one radio button per child. The
 * chosen id is state, never the URL; the names stay on the page only.
 */
export function ChildChooser({ idPrefix, onChoose }: { idPrefix: string; onChoose: (id: string | null) => void }) {
  const [given, setGiven] = useState('');
  const [family, setFamily] = useState('');
  const [born, setBorn] = useState('');
  const [found, setFound] = useState<Found[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function search() {
    setError(null);
    setChosen(null);
    onChoose(null);
    try {
      const { data } = await request(CohortChildSearch, {
        purpose: 'TRIAGE',
        input: { givenName: given.trim() || null, familyName: family.trim() || null, dateOfBirth: born || null },
      });
      setFound(
        data.searchPeople.flatMap(({ person: p }) =>
          p?.id && p.kind !== 'ADULT'
            ? [
                {
                  id: p.id,
                  label: `${p.givenName ?? 'Name withheld'} ${p.familyName ?? ''}, born ${p.dateOfBirth ? date(p.dateOfBirth) : 'not known'}`,
                },
              ]
            : [],
        ),
      );
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <fieldset>
      <legend>The child</legend>
      <label for={`${idPrefix}-given`}>Given name</label>
      <input
        id={`${idPrefix}-given`}
        value={given}
        onInput={(e) => setGiven((e.currentTarget as HTMLInputElement).value)}
      />
      <label for={`${idPrefix}-family`}>Family name</label>
      <input
        id={`${idPrefix}-family`}
        value={family}
        onInput={(e) => setFamily((e.currentTarget as HTMLInputElement).value)}
      />
      <label for={`${idPrefix}-born`}>Date of birth</label>
      <input
        id={`${idPrefix}-born`}
        type="date"
        value={born}
        onInput={(e) => setBorn((e.currentTarget as HTMLInputElement).value)}
      />
      <button type="button" disabled={!given.trim() && !family.trim()} onClick={() => void search()}>
        Find the child
      </button>
      <ErrorMessage message={error} />
      {found && found.length === 0 && <p role="status">No child found that you reach.</p>}
      {found?.map((f) => (
        <div class="choice" key={f.id}>
          <input
            type="radio"
            id={`${idPrefix}-${f.id}`}
            name={`${idPrefix}-child`}
            checked={chosen === f.id}
            onChange={() => {
              setChosen(f.id);
              onChoose(f.id);
            }}
          />
          <label for={`${idPrefix}-${f.id}`}>{f.label}</label>
        </div>
      ))}
    </fieldset>
  );
}
