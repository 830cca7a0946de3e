import { useEffect, useState } from 'preact/hooks';
import { request } from '../api.js';
import { words } from '../format.js';
import { AttendanceByAgency, Board, type AttendanceByAgencyResult, type BoardResult } from '../generated/operations.js';
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
    Promise.all(
      months.map(async (m) => ({ month: m, metrics: (await request(Board, { period: { month: m } })).data.metrics })),
    ).then(
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
            <select
              id="board-month"
              value={month}
              onChange={(e) => setMonth((e.currentTarget as HTMLSelectElement).value)}
            >
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
                bars={(['RED', 'AMBER', 'GREEN'] as const).map((s) => ({
                  label: words(s),
                  value: current.measures.filter((m) => m.status === s).length,
                  tone: TONE[s],
                }))}
              />
              <table class="measures">
                <caption>
                  Measures for {current.current.period.label}, with the trend over {MONTHS} months
                </caption>
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
                        <span
                          class={`rag rag-${m.status === 'RED' || m.status === 'AMBER' || m.status === 'GREEN' ? m.status.toLowerCase() : 'none'}`}
                        >
                          {words(m.status)}
                        </span>
                      </td>
                      <td>{words(m.direction)}</td>
                      <td>
                        <Sparkline
                          title={m.label}
                          target={m.target}
                          points={series.map((s) => ({
                            label: s.month,
                            value: s.metrics.measures.find((x) => x.key === m.key)?.value ?? null,
                          }))}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Attendance month={month} />
              <h2>Overdue agency checks now</h2>
              {current.overdueChecksByAgency.length ? (
                <BarChart
                  title="Overdue checks by agency"
                  bars={current.overdueChecksByAgency.map((a) => ({ label: a.agency, value: a.count, tone: 'red' }))}
                />
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

type Attendance = AttendanceByAgencyResult['attendanceStatistics'];

/** The month as [first instant, first instant of the next month) in UTC (the hub counts meetings held in it). */
function monthRange(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { from: new Date(Date.UTC(y, m - 1, 1)).toISOString(), to: new Date(Date.UTC(y, m, 1)).toISOString() };
}

/** Attendance by agency at meetings held in the month: the rate as bars, every count in the table. */
function Attendance({ month }: { month: string }) {
  const [stats, setStats] = useState<Attendance | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stopped = false;
    setStats(null);
    request(AttendanceByAgency, monthRange(month)).then(
      ({ data }) => !stopped && setStats(data.attendanceStatistics),
      (e: Error) => !stopped && setError(e.message),
    );
    return () => {
      stopped = true;
    };
  }, [month]);
  const rated = (stats?.byAgency ?? []).filter((a) => a.attendanceRate !== null);
  return (
    <section aria-labelledby="attendance-title" data-testid="attendance">
      <h2 id="attendance-title">Meeting attendance by agency</h2>
      <ErrorMessage message={error} />
      {!stats && !error && <p>Loading…</p>}
      {stats && (
        <>
          <p>
            {stats.meetings} meetings held, {stats.nonQuorateMeetings} not quorate.
          </p>
          {rated.length > 0 && (
            <BarChart
              title="Attendance rate by agency"
              unit="%"
              bars={rated.map((a) => {
                const pct = Math.round((a.attendanceRate ?? 0) * 100);
                return { label: a.agency, value: pct, tone: pct >= 90 ? 'green' : pct >= 75 ? 'amber' : 'red' };
              })}
            />
          )}
          {stats.byAgency.length > 0 ? (
            <table>
              <caption>Invitations and attendance by agency, {month}</caption>
              <thead>
                <tr>
                  <th scope="col">Agency</th>
                  <th scope="col">Invited</th>
                  <th scope="col">Attended</th>
                  <th scope="col">Apologies</th>
                  <th scope="col">Information only</th>
                  <th scope="col">Did not attend</th>
                  <th scope="col">Not recorded</th>
                  <th scope="col">Missed when required</th>
                  <th scope="col">Rate</th>
                </tr>
              </thead>
              <tbody>
                {stats.byAgency.map((a) => (
                  <tr key={a.agency} data-testid="attendance-row">
                    <th scope="row">{a.agency}</th>
                    <td>{a.invited}</td>
                    <td>{a.attended}</td>
                    <td>{a.apologies}</td>
                    <td>{a.informationOnly}</td>
                    <td>{a.didNotAttend}</td>
                    <td>{a.notRecorded}</td>
                    <td>{a.missedWhenRequired}</td>
                    <td>{a.attendanceRate === null ? '—' : `${Math.round(a.attendanceRate * 100)}%`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>No meetings were held in {month}.</p>
          )}
        </>
      )}
    </section>
  );
}
