// A member's own figures beside the published cells they fall in. Where the cell is suppressed
// but carries a range, the member's own figure sits beside the range, and its share of the cell
// is a range too (own ÷ high end … own ÷ low end, at most 100 %: its own part is in the cell).
import { useEffect, useMemo, useState } from 'react';
import { Paragraph } from 'suomifi-ui-components';
import { apiGet } from '../../api/client';
import { DataTable, ErrorNotice, Loading, Section, SelectField, useLoad, type Column } from '../../components/ui';
import { formatCents, formatInt, formatPercent, formatPercentRange } from '../../format';
import { useI18n } from '../../i18n';
import { benchmarkRangeOf, memberLabel, memberOrder, type BenchmarkRow, type Dimension, type MemberBenchmark, type Range } from '../../release';
import { DIMENSION_LABEL, formatRange, NOTE_ID, SECTION_TITLE } from './cells';

/** The sum of two ranges (end-user plus server licences): both must be there. */
function sumRange(a: Range | null, b: Range | null): Range | null {
  return a && b ? [a[0] + b[0], a[1] + b[1]] : null;
}

export function OwnFigures({ orgId, releaseId }: { orgId: string; releaseId: string }) {
  const words = useI18n();
  const { t, lang } = words;
  const { data, error } = useLoad(
    () => apiGet<MemberBenchmark>(`/api/orgs/${orgId}/benchmark?release=${encodeURIComponent(releaseId)}`),
    [orgId, releaseId],
  );
  const [table, setTable] = useState('vendor');
  useEffect(() => setTable('vendor'), [releaseId]);
  const tables = useMemo(() => [...new Set((data?.rows ?? []).map((r) => r.table))], [data]);
  const rows = (data?.rows ?? []).filter((r) => r.table === table);
  const dimension = rows[0]?.dimensions[1];

  /** The published figure, its range, or the word for a suppressed cell without one. */
  const published = (r: BenchmarkRow, exact: (p: NonNullable<BenchmarkRow['published']>) => string, range: Range | null, money: boolean) => {
    if (r.status !== 'suppressed') return r.published ? exact(r.published) : '–';
    if (range)
      return (
        <span className="cell-range" aria-describedby={NOTE_ID}>
          {formatRange(money ? 'annual_cost_cents' : 'end_user_licences', range, lang)}
        </span>
      );
    return (
      <span className="cell-suppressed" aria-describedby={NOTE_ID}>
        {t('release.suppressed')}
      </span>
    );
  };
  const cost = (r: BenchmarkRow) => benchmarkRangeOf(r, 'annual_cost_cents');
  const licences = (r: BenchmarkRow) => sumRange(benchmarkRangeOf(r, 'end_user_licences'), benchmarkRangeOf(r, 'server_licences'));
  const share = (r: BenchmarkRow) => {
    const own = r.own.annual_cost_cents;
    if (r.published) return r.published.annual_cost_cents > 0 ? formatPercent(own / r.published.annual_cost_cents) : '–';
    const range = cost(r);
    if (!range || range[1] <= 0) return published(r, () => '–', null, true);
    return formatPercentRange(own / range[1], range[0] > 0 ? Math.min(1, own / range[0]) : 1);
  };

  const columns: Column<BenchmarkRow>[] = [
    { key: 'vendor', label: t('inventory.vendor'), render: (r) => memberLabel(words, 'vendor', r.members[0]), sort: (r) => r.members[0] },
    ...(dimension
      ? [
          {
            key: 'member',
            label: t(DIMENSION_LABEL[dimension] ?? 'release.member'),
            render: (r: BenchmarkRow) => memberLabel(words, dimension, r.members[1]),
            sort: (r: BenchmarkRow) => memberOrder(dimension, r.members[1]),
          },
        ]
      : []),
    { key: 'own', label: t('release.ownCost'), render: (r) => formatCents(r.own.annual_cost_cents), sort: (r) => r.own.annual_cost_cents, numeric: true },
    {
      key: 'pub',
      label: t('release.publishedCost'),
      render: (r) => published(r, (p) => formatCents(p.annual_cost_cents), cost(r), true),
      sort: (r) => r.published?.annual_cost_cents ?? (cost(r) ? (cost(r)![0] + cost(r)![1]) / 2 : -1),
      numeric: true,
    },
    { key: 'share', label: t('release.ownShare'), render: share, numeric: true },
    {
      key: 'qty',
      label: t('release.ownLicences'),
      render: (r) => formatInt(r.own.end_user_licences + r.own.server_licences),
      numeric: true,
    },
    {
      key: 'pubqty',
      label: t('release.publishedLicences'),
      render: (r) => published(r, (p) => formatInt(p.end_user_licences + p.server_licences), licences(r), false),
      numeric: true,
    },
    ...(table === 'vendor_by_licence_type'
      ? [
          { key: 'ownPrice', label: t('release.ownUnitPrice'), render: (r: BenchmarkRow) => formatCents(r.own_unit_price_cents), numeric: true },
          {
            key: 'pubPrice',
            label: t('release.publishedUnitPrice'),
            render: (r: BenchmarkRow) => published(r, () => formatCents(r.published_unit_price_cents), null, true),
            numeric: true,
          },
        ]
      : []),
  ];

  return (
    <Section title={t('release.ownTitle')} id="own-figures">
      <Paragraph>{t('release.ownIntro')}</Paragraph>
      <ErrorNotice error={error} />
      {!data && !error && <Loading />}
      {data && data.rows.length === 0 && <Paragraph>{t('release.ownNone')}</Paragraph>}
      {data && data.rows.length > 0 && (
        <>
          <div className="filter">
            <SelectField
              id="own-table"
              label={t('release.ownTable')}
              value={table}
              onChange={setTable}
              options={tables.map((name) => {
                const d = name.replace(/^vendor_by_/, '') as Dimension;
                return { value: name, label: name === 'vendor' ? t('release.byVendor') : t(SECTION_TITLE[d] ?? 'release.byVendor') };
              })}
            />
          </div>
          <DataTable<BenchmarkRow> caption={t('release.ownCaption')} rows={rows} rowKey={(r) => r.members.join('\u0000')} columns={columns} />
          {data.lines_skipped > 0 && <Paragraph className="muted">{t('release.ownSkipped', { count: formatInt(data.lines_skipped) })}</Paragraph>}
        </>
      )}
    </Section>
  );
}
