// The expenditure ledger (§9.3): the coordinator books expenses and corrects them with
// reversing entries (nothing is edited or deleted); the steering group reads.
import { useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Button, Heading, Paragraph } from 'suomifi-ui-components';
import { apiGet, apiPost } from '../api/client';
import type { Expense, ExpenseCategory, ExpenseView, HourlyRatesView, OrgView } from '../api/types';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { DataTable, ErrorNotice, Loading, Page, Section, SelectField, SuccessNotice, TextField, useLoad, type Column } from '../components/ui';
import { useSubmit } from '../submit';
import { formatCents, formatDate, formatInt, parseEuros, parseFinnishDate, todayFinnish } from '../format';

/** The cost categories in the action plan's order (the vocabulary's). */
export function useExpenseCategories(): ExpenseCategory[] {
  const { options } = useI18n();
  return useMemo(() => options('expense_category').map((o) => o.value as ExpenseCategory), [options]);
}

const hoursFormat = new Intl.NumberFormat('fi-FI', { maximumFractionDigits: 2 });

/** Ledger entries as a table; `extra` adds columns (the ledger page's status and actions). */
export function EntriesTable<T extends Expense>({
  entries,
  caption,
  payee,
  extra = [],
}: {
  entries: T[];
  caption: string;
  payee?: (e: T) => string | null | undefined;
  extra?: Column<T>[];
}) {
  const { t, term } = useI18n();
  return (
    <DataTable<T>
      caption={caption}
      rows={entries}
      rowKey={(e) => e.id}
      columns={[
        { key: 'date', label: t('expenses.date'), render: (e) => formatDate(e.date), sort: (e) => e.date, nowrap: true },
        { key: 'category', label: t('expenses.category'), render: (e) => term('expense_category', e.category), sort: (e) => term('expense_category', e.category) },
        { key: 'description', label: t('expenses.description'), render: (e) => e.description },
        { key: 'payee', label: t('expenses.payee'), render: (e) => (payee?.(e) ?? e.payee) || '–' },
        { key: 'hours', label: t('expenses.hours'), render: (e) => (e.hours == null ? '–' : `${hoursFormat.format(e.hours)} h`), numeric: true },
        { key: 'amount', label: t('expenses.amount'), render: (e) => formatCents(e.amount_cents), sort: (e) => e.amount_cents, numeric: true },
        { key: 'doc', label: t('expenses.document'), render: (e) => e.document_ref || '–' },
        ...extra,
      ]}
    />
  );
}

export function ExpensesPage() {
  const { t } = useI18n();
  const { me } = useAuth();
  const coordinator = me?.user.role === 'coordinator';
  const { data, error, reload } = useLoad(() => apiGet<ExpenseView[]>('/api/expenses'), []);
  const [reversing, setReversing] = useState<ExpenseView | null>(null);
  const reverseRef = useRef<HTMLHeadingElement>(null);
  const total = (data ?? []).reduce((s, e) => s + e.amount_cents, 0);
  const sorted = useMemo(() => [...(data ?? [])].sort((a, b) => b.date.localeCompare(a.date) || b.created_at.localeCompare(a.created_at)), [data]);

  const status = (e: ExpenseView): ReactNode => {
    if (e.reverses) return <span className="tag">{t('expenses.isReversal')}</span>;
    if (e.reversed_by) return <span className="tag tag-rejected">{t('expenses.reversed')}</span>;
    return <span className="tag tag-accepted">{t('expenses.valid')}</span>;
  };
  const extra: Column<ExpenseView>[] = [
    { key: 'status', label: t('common.status'), render: status },
    ...(coordinator
      ? [
          {
            key: 'actions',
            label: t('common.actions'),
            render: (e: ExpenseView) =>
              e.reverses || e.reversed_by ? (
                '–'
              ) : (
                <Button
                  variant="secondary"
                  aria-label={`${t('expenses.reverse')}: ${e.description} ${formatDate(e.date)}`}
                  onClick={() => {
                    setReversing(e);
                    setTimeout(() => reverseRef.current?.focus(), 0);
                  }}
                >
                  {t('expenses.reverse')}
                </Button>
              ),
          },
        ]
      : []),
  ];

  return (
    <Page title={t('expenses.title')}>
      <Paragraph className="lead">{coordinator ? t('expenses.intro') : t('expenses.introRead')}</Paragraph>
      {coordinator && <ExpenseForm onDone={reload} />}
      <Section title={t('expenses.ledger')} id="ledger">
        <ErrorNotice error={error} />
        {!data && !error && <Loading />}
        {data && data.length === 0 && <Paragraph>{t('expenses.none')}</Paragraph>}
        {data && data.length > 0 && (
          <>
            <dl className="summary">
              <div>
                <dt>{t('expenses.total')}</dt>
                <dd>{formatCents(total)}</dd>
              </div>
              <div>
                <dt>{t('expenses.count')}</dt>
                <dd>{formatInt(data.length)}</dd>
              </div>
            </dl>
            <EntriesTable<ExpenseView> entries={sorted} caption={t('expenses.caption')} payee={(e) => e.payee_name ?? e.payee} extra={extra} />
          </>
        )}
      </Section>
      {coordinator && reversing && (
        <section className="section" aria-labelledby="reverse-heading">
          <Heading variant="h2" id="reverse-heading" forwardedRef={reverseRef} tabIndex={-1}>
            {t('expenses.reverseTitle', { description: reversing.description, date: formatDate(reversing.date) })}
          </Heading>
          <ReverseForm
            expense={reversing}
            onDone={() => {
              reload();
            }}
          />
        </section>
      )}
    </Page>
  );
}

function ExpenseForm({ onDone }: { onDone: () => void }) {
  const { t, options } = useI18n();
  const orgs = useLoad(() => apiGet<OrgView[]>('/api/orgs'), []);
  const rates = useLoad(() => apiGet<HourlyRatesView>('/api/hourly-rates'), []);
  const [category, setCategory] = useState<ExpenseCategory>('purchased_services');
  const [date, setDate] = useState(todayFinnish());
  const [amount, setAmount] = useState('');
  const [hours, setHours] = useState('');
  const [payeeOrg, setPayeeOrg] = useState('');
  const [payee, setPayee] = useState('');
  const [description, setDescription] = useState('');
  const [doc, setDoc] = useState('');
  const [invalid, setInvalid] = useState<Record<string, string | undefined>>({});
  const save = useSubmit();
  const personnel = category === 'personnel';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const iso = parseFinnishDate(date);
    const cents = personnel ? null : parseEuros(amount);
    const h = personnel ? Number(hours.replace(',', '.').replace(/\s/g, '')) : null;
    const bad = {
      date: iso ? undefined : t('error.badDate'),
      amount: !personnel && (cents === null || cents <= 0) ? t('error.badMoney') : undefined,
      hours: personnel && (!hours.trim() || !Number.isFinite(h) || (h ?? 0) <= 0) ? t('expenses.badHours') : undefined,
      payeeOrg: personnel && !payeeOrg ? t('expenses.payeeRequired') : undefined,
      description: description.trim() ? undefined : t('expenses.descriptionRequired'),
    };
    setInvalid(bad);
    if (Object.values(bad).some(Boolean)) return;
    void save.run(async () => {
      const v = await apiPost<ExpenseView>('/api/expenses', {
        date: iso,
        category,
        amount_cents: cents,
        hours: h,
        payee_org_id: payeeOrg || null,
        payee: !personnel && payee.trim() ? payee.trim() : null,
        description: description.trim(),
        document_ref: doc.trim() || null,
      });
      setAmount('');
      setHours('');
      setDescription('');
      setDoc('');
      setPayee('');
      onDone();
      return t('expenses.saved', { amount: formatCents(v.amount_cents), date: formatDate(v.date) });
    });
  };

  return (
    <Section title={t('expenses.new')} id="new-expense">
      <form onSubmit={submit} className="form-grid" noValidate>
        <SelectField
          id="expense-category"
          label={t('expenses.category')}
          value={category}
          onChange={(v) => setCategory(v as ExpenseCategory)}
          options={options('expense_category')}
        />
        <TextField id="expense-date" label={t('expenses.date')} hint={t('common.dateHint')} value={date} onChange={setDate} error={invalid.date} />
        {personnel ? (
          <>
            <SelectField
              id="expense-payee-org"
              label={t('expenses.payeeOrg')}
              hint={t('expenses.payeeOrgHint')}
              value={payeeOrg}
              onChange={setPayeeOrg}
              options={[{ value: '', label: t('expenses.choosePayee') }, ...(orgs.data ?? []).map((o) => ({ value: o.id, label: o.name }))]}
            />
            {invalid.payeeOrg && <span className="field-error">{invalid.payeeOrg}</span>}
            <TextField
              id="expense-hours"
              label={t('expenses.hours')}
              hint={
                rates.data?.current_rate_cents != null
                  ? t('expenses.hoursHint', { rate: formatCents(rates.data.current_rate_cents) })
                  : t('expenses.noRate')
              }
              value={hours}
              onChange={setHours}
              error={invalid.hours}
            />
          </>
        ) : (
          <>
            <TextField id="expense-amount" label={t('expenses.amountEuros')} hint={t('common.moneyHint')} value={amount} onChange={setAmount} error={invalid.amount} />
            <TextField id="expense-payee" label={t('expenses.payee')} value={payee} onChange={setPayee} optional />
          </>
        )}
        <TextField id="expense-description" label={t('expenses.description')} value={description} onChange={setDescription} error={invalid.description} />
        <TextField id="expense-doc" label={t('expenses.document')} hint={t('expenses.documentHint')} value={doc} onChange={setDoc} optional />
        <div className="form-actions">
          <ErrorNotice error={save.error} />
          <SuccessNotice>{save.done}</SuccessNotice>
          <Button type="submit">{t('expenses.save')}</Button>
        </div>
      </form>
    </Section>
  );
}

function ReverseForm({ expense, onDone }: { expense: ExpenseView; onDone: () => void }) {
  const { t } = useI18n();
  const [date, setDate] = useState(todayFinnish());
  const [reason, setReason] = useState('');
  const [invalid, setInvalid] = useState('');
  const reversal = useSubmit();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const iso = parseFinnishDate(date);
    setInvalid(iso ? '' : t('error.badDate'));
    if (!iso) return;
    void reversal.run(async () => {
      const v = await apiPost<ExpenseView>(`/api/expenses/${expense.id}/reverse`, { date: iso, reason: reason.trim() || null });
      onDone();
      return t('expenses.reversedDone', { amount: formatCents(v.amount_cents) });
    });
  };
  return (
    <>
      <Paragraph>{t('expenses.reverseHelp', { amount: formatCents(expense.amount_cents) })}</Paragraph>
      <form onSubmit={submit} className="form" noValidate>
        <TextField id="reverse-date" label={t('expenses.reverseDate')} hint={t('common.dateHint')} value={date} onChange={setDate} error={invalid || undefined} />
        <TextField id="reverse-reason" label={t('expenses.reason')} value={reason} onChange={setReason} optional />
        <ErrorNotice error={reversal.error} />
        <SuccessNotice>{reversal.done}</SuccessNotice>
        <Button type="submit" variant="secondary" disabled={!!reversal.done}>
          {t('expenses.reverseSave')}
        </Button>
      </form>
    </>
  );
}
