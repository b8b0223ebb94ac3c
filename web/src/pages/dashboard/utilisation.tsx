// Utilisation: licences in use ÷ licences whose use is reported, both release measures, shown
// wherever the vendor's cell is published, so shelfware is visible across the network. The
// lowest utilisation comes first: that is where the network pays for licences nobody uses.
import { Paragraph } from 'suomifi-ui-components';
import { RangeBarFigure, type RangeDatum } from '../../components/charts';
import { DataTable, Section } from '../../components/ui';
import { formatInt, formatPercent } from '../../format';
import { useI18n } from '../../i18n';
import { MARGIN, memberLabel, utilisationOf, valueOf, type ReleaseCell, type ReleaseTable } from '../../release';

interface Row {
  vendor: string;
  used: number;
  reported: number;
  utilisation: number;
}

const percentTick = (v: number) => `${Math.round(v * 100)} %`;

export function UtilisationSection({ table }: { table: ReleaseTable }) {
  const words = useI18n();
  const { t } = words;
  const row = (c: ReleaseCell | undefined): Row | null => {
    const u = utilisationOf(c);
    if (!c || u === null) return null;
    return { vendor: String(c.vendor), used: valueOf(c, 'in_use_licences') ?? 0, reported: valueOf(c, 'usage_reported_licences') ?? 0, utilisation: u };
  };
  const rows = table.cells
    .filter((c) => c.vendor !== MARGIN)
    .map(row)
    .filter((r): r is Row => r !== null)
    .sort((a, b) => a.utilisation - b.utilisation);
  const network = row(table.cells.find((c) => c.vendor === MARGIN));
  const title = t('release.utilisationTitle');
  const data: RangeDatum[] = rows.map((r) => ({
    name: memberLabel(words, 'vendor', r.vendor),
    value: r.utilisation,
    low: null,
    span: null,
    text: formatPercent(r.utilisation),
  }));
  const lowest = data
    .slice(0, 3)
    .map((d) => `${d.name} ${d.text}`)
    .join('; ');
  const summary = [
    t('chart.bars', { title }),
    lowest ? t('release.utilisationLowest', { values: lowest }) : t('chart.noValues'),
    t('chart.tableBelow'),
  ].join(' ');
  return (
    <Section title={title} id="utilisation">
      <Paragraph>{t('release.utilisationIntro')}</Paragraph>
      {network && (
        <Paragraph>
          {t('release.utilisationNetwork', {
            share: formatPercent(network.utilisation),
            unused: formatInt(network.reported - network.used),
          })}
        </Paragraph>
      )}
      {rows.length === 0 ? (
        <Paragraph>{t('release.utilisationNone')}</Paragraph>
      ) : (
        <>
          <RangeBarFigure
            summary={summary}
            data={data}
            money={false}
            format={percentTick}
            horizontal
            legend={{ exact: t('release.legendExact'), range: t('release.legendRange') }}
          />
          <DataTable<Row>
            caption={title}
            rows={rows}
            rowKey={(r) => r.vendor}
            columns={[
              { key: 'vendor', label: t('inventory.vendor'), render: (r) => memberLabel(words, 'vendor', r.vendor), sort: (r) => r.vendor },
              { key: 'reported', label: t('release.usageReported'), render: (r) => formatInt(r.reported), sort: (r) => r.reported, numeric: true },
              { key: 'used', label: t('release.inUse'), render: (r) => formatInt(r.used), sort: (r) => r.used, numeric: true },
              { key: 'unused', label: t('release.unused'), render: (r) => formatInt(r.reported - r.used), sort: (r) => r.reported - r.used, numeric: true },
              { key: 'share', label: t('release.utilisation'), render: (r) => formatPercent(r.utilisation), sort: (r) => r.utilisation, numeric: true },
            ]}
          />
        </>
      )}
    </Section>
  );
}
