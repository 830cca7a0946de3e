/**
 * Small charts as inline SVG (no chart library; nothing inline that the CSP would refuse). Each
 * chart is an image with a text alternative; the numbers are also in a table beside it.
 */

export interface Bar {
  label: string;
  value: number;
  tone?: 'red' | 'amber' | 'green' | 'plain';
}

/** Horizontal bars, one per label, with the value written at the end. */
export function BarChart({ title, bars, unit = '' }: { title: string; bars: Bar[]; unit?: string }) {
  const width = 420;
  const row = 26;
  const labelWidth = 150;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = bars.length * row + 8;
  const alt = `${title}: ${bars.map((b) => `${b.label} ${b.value}${unit}`).join(', ')}`;
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={alt}>
      {bars.map((b, i) => {
        const w = ((width - labelWidth - 60) * b.value) / max;
        return (
          <g key={b.label} transform={`translate(0 ${i * row + 4})`}>
            <text x={labelWidth - 6} y={row / 2 + 4} text-anchor="end" class="chart-label">
              {b.label}
            </text>
            <rect x={labelWidth} y={3} width={Math.max(w, 1)} height={row - 8} class={`bar bar-${b.tone ?? 'plain'}`} />
            <text x={labelWidth + w + 6} y={row / 2 + 4} class="chart-value">
              {b.value}
              {unit}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** A small line over periods, with a dashed target line when there is one. */
export function Sparkline({
  title,
  points,
  target,
}: {
  title: string;
  points: Array<{ label: string; value: number | null }>;
  target: number | null;
}) {
  const width = 220;
  const height = 60;
  const pad = 6;
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const all = target !== null ? [...values, target] : values;
  const max = Math.max(...all, 1);
  const min = Math.min(...all, 0);
  const x = (i: number) => pad + (i * (width - 2 * pad)) / Math.max(points.length - 1, 1);
  const y = (v: number) => height - pad - ((v - min) * (height - 2 * pad)) / (max - min || 1);
  const path = points
    .map((p, i) => (p.value === null ? null : `${x(i)},${y(p.value)}`))
    .filter((p): p is string => p !== null)
    .join(' ');
  const alt = `${title}, by month: ${points.map((p) => `${p.label} ${p.value ?? 'no data'}`).join(', ')}${target !== null ? `; target ${target}` : ''}`;
  return (
    <svg class="spark" viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={alt}>
      {target !== null && <line x1={pad} x2={width - pad} y1={y(target)} y2={y(target)} class="target" />}
      <polyline points={path} class="trend" />
      {points.map((p, i) =>
        p.value === null ? null : <circle key={i} cx={x(i)} cy={y(p.value)} r={2.5} class="point" />,
      )}
    </svg>
  );
}
