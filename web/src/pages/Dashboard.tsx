// The release dashboard: a published, protected release as charts with tables beside them.
// A suppressed cell shows its published range where it has one (`2,4–3,2 milj. €`) and says
// "suppressed" only where nothing can be said (fewer than min_orgs contributors); empty cells
// are a different word, and the note at the top says why (§11.1, §14). Members see their own
// figures beside the published cells (dashboard/own.tsx).
import { useState, type ReactNode } from 'react';
import { Button, Paragraph } from 'suomifi-ui-components';
import { apiGet, download } from '../api/client';
import type { ReleaseSummary } from '../api/types';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { ErrorNotice, Loading, Page, SelectField, useLoad } from '../components/ui';
import { formatCents, formatDate, formatDateTime, formatInt } from '../format';
import { MARGIN, MEASURES, memberOf, tableOf, type Measure, type Release } from '../release';
import { cellText, MEASURE_LABEL, NOTE_ID } from './dashboard/cells';
import { OwnFigures } from './dashboard/own';
import { RenewalSections } from './dashboard/renewal';
import { DimensionSection, ProductSection, VendorSection } from './dashboard/tables';
import { UtilisationSection } from './dashboard/utilisation';
import { OpenRequestsCard } from './DataRequests';

export function DashboardPage() {
  const { t } = useI18n();
  const { me } = useAuth();
  const role = me?.user.role;
  const list = useLoad(() => apiGet<ReleaseSummary[]>('/api/releases'), []);
  const [selected, setSelected] = useState<string | null>(() => new URLSearchParams(window.location.search).get('release'));
  const [measure, setMeasure] = useState<Measure>('annual_cost_cents');
  const releases = list.data ?? [];
  const id = releases.some((r) => r.id === selected) ? selected! : releases[0]?.id ?? null;
  const release = useLoad(() => (id ? apiGet<Release>(`/api/releases/${id}`) : Promise.resolve(null)), [id]);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const data = release.data && release.data.id === id ? release.data : null;

  return (
    <Page title={t('nav.dashboard')}>
      {role === 'member' && <OpenRequestsCard />}
      <ErrorNotice error={list.error ?? release.error ?? downloadError} />
      {!list.data && !list.error && <Loading />}
      {list.data && releases.length === 0 && (
        <div className="placeholder" data-placeholder="release">
          <Paragraph className="lead">{t('placeholder.noRelease')}</Paragraph>
          <Paragraph>{t('placeholder.noReleaseHelp')}</Paragraph>
          {role === 'member' && <Paragraph>{t('placeholder.ownFigures')}</Paragraph>}
          {role === 'coordinator' && (
            <Paragraph>
              <Link to="/releases">{t('release.toPublish')}</Link>
            </Paragraph>
          )}
        </div>
      )}
      {releases.length > 0 && (
        <>
          <Paragraph className="lead">{t('release.intro')}</Paragraph>
          <div className="filter">
            <SelectField
              id="release-select"
              label={t('release.select')}
              value={id ?? ''}
              onChange={(v) => {
                setSelected(v);
                window.history.replaceState(null, '', `/dashboard?release=${encodeURIComponent(v)}`);
              }}
              options={releases.map((r, i) => ({
                value: r.id,
                label: `${formatDate(r.as_of)}${i === 0 ? ` (${t('release.latest')})` : ''}`,
              }))}
            />
            <SelectField
              id="measure-select"
              label={t('release.measure')}
              value={measure}
              onChange={(v) => setMeasure(v as Measure)}
              options={MEASURES.map((m) => ({ value: m, label: t(MEASURE_LABEL[m]) }))}
            />
          </div>
          {!data && !release.error && <Loading />}
          {data && (
            <ReleaseView
              release={data}
              measure={measure}
              onDownload={() =>
                download(`/api/releases/${data.id}/export.xlsx`, `lyhty-release-${data.as_of}.xlsx`).catch(setDownloadError)
              }
              own={role === 'member' && me?.user.org_id ? <OwnFigures orgId={me.user.org_id} releaseId={data.id} /> : null}
            />
          )}
        </>
      )}
    </Page>
  );
}

function ReleaseView({
  release,
  measure,
  onDownload,
  own,
}: {
  release: Release;
  measure: Measure;
  onDownload: () => void;
  /** A member's own figures, shown before the network's tables. */
  own: ReactNode;
}) {
  const words = useI18n();
  const { t } = words;
  const vendor = tableOf(release, null);
  const total = vendor?.cells.find((c) => c.vendor === MARGIN);
  // Distinct cells: a vendor's total `(vendor, *)` is one cell shown in every table.
  const distinct = release.tables.flatMap((tb) =>
    tb.cells.filter((c) => c.status === 'suppressed' && (tb.dimensions.length === 1 || memberOf(c, tb.dimensions[1]) !== MARGIN)),
  );
  const ranged = distinct.filter((c) => Object.keys(c.range ?? {}).length > 0).length;
  const suppressed = distinct.length - ranged;
  const years = tableOf(release, 'renewal_year');
  const quarters = tableOf(release, 'renewal_quarter');
  // Releases that carry the usage measures get the utilisation view, which says so when every
  // vendor's figures are suppressed.
  const usage = release.measures.includes('usage_reported_licences');
  return (
    <>
      <dl className="summary">
        <div>
          <dt>{t('release.asOf')}</dt>
          <dd>{formatDate(release.as_of)}</dd>
        </div>
        <div>
          <dt>{t('release.organisations')}</dt>
          <dd>{total?.status === 'published' ? formatInt(total.organisations) : t('release.suppressed')}</dd>
        </div>
        <div>
          <dt>{t('release.totalCost')}</dt>
          <dd>{total?.status === 'published' ? formatCents(total.annual_cost_cents) : cellText(words, total, 'annual_cost_cents')}</dd>
        </div>
        {release.held_back_organisations !== undefined && (
          <div>
            <dt>{t('release.heldBack')}</dt>
            <dd>{formatInt(release.held_back_organisations)}</dd>
          </div>
        )}
      </dl>
      <Paragraph className="muted">{t('release.published', { date: formatDateTime(release.created_at) })}</Paragraph>
      {(release.held_back_organisations ?? 0) > 0 && (
        <Paragraph>{t('release.heldBackHelp', { count: formatInt(release.held_back_organisations ?? 0) })}</Paragraph>
      )}
      <div className="button-row">
        <Button variant="secondary" onClick={onDownload}>
          {t('release.downloadXlsx')}
        </Button>
      </div>
      <div className="note" id={NOTE_ID}>
        <p className="note-title">{t('release.noteTitle')}</p>
        {ranged > 0 && <p>{t('release.noteRange', { count: formatInt(ranged) })}</p>}
        <p>{t('release.noteSuppressed', { count: formatInt(suppressed) })}</p>
        <p>{t('release.noteEmpty')}</p>
      </div>
      {own}
      {vendor && <VendorSection table={vendor} measure={measure} />}
      {vendor && usage && <UtilisationSection table={vendor} />}
      {(['sector'] as const).map((d) => {
        const table = tableOf(release, d);
        return table && <DimensionSection key={d} dimension={d} table={table} measure={measure} />;
      })}
      <RenewalSections years={years} quarters={quarters} measure={measure} />
      {(['contract_type', 'licence_type', 'channel'] as const).map((d) => {
        const table = tableOf(release, d);
        return table && <DimensionSection key={d} dimension={d} table={table} measure={measure} />;
      })}
      {tableOf(release, 'product') && <ProductSection table={tableOf(release, 'product')!} measure={measure} />}
    </>
  );
}

