import { useState } from 'preact/hooks';
import { request } from '../api.js';
import { dateTime, words } from '../format.js';
import { AccessLog, ExportAccessLog, type AccessLogResult, type AuditExportFormat } from '../generated/operations.js';
import { ErrorMessage } from './common.js';

type Entry = AccessLogResult['accessLogEntries']['edges'][number]['node'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * IG: who saw a child's record — when, which fields, for what purpose, and whether they still have
 * a relationship with the child. The person id is typed or pasted (from a subject access request
 * or an alert), never put in the URL; the IG auditor's own search is audited by the hub.
 */
export function IgView() {
  const [personId, setPersonId] = useState('');
  const [actorSub, setActorSub] = useState('');
  const [breakGlass, setBreakGlass] = useState(false);
  const [withoutRelationship, setWithoutRelationship] = useState(false);
  const [exported, setExported] = useState('');
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const filterOf = (actor = actorSub) => ({
    ...(personId.trim() ? { personId: personId.trim() } : {}),
    ...(actor.trim() ? { actorSub: actor.trim() } : {}),
    ...(breakGlass ? { breakGlass: true } : {}),
    ...(withoutRelationship ? { withoutRelationship: true } : {}),
  });

  async function load(after: string | null, actor = actorSub) {
    setBusy(true);
    setError(null);
    try {
      const { data } = await request(AccessLog, { filter: filterOf(actor), first: 50, after });
      const page = data.accessLogEntries;
      setEntries((current) => [...(after ? (current ?? []) : []), ...page.edges.map((e) => e.node)]);
      setCursor(page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  /**
   * The log for a subject access request or an investigation, as a file: only for one person or one
   * actor (never the whole log at a click). The file is made in memory and handed to the browser's
   * download; nothing is kept by the desk. The hub audits the export.
   */
  async function download(format: AuditExportFormat) {
    setBusy(true);
    setError(null);
    try {
      const { data } = await request(ExportAccessLog, { filter: filterOf(), format });
      const csv = format === 'CSV';
      const url = URL.createObjectURL(
        new Blob([data.exportAccessLog], { type: csv ? 'text/csv' : 'application/fhir+ndjson' }),
      );
      const a = document.createElement('a');
      a.href = url;
      a.download = `access-log-${new Date().toISOString().slice(0, 10)}.${csv ? 'csv' : 'ndjson'}`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setExported(
        `Exported ${data.exportAccessLog.trim() ? data.exportAccessLog.trim().split('\n').length : 0} lines as ${csv ? 'CSV' : 'FHIR AuditEvent NDJSON'}.`,
      );
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const invalid = personId.trim() !== '' && !UUID.test(personId.trim());
  const targeted = (personId.trim() !== '' && !invalid) || actorSub.trim() !== '';
  return (
    <section aria-labelledby="ig-title">
      <h1 id="ig-title">Access log</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void load(null);
        }}
      >
        <label for="ig-person">Person id</label>
        <input
          id="ig-person"
          size={38}
          value={personId}
          aria-invalid={invalid}
          aria-describedby="ig-person-hint"
          onInput={(e) => setPersonId((e.currentTarget as HTMLInputElement).value)}
        />
        <span id="ig-person-hint" class="hint">
          Leave empty for every access, newest first.
        </span>
        <label for="ig-actor">Actor (user id)</label>
        <input
          id="ig-actor"
          size={16}
          value={actorSub}
          onInput={(e) => setActorSub((e.currentTarget as HTMLInputElement).value)}
        />
        <label>
          <input
            type="checkbox"
            checked={breakGlass}
            onChange={(e) => setBreakGlass((e.currentTarget as HTMLInputElement).checked)}
          />
          Break-glass only
        </label>
        <label>
          <input
            type="checkbox"
            checked={withoutRelationship}
            onChange={(e) => setWithoutRelationship((e.currentTarget as HTMLInputElement).checked)}
          />
          Only people with no relationship now
        </label>
        <button type="submit" disabled={busy || invalid}>
          Show accesses
        </button>
      </form>
      <div class="filters">
        <button
          type="button"
          disabled={busy || !targeted}
          aria-describedby="ig-export-hint"
          onClick={() => void download('CSV')}
        >
          Export CSV
        </button>
        <button
          type="button"
          disabled={busy || !targeted}
          aria-describedby="ig-export-hint"
          onClick={() => void download('FHIR_NDJSON')}
        >
          Export FHIR AuditEvents
        </button>
        <span id="ig-export-hint" class="hint">
          Exports need a person id or an actor.
        </span>
      </div>
      <p class="live" role="status">
        {exported}
      </p>
      {invalid && <p class="error">A person id looks like 8-4-4-4-12 hexadecimal characters.</p>}
      <ErrorMessage message={error} />
      {entries && (
        <table class="log">
          <caption>{entries.length} audited operations, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Purpose</th>
              <th scope="col">Operation</th>
              <th scope="col">Person and fields</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.eventId} data-testid="access-entry">
                <td>{dateTime(e.occurredAt)}</td>
                <td>
                  {e.actor.name}{' '}
                  <button
                    type="button"
                    class="link"
                    onClick={() => {
                      setActorSub(e.actor.sub);
                      void load(null, e.actor.sub);
                    }}
                  >
                    Their accesses<span class="visually-hidden"> ({e.actor.name})</span>
                  </button>
                  <br />
                  <span class="hint">
                    {e.actor.agency} · {e.actor.roles.map(words).join(', ')}
                  </span>
                </td>
                <td>
                  {words(e.purposeOfUse)}
                  {e.breakGlassReason && <div>Break-glass: {e.breakGlassReason}</div>}
                </td>
                <td>
                  {e.operationName ?? words(e.action)} ({words(e.outcome)})
                </td>
                <td>
                  {e.subjects.map((s, i) => (
                    <div key={i} class="subject">
                      <div>
                        <code>{s.personId}</code> {words(s.outcome)}
                      </div>
                      {!!s.released?.length && <div>Released: {s.released.join(', ')}</div>}
                      {!!s.redacted?.length && <div>Withheld: {s.redacted.join(', ')}</div>}
                      <div>
                        Relationship then: {s.relationships?.length ? s.relationships.map(words).join(', ') : 'none'};
                        now:{' '}
                        {s.relationshipsNow?.length ? s.relationshipsNow.map(words).join(', ') : <strong>none</strong>}
                      </div>
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" disabled={busy} onClick={() => void load(cursor)}>
          Older accesses
        </button>
      )}
    </section>
  );
}
