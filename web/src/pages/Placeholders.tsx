// Pages whose routes are being built (releases: issue 4; spend reports: issue 6). They say
// plainly that nothing is published yet and show no invented figures.
import { Paragraph } from 'suomifi-ui-components';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { Page } from '../components/ui';

export function DashboardPage() {
  const { t } = useI18n();
  const { me } = useAuth();
  const role = me?.user.role;
  return (
    <Page title={role === 'coordinator' ? t('nav.releases') : t('nav.dashboard')}>
      <div className="placeholder" data-placeholder="release">
        <Paragraph className="lead">{t('placeholder.noRelease')}</Paragraph>
        <Paragraph>{t('placeholder.noReleaseHelp')}</Paragraph>
        {role === 'member' && <Paragraph>{t('placeholder.ownFigures')}</Paragraph>}
        {role === 'coordinator' && <Paragraph>{t('placeholder.publish')}</Paragraph>}
      </div>
    </Page>
  );
}

export function ReportsPage() {
  const { t } = useI18n();
  return (
    <Page title={t('nav.reports')}>
      <div className="placeholder" data-placeholder="reports">
        <Paragraph className="lead">{t('placeholder.noReports')}</Paragraph>
        <Paragraph>{t('placeholder.noReportsHelp')}</Paragraph>
      </div>
    </Page>
  );
}
