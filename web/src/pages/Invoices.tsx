import { useMemo, useRef, useState, type FormEvent } from 'react';
import { Button, Heading, Paragraph } from 'suomifi-ui-components';
import { apiGet, apiPost, download } from '../api/client';
import type { InvoiceView, OrgView } from '../api/types';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { DataTable, ErrorNotice, Loading, Page, Section, StatusTag, SuccessNotice, TextField, useLoad, type Column } from '../components/ui';
import { formatCents, formatDate, parseEuros, parseFinnishDate, todayFinnish, centsToInput } from '../format';
import { useSubmit } from '../submit';

export function InvoicesPage() {
  const { t, lang, term } = useI18n();
  const { me } = useAuth();
  const coordinator = me?.user.role === 'coordinator';
  const { data, error, reload } = useLoad(() => apiGet<InvoiceView[]>('/api/invoices'), []);
  const orgs = useLoad(() => (coordinator ? apiGet<OrgView[]>('/api/orgs') : Promise.resolve([])), [coordinator]);
  const names = useMemo(() => new Map((orgs.data ?? []).map((o) => [o.id, o.name])), [orgs.data]);
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<InvoiceView | null>(null);
  const downloads = useSubmit();
  const selectedRef = useRef<HTMLHeadingElement>(null);

  const rows = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const all = data ?? [];
    if (!f) return all;
    return all.filter((i) => i.number.toLowerCase().includes(f) || (names.get(i.org_id) ?? '').toLowerCase().includes(f));
  }, [data, filter, names]);

  const pdf = (i: InvoiceView) => downloads.run(() => download(`/api/invoices/${i.id}/pdf?lang=${lang}`, `lasku-${i.number}.pdf`));

  const columns: Column<InvoiceView>[] = [
    { key: 'number', label: t('invoices.number'), render: (i) => i.number, sort: (i) => i.number, nowrap: true },
    ...(coordinator
      ? [{ key: 'party', label: t('invoices.party'), render: (i: InvoiceView) => names.get(i.org_id) ?? '–', sort: (i: InvoiceView) => names.get(i.org_id) ?? '' }]
      : []),
    {
      key: 'kind',
      label: t('invoices.kind'),
      render: (i) => (i.kind === 'credit_note' ? t('invoices.kindCredit') : t('invoices.kindInvoice')),
    },
    { key: 'instalments', label: t('invoices.instalments'), render: (i) => i.instalments.join(', ') },
    { key: 'issue', label: t('invoices.issueDate'), render: (i) => formatDate(i.issue_date), sort: (i) => i.issue_date, nowrap: true },
    { key: 'due', label: t('invoices.dueDate'), render: (i) => formatDate(i.due_date), sort: (i) => i.due_date, nowrap: true },
    { key: 'amount', label: t('invoices.amount'), render: (i) => formatCents(i.amount_cents), sort: (i) => i.amount_cents, numeric: true },
    { key: 'outstanding', label: t('invoices.outstanding'), render: (i) => formatCents(i.outstanding_cents), sort: (i) => i.outstanding_cents, numeric: true },
    { key: 'status', label: t('common.status'), render: (i) => <StatusTag status={i.status} label={term('payment_status', i.status)} />, sort: (i) => i.status },
    {
      key: 'actions',
      label: t('common.actions'),
      render: (i) => (
        <div className="cell-actions">
          <Button variant="secondary" onClick={() => pdf(i)} aria-label={`${t('common.downloadPdf')}: ${i.number}`}>
            {t('common.downloadPdf')}
          </Button>
          {coordinator && (
            <Button
              variant="secondary"
              aria-label={`${t('invoices.select')}: ${i.number}`}
              onClick={() => {
                setSelected(i);
                setTimeout(() => selectedRef.current?.focus(), 0);
              }}
            >
              {t('invoices.select')}
            </Button>
          )}
        </div>
      ),
    },
  ];

  return (
    <Page title={coordinator ? t('invoices.title') : t('invoices.titleOwn')}>
      <ErrorNotice error={error ?? downloads.error} />
      {!data && !error && <Loading />}
      {data && data.length === 0 && <Paragraph>{t('invoices.none')}</Paragraph>}
      {data && data.length > 0 && (
        <>
          {coordinator && (
            <div className="filter">
              <TextField label={t('invoices.filterParty')} value={filter} onChange={setFilter} />
            </div>
          )}
          <DataTable caption={t('invoices.caption')} columns={columns} rows={rows} rowKey={(i) => i.id} />
        </>
      )}
      {selected && coordinator && (
        <section className="section" aria-labelledby="selected-heading">
          <Heading variant="h2" id="selected-heading" forwardedRef={selectedRef} tabIndex={-1}>
            {t('invoices.selected', { number: selected.number })} – {names.get(selected.org_id) ?? ''}
          </Heading>
          <Paragraph>
            {t('invoices.reference')}: {selected.reference} · {t('invoices.amount')}: {formatCents(selected.amount_cents)} ·{' '}
            {t('invoices.outstanding')}: {formatCents(selected.outstanding_cents)}
          </Paragraph>
          {selected.kind === 'invoice' && (
            <PaymentForm
              invoice={selected}
              onDone={(v) => {
                setSelected(v);
                reload();
              }}
            />
          )}
          {selected.kind === 'invoice' && selected.status !== 'credited' && (
            <CreditForm invoice={selected} onDone={() => reload()} />
          )}
        </section>
      )}
    </Page>
  );
}

function PaymentForm({ invoice, onDone }: { invoice: InvoiceView; onDone: (v: InvoiceView) => void }) {
  const { t } = useI18n();
  const [amount, setAmount] = useState(centsToInput(invoice.outstanding_cents));
  const [date, setDate] = useState(todayFinnish());
  const [payer, setPayer] = useState('');
  const [invalid, setInvalid] = useState<{ amount?: string; date?: string }>({});
  const payment = useSubmit();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const cents = parseEuros(amount);
    const iso = parseFinnishDate(date);
    const bad = { amount: cents === null ? t('error.badMoney') : undefined, date: iso === null ? t('error.badDate') : undefined };
    setInvalid(bad);
    if (bad.amount || bad.date) return;
    void payment.run(async () => {
      const v = await apiPost<InvoiceView>(`/api/invoices/${invoice.id}/payments`, {
        amount_cents: cents,
        paid_on: iso,
        payer: payer || null,
        reference: invoice.reference,
      });
      onDone(v);
      return t('invoices.paymentSaved', { number: invoice.number });
    });
  };
  return (
    <Section title={t('invoices.paymentTitle')} id="payment-heading">
      <form onSubmit={submit} className="form" noValidate>
        <TextField label={t('invoices.paymentAmount')} hint={t('common.moneyHint')} value={amount} onChange={setAmount} error={invalid.amount} />
        <TextField label={t('invoices.paymentDate')} hint={t('common.dateHint')} value={date} onChange={setDate} error={invalid.date} />
        <TextField label={t('invoices.paymentPayer')} value={payer} onChange={setPayer} optional />
        <ErrorNotice error={payment.error} />
        <SuccessNotice>{payment.done}</SuccessNotice>
        <Button type="submit">{t('invoices.paymentSave')}</Button>
      </form>
    </Section>
  );
}

function CreditForm({ invoice, onDone }: { invoice: InvoiceView; onDone: () => void }) {
  const { t } = useI18n();
  const [date, setDate] = useState(todayFinnish());
  const [invalid, setInvalid] = useState('');
  const credit = useSubmit();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const iso = parseFinnishDate(date);
    setInvalid(iso ? '' : t('error.badDate'));
    if (!iso) return;
    void credit.run(async () => {
      const note = await apiPost<InvoiceView>(`/api/invoices/${invoice.id}/credit-notes`, { issue_date: iso });
      onDone();
      return t('invoices.creditSaved', { number: note.number });
    });
  };
  return (
    <Section title={t('invoices.creditTitle')} id="credit-heading">
      <Paragraph>{t('invoices.creditHelp')}</Paragraph>
      <form onSubmit={submit} className="form" noValidate>
        <TextField label={t('invoices.creditDate')} hint={t('common.dateHint')} value={date} onChange={setDate} error={invalid || undefined} />
        <ErrorNotice error={credit.error} />
        <SuccessNotice>{credit.done}</SuccessNotice>
        <Button type="submit" variant="secondary">
          {t('invoices.creditSave')}
        </Button>
      </form>
    </Section>
  );
}
