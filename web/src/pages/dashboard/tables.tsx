// The release's linked tables as sections: a chart and a table each. Ranges are shown as
// ranges in both (cells.tsx); utilisation sits beside the vendor totals.
import { useMemo } from 'react';
import { RangeBarFigure, type RangeDatum } from '../../components/charts';
import { DataTable, Section } from '../../components/ui';
import { formatCents, formatPercent } from '../../format';
import { useI18n, type Translate } from '../../i18n';
import { MARGIN, memberLabel, memberOf, memberOrder, utilisationOf, type Dimension, type Measure, type ReleaseCell, type ReleaseTable } from '../../release';
import { CellValue, cellSortKey, isMoney, MEASURE_LABEL, rangeChartData, rangeChartSummary, SECTION_TITLE } from './cells';

/** The chart of a section: exact bars, ranges hatched, its summary as its name. */
export function ReleaseChart({ title, data, hidden, ranges, measure, horizontal }: {
  title: string;
  data: RangeDatum[];
  hidden: number;
  ranges: number;
  measure: Measure;
  horizontal: boolean;
}) {
  const { t } = useI18n();
  return (
    <RangeBarFigure
      summary={rangeChartSummary(t, title, data, hidden, ranges)}
      data={data}
      money={isMoney(measure)}
      horizontal={horizontal}
      legend={{ exact: t('release.legendExact'), range: t('release.legendRange') }}
    />
  );
}

export function VendorSection({ table, measure }: { table: ReleaseTable; measure: Measure }) {
  const words = useI18n();
  const { t } = words;
  const cells = table.cells.filter((c) => c.vendor !== MARGIN);
  const chart = rangeChartData(words, cells, 'vendor', measure);
  const column = (key: string, m: Measure) => ({
    key,
    label: t(MEASURE_LABEL[m]),
    render: (c: ReleaseCell) => <CellValue cell={c} measure={m} />,
    sort: (c: ReleaseCell) => cellSortKey(c, m),
    numeric: true,
  });
  return (
    <Section title={t('release.byVendor')} id="by-vendor">
      <ReleaseChart title={`${t('release.byVendor')}: ${t(MEASURE_LABEL[measure])}`} {...chart} measure={measure} horizontal />
      <DataTable<ReleaseCell>
        caption={t('release.byVendor')}
        rows={table.cells}
        rowKey={(c) => String(c.vendor)}
        columns={[
          {
            key: 'vendor',
            label: t('inventory.vendor'),
            render: (c) => memberLabel(words, 'vendor', String(c.vendor)),
            sort: (c) => memberOrder('vendor', String(c.vendor)),
          },
          column('orgs', 'organisations'),
          column('cost', 'annual_cost_cents'),
          column('eu', 'end_user_licences'),
          column('srv', 'server_licences'),
          {
            key: 'use',
            label: t('release.utilisation'),
            render: (c) => <Utilisation cell={c} />,
            sort: (c) => utilisationOf(c) ?? -1,
            numeric: true,
          },
        ]}
      />
    </Section>
  );
}

/** In use ÷ reported as a percentage where both are published; a dash where nothing can be said. */
export function Utilisation({ cell }: { cell: ReleaseCell }) {
  const u = utilisationOf(cell);
  return <>{u === null ? '–' : formatPercent(u)}</>;
}

export type Lookup = Map<string, Map<string, ReleaseCell>>;

export function pivot(table: ReleaseTable, dimension: string) {
  const lookup: Lookup = new Map();
  const members = new Set<string>();
  for (const c of table.cells) {
    const v = String(c.vendor);
    const m = memberOf(c, dimension);
    members.add(m);
    if (!lookup.has(v)) lookup.set(v, new Map());
    lookup.get(v)!.set(m, c);
  }
  const byOrder = (d: string) => (a: string, b: string) => memberOrder(d, a).localeCompare(memberOrder(d, b), 'fi');
  return {
    vendors: [...lookup.keys()].sort(byOrder('vendor')),
    members: [...members].sort(byOrder(dimension)),
    lookup,
  };
}

/** The chart of a `vendor × dimension` table: the totals per member (the `(*, member)` row). */
export function marginChart(words: ReturnType<typeof useI18n>, table: ReleaseTable, dimension: string, measure: Measure) {
  const { members, lookup } = pivot(table, dimension);
  const margins = members.filter((m) => m !== MARGIN).map((m) => lookup.get(MARGIN)?.get(m)).filter((c): c is ReleaseCell => !!c);
  return rangeChartData(words, margins, dimension, measure);
}

/** `vendor × dimension` as a grid: vendors down, members across, the measure in each cell. */
export function PivotTable({ table, dimension, measure, title }: { table: ReleaseTable; dimension: string; measure: Measure; title: string }) {
  const words = useI18n();
  const { t } = words;
  const { vendors, members, lookup } = useMemo(() => pivot(table, dimension), [table, dimension]);
  return (
    <div className="table-wrap" role="region" aria-labelledby={`pivot-${dimension}`} tabIndex={0}>
      <table className="data-table pivot">
        <caption id={`pivot-${dimension}`}>{t('release.pivotCaption', { title, measure: t(MEASURE_LABEL[measure]) })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('inventory.vendor')}</th>
            {members.map((m) => (
              <th scope="col" key={m} className="num">
                {memberLabel(words, dimension, m)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {vendors.map((v) => (
            <tr key={v} className={v === MARGIN ? 'total-row' : undefined}>
              <th scope="row">{memberLabel(words, 'vendor', v)}</th>
              {members.map((m) => (
                <td key={m} className="num">
                  <CellValue cell={lookup.get(v)?.get(m)} measure={measure} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `vendor × dimension`: the totals per member as a chart, the whole table as a grid. */
export function DimensionSection({ dimension, table, measure }: { dimension: Dimension; table: ReleaseTable; measure: Measure }) {
  const words = useI18n();
  const { t } = words;
  const chart = marginChart(words, table, dimension, measure);
  const sectionTitle = t(SECTION_TITLE[dimension]);
  return (
    <Section title={sectionTitle} id={`by-${dimension}`}>
      <ReleaseChart title={`${sectionTitle}: ${t(MEASURE_LABEL[measure])}`} {...chart} measure={measure} horizontal />
      <PivotTable table={table} dimension={dimension} measure={measure} title={sectionTitle} />
      {dimension === 'licence_type' && <UnitPrices table={table} t={t} />}
    </Section>
  );
}

/** The published average unit price per vendor for end-user and server licences. */
function UnitPrices({ table, t }: { table: ReleaseTable; t: Translate }) {
  const words = useI18n();
  const { vendors, lookup } = pivot(table, 'licence_type');
  const price = (c: ReleaseCell | undefined) => {
    if (!c || c.status !== 'published') return <CellValue cell={c} measure="annual_cost_cents" />;
    return <>{c.avg_unit_price_cents !== undefined ? formatCents(c.avg_unit_price_cents) : '–'}</>;
  };
  return (
    <DataTable
      caption={t('release.unitPrices')}
      rows={vendors.filter((v) => v !== MARGIN)}
      rowKey={(v) => v}
      columns={[
        { key: 'vendor', label: t('inventory.vendor'), render: (v) => memberLabel(words, 'vendor', v) },
        { key: 'eu', label: words.term('licence_type', 'end_user'), render: (v) => price(lookup.get(v)?.get('end_user')), numeric: true },
        { key: 'srv', label: words.term('licence_type', 'server'), render: (v) => price(lookup.get(v)?.get('server')), numeric: true },
      ]}
    />
  );
}

/** Products are nested in vendors: a list, and the largest products as a chart. */
export function ProductSection({ table, measure }: { table: ReleaseTable; measure: Measure }) {
  const words = useI18n();
  const { t } = words;
  // Older releases still carry `(*, product)` rows; a product is listed under its vendor only.
  const cells = table.cells.filter((c) => c.vendor !== MARGIN && c.product !== MARGIN);
  const label = (c: ReleaseCell) => `${memberLabel(words, 'product', String(c.product))} (${memberLabel(words, 'vendor', String(c.vendor))})`;
  // The chart names a product with its vendor: the same product name may sit under two vendors.
  const chart = rangeChartData(words, cells, 'product', measure, label);
  const data = chart.data.slice(0, 10);
  return (
    <Section title={t('release.byProduct')} id="by-product">
      <ReleaseChart
        title={`${t('release.topProducts')}: ${t(MEASURE_LABEL[measure])}`}
        data={data}
        hidden={chart.hidden}
        ranges={data.filter((d) => d.span !== null).length}
        measure={measure}
        horizontal
      />
      <DataTable<ReleaseCell>
        caption={t('release.pivotCaption', { title: t('release.byProduct'), measure: t(MEASURE_LABEL[measure]) })}
        rows={cells}
        rowKey={(c) => `${c.vendor}\u0000${c.product}`}
        columns={[
          { key: 'vendor', label: t('inventory.vendor'), render: (c) => memberLabel(words, 'vendor', String(c.vendor)), sort: (c) => String(c.vendor) },
          { key: 'product', label: t('inventory.product'), render: (c) => memberLabel(words, 'product', String(c.product)), sort: (c) => String(c.product) },
          { key: 'value', label: t(MEASURE_LABEL[measure]), render: (c) => <CellValue cell={c} measure={measure} />, sort: (c) => cellSortKey(c, measure), numeric: true },
        ]}
      />
    </Section>
  );
}
