import { useState } from 'react';
import { Button, Paragraph } from 'suomifi-ui-components';
import { apiGet, apiPost } from '../api/client';
import type { VendorAlias, VendorCatalogueView } from '../api/types';
import { useI18n } from '../i18n';
import { DataTable, ErrorNotice, Loading, Page, Section, SuccessNotice, TextField, useLoad } from '../components/ui';
import { useSubmit } from '../submit';

type Entry = VendorCatalogueView['vendors'][number];

export function VendorsPage() {
  const { t } = useI18n();
  const { data, error, reload } = useLoad(() => apiGet<VendorCatalogueView>('/api/vendors'), []);
  const [alias, setAlias] = useState('');
  const [canonical, setCanonical] = useState('');
  const form = useSubmit();
  const add = form.onSubmit(async () => {
    const saved = await apiPost<VendorAlias>('/api/vendors/aliases', { alias, canonical });
    setAlias('');
    setCanonical('');
    reload();
    return t('vendors.saved', { alias: saved.alias, canonical: saved.canonical });
  });
  return (
    <Page title={t('vendors.title')}>
      <Paragraph className="lead">{t('vendors.intro')}</Paragraph>
      <Section title={t('vendors.add')} id="alias-heading">
        <form onSubmit={add} className="form" noValidate>
          <TextField label={t('vendors.alias')} hint={t('vendors.aliasHint')} value={alias} onChange={setAlias} />
          <TextField label={t('vendors.canonical')} hint={t('vendors.canonicalHint')} value={canonical} onChange={setCanonical} />
          <ErrorNotice error={form.error} />
          <SuccessNotice>{form.done}</SuccessNotice>
          <Button type="submit">{t('vendors.add')}</Button>
        </form>
      </Section>
      <ErrorNotice error={error} />
      {!data && !error && <Loading />}
      {data && (
        <>
          <Section title={t('vendors.added')} id="added-heading">
            {data.added_aliases.length === 0 ? (
              <Paragraph>{t('vendors.noneAdded')}</Paragraph>
            ) : (
              <DataTable<VendorAlias>
                caption={t('vendors.added')}
                rows={data.added_aliases}
                rowKey={(a) => a.alias}
                columns={[
                  { key: 'alias', label: t('vendors.alias'), render: (a) => a.alias, sort: (a) => a.alias },
                  { key: 'canonical', label: t('vendors.canonical'), render: (a) => a.canonical, sort: (a) => a.canonical },
                ]}
              />
            )}
          </Section>
          <DataTable<Entry>
            caption={t('vendors.catalogue')}
            rows={data.vendors}
            rowKey={(v) => v.canonical}
            initialSort={{ key: 'canonical', dir: 'asc' }}
            columns={[
              { key: 'canonical', label: t('vendors.canonical'), render: (v) => v.canonical, sort: (v) => v.canonical },
              { key: 'aliases', label: t('vendors.aliases'), render: (v) => v.aliases.join(', ') },
            ]}
          />
        </>
      )}
    </Page>
  );
}
