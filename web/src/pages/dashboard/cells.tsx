// How a release cell reads: an exact figure, a published range (`2,4–3,2 milj. €`), the word
// for a suppressed cell that has no range (fewer than `min_orgs` contributors: nothing can be
// said), or the word for an empty cell. Tables, charts and their summaries all take their
// text from here, so a range reads the same everywhere.
import type { RangeDatum } from '../../components/charts';
import { formatCents, formatCentsRange, formatInt, formatIntRange } from '../../format';
import { useI18n, type MessageKey, type Translate, type Words } from '../../i18n';
import { memberLabel, memberOf, rangeOf, valueOf, type Dimension, type Measure, type RangeMeasure, type ReleaseCell } from '../../release';

/** The note that explains suppressed cells and ranges; cells point to it. */
export const NOTE_ID = 'suppression-note';

export const MEASURE_LABEL: Record<Measure, MessageKey> = {
  annual_cost_cents: 'release.measureCost',
  end_user_licences: 'release.measureEndUser',
  server_licences: 'release.measureServer',
  organisations: 'release.measureOrgs',
};

export const SECTION_TITLE: Record<Dimension, MessageKey> = {
  sector: 'release.bySector',
  renewal_year: 'release.byRenewalYear',
  renewal_quarter: 'release.byRenewal',
  contract_type: 'release.byContractType',
  licence_type: 'release.byLicenceType',
  channel: 'release.byChannel',
  product: 'release.byProduct',
};

export const DIMENSION_LABEL: Record<string, MessageKey> = {
  vendor: 'inventory.vendor',
  sector: 'release.sector',
  renewal_year: 'release.renewalYear',
  renewal_quarter: 'release.renewalQuarter',
  contract_type: 'inventory.contractType',
  licence_type: 'inventory.licenceType',
  channel: 'inventory.channel',
  product: 'inventory.product',
};

export function isMoney(measure: Measure | RangeMeasure): boolean {
  return measure === 'annual_cost_cents';
}

export function formatMeasure(measure: Measure | RangeMeasure, v: number | null): string {
  return isMoney(measure) ? formatCents(v) : formatInt(v);
}

export function formatRange(measure: Measure | RangeMeasure, [lo, hi]: [number, number], lang: string): string {
  return isMoney(measure) ? formatCentsRange(lo, hi, lang) : formatIntRange(lo, hi);
}

/** The cell as text: figure, range, or the word for suppressed or empty. */
export function cellText(words: Words & { lang: string }, cell: ReleaseCell | undefined, measure: Measure): string {
  if (!cell) return '–';
  if (cell.status === 'empty') return words.t('release.empty');
  if (cell.status === 'suppressed') {
    const range = rangeOf(cell, measure);
    return range ? formatRange(measure, range, words.lang) : words.t('release.suppressed');
  }
  return formatMeasure(measure, valueOf(cell, measure));
}

/** What a cell sorts by: its value, a range's middle, and below every figure a suppressed cell
 *  without a range. */
export function cellSortKey(cell: ReleaseCell, measure: Measure): number {
  if (cell.status !== 'suppressed') return valueOf(cell, measure) ?? 0;
  const range = rangeOf(cell, measure);
  return range ? (range[0] + range[1]) / 2 : -1;
}

/** A cell's value, its range, or the word for a suppressed or an empty cell. */
export function CellValue({ cell, measure }: { cell: ReleaseCell | undefined; measure: Measure }) {
  const words = useI18n();
  if (!cell) return <span className="cell-none">–</span>;
  if (cell.status === 'suppressed') {
    const range = rangeOf(cell, measure);
    return range ? (
      <span className="cell-range" aria-describedby={NOTE_ID}>
        {formatRange(measure, range, words.lang)}
      </span>
    ) : (
      <span className="cell-suppressed" aria-describedby={NOTE_ID}>
        {words.t('release.suppressed')}
      </span>
    );
  }
  if (cell.status === 'empty') return <span className="cell-empty">{words.t('release.empty')}</span>;
  return <>{formatMeasure(measure, valueOf(cell, measure))}</>;
}

/**
 * Chart data from cells: exact figures, and ranges as a low end with a span; a suppressed cell
 * without a range has no bar and is counted in `hidden`. Largest first, except the renewal
 * calendar, which keeps every period in its place (time order).
 */
export function rangeChartData(
  words: Words & { lang: string },
  cells: ReleaseCell[],
  dimension: string,
  measure: Measure,
  label: (c: ReleaseCell) => string = (c) => memberLabel(words, dimension, memberOf(c, dimension)),
) {
  const data: RangeDatum[] = [];
  let hidden = 0;
  let ranges = 0;
  const calendar = dimension === 'renewal_quarter' || dimension === 'renewal_year';
  for (const c of cells) {
    const name = label(c);
    const text = cellText(words, c, measure);
    const range = rangeOf(c, measure);
    if (c.status === 'suppressed' && !range) {
      hidden++;
      if (calendar) data.push({ name, value: null, low: null, span: null, text });
      continue;
    }
    if (range) {
      ranges++;
      data.push({ name, value: null, low: range[0], span: range[1] - range[0], text });
    } else data.push({ name, value: valueOf(c, measure) ?? 0, low: null, span: null, text });
  }
  const key = (d: RangeDatum) => d.value ?? (d.low ?? 0) + (d.span ?? 0) / 2;
  if (!calendar) data.sort((a, b) => key(b) - key(a));
  return { data, hidden, ranges };
}

/** What a chart shows, for its accessible name: the largest figures (ranges as ranges), how
 *  many bars are ranges, and what is left out. */
export function rangeChartSummary(t: Translate, title: string, data: RangeDatum[], hidden: number, ranges: number) {
  const key = (d: RangeDatum) => d.value ?? (d.low ?? 0) + (d.span ?? 0) / 2;
  const top = data
    .filter((d) => d.value !== null || d.low !== null)
    .sort((a, b) => key(b) - key(a))
    .slice(0, 3)
    .map((d) => `${d.name} ${d.text}`)
    .join('; ');
  const parts = [t('chart.bars', { title }), top ? t('chart.largest', { values: top }) : t('chart.noValues')];
  if (ranges > 0) parts.push(t('release.chartRanges', { count: formatInt(ranges) }));
  if (hidden > 0) parts.push(t('release.chartHidden', { count: formatInt(hidden) }));
  parts.push(t('chart.tableBelow'));
  return parts.join(' ');
}
