/**
 * Charts drawn on the server as SVG: no script, readable by screen readers (role="img" with a
 * title and a description), and always shown beside the table of the same numbers. The scale
 * starts at zero and ends at a round number, so bars and lines are not exaggerated.
 */
import Html from '@kitajs/html';
import { formatNumber } from '../web/format.ts';

export interface ChartPoint {
  /** Axis label, short ("Mar 5"). */
  label: string;
  /** Full label for the description ("week of Mar 2, 2026"). */
  longLabel: string;
  value: number;
}

export interface ChartProps {
  /** Unique on the page: ids of the title and description derive from it. */
  id: string;
  title: string;
  /** What one value is, plural ("members", "posts"). */
  unit: string;
  points: ChartPoint[];
}

const W = 640;
const H = 280;
const PAD = { top: 16, right: 16, bottom: 40, left: 56 };
const PLOT_W = W - PAD.left - PAD.right;
const PLOT_H = H - PAD.top - PAD.bottom;
const INK = '#1b1b1b';
const GRID = '#a9aeb1';
const BAR = '#005ea2';

/** The top of the scale: the smallest 1, 2 or 5 × 10ⁿ at or above `max` (at least 1). */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/** Scale lines from 0 to the top: whole numbers only, at most five steps. */
export function ticks(top: number): number[] {
  const steps = top <= 4 ? top : top % 4 === 0 ? 4 : top % 5 === 0 ? 5 : 2;
  return Array.from({ length: steps + 1 }, (_, i) => (top / steps) * i);
}

const fmt = (n: number) => formatNumber(n, 1);

/** At most `max` evenly spread indexes, always the first and last. */
export function labelIndexes(count: number, max = 6): number[] {
  if (count <= max) return Array.from({ length: count }, (_, i) => i);
  const out = new Set<number>();
  for (let i = 0; i < max; i++) out.add(Math.round((i * (count - 1)) / (max - 1)));
  return [...out];
}

/** The text that says what the chart shows: first and last, lowest and highest. */
export function describe(p: ChartProps, kind: 'line' | 'bar'): string {
  const pts = p.points;
  if (!pts.length) return `No ${p.unit} in this date range.`;
  if (pts.length === 1) return `${fmt(pts[0]!.value)} ${p.unit}, ${pts[0]!.longLabel}.`;
  const hi = pts.reduce((a, b) => (b.value > a.value ? b : a));
  const lo = pts.reduce((a, b) => (b.value < a.value ? b : a));
  const first = pts[0]!;
  const last = pts[pts.length - 1]!;
  if (kind === 'line') {
    const change = last.value - first.value;
    const trend = change === 0 ? 'no change' : `${change > 0 ? 'up' : 'down'} ${fmt(Math.abs(change))}`;
    return `${p.title}: from ${fmt(first.value)} ${p.unit} (${first.longLabel}) to ${fmt(last.value)} (${last.longLabel}), ${trend}. Highest ${fmt(hi.value)} (${hi.longLabel}), lowest ${fmt(lo.value)} (${lo.longLabel}).`;
  }
  const total = pts.reduce((n, x) => n + x.value, 0);
  return `${p.title}: ${fmt(total)} ${p.unit} over ${pts.length} periods, ${fmt(total / pts.length)} on average. Highest ${fmt(hi.value)} (${hi.longLabel}), lowest ${fmt(lo.value)} (${lo.longLabel}).`;
}

function Frame(p: ChartProps & { kind: 'line' | 'bar'; top: number; children: Html.Children }) {
  const y = (v: number) => PAD.top + PLOT_H - (v / p.top) * PLOT_H;
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      class="sg-chart"
      viewBox={`0 0 ${W} ${H}`}
      width="100%"
      role="img"
      aria-labelledby={`${p.id}-title ${p.id}-desc`}
      font-family="Source Sans Pro Web, Helvetica Neue, Helvetica, Roboto, Arial, sans-serif"
      font-size="13"
    >
      <title id={`${p.id}-title`} safe>
        {p.title}
      </title>
      <desc id={`${p.id}-desc`} safe>
        {describe(p, p.kind)}
      </desc>
      {ticks(p.top).map((t) => (
        <g>
          <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} stroke={GRID} stroke-width={t === 0 ? 1.5 : 0.5} />
          <text x={PAD.left - 8} y={y(t) + 4} text-anchor="end" fill={INK} safe>
            {fmt(t)}
          </text>
        </g>
      ))}
      {p.children as 'safe'}
    </svg>
  );
}

function Empty(p: ChartProps) {
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      class="sg-chart"
      viewBox={`0 0 ${W} 80`}
      width="100%"
      role="img"
      aria-labelledby={`${p.id}-title ${p.id}-desc`}
      font-size="14"
    >
      <title id={`${p.id}-title`} safe>
        {p.title}
      </title>
      <desc id={`${p.id}-desc`} safe>
        {describe(p, 'line')}
      </desc>
      <text x={W / 2} y={44} text-anchor="middle" fill={INK} safe>
        {`No ${p.unit} in this date range`}
      </text>
    </svg>
  );
}

function xLabels(p: ChartProps, x: (i: number) => number) {
  return labelIndexes(p.points.length).map((i) => (
    <text x={x(i)} y={H - PAD.bottom + 20} text-anchor="middle" fill={INK} safe>
      {p.points[i]!.label}
    </text>
  ));
}

/** A line over time, with a dot on each point (so one point still shows). */
export function LineChart(p: ChartProps): string {
  if (!p.points.length) return Empty(p) as string;
  const top = niceMax(Math.max(...p.points.map((x) => x.value)));
  const n = p.points.length;
  const x = (i: number) => (n === 1 ? PAD.left + PLOT_W / 2 : PAD.left + (i / (n - 1)) * PLOT_W);
  const y = (v: number) => PAD.top + PLOT_H - (v / top) * PLOT_H;
  const r = n > 60 ? 1.5 : 3;
  return (
    <Frame {...p} kind="line" top={top}>
      <polyline fill="none" stroke={BAR} stroke-width="2.5" points={p.points.map((pt, i) => `${x(i).toFixed(1)},${y(pt.value).toFixed(1)}`).join(' ')} />
      {p.points.map((pt, i) => (
        <circle cx={x(i).toFixed(1)} cy={y(pt.value).toFixed(1)} r={r} fill={BAR} />
      ))}
      {xLabels(p, x)}
    </Frame>
  ) as string;
}

/** One bar per period. */
export function BarChart(p: ChartProps): string {
  if (!p.points.length) return Empty(p) as string;
  const top = niceMax(Math.max(...p.points.map((x) => x.value)));
  const n = p.points.length;
  const slot = PLOT_W / n;
  const bar = Math.max(1, slot * 0.7);
  const x = (i: number) => PAD.left + slot * i + slot / 2;
  const y = (v: number) => PAD.top + PLOT_H - (v / top) * PLOT_H;
  return (
    <Frame {...p} kind="bar" top={top}>
      {p.points.map((pt, i) => (
        <rect
          x={(x(i) - bar / 2).toFixed(1)}
          y={y(pt.value).toFixed(1)}
          width={bar.toFixed(1)}
          height={(PAD.top + PLOT_H - y(pt.value)).toFixed(1)}
          fill={BAR}
        />
      ))}
      {xLabels(p, x)}
    </Frame>
  ) as string;
}
