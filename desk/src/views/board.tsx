import { useEffect, useState } from 'preact/hooks';
import { request } from '../api.js';
import { words } from '../format.js';
import { Board, type BoardResult } from '../generated/operations.js';
import { ErrorMessage } from './common.js';
import { BarChart, Sparkline } from './charts.js';

type Metrics = BoardResult['metrics'];
type Measure = Metrics['measures'][number];

const MONTHS = 6;

/** The last `n` calendar months before this one, oldest first, as YYYY-MM. */
function lastMonths(n: number): string[] {
  const now = new Date();
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (n - i), 1));
    return d.toISOString().slice(0, 7);
  });
}

function show(m: Pick<Measure, 'unit'>, v: number | null | undefined): string {
  if (v === null || v === undefined) return 'no data';
  if (m.unit === 'SHARE') return `${Math.round(v * 1000) / 10}%`;
  if (m.unit === 'HOURS') return `${Math.round(v * 10) / 10} h`;
  return String(v);
}

const TONE = { GREEN: 'green', AMBER: 'amber', RED: 'red' } as const;

/** The board: the governance measures for a month, with trends over six months (managers, IG). */
export function BoardView() {
  const months = lastMonths(MONTHS);
  const [month, setMonth] = useState(months[months.length - 1]!);
  const [series, setSeries] = useState<Array<{ month: string; metrics: Metrics }> | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    Promise.all(months.map(async (m) => ({ month: m, metrics: (await request(Board, { period: { month: m } })).data.metrics }))).then(
      (all) => !stopped && setSeries(all),
      (e: Error) => !stopped && setError(e.message),
    );
    return () => {
      stopped = true;
    };
  }, []);

  const current = series?.find((s) => s.month === month)?.metrics;
  return (
    <section aria-labelledby="board-title">
      <h1 id="board-title">Board</h1>
      <ErrorMessage message={error} />
      {!series && !error && <p>Loading…</p>}
      {series && (
        <>
          <form class="filters" onSubmit={(e) => e.preventDefault()}>
            <label for="board-month">Month</label>
            <select id="board-month" value={month} onChange={(e) => setMonth((e.currentTarget as HTMLSelectElement).value)}>
              {months.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </form>
          {current && (
            <>
              <h2>Against target: {current.current.period.label}</h2>
              <BarChart
                title="Measures by RAG against target"
                bars={(['RED', 'AMBER', 'GREEN'] as const).map((s) => ({ label: words(s), value: current.measures.filter((m) => m.status === s).length, tone: TONE[s] }))}
              />
              <table class="measures">
                <caption>Measures for {current.current.period.label}, with the trend over {MONTHS} months</caption>
                <thead>
                  <tr>
                    <th scope="col">Measure</th>
                    <th scope="col">Value</th>
                    <th scope="col">Previous</th>
                    <th scope="col">Target</th>
                    <th scope="col">RAG</th>
                    <th scope="col">Direction</th>
                    <th scope="col">Trend</th>
                  </tr>
                </thead>
                <tbody>
                  {current.measures.map((m) => (
                    <tr key={m.key} data-testid="measure">
                      <th scope="row">{m.label}</th>
                      <td>{show(m, m.value)}</td>
                      <td>{show(m, m.previousValue)}</td>
                      <td>{m.target === null ? '—' : show(m, m.target)}</td>
                      <td>
                        <span class={`rag rag-${m.status === 'RED' || m.status === 'AMBER' || m.status === 'GREEN' ? m.status.toLowerCase() : 'none'}`}>{words(m.status)}</span>
                      </td>
                      <td>{words(m.direction)}</td>
                      <td>
                        <Sparkline
                          title={m.label}
                          target={m.target}
                          points={series.map((s) => ({ label: s.month, value: s.metrics.measures.find((x) => x.key === m.key)?.value ?? null }))}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h2>Overdue agency checks now</h2>
              {current.overdueChecksByAgency.length ? (
                <BarChart title="Overdue checks by agency" bars={current.overdueChecksByAgency.map((a) => ({ label: a.agency, value: a.count, tone: 'red' }))} />
              ) : (
                <p>No agency check is overdue.</p>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}
