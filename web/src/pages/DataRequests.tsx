// Data requests (NETWORK.md "Data requests"): every user sees the requests; a member sees its
// own party's status (and the open ones on its front page, `OpenRequestsCard`), the
// coordinator opens requests and follows every party's status in the tracker. The e-mail
// settings (language, weekly digest) live here too, with a notice when the platform cannot
// send e-mail at all.
import { useState } from 'react';
import { Button, Checkbox, Paragraph } from 'suomifi-ui-components';
import { apiGet, apiPatch, apiPost } from '../api/client';
import type { DataRequestView, MailStatus, Standing, UserPreferences } from '../api/types';
import { useAuth } from '../auth';
import { LANGS, useI18n } from '../i18n';
import { Link } from '../router';
import { DataTable, ErrorNotice, Loading, Page, Section, SelectField, StatusTag, SuccessNotice, TextField, useLoad } from '../components/ui';
import { formatDate, formatDateTime, parseFinnishDate } from '../format';
import { useSubmit } from '../submit';

function scopeText(r: DataRequestView, all: string): string {
  return r.scope.vendors ? r.scope.vendors.join(', ') : all;
}

/** The member's front-page card: the current requests with the party's own status. */
export function OpenRequestsCard() {
  const { t, term } = useI18n();
  const list = useLoad(() => apiGet<DataRequestView[]>('/api/data-requests'), []);
  const current = (list.data ?? []).filter((r) => r.current);
  if (list.error) return <ErrorNotice error={list.error} />;
  if (!list.data || current.length === 0) return null;
  return (
    <section className="card" aria-labelledby="open-requests-heading" data-card="data-requests">
      <h2 id="open-requests-heading">{t('requests.openTitle')}</h2>
      <ul>
        {current.map((r) => (
          <li key={r.id}>
            <strong>{r.title}</strong> — {t('requests.dueOn', { date: formatDate(r.due_on) })}{' '}
            {r.status && <StatusTag status={r.status} label={term('data_request_status', r.status)} />}
          </li>
        ))}
      </ul>
      <Paragraph>
        <Link to="/upload">{t('requests.toUpload')}</Link> · <Link to="/data-requests">{t('requests.toList')}</Link>
      </Paragraph>
    </section>
  );
}

function Tracker({ request }: { request: DataRequestView }) {
  const { t, term } = useI18n();
  return (
    <DataTable<Standing>
      caption={t('requests.trackerCaption', { title: request.title })}
      rows={request.parties ?? []}
      rowKey={(p) => p.org_id}
      initialSort={{ key: 'name', dir: 'asc' }}
      columns={[
        { key: 'name', label: t('requests.party'), render: (p) => p.org_name, sort: (p) => p.org_name },
        {
          key: 'status',
          label: t('requests.status'),
          render: (p) => <StatusTag status={p.status} label={term('data_request_status', p.status)} />,
          sort: (p) => p.status,
        },
        {
          key: 'submitted',
          label: t('requests.submittedAt'),
          render: (p) =>
            p.submitted_at
              ? `${formatDateTime(p.submitted_at)}${p.submitted_late ? ` (${t('requests.submittedLate')})` : ''}`
              : '–',
          sort: (p) => p.submitted_at ?? '',
        },
      ]}
    />
  );
}

function NewRequestForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const [title, setTitle] = useState('');
  const [vendors, setVendors] = useState('');
  const [opens, setOpens] = useState('');
  const [due, setDue] = useState('');
  const [asOf, setAsOf] = useState('');
  const [invalid, setInvalid] = useState<Record<string, string>>({});
  const form = useSubmit();
  const submit = form.onSubmit(async () => {
    const dates = { opens: parseFinnishDate(opens), due: parseFinnishDate(due), asOf: parseFinnishDate(asOf) };
    const bad: Record<string, string> = {};
    for (const [k, v] of Object.entries(dates)) if (!v) bad[k] = t('error.badDate');
    setInvalid(bad);
    if (Object.keys(bad).length > 0) throw new Error(t('error.validation'));
    const list = vendors.split(',').map((v) => v.trim()).filter(Boolean);
    await apiPost<DataRequestView>('/api/data-requests', {
      title,
      scope: { vendors: list.length > 0 ? list : null },
      opens_on: dates.opens,
      due_on: dates.due,
      as_of: dates.asOf,
    });
    setTitle('');
    setVendors('');
    onCreated();
    return t('requests.created', { title });
  });
  return (
    <Section title={t('requests.new')} id="new-request-heading">
      <ErrorNotice error={form.error} />
      <SuccessNotice>{form.done}</SuccessNotice>
      <form onSubmit={submit} className="form" noValidate>
        <TextField id="request-title" label={t('requests.title')} value={title} onChange={setTitle} />
        <TextField id="request-vendors" label={t('requests.vendors')} hint={t('requests.vendorsHint')} value={vendors} onChange={setVendors} optional />
        <TextField id="request-opens" label={t('requests.opensOn')} hint={t('common.dateHint')} value={opens} onChange={setOpens} error={invalid.opens} />
        <TextField id="request-due" label={t('requests.dueOnLabel')} hint={t('common.dateHint')} value={due} onChange={setDue} error={invalid.due} />
        <TextField id="request-as-of" label={t('requests.asOf')} hint={t('requests.asOfHint')} value={asOf} onChange={setAsOf} error={invalid.asOf} />
        <Button type="submit" disabled={form.busy}>
          {t('requests.open')}
        </Button>
      </form>
    </Section>
  );
}

function MailSettings() {
  const { t } = useI18n();
  const status = useLoad(() => apiGet<MailStatus>('/api/mail/status'), []);
  const form = useSubmit();
  const save = (patch: Partial<UserPreferences>) =>
    void form.run(async () => {
      await apiPatch<UserPreferences>('/api/me', patch);
      status.reload();
      return t('common.saved');
    });
  const prefs = status.data?.preferences;
  return (
    <Section title={t('requests.mailTitle')} id="mail-settings-heading">
      <ErrorNotice error={status.error ?? form.error} />
      <SuccessNotice>{form.done}</SuccessNotice>
      {!status.data && !status.error && <Loading />}
      {status.data && !status.data.configured && (
        <div className="note" data-notice="mail-not-configured">
          <p>{t('requests.mailNotConfigured')}</p>
        </div>
      )}
      {prefs && (
        <div className="form">
          <SelectField
            id="mail-lang"
            label={t('requests.mailLang')}
            value={prefs.lang}
            onChange={(lang) => save({ lang: lang as UserPreferences['lang'] })}
            options={LANGS.map((l) => ({ value: l.code, label: l.label }))}
          />
          <Checkbox checked={prefs.weekly_digest} onClick={({ checkboxState }) => save({ weekly_digest: checkboxState })}>
            {t('requests.weeklyDigest')}
          </Checkbox>
        </div>
      )}
    </Section>
  );
}

export function DataRequestsPage() {
  const { t, term } = useI18n();
  const { me } = useAuth();
  const role = me?.user.role;
  const list = useLoad(() => apiGet<DataRequestView[]>('/api/data-requests'), []);
  return (
    <Page title={t('requests.pageTitle')}>
      <Paragraph className="lead">{t('requests.intro')}</Paragraph>
      <ErrorNotice error={list.error} />
      {!list.data && !list.error && <Loading />}
      {list.data && list.data.length === 0 && <Paragraph>{t('requests.none')}</Paragraph>}
      {(list.data ?? []).map((r) => (
        <Section key={r.id} title={r.title} id={`request-${r.id}`}>
          <dl className="summary">
            <div>
              <dt>{t('requests.opensOn')}</dt>
              <dd>{formatDate(r.opens_on)}</dd>
            </div>
            <div>
              <dt>{t('requests.dueOnLabel')}</dt>
              <dd>{formatDate(r.due_on)}</dd>
            </div>
            <div>
              <dt>{t('requests.asOf')}</dt>
              <dd>{formatDate(r.as_of)}</dd>
            </div>
            <div>
              <dt>{t('requests.scope')}</dt>
              <dd>{scopeText(r, t('requests.allLicences'))}</dd>
            </div>
            {r.status && (
              <div>
                <dt>{t('requests.ownStatus')}</dt>
                <dd>
                  <StatusTag status={r.status} label={term('data_request_status', r.status)} />
                </dd>
              </div>
            )}
          </dl>
          {r.parties && <Tracker request={r} />}
        </Section>
      ))}
      {role === 'coordinator' && <NewRequestForm onCreated={list.reload} />}
      <MailSettings />
    </Page>
  );
}
