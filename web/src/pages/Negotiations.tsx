// Negotiations with vendors (NETWORK.md, "Negotiations and savings"): every party reads
// them, their outcomes and lessons (§3, §5); the working group (coordinator, analysts)
// records them. The form's fields are shared with the detail page's edit form.
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { Button, Checkbox, CheckboxGroup, Paragraph, Textarea } from 'suomifi-ui-components';
import { apiGet, apiPost } from '../api/client';
import type { Negotiation, NegotiationRequest, NegotiationStatus, OrgView } from '../api/types';
import { useAuth } from '../auth';
import { useI18n, type Translate } from '../i18n';
import { Link } from '../router';
import { DataTable, ErrorNotice, Loading, Page, Section, SelectField, SuccessNotice, TextField, useLoad } from '../components/ui';
import { centsToInput, formatCents, formatDate, parseEuros, parseFinnishDate } from '../format';
import { useSubmit } from '../submit';

/** Whether the signed-in user records negotiations (the API decides in the end). */
export function useWorkingGroup(): boolean {
  const { me } = useAuth();
  return me?.user.role === 'coordinator' || me?.user.role === 'analyst';
}

/** The parties' names by id (every signed-in user reads the list of parties). */
export function usePartyNames(): Map<string, string> {
  const { data } = useLoad(() => apiGet<OrgView[]>('/api/orgs'), []);
  return useMemo(() => new Map((data ?? []).map((o) => [o.id, o.name])), [data]);
}

export function NegotiationsPage() {
  const { t, term } = useI18n();
  const manage = useWorkingGroup();
  const { data, error, reload } = useLoad(() => apiGet<Negotiation[]>('/api/negotiations'), []);
  return (
    <Page title={t('negotiations.title')}>
      <Paragraph className="lead">{manage ? t('negotiations.introManage') : t('negotiations.intro')}</Paragraph>
      <Section title={t('negotiations.list')} id="negotiations-list">
        <ErrorNotice error={error} />
        {!data && !error && <Loading />}
        {data && data.length === 0 && <Paragraph>{t('negotiations.none')}</Paragraph>}
        {data && data.length > 0 && (
          <DataTable<Negotiation>
            caption={t('negotiations.caption')}
            rows={data}
            rowKey={(n) => n.id}
            columns={[
              { key: 'title', label: t('negotiations.name'), render: (n) => <Link to={`/negotiations/${n.id}`}>{n.title}</Link>, sort: (n) => n.title },
              { key: 'vendor', label: t('negotiations.vendor'), render: (n) => n.vendor, sort: (n) => n.vendor },
              { key: 'status', label: t('negotiations.status'), render: (n) => <span className={`tag tag-negotiation-${n.status}`}>{term('negotiation_status', n.status)}</span>, sort: (n) => n.status },
              { key: 'started', label: t('negotiations.startedOn'), render: (n) => formatDate(n.started_on), sort: (n) => n.started_on, nowrap: true },
              { key: 'concluded', label: t('negotiations.concludedOn'), render: (n) => formatDate(n.concluded_on), sort: (n) => n.concluded_on, nowrap: true },
              { key: 'estimate', label: t('negotiations.estimate'), render: (n) => formatCents(n.estimated_annual_saving_cents), sort: (n) => n.estimated_annual_saving_cents, numeric: true },
            ]}
          />
        )}
      </Section>
      {manage && <NewNegotiation onDone={reload} />}
    </Page>
  );
}

function NewNegotiation({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const form = useNegotiationForm(null);
  const save = useSubmit();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = form.check();
    if (!body) return;
    void save.run(async () => {
      const n = await apiPost<Negotiation>('/api/negotiations', body);
      form.clear();
      onDone();
      return t('negotiations.saved', { title: n.title });
    });
  };
  return (
    <Section title={t('negotiations.new')} id="new-negotiation">
      <form onSubmit={submit} className="form" noValidate>
        {form.fields}
        <div className="form-actions">
          <ErrorNotice error={save.error} />
          <SuccessNotice>{save.done}</SuccessNotice>
          <Button type="submit" disabled={save.busy}>
            {t('negotiations.save')}
          </Button>
        </div>
      </form>
    </Section>
  );
}

const isoToInput = (iso: string | null | undefined) => (iso ? formatDate(iso) : '');

/** The fields of a negotiation, their state and their checks. `initial` fills them in for
 *  an edit; the fields that belong to a concluded (or ended) negotiation show only then. */
export function useNegotiationForm(initial: Negotiation | null): {
  fields: ReactNode;
  check: () => NegotiationRequest | null;
  clear: () => void;
} {
  const { t, options } = useI18n();
  const names = usePartyNames();
  const [vendor, setVendor] = useState(initial?.vendor ?? '');
  const [title, setTitle] = useState(initial?.title ?? '');
  const [status, setStatus] = useState<NegotiationStatus>(initial?.status ?? 'planned');
  const [started, setStarted] = useState(isoToInput(initial?.started_on));
  const [concluded, setConcluded] = useState(isoToInput(initial?.concluded_on));
  const [orgIds, setOrgIds] = useState<string[]>(initial?.org_ids ?? []);
  const [outcome, setOutcome] = useState(initial?.outcome ?? '');
  const [lessons, setLessons] = useState(initial?.lessons ?? '');
  const [estimate, setEstimate] = useState(centsToInput(initial?.estimated_annual_saving_cents));
  const [invalid, setInvalid] = useState<Record<string, string | undefined>>({});
  const isConcluded = status === 'concluded';
  const ended = isConcluded || status === 'abandoned';

  const check = (): NegotiationRequest | null => {
    const startedIso = started.trim() ? parseFinnishDate(started) : null;
    const concludedIso = isConcluded && concluded.trim() ? parseFinnishDate(concluded) : null;
    const cents = isConcluded && estimate.trim() ? parseEuros(estimate) : null;
    const bad = {
      vendor: vendor.trim() ? undefined : t('negotiations.vendorRequired'),
      title: title.trim() ? undefined : t('negotiations.nameRequired'),
      started: started.trim() && !startedIso ? t('error.badDate') : undefined,
      concluded: isConcluded && concluded.trim() && !concludedIso ? t('error.badDate') : undefined,
      estimate: isConcluded && estimate.trim() && (cents === null || cents < 0) ? t('error.badMoney') : undefined,
    };
    setInvalid(bad);
    if (Object.values(bad).some(Boolean)) return null;
    return {
      vendor: vendor.trim(),
      title: title.trim(),
      status,
      started_on: startedIso,
      concluded_on: concludedIso,
      org_ids: orgIds,
      outcome: isConcluded && outcome.trim() ? outcome.trim() : null,
      lessons: ended && lessons.trim() ? lessons.trim() : null,
      estimated_annual_saving_cents: cents,
    };
  };
  const clear = () => {
    for (const set of [setVendor, setTitle, setStarted, setConcluded, setOutcome, setLessons, setEstimate]) set('');
    setStatus('planned');
    setOrgIds([]);
  };
  const parties = useMemo(() => [...names.entries()].sort((a, b) => a[1].localeCompare(b[1], 'fi')), [names]);
  const toggle = (id: string, on: boolean) => setOrgIds((ids) => (on ? [...ids.filter((x) => x !== id), id] : ids.filter((x) => x !== id)));
  const prefix = initial ? 'edit' : 'new';

  const fields = (
    <>
      <TextField id={`${prefix}-vendor`} label={t('negotiations.vendor')} value={vendor} onChange={setVendor} error={invalid.vendor} />
      <TextField id={`${prefix}-title`} label={t('negotiations.name')} value={title} onChange={setTitle} error={invalid.title} />
      <SelectField id={`${prefix}-status`} label={t('negotiations.status')} value={status} onChange={(v) => setStatus(v as NegotiationStatus)} options={options('negotiation_status')} />
      <TextField id={`${prefix}-started`} label={t('negotiations.startedOn')} hint={t('common.dateHint')} value={started} onChange={setStarted} error={invalid.started} optional={status === 'planned' || status === 'abandoned'} />
      {isConcluded && (
        <TextField id={`${prefix}-concluded`} label={t('negotiations.concludedOn')} hint={t('common.dateHint')} value={concluded} onChange={setConcluded} error={invalid.concluded} />
      )}
      <CheckboxGroup labelText={t('negotiations.parties')} groupHintText={t('negotiations.partiesHint')} id={`${prefix}-parties`}>
        {parties.map(([id, name]) => (
          <Checkbox key={id} id={`${prefix}-party-${id}`} checked={orgIds.includes(id)} onClick={({ checkboxState }) => toggle(id, checkboxState)}>
            {name}
          </Checkbox>
        ))}
      </CheckboxGroup>
      {isConcluded && (
        <>
          <TextArea id={`${prefix}-outcome`} label={t('negotiations.outcome')} hint={t('negotiations.outcomeHint')} value={outcome} onChange={setOutcome} t={t} />
          <TextField id={`${prefix}-estimate`} label={t('negotiations.estimateEuros')} hint={t('common.moneyHint')} value={estimate} onChange={setEstimate} error={invalid.estimate} optional />
        </>
      )}
      {ended && <TextArea id={`${prefix}-lessons`} label={t('negotiations.lessons')} hint={t('negotiations.lessonsHint')} value={lessons} onChange={setLessons} t={t} />}
    </>
  );
  return { fields, check, clear };
}

function TextArea({ id, label, hint, value, onChange, t }: { id: string; label: string; hint: string; value: string; onChange: (v: string) => void; t: Translate }) {
  return (
    <div className="text-field">
      <Textarea id={id} labelText={label} hintText={hint} value={value} onChange={(e) => onChange(e.target.value)} optionalText={t('common.optional')} fullWidth resize="vertical" />
    </div>
  );
}
