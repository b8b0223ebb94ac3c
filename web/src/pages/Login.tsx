import { useState } from 'react';
import { Button, Paragraph } from 'suomifi-ui-components';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { ErrorNotice, Page, SuccessNotice, TextField } from '../components/ui';
import { useSubmit } from '../submit';

export function LoginPage() {
  const { login, ended } = useAuth();
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useSubmit();
  const signedOut = new URLSearchParams(window.location.search).has('signed-out');

  const submit = signIn.onSubmit(() => login(email, password));

  return (
    <Page title={t('login.title')}>
      <div className="narrow">
        {ended && <SuccessNotice>{t('app.sessionEnded')}</SuccessNotice>}
        {signedOut && !ended && <SuccessNotice>{t('login.signedOut')}</SuccessNotice>}
        <Paragraph>{t('login.intro')}</Paragraph>
        <form onSubmit={submit} className="form" noValidate>
          <TextField label={t('login.email')} type="email" value={email} onChange={setEmail} autoComplete="username" />
          <TextField
            label={t('login.password')}
            type="password"
            value={password}
            onChange={setPassword}
            autoComplete="current-password"
          />
          <ErrorNotice error={signIn.error} />
          <Button type="submit" disabled={signIn.busy}>
            {t('login.submit')}
          </Button>
        </form>
      </div>
    </Page>
  );
}
