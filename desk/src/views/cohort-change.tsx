import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { HubRequestError } from '../api.js';
import { words } from '../format.js';
import { ErrorMessage, PersonLink } from './common.js';

/**
 * A change to a versioned cohort row (ADR 035): the mutation sends the version the screen shows; the
 * list is then read again with the screen's purpose (a mutation's answer carries no purpose-bound
 * field). A stale version is not retried: the user is told someone else changed it and reloads first.
 */
export function useVersionedChange(reload: () => Promise<void>) {
  const [error, setError] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [done, setDone] = useState('');

  const change: Change = async (label, run) => {
    setError(null);
    setStale(false);
    setDone('');
    try {
      await run();
    } catch (e) {
      if (e instanceof HubRequestError && e.code === 'CONFLICT') setStale(true);
      else setError((e as Error).message);
      return false;
    }
    await reload();
    // Said once the screen shows the change, never over the old state.
    setDone(`${label}: done.`);
    return true;
  };

  const feedback = (
    <>
      <p class="live" role="status">
        {done}
      </p>
      {stale && (
        <div role="alert" class="conflict">
          <p>Someone else changed this; reload to see their change before you act.</p>
          <button
            type="button"
            onClick={() => {
              setStale(false);
              void reload();
            }}
          >
            Reload
          </button>
        </div>
      )}
      <ErrorMessage message={error} />
    </>
  );
  return { change, feedback };
}

export type Change = (label: string, run: () => Promise<unknown>) => Promise<boolean>;

/**
 * The forms for the row chosen in a cohort list. Focus moves to its heading when it opens (it sits
 * after the table), so a keyboard user lands on what they asked for.
 */
export function WorkPanel({ title, testId, children }: { title: string; testId: string; children: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section class="action" aria-labelledby={`${testId}-title`} data-testid={testId}>
      <h2 id={`${testId}-title`} tabIndex={-1} ref={heading}>
        {title}
      </h2>
      {children}
    </section>
  );
}

/**
 * A cohort list read under the screen's purpose (`read` is null when the role may declare none),
 * read again when `deps` change and after each change. The latest read wins: a slower earlier one
 * (an older filter) is dropped.
 */
export function useCohortList<T>(read: (() => Promise<{ rows: T[]; more: boolean }>) | null, deps: readonly unknown[]) {
  const [rows, setRows] = useState<T[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reads = useRef(0);

  async function load(): Promise<void> {
    if (!read) return;
    const n = ++reads.current;
    try {
      const page = await read();
      if (n !== reads.current) return;
      setRows(page.rows);
      setMore(page.more);
      setError(null);
    } catch (e) {
      if (n === reads.current) setError((e as Error).message);
    }
  }

  useEffect(() => {
    setRows(null);
    void load();
  }, deps);
  return { rows, more, error, load };
}

/** The row's button that opens (and closes) its forms below the table. */
export function RecordButton({
  label,
  open,
  controls,
  onToggle,
  children,
}: {
  label: string;
  open: boolean;
  controls: string;
  onToggle: () => void;
  children?: ComponentChildren;
}) {
  return (
    <button type="button" aria-expanded={open} aria-controls={controls} onClick={onToggle}>
      {children ?? 'Record'}
      <span class="visually-hidden"> {label}</span>
    </button>
  );
}

/** Now, as a `datetime-local` value in the browser's time (the default of a "when" field). */
export function nowLocal(): string {
  const d = new Date();
  d.setSeconds(0, 0);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** Today as a `date` value in the browser's time. */
export function todayLocal(): string {
  return nowLocal().slice(0, 10);
}

/** A `datetime-local` value (browser time) as the ISO instant the hub takes. */
export function instant(local: string): string {
  return new Date(local).toISOString();
}

/** The purpose a cohort list is read under: the first of these the role may declare. */
export function firstPurpose<P extends string>(purposes: readonly string[], order: readonly P[]): P | null {
  for (const p of order) if (purposes.includes(p)) return p;
  return null;
}

/** The child of a cohort row: a link by id, saying so when the name is withheld. */
export function ChildCell({
  person,
  personId,
}: {
  person: { id: string | null; givenName: string | null; familyName: string | null } | null;
  personId: string | null;
}) {
  if (person) return <PersonLink person={person} />;
  return personId ? <a href={`#/child/${personId}`}>Child (name withheld)</a> : <>Withheld</>;
}

/**
 * A labelled choice of one value of a GraphQL enum, each shown in words (or by `text`). With `none`,
 * an empty first option of that label (a filter's "all", a form's "Choose…"), and `onChange` may get ''.
 */
export function EnumSelect<T extends string, V extends T | ''>({
  id,
  label,
  value,
  values,
  onChange,
  none,
  required,
  text = words,
}: {
  id: string;
  label: string;
  value: V;
  values: readonly T[];
  onChange: (value: V) => void;
  none?: string;
  required?: boolean;
  text?: (value: T) => string;
}) {
  return (
    <>
      <label for={id}>{label}</label>
      <select
        id={id}
        required={required}
        value={value}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value as V)}
      >
        {none !== undefined && <option value="">{none}</option>}
        {values.map((v) => (
          <option key={v} value={v}>
            {text(v)}
          </option>
        ))}
      </select>
    </>
  );
}
