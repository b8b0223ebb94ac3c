import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Button, Paragraph } from 'suomifi-ui-components';
import { apiGet, apiPatch, apiPost } from '../api/client';
import type { Org, OrgView } from '../api/types';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { Link, navigate } from '../router';
import {
  DataTable,
  ErrorNotice,
  Loading,
  Page,
  Section,
  SelectField,
  StatusTag,
  SuccessNotice,
  TextField,
  useLoad,
} from '../components/ui';
import { centsToInput, formatDate, parseEuros, parseFinnishDate, todayFinnish } from '../format';
import { useSubmit } from '../submit';
import { ConfidentialMark } from '../components/Confidential';

export function PartiesPage() {
  const { t, term } = useI18n();
  const { me } = useAuth();
  const coordinator = me?.user.role === 'coordinator';
  const { data, error } = useLoad(() => apiGet<OrgView[]>('/api/orgs'), []);
  const [filter, setFilter] = useState('');
  const names = useMemo(() => new Map((data ?? []).map((o) => [o.id, o.name])), [data]);
  const rows = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return (data ?? []).filter((o) => !f || o.name.toLowerCase().includes(f) || o.business_id.includes(f));
  }, [data, filter]);
  return (
    <Page title={t('parties.title')}>
      {coordinator && (
        <div className="button-row">
          <Button onClick={() => navigate('/parties/new')}>{t('parties.new')}</Button>
        </div>
      )}
      <ErrorNotice error={error} />
      {!data && !error && <Loading />}
      {data && (
        <>
          <div className="filter">
            <TextField label={t('common.filter')} hint={t('common.filterHint')} value={filter} onChange={setFilter} />
          </div>
          <DataTable<OrgView>
            caption={t('parties.caption')}
            rows={rows}
            rowKey={(o) => o.id}
            initialSort={{ key: 'name', dir: 'asc' }}
            columns={[
              {
                key: 'name',
                label: t('parties.name'),
                render: (o) => (coordinator ? <Link to={`/parties/${o.id}`}>{o.name}</Link> : o.name),
                sort: (o) => o.name,
              },
              { key: 'bid', label: t('parties.businessId'), render: (o) => o.business_id, sort: (o) => o.business_id },
              { key: 'category', label: t('parties.category'), render: (o) => term('org_category', o.category), sort: (o) => term('org_category', o.category) },
              { key: 'joined', label: t('parties.joinedOn'), render: (o) => formatDate(o.joined_on), sort: (o) => o.joined_on },
              { key: 'rep', label: t('parties.representedBy'), render: (o) => (o.represented_by ? names.get(o.represented_by) ?? '–' : '–') },
              {
                key: 'status',
                label: t('common.status'),
                render: (o) => (
                  <StatusTag
                    status={o.status}
                    label={
                      o.status === 'active' || o.status === 'pending'
                        ? term('org_status', o.status)
                        : `${term('org_status', o.status)} ${formatDate(o.status_effective_on)}`
                    }
                  />
                ),
                sort: (o) => o.status,
              },
              {
                key: 'inventory',
                label: t('parties.inventory'),
                render: (o) => (
                  <Link to={`/parties/${o.id}/inventory`} aria-label={`${t('parties.inventory')}: ${o.name}`}>
                    {t('parties.inventory')}
                  </Link>
                ),
              },
            ]}
          />
        </>
      )}
    </Page>
  );
}

interface FormState {
  name: string;
  business_id: string;
  category: string;
  budget: string;
  budget_year: string;
  budget_source: string;
  joined_on: string;
  accession_number: string;
  represented_by: string;
  einvoice_address: string;
  contact_name: string;
  contact_email: string;
  contact_phone: string;
  share: string;
  /** A new party: `pending` until the steering group decides (the default), or `active`. */
  status: string;
}

function fromOrg(o: Org | null): FormState {
  return {
    name: o?.name ?? '',
    business_id: o?.business_id ?? '',
    category: o?.category ?? 'wellbeing_county',
    budget: centsToInput(o?.annual_budget_cents),
    budget_year: o?.budget_year ? String(o.budget_year) : '',
    budget_source: o?.budget_source ?? '',
    joined_on: o ? formatDate(o.joined_on) : todayFinnish(),
    accession_number: o?.accession_number ?? '',
    represented_by: o?.represented_by ?? '',
    einvoice_address: o?.einvoice_address ?? '',
    contact_name: o?.contact_name ?? '',
    contact_email: o?.contact_email ?? '',
    contact_phone: o?.contact_phone ?? '',
    share: centsToInput(o?.cost_share_cents),
    status: o?.status ?? 'pending',
  };
}

export function PartyEditPage({ id }: { id: string | null }) {
  const { t, options } = useI18n();
  const orgs = useLoad(() => apiGet<OrgView[]>('/api/orgs'), []);
  const current = useLoad(() => (id ? apiGet<Org>(`/api/orgs/${id}`) : Promise.resolve(null)), [id]);
  const [form, setForm] = useState<FormState>(fromOrg(null));
  const [invalid, setInvalid] = useState<Partial<Record<keyof FormState, string>>>({});
  const save = useSubmit();
  useEffect(() => {
    if (current.data) setForm(fromOrg(current.data));
  }, [current.data]);
  const set = (k: keyof FormState) => (v: string) => setForm((f) => ({ ...f, [k]: v }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const joined = parseFinnishDate(form.joined_on);
    const budget = form.budget.trim() ? parseEuros(form.budget) : null;
    const share = form.share.trim() ? parseEuros(form.share) : null;
    const bad: Partial<Record<keyof FormState, string>> = {
      joined_on: joined ? undefined : t('error.badDate'),
      budget: form.budget.trim() && budget === null ? t('error.badMoney') : undefined,
      share: form.share.trim() && share === null ? t('error.badMoney') : undefined,
    };
    setInvalid(bad);
    if (Object.values(bad).some(Boolean)) return;
    const body = {
      name: form.name,
      business_id: form.business_id,
      category: form.category,
      annual_budget_cents: budget,
      budget_year: form.budget_year.trim() ? Number(form.budget_year) : null,
      budget_source: form.budget_source || null,
      joined_on: joined,
      accession_number: form.accession_number || null,
      represented_by: form.represented_by || null,
      einvoice_address: form.einvoice_address || null,
      contact_name: form.contact_name || null,
      contact_email: form.contact_email || null,
      contact_phone: form.contact_phone || null,
      cost_share_cents: share,
    };
    void save.run(async () => {
      if (!id) {
        const created = await apiPost<Org>('/api/orgs', { ...body, status: form.status });
        navigate(`/parties/${created.id}`);
        return;
      }
      await apiPatch<Org>(`/api/orgs/${id}`, body);
      current.reload();
      return t('common.saved');
    });
  };

  const others = (orgs.data ?? []).filter((o) => o.id !== id);
  if (id && !current.data && !current.error) return <Loading />;
  return (
    <Page title={id ? `${t('parties.editTitle')}: ${current.data?.name ?? ''}` : t('parties.createTitle')}>
      {id && <ConfidentialMark />}
      <p>
        <Link to="/parties">{t('common.back')}</Link>
        {id && (
          <>
            {' · '}
            <Link to={`/parties/${id}/inventory`}>{t('parties.inventory')}</Link>
            {' · '}
            <Link to={`/parties/${id}/history`}>{t('nav.history')}</Link>
            {' · '}
            <Link to={`/parties/${id}/agreements`}>{t('nav.agreements')}</Link>
          </>
        )}
      </p>
      <ErrorNotice error={current.error} />
      <form onSubmit={submit} className="form form-grid" noValidate>
        <TextField label={t('parties.name')} value={form.name} onChange={set('name')} />
        <TextField label={t('parties.businessId')} hint="1234567-8" value={form.business_id} onChange={set('business_id')} />
        <SelectField
          label={t('parties.category')}
          value={form.category}
          onChange={set('category')}
          options={options('org_category')}
        />
        <TextField label={t('parties.joinedOn')} hint={t('common.dateHint')} value={form.joined_on} onChange={set('joined_on')} error={invalid.joined_on} />
        <TextField label={t('parties.budget')} hint={t('common.moneyHint')} value={form.budget} onChange={set('budget')} optional error={invalid.budget} />
        <TextField label={t('parties.budgetYear')} value={form.budget_year} onChange={set('budget_year')} optional />
        <TextField label={t('parties.budgetSource')} value={form.budget_source} onChange={set('budget_source')} optional />
        <TextField label={t('parties.accession')} value={form.accession_number} onChange={set('accession_number')} optional />
        {!id && (
          <SelectField
            label={t('termination.newStatus')}
            value={form.status}
            onChange={set('status')}
            options={[
              { value: 'pending', label: t('termination.statusPending') },
              { value: 'active', label: t('termination.statusActive') },
            ]}
          />
        )}
        <SelectField
          label={t('parties.representedBy')}
          value={form.represented_by}
          onChange={set('represented_by')}
          options={[{ value: '', label: t('parties.noRepresentative') }, ...others.map((o) => ({ value: o.id, label: o.name }))]}
        />
        <TextField label={t('parties.einvoice')} hint={t('parties.einvoiceHint')} value={form.einvoice_address} onChange={set('einvoice_address')} optional />
        <TextField label={t('parties.contactName')} value={form.contact_name} onChange={set('contact_name')} optional />
        <TextField label={t('parties.contactEmail')} type="email" value={form.contact_email} onChange={set('contact_email')} optional />
        <TextField label={t('parties.contactPhone')} type="tel" value={form.contact_phone} onChange={set('contact_phone')} optional />
        <TextField
          label={t('parties.shareOverride')}
          hint={`${t('parties.shareOverrideHint')}. ${t('common.moneyHint')}`}
          value={form.share}
          onChange={set('share')}
          optional
          error={invalid.share}
        />
        <div className="form-actions">
          <ErrorNotice error={save.error} />
          <SuccessNotice>{save.done}</SuccessNotice>
          <Button type="submit">{t('common.save')}</Button>
        </div>
      </form>
      {id && current.data && <TerminateForm org={current.data} onDone={current.reload} />}
    </Page>
  );
}

/** `iso` plus `months` calendar months, the day kept or moved back to the month's end
 *  (30 November + 3 months = 28 February), as the server counts (§17). */
export function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${year}-${pad(month)}-${pad(Math.min(d, last))}`;
}

/** `iso` plus `days` days. */
function addDays(iso: string, days: number): string {
  const t = new Date(`${iso}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
}

/** The earliest effective date §17 allows, as far as the form's dates tell. */
function earliestDate(org: Org, kind: string, noticeOn: string | null, breachOn: string | null): string | null {
  if (kind === 'notice') {
    if (!noticeOn) return null;
    const afterNotice = addMonths(noticeOn, 3);
    const afterYear = addMonths(org.joined_on, 12);
    return afterNotice > afterYear ? afterNotice : afterYear;
  }
  return breachOn ? addDays(breachOn, 30) : null;
}

function TerminateForm({ org, onDone }: { org: Org; onDone: () => void }) {
  const { t, term, options } = useI18n();
  const [kind, setKind] = useState('notice');
  const [date, setDate] = useState(todayFinnish());
  const [noticeOn, setNoticeOn] = useState(todayFinnish());
  const [ground, setGround] = useState('organisation_changed');
  const [breachOn, setBreachOn] = useState('');
  const [invalid, setInvalid] = useState<Record<string, string>>({});
  const termination = useSubmit();
  const earliest = earliestDate(org, kind, parseFinnishDate(noticeOn), parseFinnishDate(breachOn));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const iso = parseFinnishDate(date);
    const notice = parseFinnishDate(noticeOn);
    const breach = parseFinnishDate(breachOn);
    const bad: Record<string, string> = {};
    if (!iso) bad.date = t('error.badDate');
    if (kind === 'notice' && !notice) bad.notice = t('error.badDate');
    if (kind === 'expelled' && !breach) bad.breach = t('error.badDate');
    setInvalid(bad);
    if (Object.keys(bad).length > 0 || !iso) return;
    if (!window.confirm(t('parties.confirmTerminate', { name: org.name, date: formatDate(iso) }))) return;
    const body =
      kind === 'notice'
        ? { kind, effective_on: iso, notice_on: notice, ground }
        : { kind, effective_on: iso, breach_notice_on: breach };
    void termination.run(async () => {
      await apiPost<Org>(`/api/orgs/${org.id}/terminate`, body);
      onDone();
      return t('parties.terminated');
    });
  };
  const refusedEarliest = (termination.error as { body?: { earliest_effective_on?: string } } | null)?.body?.earliest_effective_on;
  return (
    <Section title={t('parties.terminateTitle')} id="terminate-heading">
      <Paragraph>{t('parties.terminateHelp')}</Paragraph>
      {org.status === 'pending' ? (
        <Paragraph>
          <StatusTag status={org.status} label={term('org_status', org.status)} /> {t('termination.pendingHelp')}
        </Paragraph>
      ) : org.status !== 'active' ? (
        <Paragraph>
          <StatusTag status={org.status} label={term('org_status', org.status)} />{' '}
          {t('parties.endedOn', { date: formatDate(org.status_effective_on) })}
        </Paragraph>
      ) : (
        <form onSubmit={submit} className="form" noValidate>
          <SelectField
            label={t('parties.terminateKind')}
            value={kind}
            onChange={setKind}
            options={[
              { value: 'notice', label: t('parties.kindNotice') },
              { value: 'expelled', label: t('parties.kindExpelled') },
            ]}
          />
          {kind === 'notice' ? (
            <>
              <TextField label={t('termination.noticeOn')} hint={t('common.dateHint')} value={noticeOn} onChange={setNoticeOn} error={invalid.notice} />
              <SelectField label={t('termination.ground')} value={ground} onChange={setGround} options={options('notice_ground')} />
            </>
          ) : (
            <>
              <Paragraph>{t('termination.expulsionHelp')}</Paragraph>
              <TextField label={t('termination.breachNoticeOn')} hint={t('common.dateHint')} value={breachOn} onChange={setBreachOn} error={invalid.breach} />
            </>
          )}
          {earliest && <Paragraph>{t('termination.earliest', { date: formatDate(earliest) })}</Paragraph>}
          <TextField label={t('parties.effectiveOn')} hint={t('common.dateHint')} value={date} onChange={setDate} error={invalid.date} />
          <ErrorNotice error={termination.error} />
          {refusedEarliest && <Paragraph>{t('termination.earliest', { date: formatDate(refusedEarliest) })}</Paragraph>}
          <Button type="submit" variant="secondary">
            {t('parties.terminate')}
          </Button>
        </form>
      )}
      <SuccessNotice>{termination.done}</SuccessNotice>
    </Section>
  );
}
