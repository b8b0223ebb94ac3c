// The savings the network brings (action plan 1.9): realised savings by year over all
// negotiations (a figure only where enough parties contribute and none dominates), the
// network's estimates per concluded negotiation, a member's own figures, and for the
// coordinator and analysts every party's (confidential, like the inventories).
import { useMemo, type ReactNode } from 'react';
import { Paragraph } from 'suomifi-ui-components';
import { apiGet } from '../api/client';
import type { Negotiation, RealisedSaving, SavingsView, YearSavings } from '../api/types';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { DataTable, ErrorNotice, Loading, Page, Section, useLoad } from '../components/ui';
import { formatCents, formatDate, formatInt } from '../format';
import { usePartyNames } from './Negotiations';

type OwnSaving = NonNullable<SavingsView['own']>[number];
type Estimate = SavingsView['estimates'][number];

export function SavingsPage() {
  const { t, term } = useI18n();
  const { data, error } = useLoad(() => apiGet<SavingsView>('/api/savings'), []);
  const negotiations = useLoad(() => apiGet<Negotiation[]>('/api/negotiations'), []);
  const titles = useMemo(() => new Map((negotiations.data ?? []).map((n) => [n.id, n.title])), [negotiations.data]);
  const title = (id: string) => <Link to={`/negotiations/${id}`}>{titles.get(id) ?? id}</Link>;
  return (
    <Page title={t('savings.title')}>
      <Paragraph className="lead">{t('savings.intro')}</Paragraph>
      <ErrorNotice error={error} />
      {!data && !error && <Loading />}
      {data && (
        <>
          <Section title={t('savings.years')} id="savings-years">
            <Paragraph>{t('savings.rule')}</Paragraph>
            {data.years.length === 0 ? (
              <Paragraph>{t('savings.noYears')}</Paragraph>
            ) : (
              <DataTable<YearSavings>
                caption={t('savings.yearsCaption')}
                rows={data.years}
                rowKey={(y) => String(y.year)}
                columns={[
                  { key: 'year', label: t('savings.year'), render: (y) => String(y.year), sort: (y) => y.year },
                  { key: 'status', label: t('common.status'), render: (y) => <span className={`tag tag-savings-${y.status}`}>{term('savings_status', y.status)}</span> },
                  { key: 'parties', label: t('savings.parties'), render: (y) => (y.parties == null ? '–' : formatInt(y.parties)), numeric: true },
                  {
                    key: 'total',
                    label: t('savings.total'),
                    render: (y) => (y.saving_cents == null ? <span className="cell-suppressed">{t('savings.hidden')}</span> : formatCents(y.saving_cents)),
                    numeric: true,
                  },
                ]}
              />
            )}
          </Section>
          <Section title={t('savings.estimates')} id="savings-estimates">
            <Paragraph>{t('savings.estimatesIntro')}</Paragraph>
            {data.estimates.length === 0 ? (
              <Paragraph>{t('savings.noEstimates')}</Paragraph>
            ) : (
              <DataTable<Estimate>
                caption={t('savings.estimatesCaption')}
                rows={data.estimates}
                rowKey={(e) => e.negotiation_id}
                columns={[
                  { key: 'title', label: t('savings.negotiation'), render: (e) => <Link to={`/negotiations/${e.negotiation_id}`}>{e.title}</Link>, sort: (e) => e.title },
                  { key: 'vendor', label: t('negotiations.vendor'), render: (e) => e.vendor, sort: (e) => e.vendor },
                  { key: 'concluded', label: t('negotiations.concludedOn'), render: (e) => formatDate(e.concluded_on), sort: (e) => e.concluded_on, nowrap: true },
                  { key: 'estimate', label: t('negotiations.estimate'), render: (e) => formatCents(e.estimated_annual_saving_cents), sort: (e) => e.estimated_annual_saving_cents, numeric: true },
                ]}
              />
            )}
          </Section>
          {data.own && (
            <Section title={t('savings.own')} id="savings-own">
              <p className="confidential">{t('savings.confidential')}</p>
              {data.own.length === 0 ? (
                <Paragraph>{t('savings.noOwn')}</Paragraph>
              ) : (
                <DataTable<OwnSaving>
                  caption={t('savings.ownCaption')}
                  rows={data.own}
                  rowKey={(s) => `${s.negotiation_id}-${s.year}`}
                  columns={[
                    { key: 'year', label: t('savings.year'), render: (s) => String(s.year), sort: (s) => s.year },
                    { key: 'negotiation', label: t('savings.negotiation'), render: (s) => title(s.negotiation_id) },
                    { key: 'saving', label: t('savings.total'), render: (s) => formatCents(s.saving_cents), sort: (s) => s.saving_cents, numeric: true },
                  ]}
                />
              )}
            </Section>
          )}
          {data.parties && <PartyFigures rows={data.parties} title={title} />}
        </>
      )}
    </Page>
  );
}

function PartyFigures({ rows, title }: { rows: RealisedSaving[]; title: (id: string) => ReactNode }) {
  const { t } = useI18n();
  const names = usePartyNames();
  return (
    <Section title={t('savings.partyFigures')} id="savings-parties">
      <p className="confidential">{t('savings.confidential')}</p>
      <DataTable<RealisedSaving>
        caption={t('savings.partyCaption')}
        rows={rows}
        rowKey={(s) => `${s.negotiation_id}-${s.org_id}-${s.year}`}
        columns={[
          { key: 'year', label: t('savings.year'), render: (s) => String(s.year), sort: (s) => s.year },
          { key: 'party', label: t('savings.party'), render: (s) => names.get(s.org_id) ?? s.org_id, sort: (s) => names.get(s.org_id) ?? s.org_id },
          { key: 'negotiation', label: t('savings.negotiation'), render: (s) => title(s.negotiation_id) },
          { key: 'saving', label: t('savings.total'), render: (s) => formatCents(s.saving_cents), sort: (s) => s.saving_cents, numeric: true },
        ]}
      />
    </Section>
  );
}
