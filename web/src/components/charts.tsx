// Charts (recharts) wrapped for accessibility: the wrapper is one image with a summary as
// its name, the SVG inside is presentational, and every chart has a table beside it with
// the same figures (the accessible alternative). Colours contrast at least 3:1 with white.
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
