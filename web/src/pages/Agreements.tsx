// A party's signed accession agreements (agreement §8.3.3: kept 10 years after the
// agreement ends; §14: confidential 5 years after), and the party's whole data as one
// archive. The coordinator stores agreements; the party's members read them.
import { useState } from 'react';
import { Button, Paragraph } from 'suomifi-ui-components';
import { apiGet, download, uploadFile } from '../api/client';
import type { OrgView } from '../api/types';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { ConfidentialMark } from '../components/Confidential';
import { DataTable, ErrorNotice, FileField, Loading, Page, Section, SuccessNotice, TextField, useLoad } from '../components/ui';
import { formatDate, formatDateTime, parseFinnishDate } from '../format';
import { useSubmit } from '../submit';

interface Agreement {
  id: string;
  org_id: string;
  file_name: string;
  size_bytes: number;
  signed_on: string;
  uploaded_at: string;
  uploaded_by_label: string;
  ends_on: string;
  retain_until: string;
  confidential_until: string;
}

export function AgreementsPage({ orgId, showOrgName }: { orgId: string | null; showOrgName?: boolean }) {
  const { t } = useI18n();
  const { me } = useAuth();
  const coordinator = me?.user.role === 'coordinator';
  const list = useLoad(
    () => (orgId ? apiGet<Agreement[]>(`/api/orgs/${orgId}/agreements`) : Promise.resolve([])),
    [orgId],
  );
  const org = useLoad(
    () => (orgId && showOrgName ? apiGet<OrgView>(`/api/orgs/${orgId}`) : Promise.resolve(null)),
    [orgId, showOrgName],
  );
  const [file, setFile] = useState<File | null>(null);
  const [signedOn, setSignedOn] = useState('');
  const [dateError, setDateError] = useState('');
  const action = useSubmit();

  const add = action.onSubmit(async () => {
    const iso = parseFinnishDate(signedOn);
    setDateError(iso ? '' : t('error.badDate'));
    if (!iso || !file || !orgId) return;
    await uploadFile<Agreement>(`/api/orgs/${orgId}/agreements`, file, () => {}, [201], { signed_on: iso });
    setFile(null);
    setSignedOn('');
    list.reload();
    return t('agreements.added');
  });
  const exportAll = () =>
    action.run(async () => {
      await download(`/api/orgs/${orgId}/export.zip`, 'lyhty-export.zip');
    });

  const name = org.data?.name;
  const title = showOrgName && name ? t('agreements.titleOf', { org: name }) : t('agreements.title');
  return (
    <Page title={title}>
      <ConfidentialMark />
      <Paragraph>{t('agreements.intro')}</Paragraph>
      <ErrorNotice error={list.error ?? action.error} />
      <SuccessNotice>{action.done}</SuccessNotice>
      {!list.data && !list.error && orgId && <Loading />}
      {list.data && list.data.length === 0 && <Paragraph>{t('agreements.none')}</Paragraph>}
      {list.data && list.data.length > 0 && (
        <DataTable<Agreement>
          caption={t('agreements.caption')}
          rows={list.data}
          rowKey={(a) => a.id}
          columns={[
            { key: 'signed', label: t('agreements.signedOn'), render: (a) => formatDate(a.signed_on), sort: (a) => a.signed_on },
            { key: 'file', label: t('agreements.file'), render: (a) => a.file_name },
            { key: 'ends', label: t('agreements.endsOn'), render: (a) => formatDate(a.ends_on) },
            { key: 'retain', label: t('agreements.retainUntil'), render: (a) => formatDate(a.retain_until), nowrap: true },
            { key: 'confidential', label: t('agreements.confidentialUntil'), render: (a) => formatDate(a.confidential_until), nowrap: true },
            { key: 'uploaded', label: t('agreements.uploaded'), render: (a) => formatDateTime(a.uploaded_at) },
            {
              key: 'download',
              label: t('common.actions'),
              render: (a) => (
                <Button
                  variant="secondary"
                  aria-label={`${t('agreements.download')}: ${a.file_name}`}
                  onClick={() => action.run(() => download(`/api/orgs/${a.org_id}/agreements/${a.id}`, a.file_name))}
                >
                  {t('agreements.download')}
                </Button>
              ),
            },
          ]}
        />
      )}
      {coordinator && orgId && (
        <Section title={t('agreements.new')} id="new-agreement-heading">
          <form onSubmit={add} className="form" noValidate>
            <FileField id="agreement-file" label={t('agreements.file')} hint={t('agreements.fileHint')} accept="application/pdf,.pdf" file={file} onChange={setFile} />
            <TextField label={t('agreements.signedOn')} hint={t('audit.dateHint')} value={signedOn} onChange={setSignedOn} error={dateError || undefined} />
            <Button type="submit" disabled={!file || action.busy}>
              {t('agreements.add')}
            </Button>
          </form>
        </Section>
      )}
      {orgId && (
        <Section title={t('agreements.exportTitle')} id="export-heading">
          <Paragraph>{t('agreements.exportIntro')}</Paragraph>
          <Button variant="secondary" onClick={() => void exportAll()} disabled={action.busy}>
            {t('agreements.export')}
          </Button>
        </Section>
      )}
    </Page>
  );
}
