// The renewal calendar. With a few dozen parties most vendor × quarter cells have one or two
// contributors and are suppressed, so the calendar leads with years (`vendor_by_renewal_year`,
// DISCLOSURE.md) and keeps the quarters as the detail below; a release made before the year
// table existed shows its quarters alone.
import { Paragraph } from 'suomifi-ui-components';
import { DataTable, Section } from '../../components/ui';
import { formatInt } from '../../format';
import { useI18n, type MessageKey } from '../../i18n';
import { MARGIN, memberLabel, type Measure, type ReleaseTable } from '../../release';
import { CellValue, cellText, MEASURE_LABEL, SECTION_TITLE } from './cells';
import { marginChart, pivot, PivotTable, ReleaseChart, type Lookup } from './tables';

export function RenewalSections({ years, quarters, measure }: { years?: ReleaseTable; quarters?: ReleaseTable; measure: Measure }) {
  return (
    <>
      {years && <Calendar dimension="renewal_year" table={years} measure={measure} detail={false} />}
      {quarters && <Calendar dimension="renewal_quarter" table={quarters} measure={measure} detail={!!years} />}
    </>
  );
}

function Calendar({ dimension, table, measure, detail }: { dimension: 'renewal_year' | 'renewal_quarter'; table: ReleaseTable; measure: Measure; detail: boolean }) {
  const words = useI18n();
  const { t } = words;
  const title = t(SECTION_TITLE[dimension]);
  const chart = marginChart(words, table, dimension, measure);
  const { vendors, members, lookup } = pivot(table, dimension);
  return (
    <Section title={title} id={`by-${dimension}`}>
      {detail && <Paragraph>{t('release.quartersDetail')}</Paragraph>}
      <ReleaseChart title={`${title}: ${t(MEASURE_LABEL[measure])}`} {...chart} measure={measure} horizontal={false} />
      <PivotTable table={table} dimension={dimension} measure={measure} title={title} />
      <JointWindows
        dimension={dimension}
        vendors={vendors}
        members={members}
        lookup={lookup}
        caption={dimension === 'renewal_year' ? 'release.windowsYear' : 'release.windows'}
        help={dimension === 'renewal_year' ? 'release.windowsYearHelp' : 'release.windowsHelp'}
      />
    </Section>
  );
}

/** Periods in which contracts with several vendors renew: windows for joint procurement. */
function JointWindows({
  dimension,
  vendors,
  members,
  lookup,
  caption,
  help,
}: {
  dimension: string;
  vendors: string[];
  members: string[];
  lookup: Lookup;
  caption: MessageKey;
  help: MessageKey;
}) {
  const words = useI18n();
  const { t } = words;
  const rows = members
    .filter((p) => p !== MARGIN && p !== 'unknown')
    .map((p) => {
      const renewing = vendors.filter((v) => v !== MARGIN && lookup.get(v)?.get(p) && lookup.get(v)!.get(p)!.status !== 'empty');
      return { period: p, renewing, total: lookup.get(MARGIN)?.get(p) };
    })
    .filter((r) => r.renewing.length > 0);
  return (
    <>
      <Paragraph>{t(help)}</Paragraph>
      <DataTable
        caption={t(caption)}
        rows={rows}
        rowKey={(r) => r.period}
        columns={[
          {
            key: 'period',
            label: t(dimension === 'renewal_year' ? 'release.renewalYear' : 'release.renewalQuarter'),
            render: (r) => memberLabel(words, dimension, r.period),
            nowrap: true,
          },
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
                  const c = lookup.get(v)!.get(r.period)!;
                  const name = memberLabel(words, 'vendor', v);
                  return c.status === 'published'
                    ? t('release.vendorOrgs', { vendor: name, count: formatInt(c.organisations) })
                    : `${name} (${cellText(words, c, 'annual_cost_cents')})`;
                })
                .join(', '),
          },
        ]}
      />
    </>
  );
}
