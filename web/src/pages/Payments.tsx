import { useRef, useState } from 'react';
import { Button, Heading, Paragraph } from 'suomifi-ui-components';
import { uploadFile } from '../api/client';
import type { ImportReport } from '../api/types';
import { useI18n } from '../i18n';
import { DataTable, ErrorNotice, FileField, Page, SuccessNotice } from '../components/ui';
import { formatCents, formatDate, formatInt } from '../format';
import { useSubmit } from '../submit';

type Imported = ImportReport['matched'][number];

export function PaymentsPage() {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState(0);
  const [report, setReport] = useState<ImportReport | null>(null);
  const upload = useSubmit();
  const [missing, setMissing] = useState(false);
  const resultRef = useRef<HTMLHeadingElement>(null);

  const send = () => {
    if (!file) {
      setMissing(true);
      return;
    }
    setReport(null);
    void upload.run(async () => {
      const res = await uploadFile<ImportReport>('/api/payments/import', file, setProgress, [200]);
      setReport(res.body);
      setTimeout(() => resultRef.current?.focus(), 0);
    });
  };
  const columns = [
    { key: 'entry', label: t('payments.entry'), render: (p: Imported) => p.entry_reference },
    { key: 'date', label: t('payments.bookingDate'), render: (p: Imported) => formatDate(p.booking_date), nowrap: true },
    { key: 'reference', label: t('invoices.reference'), render: (p: Imported) => p.reference ?? '–' },
    { key: 'invoice', label: t('payments.invoice'), render: (p: Imported) => p.invoice_number ?? '–', nowrap: true },
    { key: 'amount', label: t('invoices.amount'), render: (p: Imported) => formatCents(p.amount_cents), numeric: true },
  ];
  const skippedCount = Array.isArray(report?.skipped) ? (report!.skipped as unknown[]).length : 0;
  return (
    <Page title={t('payments.title')}>
      <Paragraph className="lead">{t('payments.intro')}</Paragraph>
      <FileField
        id="bank-file"
        label={t('payments.file')}
        accept=".xml,application/xml,text/xml"
        file={file}
        onChange={(f) => {
          setFile(f);
          setMissing(false);
        }}
        error={missing ? t('upload.chooseFirst') : undefined}
      />
      <div className="button-row">
        <Button onClick={send} disabled={upload.busy}>
          {t('payments.import')}
        </Button>
      </div>
      {upload.busy && (
        <div className="progress">
          <label htmlFor="bank-progress">{t('upload.progress')}</label>
          <progress id="bank-progress" max={100} value={Math.round(progress * 100)} />
        </div>
      )}
      <ErrorNotice error={upload.error} />
      <Paragraph className="muted">{t('payments.manual')}</Paragraph>
      {report && (
        <section className="section" aria-labelledby="import-result">
          <Heading variant="h2" id="import-result" forwardedRef={resultRef} tabIndex={-1}>
            {t('payments.result')}
          </Heading>
          <DataTable caption={t('payments.matched')} columns={columns} rows={report.matched} rowKey={(p) => p.entry_reference} />
          <SuccessNotice>
            {t('payments.already', { count: formatInt(report.already_imported) })}{' '}
            {t('payments.skipped', { count: formatInt(skippedCount) })}
          </SuccessNotice>
          {report.unmatched.length > 0 && (
            <DataTable caption={t('payments.unmatched')} columns={columns} rows={report.unmatched} rowKey={(p) => p.entry_reference} />
          )}
        </section>
      )}
    </Page>
  );
}
