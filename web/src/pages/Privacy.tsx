// Erasing a person's contact details everywhere (GDPR; NETWORK.md "Personal data and
// retention"). The coordinator only; the audit log keeps that it happened, not whom.
import { useState } from 'react';
import { Button, Paragraph } from 'suomifi-ui-components';
import { apiPost } from '../api/client';
import { useI18n } from '../i18n';
import { ErrorNotice, Page, Section, SuccessNotice, TextField } from '../components/ui';
import { Link } from '../router';
import { useSubmit } from '../submit';

interface Erasure {
  records: number;
  counts: Record<string, number>;
}

export function PrivacyPage() {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const action = useSubmit();
  const erase = action.onSubmit(async () => {
    if (!window.confirm(t('privacy.confirm', { email }))) return;
    const result = await apiPost<Erasure>('/api/people/erase', { email });
    setEmail('');
    return t('privacy.erased', { records: result.records });
  });
  return (
    <Page title={t('privacy.title')}>
      <Paragraph>{t('privacy.intro')}</Paragraph>
      <Section title={t('privacy.eraseTitle')} id="erase-heading">
        <form onSubmit={erase} className="form" noValidate>
          <TextField label={t('privacy.email')} hint={t('privacy.emailHint')} type="email" value={email} onChange={setEmail} />
          <ErrorNotice error={action.error} />
          <SuccessNotice>{action.done}</SuccessNotice>
          <Button type="submit" disabled={!email.trim() || action.busy}>
            {t('privacy.erase')}
          </Button>
        </form>
      </Section>
      <p>
        <Link to="/audit-log">{t('nav.auditLog')}</Link>
      </p>
    </Page>
  );
}
