// The budget plan per category per quarter (versioned: each change the steering group
// approves is a new version) and the steering group's hourly rate with its history. The
// coordinator records them; the steering group reads.
import { useMemo, useState, type FormEvent } from 'react';
import { Button, Paragraph } from 'suomifi-ui-components';
import { apiGet, apiPost, apiPut } from '../api/client';
import type { BudgetPlan, BudgetPlanView, HourlyRate, HourlyRatesView, PlanLine } from '../api/types';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { DataTable, ErrorNotice, Loading, Page, Section, SuccessNotice, TextField, useLoad } from '../components/ui';
import { useSubmit } from '../submit';
import { centsToInput, formatCents, formatDate, formatDateTime, parseEuros, parseFinnishDate, todayFinnish } from '../format';
import { useExpenseCategories } from './Expenses';

interface Q {
  year: number;
  quarter: number;
}
/** The agreement's term, 1.9.2025–31.12.2026. */
const TERM: Q[] = [
  { year: 2025, quarter: 3 },
  { year: 2025, quarter: 4 },
  { year: 2026, quarter: 1 },
  { year: 2026, quarter: 2 },
  { year: 2026, quarter: 3 },
  { year: 2026, quarter: 4 },
];
const qKey = (q: Q) => `${q.year}-${q.quarter}`;
const qLabel = (q: Q) => `Q${q.quarter}/${q.year}`;

function quartersOf(plan: BudgetPlan | null | undefined): Q[] {
  const all = new Map(TERM.map((q) => [qKey(q), q]));
  for (const l of plan?.lines ?? []) all.set(qKey(l), { year: l.year, quarter: l.quarter });
  // An extended term (§9) goes on past 2026: the current quarter is always there.
  const now = new Date();
  const current = { year: now.getFullYear(), quarter: Math.floor(now.getMonth() / 3) + 1 };
  if (current.year >= 2025) all.set(qKey(current), current);
  return [...all.values()].sort((a, b) => a.year - b.year || a.quarter - b.quarter);
}

export function BudgetPage() {
  const { t } = useI18n();
  const { me } = useAuth();
  const coordinator = me?.user.role === 'coordinator';
  return (
    <Page title={t('budget.title')}>
      <Paragraph className="lead">{coordinator ? t('budget.intro') : t('budget.introRead')}</Paragraph>
      <PlanSection coordinator={coordinator} />
      <RatesSection coordinator={coordinator} />
    </Page>
  );
}

function PlanSection({ coordinator }: { coordinator: boolean }) {
  const { t, term } = useI18n();
  const categories = useExpenseCategories();
  const { data, error, reload } = useLoad(() => apiGet<BudgetPlanView>('/api/budget-plan'), []);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<number | null>(null);
  const plan = data?.plan ?? null;
  const quarters = useMemo(() => quartersOf(plan), [plan]);
  const amount = (category: string, q: Q) =>
    plan?.lines.find((l) => l.category === category && l.year === q.year && l.quarter === q.quarter)?.amount_cents ?? 0;
  return (
    <Section title={t('budget.plan')} id="plan">
      <ErrorNotice error={error} />
      {!data && !error && <Loading />}
      {data && !plan && <Paragraph>{t('budget.noPlan')}</Paragraph>}
      {saved !== null && plan?.version === saved && <SuccessNotice>{t('budget.saved', { version: saved })}</SuccessNotice>}
      {plan && (
        <>
          <Paragraph>
            {t('budget.version', { version: plan.version, date: formatDate(plan.approved_on) })}
            {plan.note ? ` · ${plan.note}` : ''} · {t('common.total')}: {formatCents(data!.total_cents)}
          </Paragraph>
          {!editing && (
            <div className="table-wrap" role="region" aria-labelledby="plan-caption" tabIndex={0}>
              <table className="data-table pivot">
                <caption id="plan-caption">{t('budget.planCaption', { version: plan.version })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('expenses.category')}</th>
                    {quarters.map((q) => (
                      <th scope="col" key={qKey(q)} className="num">
                        {qLabel(q)}
                      </th>
                    ))}
                    <th scope="col" className="num">
                      {t('common.total')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {categories.map((c) => (
                    <tr key={c}>
                      <th scope="row">{term('expense_category', c)}</th>
                      {quarters.map((q) => (
                        <td key={qKey(q)} className="num">
                          {formatCents(amount(c, q))}
                        </td>
                      ))}
                      <td className="num">{formatCents(quarters.reduce((s, q) => s + amount(c, q), 0))}</td>
                    </tr>
                  ))}
                  <tr className="total-row">
                    <th scope="row">{t('common.total')}</th>
                    {quarters.map((q) => (
                      <td key={qKey(q)} className="num">
                        {formatCents(categories.reduce((s, c) => s + amount(c, q), 0))}
                      </td>
                    ))}
                    <td className="num">{formatCents(data!.total_cents)}</td>
                  </tr>
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      {coordinator && data && !editing && (
        <div className="button-row">
          <Button
            variant="secondary"
            onClick={() => {
              setSaved(null);
              setEditing(true);
            }}
          >
            {plan ? t('budget.edit') : t('budget.create')}
          </Button>
        </div>
      )}
      {coordinator && editing && (
        <PlanEditor
          plan={plan}
          quarters={quarters}
          onCancel={() => setEditing(false)}
          onSaved={(version) => {
            setSaved(version);
            setEditing(false);
            reload();
          }}
        />
      )}
      {data && data.versions.length > 0 && (
        <DataTable
          caption={t('budget.versions')}
          rows={[...data.versions].reverse()}
          rowKey={(v) => String(v.version)}
          columns={[
            { key: 'v', label: t('budget.versionNo'), render: (v) => String(v.version), numeric: true },
            { key: 'approved', label: t('budget.approvedOn'), render: (v) => formatDate(v.approved_on), nowrap: true },
            { key: 'note', label: t('budget.note'), render: (v) => v.note || '–' },
            { key: 'total', label: t('common.total'), render: (v) => formatCents(v.total_cents), numeric: true },
            { key: 'by', label: t('budget.savedBy'), render: (v) => `${v.created_by}, ${formatDateTime(v.created_at)}` },
          ]}
        />
      )}
    </Section>
  );
}

function PlanEditor({
  plan,
  quarters,
  onCancel,
  onSaved,
}: {
  plan: BudgetPlan | null;
  quarters: Q[];
  onCancel: () => void;
  onSaved: (version: number) => void;
}) {
  const { t, term } = useI18n();
  const categories = useExpenseCategories();
  const [values, setValues] = useState<Record<string, string>>(() => {
    const v: Record<string, string> = {};
    for (const c of categories)
      for (const q of quarters) {
        const line = plan?.lines.find((l) => l.category === c && l.year === q.year && l.quarter === q.quarter);
        v[`${c}|${qKey(q)}`] = centsToInput(line?.amount_cents ?? 0);
      }
    return v;
  });
  const [approved, setApproved] = useState(todayFinnish());
  const [note, setNote] = useState('');
  const [bad, setBad] = useState<Set<string>>(new Set());
  const [badDate, setBadDate] = useState('');
  const save = useSubmit();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const iso = parseFinnishDate(approved);
    setBadDate(iso ? '' : t('error.badDate'));
    const lines: PlanLine[] = [];
    const wrong = new Set<string>();
    for (const c of categories)
      for (const q of quarters) {
        const k = `${c}|${qKey(q)}`;
        const cents = parseEuros(values[k] || '0');
        if (cents === null || cents < 0) wrong.add(k);
        else if (cents > 0) lines.push({ category: c, year: q.year, quarter: q.quarter, amount_cents: cents });
      }
    setBad(wrong);
    if (!iso || wrong.size > 0) return;
    void save.run(async () => {
      const saved = await apiPut<BudgetPlan>('/api/budget-plan', { approved_on: iso, note: note.trim() || null, lines });
      onSaved(saved.version);
    });
  };
  return (
    <form onSubmit={submit} noValidate className="plan-editor">
      <Paragraph>{t('budget.editHelp')}</Paragraph>
      <div className="table-wrap" role="region" aria-labelledby="plan-edit-caption" tabIndex={0}>
        <table className="data-table pivot">
          <caption id="plan-edit-caption">{t('budget.editCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('expenses.category')}</th>
              {quarters.map((q) => (
                <th scope="col" key={qKey(q)} className="num">
                  {qLabel(q)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {categories.map((c) => (
              <tr key={c}>
                <th scope="row">{term('expense_category', c)}</th>
                {quarters.map((q) => {
                  const k = `${c}|${qKey(q)}`;
                  return (
                    <td key={k} className="num">
                      <input
                        className={bad.has(k) ? 'cell-input invalid' : 'cell-input'}
                        aria-label={`${term('expense_category', c)} ${qLabel(q)} (€)`}
                        aria-invalid={bad.has(k) || undefined}
                        inputMode="decimal"
                        value={values[k]}
                        onChange={(e) => setValues({ ...values, [k]: e.target.value })}
                      />
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {bad.size > 0 && (
        <p className="field-error" role="alert">
          {t('budget.badCells')}
        </p>
      )}
      <div className="form">
        <TextField id="plan-approved" label={t('budget.approvedOn')} hint={t('budget.approvedHint')} value={approved} onChange={setApproved} error={badDate || undefined} />
        <TextField id="plan-note" label={t('budget.note')} hint={t('budget.noteHint')} value={note} onChange={setNote} optional />
        <ErrorNotice error={save.error} />
        <div className="button-row">
          <Button type="submit">{t('budget.saveVersion')}</Button>
          <Button type="button" variant="secondary" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
        </div>
      </div>
    </form>
  );
}

function RatesSection({ coordinator }: { coordinator: boolean }) {
  const { t } = useI18n();
  const { data, error, reload } = useLoad(() => apiGet<HourlyRatesView>('/api/hourly-rates'), []);
  return (
    <Section title={t('budget.rates')} id="rates">
      <Paragraph>{t('budget.ratesIntro')}</Paragraph>
      <ErrorNotice error={error} />
      {!data && !error && <Loading />}
      {data && (
        <>
          <dl className="summary">
            <div>
              <dt>{t('budget.currentRate')}</dt>
              <dd>{data.current_rate_cents != null ? t('budget.perHour', { amount: formatCents(data.current_rate_cents) }) : t('budget.noRate')}</dd>
            </div>
          </dl>
          {data.rates.length > 0 && (
            <DataTable<HourlyRate>
              caption={t('budget.ratesCaption')}
              rows={[...data.rates].reverse()}
              rowKey={(r) => r.valid_from}
              columns={[
                { key: 'from', label: t('budget.validFrom'), render: (r) => formatDate(r.valid_from), nowrap: true },
                { key: 'rate', label: t('budget.rate'), render: (r) => formatCents(r.rate_cents), numeric: true },
                { key: 'decision', label: t('budget.decision'), render: (r) => r.decision || '–' },
              ]}
            />
          )}
        </>
      )}
      {coordinator && <RateForm onDone={reload} />}
    </Section>
  );
}

function RateForm({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const [from, setFrom] = useState(todayFinnish());
  const [rate, setRate] = useState('');
  const [decision, setDecision] = useState('');
  const [invalid, setInvalid] = useState<{ from?: string; rate?: string }>({});
  const save = useSubmit();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const iso = parseFinnishDate(from);
    const cents = parseEuros(rate);
    const bad = { from: iso ? undefined : t('error.badDate'), rate: cents !== null && cents > 0 ? undefined : t('error.badMoney') };
    setInvalid(bad);
    if (bad.from || bad.rate) return;
    void save.run(async () => {
      const r = await apiPost<HourlyRate>('/api/hourly-rates', { valid_from: iso, rate_cents: cents, decision: decision.trim() || null });
      setRate('');
      setDecision('');
      onDone();
      return t('budget.rateSaved', { rate: formatCents(r.rate_cents), date: formatDate(r.valid_from) });
    });
  };
  return (
    <form onSubmit={submit} className="form" noValidate aria-labelledby="rate-form-title">
      <h3 id="rate-form-title" className="subheading">
        {t('budget.addRate')}
      </h3>
      <TextField id="rate-from" label={t('budget.validFrom')} hint={t('common.dateHint')} value={from} onChange={setFrom} error={invalid.from} />
      <TextField id="rate-amount" label={t('budget.rateEuros')} hint={t('common.moneyHint')} value={rate} onChange={setRate} error={invalid.rate} />
      <TextField id="rate-decision" label={t('budget.decision')} hint={t('budget.noteHint')} value={decision} onChange={setDecision} optional />
      <ErrorNotice error={save.error} />
      <SuccessNotice>{save.done}</SuccessNotice>
      <Button type="submit">{t('budget.saveRate')}</Button>
    </form>
  );
}
