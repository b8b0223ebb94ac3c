import { useRef, useState } from 'react';
import { Button, Heading, Paragraph } from 'suomifi-ui-components';
import { ApiError, download, uploadFile } from '../api/client';
import type { Issue, SubmissionReport } from '../api/types';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { DataTable, ErrorNotice, FileField, Page, Section, SuccessNotice, type Column } from '../components/ui';
import { formatCents, formatInt } from '../format';
import { useSubmit } from '../submit';
import { OpenRequestsCard } from './DataRequests';

type Phase = 'idle' | 'checking' | 'checked' | 'saving' | 'saved';

/** An upload's answer is a report, except for whole-file problems, which are API errors. */
function reportOrThrow(status: number, body: unknown): SubmissionReport {
  const err = (body as { error?: { code: string; message: string } }).error;
  if (err) throw new ApiError(status, err.code, err.message);
  return body as SubmissionReport;
}

export function UploadPage({ orgId }: { orgId: string | null }) {
  const { t, lang } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<Phase>('idle');
  const [progress, setProgress] = useState(0);
  const [report, setReport] = useState<SubmissionReport | null>(null);
  const [saved, setSaved] = useState<SubmissionReport | null>(null);
  const upload = useSubmit();
  const [missing, setMissing] = useState(false);
  const resultRef = useRef<HTMLHeadingElement>(null);
  const savedRef = useRef<HTMLDivElement>(null);

  if (!orgId) {
    return (
      <Page title={t('upload.title')}>
        <Paragraph>{t('upload.noOrg')}</Paragraph>
      </Page>
    );
  }

  const choose = (f: File | null) => {
    setFile(f);
    setPhase('idle');
    setReport(null);
    setSaved(null);
    upload.reset();
    setMissing(false);
  };

  const send = (dryRun: boolean) => {
    if (!file) {
      setMissing(true);
      return;
    }
    setProgress(0);
    setPhase(dryRun ? 'checking' : 'saving');
    void upload.run(async () => {
      try {
        const query = `lang=${lang}${dryRun ? '&dry_run=true' : ''}`;
        const res = await uploadFile<unknown>(`/api/orgs/${orgId}/submissions?${query}`, file, setProgress, [200, 201, 422]);
        const r = reportOrThrow(res.status, res.body);
        if (dryRun) {
          setReport(r);
          setPhase('checked');
          setTimeout(() => resultRef.current?.focus(), 0);
        } else {
          setSaved(r);
          setReport(r.status === 'rejected' ? r : null);
          setPhase(r.status === 'rejected' ? 'checked' : 'saved');
          setTimeout(() => (r.status === 'rejected' ? resultRef.current : savedRef.current)?.focus(), 0);
        }
      } catch (e) {
        setPhase('idle');
        setTimeout(() => resultRef.current?.focus(), 0);
        throw e;
      }
    });
  };

  const busy = phase === 'checking' || phase === 'saving';
  const issueColumns: Column<Issue>[] = [
    { key: 'row', label: t('upload.row'), render: (i) => (i.row ? formatInt(i.row) : '–'), sort: (i) => i.row ?? 0, numeric: true },
    { key: 'column', label: t('upload.column'), render: (i) => i.column || '–', sort: (i) => i.column },
    { key: 'value', label: t('upload.value'), render: (i) => <span className="cell-value">{i.value || '–'}</span> },
    { key: 'message', label: t('upload.message'), render: (i) => i.message },
  ];
  const issueKey = (i: Issue) => `${i.row}-${i.column}-${i.code}-${i.value}`;

  return (
    <Page title={t('upload.title')}>
      <OpenRequestsCard />
      <Paragraph className="lead">{t('upload.intro')}</Paragraph>

      <Section title={t('upload.template')} id="template-heading">
        <div className="button-row">
          <Button variant="secondary" onClick={() => upload.run(() => download(`/api/template.xlsx?lang=${lang}`, 'lyhty.xlsx'))}>
            {t('upload.templateXlsx')}
          </Button>
          <Button variant="secondary" onClick={() => upload.run(() => download(`/api/template.csv?lang=${lang}`, 'lyhty.csv'))}>
            {t('upload.templateCsv')}
          </Button>
        </div>
      </Section>

      <Section title={t('upload.file')} id="file-heading">
        <FileField
          id="inventory-file"
          label={t('upload.file')}
          hint={t('upload.fileHint')}
          accept=".xlsx,.xlsm,.xls,.ods,.csv,.txt"
          file={file}
          onChange={choose}
          error={missing ? t('upload.chooseFirst') : undefined}
        />
        <div className="button-row">
          <Button onClick={() => send(true)} disabled={busy}>
            {t('upload.check')}
          </Button>
        </div>
        {(busy || progress > 0) && phase !== 'idle' && (
          <div className="progress">
            <label htmlFor="upload-progress">{busy ? t('upload.checking') : t('upload.progress')}</label>
            <progress id="upload-progress" max={100} value={Math.round(progress * 100)}>
              {Math.round(progress * 100)} %
            </progress>
            <span aria-hidden="true">{Math.round(progress * 100)} %</span>
          </div>
        )}
      </Section>

      {(report !== null || upload.error !== null) && (
        <section className="section" aria-labelledby="result-heading">
          <Heading variant="h2" id="result-heading" forwardedRef={resultRef} tabIndex={-1}>
            {t('upload.resultTitle')}
          </Heading>
          <ErrorNotice error={upload.error} />
          {report && <ReportView report={report} />}
          {report && report.errors.length > 0 && (
            <DataTable caption={t('upload.errors')} columns={issueColumns} rows={report.errors} rowKey={issueKey} />
          )}
          {report && (report.errors_not_listed ?? 0) > 0 && (
            <Paragraph>{t('upload.rejectedMore', { count: formatInt(report.errors_not_listed ?? 0) })}</Paragraph>
          )}
          {report && report.warnings.length > 0 && (
            <DataTable caption={t('upload.warnings')} columns={issueColumns} rows={report.warnings} rowKey={issueKey} />
          )}
          {report && report.status === 'validated' && report.errors.length === 0 && (
            <div className="button-row">
              <Button onClick={() => send(false)} disabled={busy}>
                {t('upload.accept')}
              </Button>
            </div>
          )}
        </section>
      )}

      {phase === 'saved' && saved && (
        <div ref={savedRef} tabIndex={-1} className="saved">
          <SuccessNotice>
            {saved.status === 'unchanged'
              ? t('upload.unchanged')
              : t('upload.accepted', { version: saved.version ?? '–' })}{' '}
            <Link to="/inventory">{t('upload.toInventory')}</Link>
          </SuccessNotice>
        </div>
      )}
    </Page>
  );
}

function ReportView({ report }: { report: SubmissionReport }) {
  const { t } = useI18n();
  const rejected = report.errors.length > 0;
  return (
    <>
      {rejected ? (
        <div role="alert" className="notice">
          <p className="notice-error">{t('upload.rejected', { count: formatInt(report.errors.length + (report.errors_not_listed ?? 0)) })}</p>
        </div>
      ) : (
        report.status === 'validated' && <SuccessNotice>{t('upload.valid')}</SuccessNotice>
      )}
      <dl className="summary">
        <div>
          <dt>{t('upload.rows')}</dt>
          <dd>{formatInt(report.rows)}</dd>
        </div>
        <div>
          <dt>{t('upload.lines')}</dt>
          <dd>{formatInt(report.lines)}</dd>
        </div>
        <div>
          <dt>{t('upload.annualCost')}</dt>
          <dd>{formatCents(report.annual_cost_cents)}</dd>
        </div>
        <div>
          <dt>{t('upload.vendors')}</dt>
          <dd>{formatInt(report.vendors)}</dd>
        </div>
      </dl>
      {report.ignored_columns.length > 0 && (
        <Paragraph>{t('upload.ignored', { columns: report.ignored_columns.join(', ') })}</Paragraph>
      )}
    </>
  );
}
