// One negotiation: its details, outcome and lessons, and documents for everyone; the
// working group updates it and adds documents; a taking party's members (and the
// coordinator) record the party's realised saving once it has concluded.
import { useState, type FormEvent } from 'react';
import { Button, InlineAlert, Paragraph } from 'suomifi-ui-components';
import { ApiError, apiGet, apiPatch, apiPost, download, uploadFile } from '../api/client';
import type { Negotiation, NegotiationDocument, RealisedSaving } from '../api/types';
import { useAuth } from '../auth';
import { hasKey, useI18n } from '../i18n';
import { Link } from '../router';
import { DataTable, ErrorNotice, FileField, Loading, Page, Section, SelectField, Summary, SuccessNotice, TextField, useLoad } from '../components/ui';
import { formatCents, formatDate, formatDateTime, formatInt, parseEuros } from '../format';
import { useSubmit } from '../submit';
import { useNegotiationForm, usePartyNames, useWorkingGroup } from './Negotiations';

export function NegotiationDetailPage({ id }: { id: string }) {
  const { t, term } = useI18n();
  const manage = useWorkingGroup();
  const names = usePartyNames();
  const { data: n, error, reload } = useLoad(() => apiGet<Negotiation>(`/api/negotiations/${encodeURIComponent(id)}`), [id]);
  return (
    <Page title={n ? n.title : t('negotiations.title')}>
      <p>
        <Link to="/negotiations">{t('negotiations.back')}</Link>
      </p>
      <ErrorNotice error={error} />
      {!n && !error && <Loading />}
      {n && (
        <>
          <Section title={t('negotiations.details')} id="negotiation-details">
            <Summary
              items={[
                [t('negotiations.vendor'), n.vendor],
                [t('negotiations.status'), term('negotiation_status', n.status)],
                [t('negotiations.startedOn'), formatDate(n.started_on)],
                n.status === 'concluded' && [t('negotiations.concludedOn'), formatDate(n.concluded_on)],
                n.status === 'concluded' && [t('negotiations.estimate'), formatCents(n.estimated_annual_saving_cents)],
              ]}
            />
            <h3>{t('negotiations.parties')}</h3>
            {n.org_ids.length === 0 ? (
              <Paragraph>{t('negotiations.noParties')}</Paragraph>
            ) : (
              <ul className="party-list">
                {n.org_ids.map((o) => (
                  <li key={o}>{names.get(o) ?? o}</li>
                ))}
              </ul>
            )}
            <h3>{t('negotiations.outcome')}</h3>
            <p className="multiline">{n.outcome ?? t('negotiations.noOutcome')}</p>
            <h3>{t('negotiations.lessons')}</h3>
            <p className="multiline">{n.lessons ?? t('negotiations.noLessons')}</p>
          </Section>
          <Documents negotiation={n} manage={manage} />
          <RecordSaving negotiation={n} names={names} />
          {manage && <EditNegotiation negotiation={n} onDone={reload} />}
        </>
      )}
    </Page>
  );
}

/** A document refusal in the page's own words (the general upload messages speak of inventories). */
function DocumentError({ error }: { error: unknown }) {
  const { t } = useI18n();
  const key = error instanceof ApiError ? `negotiations.doc.${error.code}` : '';
  if (key && hasKey(key)) {
    return (
      <div role="alert" className="notice">
        <InlineAlert status="error" labelText={t('error.title')}>
          {t(key)}
        </InlineAlert>
      </div>
    );
  }
  return <ErrorNotice error={error} />;
}

function Documents({ negotiation, manage }: { negotiation: Negotiation; manage: boolean }) {
  const { t } = useI18n();
  const path = `/api/negotiations/${negotiation.id}/documents`;
  const { data, error, reload } = useLoad(() => apiGet<NegotiationDocument[]>(path), [path]);
  const [file, setFile] = useState<File | null>(null);
  const [missing, setMissing] = useState('');
  const upload = useSubmit();
  const fetching = useSubmit();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMissing(file ? '' : t('negotiations.chooseDocument'));
    if (!file) return;
    void upload.run(async () => {
      const { body } = await uploadFile<NegotiationDocument>(path, file, () => {}, [201]);
      setFile(null);
      reload();
      return t('negotiations.uploaded', { name: body.file_name });
    });
  };
  return (
    <Section title={t('negotiations.documents')} id="negotiation-documents">
      <ErrorNotice error={error ?? fetching.error} />
      {!data && !error && <Loading />}
      {data && data.length === 0 && <Paragraph>{t('negotiations.noDocuments')}</Paragraph>}
      {data && data.length > 0 && (
        <DataTable<NegotiationDocument>
          caption={t('negotiations.documentsCaption')}
          rows={data}
          rowKey={(d) => d.id}
          columns={[
            { key: 'name', label: t('negotiations.fileName'), render: (d) => d.file_name, sort: (d) => d.file_name },
            { key: 'size', label: t('negotiations.size'), render: (d) => `${formatInt(Math.max(1, Math.round(d.size_bytes / 1024)))} kt`, sort: (d) => d.size_bytes, numeric: true },
            { key: 'at', label: t('negotiations.uploadedAt'), render: (d) => formatDateTime(d.uploaded_at), sort: (d) => d.uploaded_at, nowrap: true },
            {
              key: 'download',
              label: t('common.actions'),
              render: (d) => (
                <Button variant="secondary" aria-label={t('negotiations.downloadNamed', { name: d.file_name })} onClick={() => void fetching.run(() => download(`${path}/${d.id}`, d.file_name))}>
                  {t('negotiations.download')}
                </Button>
              ),
            },
          ]}
        />
      )}
      {manage && (
        <form onSubmit={submit} className="form" noValidate>
          <h3>{t('negotiations.addDocument')}</h3>
          <FileField id="negotiation-document" label={t('negotiations.documentField')} hint={t('negotiations.documentHint')} accept=".pdf,.docx,.xlsx,.pptx,.odt,.ods,.png,.jpg,.jpeg,.txt,.md,.csv" file={file} onChange={setFile} error={missing || undefined} />
          <DocumentError error={upload.error} />
          <SuccessNotice>{upload.done}</SuccessNotice>
          <Button type="submit" disabled={upload.busy}>
            {t('negotiations.addDocument')}
          </Button>
        </form>
      )}
    </Section>
  );
}

function RecordSaving({ negotiation, names }: { negotiation: Negotiation; names: Map<string, string> }) {
  const { t } = useI18n();
  const { me } = useAuth();
  const coordinator = me?.user.role === 'coordinator';
  const own = me?.user.org_id ?? null;
  const [org, setOrg] = useState(own ?? negotiation.org_ids[0] ?? '');
  const [year, setYear] = useState(String(new Date().getFullYear()));
  const [amount, setAmount] = useState('');
  const [invalid, setInvalid] = useState<Record<string, string | undefined>>({});
  const save = useSubmit();
  if (!coordinator && !own) return null;
  if (negotiation.status !== 'concluded') {
    return (
      <Section title={t('negotiations.recordSaving')} id="record-saving">
        <Paragraph>{t('negotiations.savingOnlyConcluded')}</Paragraph>
      </Section>
    );
  }
  if (!coordinator && own && !negotiation.org_ids.includes(own)) {
    return (
      <Section title={t('negotiations.recordSaving')} id="record-saving">
        <Paragraph>{t('negotiations.notAParty')}</Paragraph>
      </Section>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const y = Number(year.trim());
    const cents = parseEuros(amount);
    const bad = {
      year: Number.isInteger(y) && y >= 2000 && y <= 2100 ? undefined : t('negotiations.badYear'),
      amount: cents === null || cents < 0 ? t('negotiations.badSaving') : undefined,
    };
    setInvalid(bad);
    if (Object.values(bad).some(Boolean) || !org) return;
    void save.run(async () => {
      const s = await apiPost<RealisedSaving>(`/api/negotiations/${negotiation.id}/savings`, { org_id: org, year: y, saving_cents: cents });
      setAmount('');
      return t('negotiations.savingSaved', { amount: formatCents(s.saving_cents), year: s.year });
    });
  };
  return (
    <Section title={t('negotiations.recordSaving')} id="record-saving">
      <Paragraph>{t('negotiations.savingHelp')}</Paragraph>
      <form onSubmit={submit} className="form" noValidate>
        {coordinator ? (
          <SelectField id="saving-org" label={t('negotiations.savingOrg')} value={org} onChange={setOrg} options={negotiation.org_ids.map((o) => ({ value: o, label: names.get(o) ?? o }))} />
        ) : (
          <Summary items={[[t('negotiations.savingOrg'), names.get(org) ?? org]]} />
        )}
        <TextField id="saving-year" label={t('negotiations.savingYear')} value={year} onChange={setYear} error={invalid.year} />
        <TextField id="saving-amount" label={t('negotiations.savingAmount')} hint={t('common.moneyHint')} value={amount} onChange={setAmount} error={invalid.amount} />
        <ErrorNotice error={save.error} />
        <SuccessNotice>{save.done}</SuccessNotice>
        <Button type="submit" disabled={save.busy}>
          {t('negotiations.saveSaving')}
        </Button>
      </form>
    </Section>
  );
}

function EditNegotiation({ negotiation, onDone }: { negotiation: Negotiation; onDone: () => void }) {
  const { t } = useI18n();
  const form = useNegotiationForm(negotiation);
  const save = useSubmit();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = form.check();
    if (!body) return;
    void save.run(async () => {
      await apiPatch<Negotiation>(`/api/negotiations/${negotiation.id}`, body);
      onDone();
      return t('negotiations.updated');
    });
  };
  return (
    <Section title={t('negotiations.edit')} id="edit-negotiation">
      <Paragraph>{t('negotiations.editHelp')}</Paragraph>
      <form onSubmit={submit} className="form" noValidate>
        {form.fields}
        <div className="form-actions">
          <ErrorNotice error={save.error} />
          <SuccessNotice>{save.done}</SuccessNotice>
          <Button type="submit" disabled={save.busy}>
            {t('negotiations.update')}
          </Button>
        </div>
      </form>
    </Section>
  );
}
