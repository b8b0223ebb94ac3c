import { useMemo, useRef, useState, type FormEvent } from 'react';
import { Button, Checkbox, Heading, Paragraph, RadioButton, RadioButtonGroup } from 'suomifi-ui-components';
import { apiGet, apiPost } from '../api/client';
import type { InvoiceView, OrgView, RunResponse } from '../api/types';
import { messageFor, useI18n } from '../i18n';
import { Link } from '../router';
import { DataTable, ErrorNotice, Page, SuccessNotice, TextField, useLoad } from '../components/ui';
import { useSubmit } from '../submit';
import { formatCents, formatDate, formatInt, parseFinnishDate, todayFinnish } from '../format';

/** A party the run could not bill, and why (`SkippedParty` of the finance crate). */
interface Skipped {
  org_id: string;
  name: string;
  problem: { code: string; message: string };
}

export function InvoiceRunsPage() {
  const { t } = useI18n();
  const [instalment, setInstalment] = useState('1');
  const [date, setDate] = useState(todayFinnish());
  const [override, setOverride] = useState(false);
  const [invalid, setInvalid] = useState('');
  const [result, setResult] = useState<RunResponse | null>(null);
  const run = useSubmit();
  const resultRef = useRef<HTMLHeadingElement>(null);
  const orgs = useLoad(() => apiGet<OrgView[]>('/api/orgs'), []);
  const names = useMemo(() => new Map((orgs.data ?? []).map((o) => [o.id, o.name])), [orgs.data]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const iso = parseFinnishDate(date);
    setInvalid(iso ? '' : t('error.badDate'));
    if (!iso) return;
    setResult(null);
    void run.run(async () => {
      const r = await apiPost<RunResponse>('/api/invoice-runs', {
        instalment: Number(instalment),
        issue_date: iso,
        override_window: override,
      });
      setResult(r);
      setTimeout(() => resultRef.current?.focus(), 0);
    });
  };

  const skipped: Skipped[] = Array.isArray(result?.skipped) ? (result!.skipped as Skipped[]) : [];
  return (
    <Page title={t('runs.title')}>
      <Paragraph className="lead">{t('runs.intro')}</Paragraph>
      <form onSubmit={submit} className="form" noValidate>
        <RadioButtonGroup labelText={t('runs.instalment')} name="instalment" value={instalment} onChange={setInstalment}>
          <RadioButton value="1">{t('runs.instalment1')}</RadioButton>
          <RadioButton value="2">{t('runs.instalment2')}</RadioButton>
        </RadioButtonGroup>
        <TextField label={t('runs.issueDate')} hint={t('common.dateHint')} value={date} onChange={setDate} error={invalid || undefined} id="run-issue-date" />
        <Checkbox checked={override} onClick={({ checkboxState }) => setOverride(checkboxState)}>
          {t('runs.override')}
        </Checkbox>
        <ErrorNotice error={run.error} />
        <Button type="submit" disabled={run.busy}>
          {t('runs.submit')}
        </Button>
      </form>
      <Paragraph className="muted">{t('runs.noList')}</Paragraph>
      {result && (
        <section className="section" aria-labelledby="run-result">
          <Heading variant="h2" id="run-result" forwardedRef={resultRef} tabIndex={-1}>
            {result.created.length > 0
              ? t('runs.created', { count: formatInt(result.created.length), due: formatDate(result.due_date) })
              : t('runs.nothing')}
          </Heading>
          {result.self_contributions.length > 0 && (
            <SuccessNotice>{t('runs.selfContributions', { count: formatInt(result.self_contributions.length) })}</SuccessNotice>
          )}
          {result.created.length > 0 && (
            <DataTable<InvoiceView>
              caption={t('invoices.caption')}
              rows={result.created}
              rowKey={(i) => i.id}
              columns={[
                { key: 'number', label: t('invoices.number'), render: (i) => i.number, sort: (i) => i.number, nowrap: true },
                { key: 'party', label: t('invoices.party'), render: (i) => names.get(i.org_id) ?? '–', sort: (i) => names.get(i.org_id) ?? '' },
                { key: 'due', label: t('invoices.dueDate'), render: (i) => formatDate(i.due_date) },
                { key: 'amount', label: t('invoices.amount'), render: (i) => formatCents(i.amount_cents), sort: (i) => i.amount_cents, numeric: true },
              ]}
            />
          )}
          {skipped.length > 0 && (
            <DataTable<Skipped>
              caption={t('runs.skipped')}
              rows={skipped}
              rowKey={(s) => s.org_id}
              columns={[
                { key: 'party', label: t('invoices.party'), render: (s) => s.name },
                { key: 'reason', label: t('upload.message'), render: (s) => messageFor(t, 'error', s.problem.code) },
              ]}
            />
          )}
          <p>
            <Link to="/invoices">{t('runs.toInvoices')}</Link>
          </p>
        </section>
      )}
    </Page>
  );
}
