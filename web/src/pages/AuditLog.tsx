// The audit log for the coordinator: who changed what, who read which organisation's
// licence data, and erasures (counts only). Filters by actor, organisation, action and
// time; pages backwards by the last entry's sequence number.
import { useMemo, useState, type FormEvent } from 'react';
import { Button, Paragraph } from 'suomifi-ui-components';
import { apiGet } from '../api/client';
import type { OrgView, User } from '../api/types';
import { useI18n } from '../i18n';
import { DataTable, ErrorNotice, Loading, Page, SelectField, TextField, useLoad } from '../components/ui';
import { formatDateTime, parseFinnishDate } from '../format';

interface AuditEntry {
  seq: number;
  at: string;
  actor_id: string | null;
  actor_label: string;
  action: string;
  org_id: string | null;
  subject: string | null;
  detail: unknown;
}

interface Filters {
  actor: string;
  org: string;
  action: string;
  from: string;
  to: string;
}

const PAGE = 100;
const EMPTY: Filters = { actor: '', org: '', action: '', from: '', to: '' };

/** A Finnish date as the start of that day in the browser's time zone, RFC 3339. */
function startOf(isoDate: string, plusDays = 0): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  return new Date(y, m - 1, d + plusDays).toISOString();
}

function query(f: Filters, before: number | null): string {
  const p = new URLSearchParams({ limit: String(PAGE) });
  if (f.actor) p.set('actor_id', f.actor);
  if (f.org) p.set('org_id', f.org);
  if (f.action.trim()) p.set('action', f.action.trim());
  const from = parseFinnishDate(f.from);
  const to = parseFinnishDate(f.to);
  if (from) p.set('from', startOf(from));
  // "To 31.12." includes that whole day.
  if (to) p.set('to', startOf(to, 1));
  if (before !== null) p.set('before', String(before));
  return p.toString();
}

export function AuditLogPage() {
  const { t } = useI18n();
  const users = useLoad(() => apiGet<User[]>('/api/users'), []);
  const orgs = useLoad(() => apiGet<OrgView[]>('/api/orgs'), []);
  const orgNames = useMemo(() => new Map((orgs.data ?? []).map((o) => [o.id, o.name])), [orgs.data]);
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [before, setBefore] = useState<number | null>(null);
  const [dateError, setDateError] = useState('');
  const log = useLoad(() => apiGet<AuditEntry[]>(`/api/audit-log?${query(filters, before)}`), [filters, before]);
  const set = (key: keyof Filters) => (v: string) => setDraft((d) => ({ ...d, [key]: v }));

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const bad = [draft.from, draft.to].some((d) => d.trim() !== '' && !parseFinnishDate(d));
    setDateError(bad ? t('error.badDate') : '');
    if (bad) return;
    setBefore(null);
    setFilters(draft);
  };
  const entries = log.data ?? [];
  const last = entries.length === PAGE ? entries[entries.length - 1].seq : null;

  return (
    <Page title={t('audit.title')}>
      <Paragraph>{t('audit.intro')}</Paragraph>
      <form onSubmit={apply} className="form audit-filters" noValidate aria-label={t('audit.filters')}>
        <SelectField
          label={t('audit.actor')}
          value={draft.actor}
          onChange={set('actor')}
          options={[{ value: '', label: t('audit.anyone') }, ...(users.data ?? []).map((u) => ({ value: u.id, label: u.email }))]}
        />
        <SelectField
          label={t('audit.org')}
          value={draft.org}
          onChange={set('org')}
          options={[{ value: '', label: t('audit.anyOrg') }, ...(orgs.data ?? []).map((o) => ({ value: o.id, label: o.name }))]}
        />
        <TextField label={t('audit.action')} hint={t('audit.actionHint')} value={draft.action} onChange={set('action')} optional />
        <TextField label={t('audit.from')} hint={t('audit.dateHint')} value={draft.from} onChange={set('from')} optional error={dateError || undefined} />
        <TextField label={t('audit.to')} hint={t('audit.dateHint')} value={draft.to} onChange={set('to')} optional />
        <Button type="submit">{t('audit.apply')}</Button>
      </form>
      <ErrorNotice error={log.error} />
      {!log.data && !log.error && <Loading />}
      {log.data && entries.length === 0 && <Paragraph>{t('audit.none')}</Paragraph>}
      {log.data && entries.length > 0 && (
        <DataTable<AuditEntry>
          caption={t('audit.caption')}
          rows={entries}
          rowKey={(e) => String(e.seq)}
          columns={[
            { key: 'at', label: t('audit.at'), render: (e) => formatDateTime(e.at), nowrap: true },
            { key: 'actor', label: t('audit.actor'), render: (e) => e.actor_label },
            { key: 'action', label: t('audit.action'), render: (e) => <code>{e.action}</code> },
            { key: 'org', label: t('audit.org'), render: (e) => (e.org_id ? orgNames.get(e.org_id) ?? e.org_id : '–') },
            {
              key: 'detail',
              label: t('audit.detail'),
              render: (e) => (
                <code className="audit-detail">
                  {[e.subject, e.detail === null ? null : JSON.stringify(e.detail)].filter(Boolean).join(' ')}
                </code>
              ),
            },
          ]}
        />
      )}
      <div className="button-row">
        {before !== null && (
          <Button variant="secondary" onClick={() => setBefore(null)}>
            {t('audit.newest')}
          </Button>
        )}
        {last !== null && (
          <Button variant="secondary" onClick={() => setBefore(last)}>
            {t('audit.older')}
          </Button>
        )}
      </div>
    </Page>
  );
}
