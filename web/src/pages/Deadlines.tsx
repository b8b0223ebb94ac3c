import { useMemo, useState } from 'react';
import { Button, Paragraph } from 'suomifi-ui-components';
import { apiGet, apiPost } from '../api/client';
import type { Deadline, FeedUrl, Renewals, RenewalWindow } from '../api/types';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { DataTable, ErrorNotice, Loading, Page, Section, SuccessNotice, useLoad, type Column } from '../components/ui';
import { formatCents, formatCentsRange, formatDate, formatInt } from '../format';
import { useSubmit } from '../submit';

/** Deadlines and the calendar: a member's own deadlines, the network's renewal windows
 *  from the latest release, and the user's calendar subscription. */
export function DeadlinesPage() {
  const { t } = useI18n();
  const { me } = useAuth();
  const member = me?.user.role === 'member';
  return (
    <Page title={t('deadlines.title')}>
      <CalendarSubscription />
      {member && me?.user.org_id && <OwnDeadlines orgId={me.user.org_id} />}
      {!member && <RenewalWindows />}
    </Page>
  );
}

function OwnDeadlines({ orgId }: { orgId: string }) {
  const { t, term } = useI18n();
  const { data, error } = useLoad(() => apiGet<Deadline[]>(`/api/orgs/${orgId}/deadlines`), [orgId]);
  const columns: Column<Deadline>[] = [
    { key: 'date', label: t('deadlines.date'), render: (d) => formatDate(d.date), sort: (d) => d.date, nowrap: true },
    { key: 'kind', label: t('deadlines.kind'), render: (d) => term('deadline_kind', d.kind), sort: (d) => d.kind },
    { key: 'vendor', label: t('deadlines.vendor'), render: (d) => d.vendor, sort: (d) => d.vendor },
    { key: 'product', label: t('deadlines.product'), render: (d) => d.product, sort: (d) => d.product },
  ];
  return (
    <Section title={t('deadlines.ownTitle')} id="own-deadlines">
      <Paragraph>{t('deadlines.confidential')}</Paragraph>
      <Paragraph>{t('deadlines.ownHelp')}</Paragraph>
      <ErrorNotice error={error} />
      {!data && !error && <Loading />}
      {data && data.length === 0 && <Paragraph>{t('deadlines.none')}</Paragraph>}
      {data && data.length > 0 && (
        <DataTable
          caption={t('deadlines.ownCaption')}
          columns={columns}
          rows={data}
          rowKey={(d) => `${d.date}|${d.kind}|${d.vendor}|${d.product}`}
        />
      )}
    </Section>
  );
}

function RenewalWindows() {
  const { t, lang } = useI18n();
  const { data, error } = useLoad(() => apiGet<Renewals>('/api/renewals'), []);
  const vendor = (w: RenewalWindow) => (w.vendor === '*' ? t('deadlines.allVendors') : w.vendor);
  const cost = (w: RenewalWindow) => {
    if (w.annual_cost_cents !== null && w.annual_cost_cents !== undefined) return formatCents(w.annual_cost_cents);
    if (w.annual_cost_range) return formatCentsRange(w.annual_cost_range[0], w.annual_cost_range[1], lang);
    return t('deadlines.suppressed');
  };
  const columns: Column<RenewalWindow>[] = [
    { key: 'year', label: t('deadlines.year'), render: (w) => String(w.year), sort: (w) => w.year, nowrap: true },
    { key: 'vendor', label: t('deadlines.vendor'), render: vendor, sort: vendor },
    { key: 'cost', label: t('deadlines.renewingCost'), render: cost, sort: (w) => w.annual_cost_cents ?? w.annual_cost_range?.[0], numeric: true },
    {
      key: 'orgs',
      label: t('deadlines.organisations'),
      render: (w) => (w.organisations === null || w.organisations === undefined ? '–' : formatInt(w.organisations)),
      numeric: true,
    },
  ];
  const years = useMemo(() => new Set((data?.windows ?? []).map((w) => w.year)).size, [data]);
  return (
    <Section title={t('deadlines.renewalsTitle')} id="renewal-windows">
      <Paragraph>{t('deadlines.renewalsHelp')}</Paragraph>
      <ErrorNotice error={error} />
      {!data && !error && <Loading />}
      {data && !data.release_id && <Paragraph>{t('deadlines.noRelease')}</Paragraph>}
      {data?.release_id && (
        <>
          <Paragraph>{t('deadlines.fromRelease', { date: formatDate(data.as_of), years })}</Paragraph>
          <DataTable
            caption={t('deadlines.renewalsCaption')}
            columns={columns}
            rows={data.windows}
            rowKey={(w) => `${w.year}|${w.vendor}`}
          />
        </>
      )}
    </Section>
  );
}

function CalendarSubscription() {
  const { t, lang } = useI18n();
  const { data, error, reload } = useLoad(() => apiGet<FeedUrl>(`/api/me/calendar?lang=${lang}`), [lang]);
  const [copied, setCopied] = useState('');
  const rotate = useSubmit();
  const url = data ? new URL(data.path, window.location.origin).toString() : '';
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(t('deadlines.copied'));
    } catch {
      setCopied(t('deadlines.copyFailed'));
    }
  };
  return (
    <Section title={t('deadlines.calendarTitle')} id="calendar">
      <Paragraph>{t('deadlines.calendarHelp')}</Paragraph>
      <ErrorNotice error={error ?? rotate.error} />
      {!data && !error && <Loading />}
      {data && (
        <>
          <label htmlFor="feed-url" className="field-label">
            {t('deadlines.feedUrl')}
          </label>
          <input id="feed-url" className="feed-url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
          <div className="cell-actions">
            <Button onClick={() => void copy()}>{t('deadlines.copy')}</Button>
            <a className="button-link" href={url.replace(/^https?:/, 'webcal:')}>
              {t('deadlines.subscribe')}
            </a>
          </div>
          <p role="status" aria-live="polite">
            {copied}
          </p>
          <Paragraph>{t('deadlines.rotateHelp')}</Paragraph>
          <Button
            variant="secondary"
            onClick={() =>
              void rotate.run(async () => {
                await apiPost<FeedUrl>(`/api/me/calendar/rotate?lang=${lang}`, {});
                setCopied('');
                reload();
                return t('deadlines.rotated');
              })
            }
          >
            {t('deadlines.rotate')}
          </Button>
          <SuccessNotice>{rotate.done}</SuccessNotice>
        </>
      )}
    </Section>
  );
}
