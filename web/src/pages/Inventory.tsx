import { useMemo, useState } from 'react';
import { Paragraph } from 'suomifi-ui-components';
import { apiGet } from '../api/client';
import type { Inventory, LicenceLine, OrgView } from '../api/types';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { DataTable, ErrorNotice, Loading, Page, TextField, useLoad, type Column } from '../components/ui';
import { formatCents, formatDate, formatDateTime, formatInt } from '../format';
import { ConfidentialMark } from '../components/Confidential';

export function InventoryPage({ orgId, showOrgName }: { orgId: string | null; showOrgName?: boolean }) {
  const { t, term } = useI18n();
  const { data, error } = useLoad(
    () => (orgId ? apiGet<Inventory>(`/api/orgs/${orgId}/inventory`) : Promise.resolve(null)),
    [orgId],
  );
  const org = useLoad(
    () => (orgId && showOrgName ? apiGet<OrgView>(`/api/orgs/${orgId}`) : Promise.resolve(null)),
    [orgId, showOrgName],
  );
  const [filter, setFilter] = useState('');
  const lines = data?.lines ?? [];
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    if (!f) return lines;
    return lines.filter((l) =>
      [l.vendor, l.vendor_canonical, l.product, l.sku ?? '', l.reseller ?? ''].some((v) => v.toLowerCase().includes(f)),
    );
  }, [lines, filter]);

  const columns: Column<LicenceLine>[] = [
    { key: 'vendor', label: t('inventory.vendor'), render: (l) => l.vendor_canonical, sort: (l) => l.vendor_canonical },
    { key: 'product', label: t('inventory.product'), render: (l) => l.product, sort: (l) => l.product },
    {
      key: 'type',
      label: t('inventory.licenceType'),
      render: (l) => term('licence_type', l.licence_type),
      sort: (l) => term('licence_type', l.licence_type),
    },
    {
      key: 'quantity',
      label: t('inventory.quantity'),
      render: (l) => `${l.quantity_approximate ? '~' : ''}${formatInt(l.quantity)}`,
      sort: (l) => l.quantity,
      numeric: true,
    },
    {
      key: 'cost',
      label: t('inventory.annualCost'),
      render: (l) => formatCents(l.annual_cost_cents),
      sort: (l) => l.annual_cost_cents,
      numeric: true,
    },
    {
      key: 'contract',
      label: t('inventory.contractType'),
      render: (l) => term('contract_type', l.contract_type),
      sort: (l) => term('contract_type', l.contract_type),
    },
    { key: 'end', label: t('inventory.contractEnd'), render: (l) => formatDate(l.contract_end), sort: (l) => l.contract_end },
    {
      key: 'channel',
      label: t('inventory.channel'),
      render: (l) => term('channel', l.channel),
      sort: (l) => term('channel', l.channel),
    },
  ];

  const orgName = org.data?.name;
  const title = showOrgName && orgName ? t('inventory.titleOf', { org: orgName }) : t('inventory.title');
  const s = data?.submission;
  return (
    <Page title={title}>
      <ConfidentialMark />
      {showOrgName && orgId && (
        <p>
          <Link to={`/parties/${orgId}/history`}>{t('nav.history')}</Link>
        </p>
      )}
      <ErrorNotice error={error} />
      {!data && !error && orgId && <Loading />}
      {data && !s && <Paragraph>{t('inventory.none')}</Paragraph>}
      {data && s && (
        <>
          <Paragraph>
            {t('inventory.version', {
              version: s.version ?? '–',
              date: formatDateTime(s.uploaded_at),
              lines: formatInt(s.line_count),
              cost: formatCents(s.annual_cost_cents),
            })}
          </Paragraph>
          <div className="filter">
            <TextField label={t('common.filter')} hint={t('common.filterHint')} value={filter} onChange={setFilter} />
            <p className="count" role="status">
              {t('common.rowsShown', { shown: formatInt(shown.length), total: formatInt(lines.length) })}
            </p>
          </div>
          <DataTable
            caption={t('inventory.caption')}
            columns={columns}
            rows={shown}
            rowKey={(l) => `${l.source_row}`}
            initialSort={{ key: 'cost', dir: 'desc' }}
          />
        </>
      )}
    </Page>
  );
}
