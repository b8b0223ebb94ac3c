// The release dashboard: a published, protected release as charts with tables beside them.
// Suppressed cells say so (never 0, never blank), empty cells are a different word, and the
// note at the top says why figures are suppressed (§11.1, §14). Members see their own
// figures beside the published cells.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Button, Paragraph } from 'suomifi-ui-components';
import { apiGet, download } from '../api/client';
import type { ReleaseSummary } from '../api/types';
import { useAuth } from '../auth';
import { useI18n, type MessageKey, type Translate, type Words } from '../i18n';
import { Link } from '../router';
import { DataTable, ErrorNotice, Loading, Page, Section, SelectField, useLoad } from '../components/ui';
import { BarFigure, COLOURS, type Datum } from '../components/charts';
import { formatCents, formatDate, formatDateTime, formatInt, formatPercent } from '../format';
import {
  DIMENSIONS,
  MARGIN,
  MEASURES,
  memberLabel,
  memberOrder,
  tableOf,
  valueOf,
  type BenchmarkRow,
  type Dimension,
  type Measure,
  type MemberBenchmark,
  type Release,
  type ReleaseCell,
  type ReleaseTable,
} from '../release';

const NOTE_ID = 'suppression-note';

const MEASURE_LABEL: Record<Measure, MessageKey> = {
  annual_cost_cents: 'release.measureCost',
  end_user_licences: 'release.measureEndUser',
  server_licences: 'release.measureServer',
  organisations: 'release.measureOrgs',
};

const SECTION_TITLE: Record<Dimension, MessageKey> = {
  sector: 'release.bySector',
  renewal_quarter: 'release.byRenewal',
  contract_type: 'release.byContractType',
  licence_type: 'release.byLicenceType',
  channel: 'release.byChannel',
  product: 'release.byProduct',
};

const DIMENSION_LABEL: Record<string, MessageKey> = {
  vendor: 'inventory.vendor',
  sector: 'release.sector',
  renewal_quarter: 'release.renewalQuarter',
  contract_type: 'inventory.contractType',
  licence_type: 'inventory.licenceType',
  channel: 'inventory.channel',
  product: 'inventory.product',
};

function formatMeasure(measure: Measure, v: number | null): string {
  return measure === 'annual_cost_cents' ? formatCents(v) : formatInt(v);
}

/** A cell's value, or the word for a suppressed or an empty cell. */
function CellValue({ cell, measure }: { cell: ReleaseCell | undefined; measure: Measure }) {
  const { t } = useI18n();
  if (!cell) return <span className="cell-none">–</span>;
  if (cell.status === 'suppressed')
    return (
      <span className="cell-suppressed" aria-describedby={NOTE_ID}>
        {t('release.suppressed')}
      </span>
    );
  if (cell.status === 'empty') return <span className="cell-empty">{t('release.empty')}</span>;
  return <>{formatMeasure(measure, valueOf(cell, measure))}</>;
}

/** What a chart shows, for its accessible name: the largest values and what is left out. */
function chartSummary(t: Translate, title: string, data: Datum[], key: string, format: (v: number) => string, hidden: number) {
  const top = [...data]
    .sort((a, b) => Number(b[key] ?? 0) - Number(a[key] ?? 0))
    .slice(0, 3)
    .map((d) => `${d.name} ${format(Number(d[key] ?? 0))}`)
    .join('; ');
  const parts = [t('chart.bars', { title }), top ? t('chart.largest', { values: top }) : t('chart.noValues')];
  if (hidden > 0) parts.push(t('release.chartHidden', { count: formatInt(hidden) }));
  parts.push(t('chart.tableBelow'));
  return parts.join(' ');
}

/** Chart data from cells: published values only; suppressed ones are counted apart. */
function chartData(words: Words, cells: ReleaseCell[], dimension: string, measure: Measure) {
  const data: Datum[] = [];
  let hidden = 0;
  for (const c of cells) {
    if (c.status === 'suppressed') {
      hidden++;
      // The calendar keeps every quarter in its place; a suppressed one has no bar.
      if (dimension === 'renewal_quarter') data.push({ name: memberLabel(words, dimension, String(c[dimension])), value: null });
      continue;
    }
    data.push({ name: memberLabel(words, dimension, String(c[dimension])), value: valueOf(c, measure) ?? 0 });
  }
  // Largest first, except the calendar, which stays in time order.
  if (dimension !== 'renewal_quarter') data.sort((a, b) => Number(b.value) - Number(a.value));
  return { data, hidden };
}

export function DashboardPage() {
  const { t } = useI18n();
  const { me } = useAuth();
  const role = me?.user.role;
  const list = useLoad(() => apiGet<ReleaseSummary[]>('/api/releases'), []);
  const [selected, setSelected] = useState<string | null>(() => new URLSearchParams(window.location.search).get('release'));
  const [measure, setMeasure] = useState<Measure>('annual_cost_cents');
  const releases = list.data ?? [];
  const id = releases.some((r) => r.id === selected) ? selected! : releases[0]?.id ?? null;
  const release = useLoad(() => (id ? apiGet<Release>(`/api/releases/${id}`) : Promise.resolve(null)), [id]);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const data = release.data && release.data.id === id ? release.data : null;

  return (
    <Page title={t('nav.dashboard')}>
      <ErrorNotice error={list.error ?? release.error ?? downloadError} />
      {!list.data && !list.error && <Loading />}
      {list.data && releases.length === 0 && (
        <div className="placeholder" data-placeholder="release">
          <Paragraph className="lead">{t('placeholder.noRelease')}</Paragraph>
          <Paragraph>{t('placeholder.noReleaseHelp')}</Paragraph>
          {role === 'member' && <Paragraph>{t('placeholder.ownFigures')}</Paragraph>}
          {role === 'coordinator' && (
            <Paragraph>
              <Link to="/releases">{t('release.toPublish')}</Link>
            </Paragraph>
          )}
        </div>
      )}
      {releases.length > 0 && (
        <>
          <Paragraph className="lead">{t('release.intro')}</Paragraph>
          <div className="filter">
            <SelectField
              id="release-select"
              label={t('release.select')}
              value={id ?? ''}
              onChange={(v) => {
                setSelected(v);
                window.history.replaceState(null, '', `/dashboard?release=${encodeURIComponent(v)}`);
              }}
              options={releases.map((r, i) => ({
                value: r.id,
                label: `${formatDate(r.as_of)}${i === 0 ? ` (${t('release.latest')})` : ''}`,
              }))}
            />
            <SelectField
              id="measure-select"
              label={t('release.measure')}
              value={measure}
              onChange={(v) => setMeasure(v as Measure)}
              options={MEASURES.map((m) => ({ value: m, label: t(MEASURE_LABEL[m]) }))}
            />
          </div>
          {!data && !release.error && <Loading />}
          {data && (
            <ReleaseView
              release={data}
              measure={measure}
              onDownload={() =>
                download(`/api/releases/${data.id}/export.xlsx`, `lyhty-release-${data.as_of}.xlsx`).catch(setDownloadError)
              }
              own={role === 'member' && me?.user.org_id ? <OwnFigures orgId={me.user.org_id} releaseId={data.id} /> : null}
            />
          )}
        </>
      )}
    </Page>
  );
}

function ReleaseView({
  release,
  measure,
  onDownload,
  own,
}: {
  release: Release;
  measure: Measure;
  onDownload: () => void;
  /** A member's own figures, shown before the network's tables. */
  own: ReactNode;
}) {
  const { t } = useI18n();
  const vendor = tableOf(release, null);
  const total = vendor?.cells.find((c) => c.vendor === MARGIN);
  // Distinct cells: a vendor's total `(vendor, *)` is one cell shown in every table.
  const suppressed = release.tables.reduce(
    (n, tb) => n + tb.cells.filter((c) => c.status === 'suppressed' && (tb.dimensions.length === 1 || c[tb.dimensions[1]] !== MARGIN)).length,
    0,
  );
  return (
    <>
      <dl className="summary">
        <div>
          <dt>{t('release.asOf')}</dt>
          <dd>{formatDate(release.as_of)}</dd>
        </div>
        <div>
          <dt>{t('release.organisations')}</dt>
          <dd>{total?.status === 'published' ? formatInt(total.organisations) : t('release.suppressed')}</dd>
        </div>
        <div>
          <dt>{t('release.totalCost')}</dt>
          <dd>{total?.status === 'published' ? formatCents(total.annual_cost_cents) : t('release.suppressed')}</dd>
        </div>
        {release.held_back_organisations !== undefined && (
          <div>
            <dt>{t('release.heldBack')}</dt>
            <dd>{formatInt(release.held_back_organisations)}</dd>
          </div>
        )}
      </dl>
      <Paragraph className="muted">{t('release.published', { date: formatDateTime(release.created_at) })}</Paragraph>
      {(release.held_back_organisations ?? 0) > 0 && (
        <Paragraph>{t('release.heldBackHelp', { count: formatInt(release.held_back_organisations ?? 0) })}</Paragraph>
      )}
      <div className="button-row">
        <Button variant="secondary" onClick={onDownload}>
          {t('release.downloadXlsx')}
        </Button>
      </div>
      <div className="note" id={NOTE_ID}>
        <p className="note-title">{t('release.noteTitle')}</p>
        <p>{t('release.noteSuppressed', { count: formatInt(suppressed) })}</p>
        <p>{t('release.noteEmpty')}</p>
      </div>
      {own}
      {vendor && <VendorSection table={vendor} measure={measure} />}
      {DIMENSIONS.map((d) => {
        const table = tableOf(release, d);
        if (!table) return null;
        if (d === 'product') return <ProductSection key={d} table={table} measure={measure} />;
        return <DimensionSection key={d} dimension={d} table={table} measure={measure} />;
      })}
    </>
  );
}

function VendorSection({ table, measure }: { table: ReleaseTable; measure: Measure }) {
  const words = useI18n();
  const { t } = words;
  const cells = table.cells.filter((c) => c.vendor !== MARGIN);
  const { data, hidden } = chartData(words, cells, 'vendor', measure);
  const format = (v: number) => formatMeasure(measure, v);
  const title = `${t('release.byVendor')}: ${t(MEASURE_LABEL[measure])}`;
  const num = (m: Measure) => (c: ReleaseCell) => (c.status === 'suppressed' ? -1 : valueOf(c, m));
  return (
    <Section title={t('release.byVendor')} id="by-vendor">
      <BarFigure
        summary={chartSummary(t, title, data, 'value', format, hidden)}
        data={data}
        series={[{ key: 'value', name: t(MEASURE_LABEL[measure]), colour: COLOURS.primary }]}
        format={format}
        money={measure === 'annual_cost_cents'}
        horizontal
      />
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
          { key: 'orgs', label: t('release.measureOrgs'), render: (c) => <CellValue cell={c} measure="organisations" />, sort: num('organisations'), numeric: true },
          { key: 'cost', label: t('release.measureCost'), render: (c) => <CellValue cell={c} measure="annual_cost_cents" />, sort: num('annual_cost_cents'), numeric: true },
          { key: 'eu', label: t('release.measureEndUser'), render: (c) => <CellValue cell={c} measure="end_user_licences" />, sort: num('end_user_licences'), numeric: true },
          { key: 'srv', label: t('release.measureServer'), render: (c) => <CellValue cell={c} measure="server_licences" />, sort: num('server_licences'), numeric: true },
        ]}
      />
    </Section>
  );
}

/** `vendor × dimension`: the totals per member as a chart, the whole table as a grid. */
function DimensionSection({ dimension, table, measure }: { dimension: Dimension; table: ReleaseTable; measure: Measure }) {
  const words = useI18n();
  const { t } = words;
  const { vendors, members, lookup } = useMemo(() => pivot(table, dimension), [table, dimension]);
  const margins = members.filter((m) => m !== MARGIN).map((m) => lookup.get(MARGIN)?.get(m)).filter((c): c is ReleaseCell => !!c);
  const { data, hidden } = chartData(words, margins, dimension, measure);
  const format = (v: number) => formatMeasure(measure, v);
  const sectionTitle = t(SECTION_TITLE[dimension]);
  const title = `${sectionTitle}: ${t(MEASURE_LABEL[measure])}`;
  return (
    <Section title={sectionTitle} id={`by-${dimension}`}>
      <BarFigure
        summary={chartSummary(t, title, data, 'value', format, hidden)}
        data={data}
        series={[{ key: 'value', name: t(MEASURE_LABEL[measure]), colour: COLOURS.primary }]}
        format={format}
        money={measure === 'annual_cost_cents'}
        horizontal={dimension !== 'renewal_quarter'}
      />
      <div className="table-wrap" role="region" aria-labelledby={`pivot-${dimension}`} tabIndex={0}>
        <table className="data-table pivot">
          <caption id={`pivot-${dimension}`}>{t('release.pivotCaption', { title: sectionTitle, measure: t(MEASURE_LABEL[measure]) })}</caption>
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
      {dimension === 'renewal_quarter' && <JointWindows vendors={vendors} members={members} lookup={lookup} />}
      {dimension === 'licence_type' && <UnitPrices vendors={vendors} lookup={lookup} />}
    </Section>
  );
}

type Lookup = Map<string, Map<string, ReleaseCell>>;

function pivot(table: ReleaseTable, dimension: string) {
  const lookup: Lookup = new Map();
  const members = new Set<string>();
  for (const c of table.cells) {
    const v = String(c.vendor);
    const m = String(c[dimension]);
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

/** Quarters in which contracts with several vendors renew: windows for joint procurement. */
function JointWindows({ vendors, members, lookup }: { vendors: string[]; members: string[]; lookup: Lookup }) {
  const words = useI18n();
  const { t } = words;
  const rows = members
    .filter((q) => q !== MARGIN && q !== 'unknown')
    .map((q) => {
      const renewing = vendors.filter((v) => v !== MARGIN && lookup.get(v)?.get(q) && lookup.get(v)!.get(q)!.status !== 'empty');
      return { quarter: q, renewing, total: lookup.get(MARGIN)?.get(q) };
    })
    .filter((r) => r.renewing.length > 0);
  return (
    <>
      <Paragraph>{t('release.windowsHelp')}</Paragraph>
      <DataTable
        caption={t('release.windows')}
        rows={rows}
        rowKey={(r) => r.quarter}
        columns={[
          { key: 'q', label: t('release.renewalQuarter'), render: (r) => memberLabel(words, 'renewal_quarter', r.quarter), nowrap: true },
          {
            key: 'window',
            label: t('release.window'),
            render: (r) => (r.renewing.length >= 2 ? <strong>{t('release.windowYes', { count: formatInt(r.renewing.length) })}</strong> : t('common.no')),
          },
          { key: 'orgs', label: t('release.measureOrgs'), render: (r) => <CellValue cell={r.total} measure="organisations" />, numeric: true },
          { key: 'cost', label: t('release.measureCost'), render: (r) => <CellValue cell={r.total} measure="annual_cost_cents" />, numeric: true },
          {
            key: 'vendors',
            label: t('release.renewingVendors'),
            render: (r) =>
              r.renewing
                .map((v) => {
                  const c = lookup.get(v)!.get(r.quarter)!;
                  const name = memberLabel(words, 'vendor', v);
                  return c.status === 'published'
                    ? t('release.vendorOrgs', { vendor: name, count: formatInt(c.organisations) })
                    : `${name} (${t('release.suppressed')})`;
                })
                .join(', '),
          },
        ]}
      />
    </>
  );
}

/** The published average unit price per vendor for end-user and server licences. */
function UnitPrices({ vendors, lookup }: { vendors: string[]; lookup: Lookup }) {
  const words = useI18n();
  const { t } = words;
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

/** Products are nested in vendors: a list, and the largest published products as a chart. */
function ProductSection({ table, measure }: { table: ReleaseTable; measure: Measure }) {
  const words = useI18n();
  const { t } = words;
  const cells = table.cells.filter((c) => c.vendor !== MARGIN && c.product !== MARGIN);
  const label = (c: ReleaseCell) => `${memberLabel(words, 'product', String(c.product))} (${memberLabel(words, 'vendor', String(c.vendor))})`;
  const published = cells
    .filter((c) => c.status === 'published')
    .sort((a, b) => (valueOf(b, measure) ?? 0) - (valueOf(a, measure) ?? 0))
    .slice(0, 10);
  const data: Datum[] = published.map((c) => ({ name: label(c), value: valueOf(c, measure) ?? 0 }));
  const hidden = cells.filter((c) => c.status === 'suppressed').length;
  const format = (v: number) => formatMeasure(measure, v);
  const title = `${t('release.topProducts')}: ${t(MEASURE_LABEL[measure])}`;
  const num = (c: ReleaseCell) => (c.status === 'suppressed' ? -1 : valueOf(c, measure));
  return (
    <Section title={t('release.byProduct')} id="by-product">
      <BarFigure
        summary={chartSummary(t, title, data, 'value', format, hidden)}
        data={data}
        series={[{ key: 'value', name: t(MEASURE_LABEL[measure]), colour: COLOURS.primary }]}
        format={format}
        money={measure === 'annual_cost_cents'}
        horizontal
      />
      <DataTable<ReleaseCell>
        caption={t('release.pivotCaption', { title: t('release.byProduct'), measure: t(MEASURE_LABEL[measure]) })}
        rows={cells}
        rowKey={(c) => `${c.vendor}\u0000${c.product}`}
        columns={[
          { key: 'vendor', label: t('inventory.vendor'), render: (c) => memberLabel(words, 'vendor', String(c.vendor)), sort: (c) => String(c.vendor) },
          { key: 'product', label: t('inventory.product'), render: (c) => memberLabel(words, 'product', String(c.product)), sort: (c) => String(c.product) },
          { key: 'value', label: t(MEASURE_LABEL[measure]), render: (c) => <CellValue cell={c} measure={measure} />, sort: num, numeric: true },
        ]}
      />
    </Section>
  );
}

/** A member's own figures beside the published cells they fall in. */
function OwnFigures({ orgId, releaseId }: { orgId: string; releaseId: string }) {
  const words = useI18n();
  const { t } = words;
  const { data, error } = useLoad(
    () => apiGet<MemberBenchmark>(`/api/orgs/${orgId}/benchmark?release=${encodeURIComponent(releaseId)}`),
    [orgId, releaseId],
  );
  const [table, setTable] = useState('vendor');
  useEffect(() => setTable('vendor'), [releaseId]);
  const tables = useMemo(() => [...new Set((data?.rows ?? []).map((r) => r.table))], [data]);
  const rows = (data?.rows ?? []).filter((r) => r.table === table);
  const dimension = rows[0]?.dimensions[1];
  const status = (r: BenchmarkRow) =>
    r.status === 'suppressed' ? (
      <span className="cell-suppressed" aria-describedby={NOTE_ID}>
        {t('release.suppressed')}
      </span>
    ) : null;
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
          <DataTable<BenchmarkRow>
            caption={t('release.ownCaption')}
            rows={rows}
            rowKey={(r) => r.members.join('\u0000')}
            columns={[
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
                render: (r) => status(r) ?? formatCents(r.published?.annual_cost_cents),
                sort: (r) => r.published?.annual_cost_cents ?? -1,
                numeric: true,
              },
              {
                key: 'share',
                label: t('release.ownShare'),
                render: (r) =>
                  r.published && r.published.annual_cost_cents > 0
                    ? formatPercent(r.own.annual_cost_cents / r.published.annual_cost_cents)
                    : status(r) ?? '–',
                numeric: true,
              },
              {
                key: 'qty',
                label: t('release.ownLicences'),
                render: (r) => formatInt(r.own.end_user_licences + r.own.server_licences),
                numeric: true,
              },
              {
                key: 'pubqty',
                label: t('release.publishedLicences'),
                render: (r) => status(r) ?? formatInt(r.published ? r.published.end_user_licences + r.published.server_licences : null),
                numeric: true,
              },
              ...(table === 'vendor_by_licence_type'
                ? [
                    {
                      key: 'ownPrice',
                      label: t('release.ownUnitPrice'),
                      render: (r: BenchmarkRow) => formatCents(r.own_unit_price_cents),
                      numeric: true,
                    },
                    {
                      key: 'pubPrice',
                      label: t('release.publishedUnitPrice'),
                      render: (r: BenchmarkRow) => status(r) ?? formatCents(r.published_unit_price_cents),
                      numeric: true,
                    },
                  ]
                : []),
            ]}
          />
          {data.lines_skipped > 0 && <Paragraph className="muted">{t('release.ownSkipped', { count: formatInt(data.lines_skipped) })}</Paragraph>}
        </>
      )}
    </Section>
  );
}
