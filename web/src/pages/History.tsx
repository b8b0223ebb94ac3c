import { useRef, useState } from 'react';
import { Button, Heading, Paragraph } from 'suomifi-ui-components';
import { apiGet, apiPost } from '../api/client';
import type { LicenceLine, OrgView, SubmissionDiff, SubmissionMeta } from '../api/types';
import { useAuth } from '../auth';
import { messageFor, useI18n } from '../i18n';
import { DataTable, ErrorNotice, Loading, Page, StatusTag, SuccessNotice, useLoad, type Column } from '../components/ui';
import { formatCents, formatDateTime, formatInt } from '../format';
import { useSubmit } from '../submit';
import { ConfidentialMark } from '../components/Confidential';

export function HistoryPage({ orgId, showOrgName }: { orgId: string | null; showOrgName?: boolean }) {
  const { t, term } = useI18n();
  const { me } = useAuth();
  const canRestore = me?.user.role === 'member' || me?.user.role === 'coordinator';
  const { data, error, reload } = useLoad(
    () => (orgId ? apiGet<SubmissionMeta[]>(`/api/orgs/${orgId}/submissions`) : Promise.resolve([])),
    [orgId],
  );
  const org = useLoad(
    () => (orgId && showOrgName ? apiGet<OrgView>(`/api/orgs/${orgId}`) : Promise.resolve(null)),
    [orgId, showOrgName],
  );
  const [diff, setDiff] = useState<SubmissionDiff | null>(null);
  const action = useSubmit();
  const diffRef = useRef<HTMLHeadingElement>(null);

  const showDiff = (s: SubmissionMeta) =>
    action.run(async () => {
      setDiff(await apiGet<SubmissionDiff>(`/api/submissions/${s.id}/diff`));
      setTimeout(() => diffRef.current?.focus(), 0);
    });
  const restore = (s: SubmissionMeta) => {
    if (!window.confirm(t('history.confirmRestore', { version: s.version ?? '–' }))) return;
    void action.run(async () => {
      await apiPost(`/api/orgs/${orgId}/submissions/${s.id}/restore`, {});
      reload();
      return t('history.restored', { version: s.version ?? '–' });
    });
  };

  const columns: Column<SubmissionMeta>[] = [
    { key: 'version', label: t('history.version'), render: (s) => s.version ?? '–', sort: (s) => s.version ?? 0, numeric: true },
    { key: 'at', label: t('history.uploadedAt'), render: (s) => formatDateTime(s.uploaded_at), sort: (s) => s.uploaded_at, nowrap: true },
    { key: 'by', label: t('history.by'), render: (s) => s.uploaded_by_label },
    { key: 'file', label: t('history.file'), render: (s) => <span className="cell-value">{s.file_name}</span> },
    {
      key: 'status',
      label: t('common.status'),
      render: (s) => {
        const errors = (s.report as { errors?: unknown[] } | null)?.errors?.length ?? 0;
        return s.status === 'rejected' ? (
          <StatusTag status="rejected" label={t('history.rejectedErrors', { count: errors })} />
        ) : (
          <>
            <StatusTag status={s.status} label={term('submission_status', s.status)} />
            {s.is_current && <StatusTag status="current" label={t('history.current')} />}
          </>
        );
      },
    },
    { key: 'lines', label: t('history.lines'), render: (s) => formatInt(s.line_count), numeric: true },
    { key: 'cost', label: t('inventory.annualCost'), render: (s) => formatCents(s.annual_cost_cents), numeric: true },
    {
      key: 'actions',
      label: t('common.actions'),
      render: (s) =>
        s.status === 'accepted' ? (
          <div className="cell-actions">
            <Button variant="secondary" onClick={() => showDiff(s)} aria-label={`${t('history.diff')}: ${t('history.version')} ${s.version}`}>
              {t('history.diff')}
            </Button>
            {canRestore && !s.is_current && (
              <Button variant="secondary" onClick={() => restore(s)} aria-label={`${t('history.restore')}: ${t('history.version')} ${s.version}`}>
                {t('history.restore')}
              </Button>
            )}
          </div>
        ) : null,
    },
  ];

  const title = showOrgName && org.data ? `${t('history.title')}: ${org.data.name}` : t('history.title');
  return (
    <Page title={title}>
      <ConfidentialMark />
      <Paragraph className="lead">{t('history.intro')}</Paragraph>
      <ErrorNotice error={error ?? action.error} />
      <SuccessNotice>{action.done}</SuccessNotice>
      {!data && !error && <Loading />}
      {data && data.length === 0 && <Paragraph>{t('history.none')}</Paragraph>}
      {data && data.length > 0 && (
        <DataTable caption={t('history.caption')} columns={columns} rows={data} rowKey={(s) => s.id} />
      )}
      {diff && (
        <section className="section" aria-labelledby="diff-heading">
          <Heading variant="h2" id="diff-heading" forwardedRef={diffRef} tabIndex={-1}>
            {t('history.diffOf', { version: diff.to.version ?? '–' })}
          </Heading>
          <DiffView diff={diff} />
        </section>
      )}
    </Page>
  );
}

function DiffView({ diff }: { diff: SubmissionDiff }) {
  const { t } = useI18n();
  const lineColumns: Column<LicenceLine>[] = [
    { key: 'vendor', label: t('inventory.vendor'), render: (l) => l.vendor_canonical },
    { key: 'product', label: t('inventory.product'), render: (l) => l.product },
    { key: 'quantity', label: t('inventory.quantity'), render: (l) => formatInt(l.quantity), numeric: true },
    { key: 'cost', label: t('inventory.annualCost'), render: (l) => formatCents(l.annual_cost_cents), numeric: true },
  ];
  const changed = diff.changed;
  if (diff.added.length + diff.removed.length + changed.length === 0) return <Paragraph>{t('history.noChanges')}</Paragraph>;
  const key = (l: LicenceLine) => `${l.source_row}-${l.product}`;
  return (
    <>
      {diff.added.length > 0 && <DataTable caption={t('history.added')} columns={lineColumns} rows={diff.added} rowKey={key} />}
      {diff.removed.length > 0 && (
        <DataTable caption={t('history.removed')} columns={lineColumns} rows={diff.removed} rowKey={key} />
      )}
      {changed.length > 0 && (
        <DataTable
          caption={t('history.changed')}
          rows={changed}
          rowKey={(c) => key(c.after)}
          columns={[
            { key: 'vendor', label: t('inventory.vendor'), render: (c) => c.after.vendor_canonical },
            { key: 'product', label: t('inventory.product'), render: (c) => c.after.product },
            {
              key: 'fields',
              label: t('history.fields'),
              render: (c) => c.fields_changed.map((f) => messageFor(t, 'field', f)).join(', '),
            },
            {
              key: 'cost',
              label: t('inventory.annualCost'),
              render: (c) => `${formatCents(c.before.annual_cost_cents)} → ${formatCents(c.after.annual_cost_cents)}`,
              numeric: true,
            },
          ]}
        />
      )}
    </>
  );
}
