import { Paragraph } from 'suomifi-ui-components';
import { apiGet } from '../api/client';
import type { CostShareTable } from '../api/types';
import { useAuth } from '../auth';
import { messageFor, useI18n } from '../i18n';
import { DataTable, ErrorNotice, Loading, Page, StatusTag, useLoad } from '../components/ui';
import { formatCents, formatDate, formatInt, formatPercent } from '../format';

type Party = CostShareTable['parties'][number];
type Seat = CostShareTable['seats'][number];

export function CostSharesPage() {
  const { t, term } = useI18n();
  const { me } = useAuth();
  const member = me?.user.role === 'member';
  const { data, error } = useLoad(() => apiGet<CostShareTable>('/api/cost-shares'), []);
  return (
    <Page title={member ? t('shares.own') : t('shares.title')}>
      <Paragraph className="lead">{t('shares.intro')}</Paragraph>
      <ErrorNotice error={error} />
      {!data && !error && <Loading />}
      {data && (
        <>
          <Paragraph>{t('shares.model', { version: data.model.version, from: formatDate(data.model.valid_from) })}</Paragraph>
          {!member && (
            <dl className="summary">
              <div>
                <dt>{t('shares.total')}</dt>
                <dd>{formatCents(data.total_cents)}</dd>
              </div>
              <div>
                <dt>{t('shares.budget')}</dt>
                <dd>{formatCents(data.budget_cents)}</dd>
              </div>
              <div>
                <dt>{t('shares.coverage')}</dt>
                <dd>{formatPercent(data.coverage)}</dd>
              </div>
            </dl>
          )}
          <DataTable<Party>
            caption={t('shares.caption')}
            rows={data.parties}
            rowKey={(p) => p.org_id}
            initialSort={{ key: 'share', dir: 'desc' }}
            columns={[
              { key: 'name', label: t('common.name'), render: (p) => p.name, sort: (p) => p.name },
              { key: 'category', label: t('shares.category'), render: (p) => term('org_category', p.category), sort: (p) => term('org_category', p.category) },
              { key: 'tier', label: t('shares.tier'), render: (p) => (p.tier ? term('tier', p.tier) : '–') },
              {
                key: 'status',
                label: t('common.status'),
                render: (p) => <StatusTag status={p.status} label={term('org_status', p.status)} />,
                sort: (p) => p.status,
              },
              {
                key: 'share',
                label: t('shares.share'),
                render: (p) => (p.problem ? t('shares.problem', { problem: messageFor(t, 'error', p.problem.code) }) : formatCents(p.share_cents)),
                sort: (p) => p.share_cents,
                numeric: true,
              },
            ]}
          />
          {data.seats.length > 0 && (
            <DataTable<Seat>
              caption={t('shares.seatsCaption')}
              rows={data.seats}
              rowKey={(s) => s.key}
              columns={[
                { key: 'seat', label: t('shares.seat'), render: (s) => term('seat', s.key) },
                { key: 'members', label: t('shares.members'), render: (s) => formatInt(s.members), numeric: true },
                { key: 'parties', label: t('shares.parties'), render: (s) => formatInt(s.org_ids.length), numeric: true },
                { key: 'share', label: t('shares.share'), render: (s) => formatCents(s.share_cents), sort: (s) => s.share_cents, numeric: true },
                { key: 'weight', label: t('shares.weight'), render: (s) => formatPercent(s.weight), sort: (s) => s.weight, numeric: true },
              ]}
            />
          )}
        </>
      )}
    </Page>
  );
}
