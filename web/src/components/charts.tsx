// Charts (recharts) wrapped for accessibility: the wrapper is one image with a summary as
// its name, the SVG inside is presentational, and every chart has a table beside it with
// the same figures (the accessible alternative). Colours contrast at least 3:1 with white.
import { useId } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

export const COLOURS = {
  primary: '#2a6ebb',
  secondary: '#5f686d',
  tertiary: '#00785a',
};

export interface Series {
  key: string;
  name: string;
  colour: string;
}

export type Datum = { name: string } & Record<string, number | string | null>;

const compact = new Intl.NumberFormat('fi-FI', { notation: 'compact', maximumFractionDigits: 1 });

/** Axis ticks: `1,2 milj. €`-style for money, `12 t.`-style for counts. */
export function compactTick(money: boolean) {
  return (v: number) => (money ? `${compact.format(v / 100)} €` : compact.format(v));
}

function shorten(s: string, max = 18): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

const AXIS = { fill: '#29292f', fontSize: 13 };

/**
 * Bars per category. `horizontal` draws the bars sideways, with the category names on the
 * left (long vendor names stay readable on a phone).
 */
export function BarFigure({
  summary,
  data,
  series,
  format,
  money,
  horizontal,
}: {
  summary: string;
  data: Datum[];
  series: Series[];
  format: (v: number) => string;
  money: boolean;
  horizontal?: boolean;
}) {
  const height = horizontal ? Math.max(160, data.length * (series.length > 1 ? 40 : 30) + 60) : 300;
  return (
    <div className="chart" role="img" aria-label={summary}>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart
          data={data}
          layout={horizontal ? 'vertical' : 'horizontal'}
          margin={{ top: 8, right: 32, bottom: 8, left: 8 }}
          accessibilityLayer={false}
        >
          <CartesianGrid strokeDasharray="3 3" stroke="#c8cdd0" />
          {horizontal ? (
            <>
              <XAxis type="number" tickFormatter={compactTick(money)} tick={AXIS} />
              <YAxis type="category" dataKey="name" width={130} tick={AXIS} tickFormatter={(s: string) => shorten(s)} interval={0} />
            </>
          ) : (
            <>
              <XAxis dataKey="name" tick={AXIS} tickFormatter={(s: string) => shorten(s, 12)} />
              <YAxis tickFormatter={compactTick(money)} tick={AXIS} width={80} />
            </>
          )}
          <Tooltip formatter={(v) => format(Number(v))} />
          {series.length > 1 && <Legend wrapperStyle={{ color: '#29292f' }} />}
          {series.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.name} fill={s.colour} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Lines over time (cumulative plan against actual). */
export function LineFigure({
  summary,
  data,
  series,
  format,
}: {
  summary: string;
  data: Datum[];
  series: Series[];
  format: (v: number) => string;
}) {
  return (
    <div className="chart" role="img" aria-label={summary}>
      <ResponsiveContainer width="100%" height={300}>
        <LineChart data={data} margin={{ top: 8, right: 32, bottom: 8, left: 8 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" stroke="#c8cdd0" />
          <XAxis dataKey="name" tick={AXIS} />
          <YAxis tickFormatter={compactTick(true)} tick={AXIS} width={80} />
          <Tooltip formatter={(v) => format(Number(v))} />
          <Legend wrapperStyle={{ color: '#29292f' }} />
          {series.map((s, i) => (
            <Line
              key={s.key}
              dataKey={s.key}
              name={s.name}
              stroke={s.colour}
              strokeWidth={3}
              strokeDasharray={i === 0 ? undefined : i === 1 ? '8 4' : '2 3'}
              dot={{ r: 4 }}
              connectNulls={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

/**
 * A bar per category where a bar is either an exact figure or a published range: a range is
 * drawn solid up to its low end (the part that is certain) with a hatched segment from the
 * low to the high end. `text` is the figure as the tables write it (`2,4–3,2 milj. €`), which
 * the tooltip shows; the legend below the chart names the two kinds of bar.
 */
export interface RangeDatum {
  name: string;
  /** The exact figure, or null. */
  value: number | null;
  /** A range's low end, or null. */
  low: number | null;
  /** A range's high end minus its low end, or null. */
  span: number | null;
  text: string;
}

export function RangeBarFigure({
  summary,
  data,
  money,
  horizontal,
  legend,
  format,
}: {
  summary: string;
  data: RangeDatum[];
  money: boolean;
  horizontal?: boolean;
  /** The legend's words: the exact figure and the range. */
  legend: { exact: string; range: string };
  format?: (v: number) => string;
}) {
  // An id fit for `url(#…)`: useId's colons are not.
  const hatch = `hatch${useId().replace(/[^a-zA-Z0-9]/g, '')}`;
  const height = horizontal ? Math.max(160, data.length * 30 + 60) : 300;
  const ranges = data.some((d) => d.span !== null);
  const tick = format ?? compactTick(money);
  return (
    <div className="chart" role="img" aria-label={summary}>
      <svg width="0" height="0" className="chart-defs" aria-hidden="true" focusable="false">
        <defs>
          <pattern id={hatch} width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="8" height="8" fill="#fff" />
            <rect width="3" height="8" fill={COLOURS.primary} />
          </pattern>
        </defs>
      </svg>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart
          data={data}
          layout={horizontal ? 'vertical' : 'horizontal'}
          margin={{ top: 8, right: 32, bottom: 8, left: 8 }}
          accessibilityLayer={false}
        >
          <CartesianGrid strokeDasharray="3 3" stroke="#c8cdd0" />
          {horizontal ? (
            <>
              <XAxis type="number" tickFormatter={tick} tick={AXIS} />
              <YAxis type="category" dataKey="name" width={130} tick={AXIS} tickFormatter={(s: string) => shorten(s)} interval={0} />
            </>
          ) : (
            <>
              <XAxis dataKey="name" tick={AXIS} tickFormatter={(s: string) => shorten(s, 12)} />
              <YAxis tickFormatter={tick} tick={AXIS} width={80} />
            </>
          )}
          <Tooltip content={RangeTooltip} />
          <Bar dataKey="value" stackId="bar" fill={COLOURS.primary} isAnimationActive={false} />
          <Bar dataKey="low" stackId="bar" fill={COLOURS.primary} isAnimationActive={false} />
          <Bar dataKey="span" stackId="bar" fill={`url(#${hatch})`} stroke={COLOURS.primary} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      {ranges && (
        <p className="chart-legend">
          <span className="swatch swatch-exact" /> {legend.exact}
          <span className="swatch swatch-range" /> {legend.range}
        </p>
      )}
    </div>
  );
}

/** The category and its figure as the table writes it (a range stays one range). */
function RangeTooltip({ active, payload }: { active?: boolean; payload?: ReadonlyArray<{ payload?: RangeDatum }> }) {
  const d = payload?.[0]?.payload;
  if (!active || !d) return null;
  return (
    <div className="chart-tooltip">
      <strong>{d.name}</strong>
      <br />
      {d.text}
    </div>
  );
}
