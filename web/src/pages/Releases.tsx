// The coordinator publishes a release (cut-off date → compute, protect, audit) and reads the
// audit reports. The audit report and the disclosure parameters are the coordinator's only.
import { useRef, useState, type FormEvent } from 'react';
import { Button, Heading, Paragraph } from 'suomifi-ui-components';
import { ApiError, apiGet, apiPost } from '../api/client';
import type { OrgView, ReleaseSummary } from '../api/types';
import { messageFor, useI18n } from '../i18n';
import { Link } from '../router';
import { DataTable, ErrorNotice, Loading, Page, Section, TextField, useLoad } from '../components/ui';
import { formatDate, formatDateTime, formatInt, formatPercent, parseFinnishDate, todayFinnish } from '../format';
import {
  heldBackOf,
  memberLabel,
  type AuditReport,
  type HeldBack,
  type ReleaseAudit,
  type ReleaseCreated,
  type ReleaseRefused,
  type ReleaseStats,
} from '../release';
import { useSubmit } from '../submit';

export function ReleasesPage() {
  const { t } = useI18n();
  const list = useLoad(() => apiGet<ReleaseSummary[]>('/api/releases'), []);
  const [date, setDate] = useState(todayFinnish());
  const [invalid, setInvalid] = useState('');
  const publish = useSubmit();
  const [refused, setRefused] = useState<ReleaseRefused | null>(null);
  const [created, setCreated] = useState<ReleaseCreated | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  const resultRef = useRef<HTMLHeadingElement>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const iso = parseFinnishDate(date);
    setInvalid(iso ? '' : t('error.badDate'));
    if (!iso) return;
    setRefused(null);
    setCreated(null);
    void publish
      .run(async () => {
        try {
          const r = await apiPost<ReleaseCreated>('/api/releases', { as_of: iso });
          setCreated(r);
          setShown(r.id);
          list.reload();
        } catch (err) {
          // A refusal carries the audit that refused it.
          if (err instanceof ApiError && err.code === 'release_refused') setRefused(err.body as ReleaseRefused);
          throw err;
        }
      })
      .then(() => setTimeout(() => resultRef.current?.focus(), 0));
  };

  return (
    <Page title={t('releases.title')}>
      <Paragraph className="lead">{t('releases.intro')}</Paragraph>
      <form onSubmit={submit} className="form" noValidate>
        <TextField
          id="release-as-of"
          label={t('releases.asOf')}
          hint={t('releases.asOfHint')}
          value={date}
          onChange={setDate}
          error={invalid || undefined}
        />
        <Button type="submit" disabled={publish.busy}>
          {t('releases.publish')}
        </Button>
        {publish.busy && (
          <p role="status" className="muted">
            {t('releases.computing')}
          </p>
        )}
      </form>
      {(created !== null || publish.error !== null) && (
        <section className="section" aria-labelledby="release-result">
          <Heading variant="h2" id="release-result" forwardedRef={resultRef} tabIndex={-1}>
            {created ? t('releases.published', { date: formatDate(created.as_of) }) : t('releases.notPublished')}
          </Heading>
          <ErrorNotice error={publish.error} />
          {refused && <AuditView audit={refused.audit} stats={refused.stats} heldBack={heldBackOf(refused)} />}
          {created && (
            <>
              <HeldBackCount stats={created.stats} heldBack={heldBackOf(created)} />
              <p>
                <Link to={`/dashboard?release=${encodeURIComponent(created.id)}`}>{t('releases.toDashboard')}</Link>
              </p>
            </>
          )}
        </section>
      )}
      <Section title={t('releases.listTitle')} id="release-list">
        {!list.data && !list.error && <Loading />}
        <ErrorNotice error={list.error} />
        {list.data && list.data.length === 0 && <Paragraph>{t('placeholder.noRelease')}</Paragraph>}
        {list.data && list.data.length > 0 && (
          <DataTable<ReleaseSummary>
            caption={t('releases.caption')}
            rows={list.data}
            rowKey={(r) => r.id}
            columns={[
              { key: 'asOf', label: t('release.asOf'), render: (r) => formatDate(r.as_of), nowrap: true },
              { key: 'created', label: t('releases.createdAt'), render: (r) => formatDateTime(r.created_at), nowrap: true },
              { key: 'by', label: t('releases.createdBy'), render: (r) => r.created_by },
              {
                key: 'actions',
                label: t('common.actions'),
                render: (r) => (
                  <div className="cell-actions">
                    <Button
                      variant="secondary"
                      aria-label={`${t('releases.showAudit')}: ${formatDate(r.as_of)}`}
                      onClick={() => setShown(r.id)}
                    >
                      {t('releases.showAudit')}
                    </Button>
                    <Link to={`/dashboard?release=${encodeURIComponent(r.id)}`} aria-label={`${t('releases.toDashboard')}: ${formatDate(r.as_of)}`}>
                      {t('releases.toDashboard')}
                    </Link>
                  </div>
                ),
              },
            ]}
          />
        )}
      </Section>
      {shown && <StoredAudit id={shown} />}
    </Page>
  );
}

function StoredAudit({ id }: { id: string }) {
  const { t } = useI18n();
  const { data, error } = useLoad(() => apiGet<ReleaseAudit>(`/api/releases/${id}/audit`), [id]);
  return (
    <Section title={data ? t('releases.auditOf', { date: formatDate(data.as_of) }) : t('releases.audit')} id="audit-summary">
      <ErrorNotice error={error} />
      {!data && !error && <Loading />}
      {data && <AuditView audit={data.audit} stats={data.stats} params={data.params} heldBack={heldBackOf(data)} />}
    </Section>
  );
}

/** How many organisations' updates the release holds back: the count the release itself
 *  carries, or failing that the length of the coordinator's list. */
function heldBackCount(stats: ReleaseStats, heldBack: HeldBack[] | undefined): number | undefined {
  return stats.held_back_organisations ?? heldBack?.length;
}

/** One sentence after publishing: how many organisations' updates wait for a later release. */
function HeldBackCount({ stats, heldBack }: { stats: ReleaseStats; heldBack: HeldBack[] | undefined }) {
  const { t } = useI18n();
  const count = heldBackCount(stats, heldBack);
  if (count === undefined) return null;
  return (
    <p className={count > 0 ? 'result-neutral' : undefined} data-held-back={count}>
      {count > 0 ? t('releases.heldBackSome', { count: formatInt(count) }) : t('releases.heldBackNone')}
    </p>
  );
}

/** Which organisations' updates are held back and why: the coordinator's only (DISCLOSURE.md,
 *  "Releases over time"). Names come from the parties list; an unknown id is shown as is. */
function HeldBackList({ heldBack }: { heldBack: HeldBack[] }) {
  const { t } = useI18n();
  const orgs = useLoad(() => apiGet<OrgView[]>('/api/orgs'), []);
  const name = (id: string) => orgs.data?.find((o) => o.id === id)?.name ?? id;
  return (
    <>
      <ErrorNotice error={orgs.error} />
      <DataTable<HeldBack & { i: number }>
        caption={t('releases.heldBackCaption')}
        rows={heldBack.map((h, i) => ({ ...h, i }))}
        rowKey={(h) => `${h.organisation_id}-${h.i}`}
        columns={[
          { key: 'org', label: t('releases.heldBackOrg'), render: (h) => name(h.organisation_id), sort: (h) => name(h.organisation_id) },
          {
            key: 'reason',
            label: t('releases.heldBackReason'),
            render: (h) => messageFor(t, 'releases.heldBackReason', h.reason),
            sort: (h) => h.reason,
          },
          { key: 'detail', label: t('releases.heldBackDetail'), render: (h) => h.detail || '–' },
        ]}
      />
    </>
  );
}

/** The audit in brief: the result, the checks made, what was suppressed, what is held back
 *  and the rules used. */
function AuditView({
  audit,
  stats,
  params,
  heldBack,
}: {
  audit: AuditReport;
  stats: ReleaseStats;
  params?: ReleaseAudit['params'];
  heldBack: HeldBack[] | undefined;
}) {
  const words = useI18n();
  const { t } = words;
  const item = (key: Parameters<typeof t>[0], value: string) => (
    <div key={key}>
      <dt>{t(key)}</dt>
      <dd>{value}</dd>
    </div>
  );
  const seconds = (ms: number | undefined) => (ms === undefined ? '–' : t('releases.seconds', { s: (ms / 1000).toFixed(1).replace('.', ',') }));
  return (
    <>
      <p className={audit.passed ? 'result-ok' : 'result-bad'}>
        {audit.passed ? t('releases.passed') : t('releases.failed', { count: formatInt(audit.violations.length) })}
      </p>
      <dl className="summary">
        {item('releases.cellsChecked', formatInt(audit.cells_checked))}
        {item('releases.outsiderChecks', formatInt(audit.outsider_checks))}
        {item('releases.insiderChecks', formatInt(audit.insider_checks))}
        {audit.lp_solves !== undefined && item('releases.lpSolves', formatInt(audit.lp_solves))}
        {item('releases.violations', formatInt(audit.violations.length))}
        {item('releases.auditTime', seconds(audit.duration_ms))}
        {stats.suppressed_cell_share !== undefined && item('releases.suppressedCells', formatPercent(stats.suppressed_cell_share))}
        {stats.suppressed_value_share !== undefined && item('releases.suppressedValue', formatPercent(stats.suppressed_value_share))}
        {stats.organisations !== undefined && item('release.organisations', formatInt(stats.organisations))}
        {heldBackCount(stats, heldBack) !== undefined && item('release.heldBack', formatInt(heldBackCount(stats, heldBack)))}
      </dl>
      {heldBack && heldBack.length > 0 && <HeldBackList heldBack={heldBack} />}
      {params && (
        <>
          <Heading variant="h3">{t('releases.params')}</Heading>
          <dl className="summary">
            {params.min_orgs !== undefined && item('releases.minOrgs', formatInt(params.min_orgs))}
            {params.p_percent !== undefined && item('releases.pPercent', `${formatInt(params.p_percent)} %`)}
            {params.frequency_protection_percent !== undefined &&
              item('releases.frequencyProtection', `${formatInt(params.frequency_protection_percent)} %`)}
            {params.max_rounds !== undefined && item('releases.maxRounds', formatInt(params.max_rounds))}
          </dl>
        </>
      )}
      {audit.violations.length > 0 && (
        <DataTable
          caption={t('releases.violationsCaption')}
          rows={audit.violations.map((v, i) => ({ ...v, i }))}
          rowKey={(v) => String(v.i)}
          columns={[
            { key: 'audit', label: t('releases.auditKind'), render: (v) => messageFor(t, 'releases.kind', v.audit) },
            {
              key: 'cell',
              label: t('releases.cell'),
              render: (v) =>
                [memberLabel(words, 'vendor', v.cell.vendor), v.cell.dimension && v.cell.member ? memberLabel(words, v.cell.dimension, v.cell.member) : null]
                  .filter(Boolean)
                  .join(' × '),
            },
            { key: 'measure', label: t('releases.measure'), render: (v) => messageFor(t, 'releases.measureKey', v.measure) },
          ]}
        />
      )}
    </>
  );
}
