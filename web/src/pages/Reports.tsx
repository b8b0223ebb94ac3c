// Spend reports (§9.1, §9.3, §13): the quarterly report (plan against actual, income, funds,
// runway), the annual project statement and the dissolution preview, each with its PDF and
// XLSX. Steering group and coordinator; every party's users read their party's copy of the
// quarterly report and the annual statement (their own reimbursements only), not the
// dissolution preview.
import { useState, type FormEvent } from 'react';
import { Button, Paragraph } from 'suomifi-ui-components';
import { apiGet, download } from '../api/client';
import type { AnnualStatement, CategoryLine, DissolutionPreview, QuarterlyReport, ReimbursementLine, Refund } from '../api/types';
import { useI18n } from '../i18n';
import { DataTable, ErrorNotice, Loading, Page, Section, SelectField, Summary, TextField, useLoad } from '../components/ui';
import { BarFigure, COLOURS, LineFigure, type Datum } from '../components/charts';
import { formatCents, formatDate, formatInt, formatPercent, parseEuros } from '../format';
import { EntriesTable } from './Expenses';
import { useSubmit } from '../submit';
import { useAuth } from '../auth';

/** The agreement's term, 1.9.2025–31.12.2026, a quarter at a time; later years for an extension. */
export const YEARS = [2025, 2026, 2027];

function currentQuarter(): { year: number; quarter: number } {
  const d = new Date();
  const year = Math.min(Math.max(d.getFullYear(), 2025), 2027);
  const quarter = d.getFullYear() < 2025 ? 3 : d.getFullYear() > 2027 ? 4 : Math.floor(d.getMonth() / 3) + 1;
  return { year, quarter: year === 2025 ? Math.max(quarter, 3) : quarter };
}

const hours = new Intl.NumberFormat('fi-FI', { maximumFractionDigits: 2 });
export function formatHours(h: number | null | undefined): string {
  return h === null || h === undefined ? '–' : `${hours.format(h)} h`;
}

function Downloads({ path, name }: { path: string; name: string }) {
  const { t } = useI18n();
  const downloads = useSubmit();
  const sep = path.includes('?') ? '&' : '?';
  return (
    <>
      <div className="button-row">
        <Button variant="secondary" onClick={() => downloads.run(() => download(`${path}${sep}format=pdf`, `${name}.pdf`))}>
          {t('common.downloadPdf')}
        </Button>
        <Button variant="secondary" onClick={() => downloads.run(() => download(`${path}${sep}format=xlsx`, `${name}.xlsx`))}>
          {t('reports.downloadXlsx')}
        </Button>
      </div>
      <ErrorNotice error={downloads.error} />
    </>
  );
}

export function ReportsPage() {
  const { t } = useI18n();
  const { me } = useAuth();
  const member = me?.user.role === 'member';
  return (
    <Page title={t('nav.reports')}>
      <Paragraph className="lead">{member ? t('reports.partyIntro') : t('reports.intro')}</Paragraph>
      <Quarterly />
      <Annual />
      {!member && <Dissolution />}
    </Page>
  );
}

/** In a party's copy: the other parties' reimbursements and entries are in the totals only. */
function PartyCopyNote({ shown }: { shown: boolean }) {
  const { t } = useI18n();
  return shown ? <Paragraph className="muted">{t('reports.partyCopy')}</Paragraph> : null;
}

function Quarterly() {
  const { t } = useI18n();
  const now = currentQuarter();
  const [year, setYear] = useState(String(now.year));
  const [quarter, setQuarter] = useState(String(now.quarter));
  const path = `/api/reports/quarterly/${year}/${quarter}`;
  const { data, error } = useLoad(() => apiGet<QuarterlyReport>(path), [path]);
  const r = data && data.year === Number(year) && data.quarter === Number(quarter) ? data : null;
  const qLabel = `Q${quarter}/${year}`;
  return (
    <Section title={t('reports.quarterly')} id="quarterly">
      <div className="filter">
        <SelectField id="q-year" label={t('reports.year')} value={year} onChange={setYear} options={YEARS.map((y) => ({ value: String(y), label: String(y) }))} />
        <SelectField
          id="q-quarter"
          label={t('reports.quarter')}
          value={quarter}
          onChange={setQuarter}
          options={[1, 2, 3, 4].map((q) => ({ value: String(q), label: t('reports.quarterN', { n: q }) }))}
        />
      </div>
      <ErrorNotice error={error} />
      {!r && !error && <Loading />}
      {r && <QuarterlyView report={r} qLabel={qLabel} />}
      {r && <Downloads path={path} name={`lyhty-neljannesvuosiraportti-${year}-Q${quarter}`} />}
    </Section>
  );
}

function QuarterlyView({ report: r, qLabel }: { report: QuarterlyReport; qLabel: string }) {
  const { t, term } = useI18n();
  const nothing = r.plan_version == null && r.entries.length === 0 && r.totals.cumulative_actual_cents === 0;
  const bars: Datum[] = r.categories
    .filter((c) => c.plan_cents !== 0 || c.actual_cents !== 0)
    .map((c) => ({ name: term('expense_category', c.category), plan: c.plan_cents, actual: c.actual_cents }));
  const timeline: Datum[] = r.timeline.map((p) => ({
    name: `Q${p.quarter}/${p.year}`,
    plan: p.cumulative_plan_cents,
    actual: p.cumulative_actual_cents ?? null,
    paid: p.cumulative_paid_cents ?? null,
  }));
  const money = (v: number) => formatCents(v);
  const barSummary = [
    t('chart.bars', { title: t('reports.planVsActualOf', { quarter: qLabel }) }),
    t('reports.chartTotals', { plan: formatCents(r.totals.plan_cents), actual: formatCents(r.totals.actual_cents) }),
    t('chart.tableBelow'),
  ].join(' ');
  const last = [...r.timeline].reverse().find((p) => p.cumulative_actual_cents != null);
  const lineSummary = [
    t('chart.lines', { title: t('reports.timeline') }),
    t('reports.timelineSummary', {
      plan: formatCents(last?.cumulative_plan_cents ?? 0),
      actual: formatCents(last?.cumulative_actual_cents ?? 0),
      paid: formatCents(last?.cumulative_paid_cents ?? 0),
      quarter: qLabel,
    }),
    t('chart.tableBelow'),
  ].join(' ');
  return (
    <>
      <Paragraph>
        {t('reports.period', { start: formatDate(r.period_start), end: formatDate(r.period_end) })}{' '}
        {r.plan_version != null ? t('reports.planVersion', { version: r.plan_version }) : t('reports.noPlan')}
      </Paragraph>
      {nothing && (
        <div className="placeholder">
          <Paragraph>{t('reports.noData')}</Paragraph>
        </div>
      )}
      <Summary
        items={[
          [t('reports.fundsAvailable'), formatCents(r.funds_available_cents)],
          [t('reports.committed'), formatCents(r.committed_funding_cents)],
          [t('reports.invoiced'), formatCents(r.income.invoiced_cents)],
          [t('reports.paid'), formatCents(r.income.paid_cents)],
          [t('reports.outstanding'), formatCents(r.income.outstanding_cents)],
          [t('reports.overdue'), formatCents(r.income.overdue_cents)],
          [t('reports.burnRate'), t('reports.perMonth', { amount: formatCents(r.burn_rate_cents_per_month) })],
          [t('reports.remainingFunding'), formatCents(r.remaining_funding_cents)],
          [t('reports.remainingPlan'), formatCents(r.remaining_plan_cents)],
          [t('reports.runway'), r.runway_months == null ? '–' : t('reports.months', { n: r.runway_months.toLocaleString('fi-FI', { maximumFractionDigits: 1 }) })],
          [t('reports.termEnd'), formatDate(r.term_end)],
          [t('reports.projectedEnd'), formatDate(r.projected_end)],
          r.term_extension_months != null && [t('reports.extension'), t('reports.months', { n: formatInt(r.term_extension_months) })],
        ]}
      />
      <h3 className="subheading">{t('reports.planVsActualOf', { quarter: qLabel })}</h3>
      {bars.length > 0 ? (
        <BarFigure
          summary={barSummary}
          data={bars}
          series={[
            { key: 'plan', name: t('reports.plan'), colour: COLOURS.secondary },
            { key: 'actual', name: t('reports.actual'), colour: COLOURS.primary },
          ]}
          format={money}
          money
          horizontal
        />
      ) : (
        <Paragraph className="muted">{t('reports.noCategoryFigures')}</Paragraph>
      )}
      <CategoriesTable report={r} />
      <h3 className="subheading">{t('reports.timeline')}</h3>
      <LineFigure
        summary={lineSummary}
        data={timeline}
        series={[
          { key: 'plan', name: t('reports.cumulativePlan'), colour: COLOURS.secondary },
          { key: 'actual', name: t('reports.cumulativeActual'), colour: COLOURS.primary },
          { key: 'paid', name: t('reports.cumulativePaid'), colour: COLOURS.tertiary },
        ]}
        format={money}
      />
      <DataTable
        caption={t('reports.timeline')}
        rows={r.timeline}
        rowKey={(p) => `${p.year}-${p.quarter}`}
        columns={[
          { key: 'q', label: t('reports.quarter'), render: (p) => `Q${p.quarter}/${p.year}`, nowrap: true },
          { key: 'plan', label: t('reports.plan'), render: (p) => formatCents(p.plan_cents), numeric: true },
          { key: 'actual', label: t('reports.actual'), render: (p) => formatCents(p.actual_cents), numeric: true },
          { key: 'cplan', label: t('reports.cumulativePlan'), render: (p) => formatCents(p.cumulative_plan_cents), numeric: true },
          { key: 'cactual', label: t('reports.cumulativeActual'), render: (p) => formatCents(p.cumulative_actual_cents), numeric: true },
          { key: 'cpaid', label: t('reports.cumulativePaid'), render: (p) => formatCents(p.cumulative_paid_cents), numeric: true },
        ]}
      />
      {r.reimbursements.length > 0 && <Reimbursements rows={r.reimbursements} />}
      <PartyCopyNote shown={r.party_copy === true} />
      <h3 className="subheading">{t('reports.entries', { quarter: qLabel })}</h3>
      {r.entries.length === 0 ? <Paragraph className="muted">{t('reports.noEntries')}</Paragraph> : <EntriesTable entries={r.entries} caption={t('reports.entries', { quarter: qLabel })} />}
    </>
  );
}

function CategoriesTable({ report: r }: { report: QuarterlyReport }) {
  const { t, term } = useI18n();
  type Row = CategoryLine | (QuarterlyReport['totals'] & { category: '*' });
  const rows: Row[] = [...r.categories, { ...r.totals, category: '*' }];
  return (
    <DataTable<Row>
      caption={t('reports.categoriesCaption')}
      rows={rows}
      rowKey={(c) => c.category}
      columns={[
        { key: 'cat', label: t('reports.category'), render: (c) => (c.category === '*' ? <strong>{t('common.total')}</strong> : term('expense_category', c.category)) },
        { key: 'plan', label: t('reports.plan'), render: (c) => formatCents(c.plan_cents), numeric: true },
        { key: 'actual', label: t('reports.actual'), render: (c) => formatCents(c.actual_cents), numeric: true },
        { key: 'var', label: t('reports.variance'), render: (c) => formatCents(c.variance_cents), numeric: true },
        { key: 'cplan', label: t('reports.cumulativePlan'), render: (c) => formatCents(c.cumulative_plan_cents), numeric: true },
        { key: 'cactual', label: t('reports.cumulativeActual'), render: (c) => formatCents(c.cumulative_actual_cents), numeric: true },
        { key: 'cvar', label: t('reports.cumulativeVariance'), render: (c) => formatCents(c.cumulative_variance_cents), numeric: true },
      ]}
    />
  );
}

function Reimbursements({ rows }: { rows: ReimbursementLine[] }) {
  const { t } = useI18n();
  return (
    <DataTable<ReimbursementLine>
      caption={t('reports.reimbursements')}
      rows={rows}
      rowKey={(r) => r.org_id}
      columns={[
        { key: 'name', label: t('invoices.party'), render: (r) => r.name, sort: (r) => r.name },
        { key: 'hours', label: t('expenses.hours'), render: (r) => formatHours(r.hours), numeric: true },
        { key: 'amount', label: t('expenses.amount'), render: (r) => formatCents(r.amount_cents), sort: (r) => r.amount_cents, numeric: true },
        { key: 'chours', label: t('reports.cumulativeHours'), render: (r) => formatHours(r.cumulative_hours), numeric: true },
        { key: 'camount', label: t('reports.cumulativeAmount'), render: (r) => formatCents(r.cumulative_amount_cents), numeric: true },
      ]}
    />
  );
}

function Annual() {
  const { t, term } = useI18n();
  const [year, setYear] = useState(String(currentQuarter().year));
  const path = `/api/reports/annual/${year}`;
  const { data, error } = useLoad(() => apiGet<AnnualStatement>(path), [path]);
  const a = data && data.year === Number(year) ? data : null;
  return (
    <Section title={t('reports.annual')} id="annual">
      <Paragraph>{t('reports.annualIntro')}</Paragraph>
      <div className="filter">
        <SelectField id="a-year" label={t('reports.year')} value={year} onChange={setYear} options={YEARS.map((y) => ({ value: String(y), label: String(y) }))} />
      </div>
      <ErrorNotice error={error} />
      {!a && !error && <Loading />}
      {a && (
        <>
          <Summary
            items={[
              [t('reports.openingFunds'), formatCents(a.opening_funds_cents)],
              [t('reports.received'), formatCents(a.income.period_paid_cents)],
              [t('reports.spent'), formatCents(a.spent_cents)],
              [t('reports.plan'), formatCents(a.plan_cents)],
              [t('reports.variance'), formatCents(a.variance_cents)],
              [t('reports.closingFunds'), formatCents(a.closing_funds_cents)],
            ]}
          />
          {a.entries.length === 0 && a.plan_cents === 0 && <Paragraph className="muted">{t('reports.noDataYear')}</Paragraph>}
          <DataTable
            caption={t('reports.annualCaption', { year: a.year })}
            rows={[...a.categories, { category: '*' as const, plan_cents: a.plan_cents, actual_cents: a.spent_cents, variance_cents: a.variance_cents }]}
            rowKey={(c) => c.category}
            columns={[
              { key: 'cat', label: t('reports.category'), render: (c) => (c.category === '*' ? <strong>{t('common.total')}</strong> : term('expense_category', c.category)) },
              { key: 'plan', label: t('reports.plan'), render: (c) => formatCents(c.plan_cents), numeric: true },
              { key: 'actual', label: t('reports.actual'), render: (c) => formatCents(c.actual_cents), numeric: true },
              { key: 'var', label: t('reports.variance'), render: (c) => formatCents(c.variance_cents), numeric: true },
            ]}
          />
          {a.reimbursements.length > 0 && <Reimbursements rows={a.reimbursements} />}
          <PartyCopyNote shown={a.party_copy === true} />
          <Downloads path={path} name={`lyhty-hankelaskelma-${year}`} />
        </>
      )}
    </Section>
  );
}

function Dissolution() {
  const { t } = useI18n();
  const [windDown, setWindDown] = useState('0,00');
  const [cents, setCents] = useState(0);
  const [invalid, setInvalid] = useState('');
  const path = `/api/reports/dissolution-preview?wind_down_cents=${cents}`;
  const { data, error } = useLoad(() => apiGet<DissolutionPreview>(path), [path]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const c = parseEuros(windDown);
    setInvalid(c === null || c < 0 ? t('error.badMoney') : '');
    if (c !== null && c >= 0) setCents(c);
  };
  const d = data && data.wind_down_cents === cents ? data : null;
  return (
    <Section title={t('reports.dissolution')} id="dissolution">
      <Paragraph>{t('reports.dissolutionIntro')}</Paragraph>
      <form onSubmit={submit} className="form" noValidate>
        <TextField id="wind-down" label={t('reports.windDown')} hint={t('common.moneyHint')} value={windDown} onChange={setWindDown} error={invalid || undefined} />
        <Button type="submit" variant="secondary">
          {t('reports.compute')}
        </Button>
      </form>
      <ErrorNotice error={error} />
      {!d && !error && <Loading />}
      {d && (
        <>
          <Summary
            items={[
              [t('reports.originalFunding'), formatCents(d.original_funding_cents)],
              [t('reports.paid'), formatCents(d.paid_cents)],
              [t('reports.spent'), formatCents(d.spent_cents)],
              [t('reports.windDown'), formatCents(d.wind_down_cents)],
              [t('reports.remaining'), formatCents(d.remaining_cents)],
              [t('reports.remainingShare'), formatPercent(d.remaining_share)],
              [t('reports.threshold'), formatCents(d.threshold_cents)],
            ]}
          />
          <p className={d.refund ? 'result-ok' : 'result-neutral'}>{d.refund ? t('reports.refundYes') : t('reports.refundNo')}</p>
          {d.refunds.length === 0 ? (
            <Paragraph className="muted">{t('reports.noPayments')}</Paragraph>
          ) : (
            <DataTable<Refund>
              caption={t('reports.refunds')}
              rows={d.refunds}
              rowKey={(r) => r.org_id}
              columns={[
                { key: 'name', label: t('invoices.party'), render: (r) => (r.expelled ? `${r.name} (${t('reports.expelled')})` : r.name), sort: (r) => r.name },
                { key: 'paid', label: t('reports.paid'), render: (r) => formatCents(r.paid_cents), sort: (r) => r.paid_cents, numeric: true },
                { key: 'refund', label: t('reports.refund'), render: (r) => formatCents(r.refund_cents), sort: (r) => r.refund_cents, numeric: true },
              ]}
            />
          )}
          <Downloads path={path} name="lyhty-palautuslaskelma" />
        </>
      )}
    </Section>
  );
}
