import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { Button } from 'suomifi-ui-components';
import { useAuth } from './auth';
import { LANGS, useI18n, type MessageKey } from './i18n';
import { Link, match, navigate, usePath } from './router';
import type { Role } from './api/types';
import { Loading, Page } from './components/ui';
import { LoginPage } from './pages/Login';
import { UploadPage } from './pages/Upload';
import { InventoryPage } from './pages/Inventory';
import { HistoryPage } from './pages/History';
import { InvoicesPage } from './pages/Invoices';
import { InvoiceRunsPage } from './pages/InvoiceRuns';
import { PaymentsPage } from './pages/Payments';
import { CostSharesPage } from './pages/CostShares';
import { PartiesPage, PartyEditPage } from './pages/Parties';
import { UsersPage } from './pages/Users';
import { VendorsPage } from './pages/Vendors';
import { ReleasesPage } from './pages/Releases';
import { ExpensesPage } from './pages/Expenses';
import { BudgetPage } from './pages/Budget';
import { DecisionsPage } from './pages/Decisions';
import { NegotiationsPage } from './pages/Negotiations';
import { NegotiationDetailPage } from './pages/NegotiationDetail';
import { SavingsPage } from './pages/Savings';
import { DeadlinesPage } from './pages/Deadlines';
import { AuditLogPage } from './pages/AuditLog';
import { AgreementsPage } from './pages/Agreements';
import { PrivacyPage } from './pages/Privacy';
import { DataRequestsPage } from './pages/DataRequests';

// The pages with charts load the chart library only when they are opened.
const DashboardPage = lazy(() => import('./pages/Dashboard').then((m) => ({ default: m.DashboardPage })));
const ReportsPage = lazy(() => import('./pages/Reports').then((m) => ({ default: m.ReportsPage })));

interface NavItem {
  path: string;
  label: MessageKey;
}

/** What each role's menu offers; the API decides what each may really do. */
const NAV: Record<Role, NavItem[]> = {
  member: [
    { path: '/upload', label: 'nav.upload' },
    { path: '/inventory', label: 'nav.inventory' },
    { path: '/history', label: 'nav.history' },
    { path: '/invoices', label: 'nav.invoices' },
    { path: '/deadlines', label: 'nav.deadlines' },
    { path: '/dashboard', label: 'nav.dashboard' },
    { path: '/cost-shares', label: 'nav.costShares' },
    { path: '/decisions', label: 'nav.decisions' },
    { path: '/reports', label: 'nav.reports' },
    { path: '/negotiations', label: 'nav.negotiations' },
    { path: '/savings', label: 'nav.savings' },
    { path: '/agreements', label: 'nav.agreements' },
    { path: '/data-requests', label: 'nav.dataRequests' },
  ],
  steering: [
    { path: '/dashboard', label: 'nav.dashboard' },
    { path: '/cost-shares', label: 'nav.costShares' },
    { path: '/reports', label: 'nav.reports' },
    { path: '/expenses', label: 'nav.expenses' },
    { path: '/budget', label: 'nav.budget' },
    { path: '/decisions', label: 'nav.decisions' },
    { path: '/negotiations', label: 'nav.negotiations' },
    { path: '/savings', label: 'nav.savings' },
    { path: '/deadlines', label: 'nav.deadlines' },
    { path: '/data-requests', label: 'nav.dataRequests' },
  ],
  analyst: [
    { path: '/dashboard', label: 'nav.dashboard' },
    { path: '/parties', label: 'nav.parties' },
    { path: '/decisions', label: 'nav.decisions' },
    { path: '/negotiations', label: 'nav.negotiations' },
    { path: '/savings', label: 'nav.savings' },
    { path: '/deadlines', label: 'nav.deadlines' },
    { path: '/data-requests', label: 'nav.dataRequests' },
  ],
  coordinator: [
    { path: '/parties', label: 'nav.parties' },
    { path: '/users', label: 'nav.users' },
    { path: '/vendors', label: 'nav.vendors' },
    { path: '/invoice-runs', label: 'nav.invoiceRuns' },
    { path: '/invoices', label: 'nav.invoices' },
    { path: '/payments', label: 'nav.payments' },
    { path: '/cost-shares', label: 'nav.costShares' },
    { path: '/dashboard', label: 'nav.dashboard' },
    { path: '/releases', label: 'nav.releases' },
    { path: '/reports', label: 'nav.reports' },
    { path: '/expenses', label: 'nav.expenses' },
    { path: '/budget', label: 'nav.budget' },
    { path: '/decisions', label: 'nav.decisions' },
    { path: '/negotiations', label: 'nav.negotiations' },
    { path: '/savings', label: 'nav.savings' },
    { path: '/deadlines', label: 'nav.deadlines' },
    { path: '/audit-log', label: 'nav.auditLog' },
    { path: '/privacy', label: 'nav.privacy' },
    { path: '/data-requests', label: 'nav.dataRequests' },
  ],
};

function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <nav aria-label={t('app.language')} className="lang-switch">
      <ul>
        {LANGS.map((l) => (
          <li key={l.code}>
            <button
              type="button"
              lang={l.code}
              aria-pressed={lang === l.code}
              className={lang === l.code ? 'lang-button current' : 'lang-button'}
              onClick={() => setLang(l.code)}
            >
              {l.label}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Header() {
  const { me, logout } = useAuth();
  const { t, term } = useI18n();
  return (
    <header className="site-header">
      <div className="header-inner">
        <div className="brand">
          <Link to="/" className="brand-link">
            <span className="brand-name">{t('app.name')}</span>
            <span className="brand-tagline">{t('app.tagline')}</span>
          </Link>
        </div>
        <div className="header-tools">
          <LanguageSwitch />
          {me && (
            <div className="user-box">
              <span className="user-name">
                {t('app.signedInAs', { name: me.user.name })}
                <span className="user-role"> · {term('role', me.user.role)}</span>
                {me.org && <span className="user-org"> · {me.org.name}</span>}
              </span>
              <Button
                variant="secondary"
                onClick={() => {
                  logout();
                  navigate('/login?signed-out=1');
                }}
              >
                {t('app.signOut')}
              </Button>
            </div>
          )}
        </div>
      </div>
    </header>
  );
}

function MainNav({ role, path }: { role: Role; path: string }) {
  const { t } = useI18n();
  return (
    <nav aria-label={t('app.nav')} className="main-nav">
      <ul>
        {NAV[role].map((item) => {
          const current = path === item.path || path.startsWith(`${item.path}/`);
          return (
            <li key={item.path}>
              <Link to={item.path} aria-current={current ? 'page' : undefined} className={current ? 'current' : ''}>
                {t(item.label)}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, true), [to]);
  return null;
}

function NotFound() {
  const { t } = useI18n();
  return (
    <Page title={t('app.notFound')}>
      <p>{t('app.notFoundHelp')}</p>
    </Page>
  );
}

function routes(path: string, role: Role, orgId: string | null): ReactNode {
  const allowed = NAV[role].some((n) => path === n.path || path.startsWith(`${n.path}/`));
  if (path === '/' || path === '/login' || !allowed) {
    if (path === '/' || path === '/login') return <Redirect to={NAV[role][0].path} />;
    return <NotFound />;
  }
  let m: Record<string, string> | null;
  switch (path) {
    case '/upload':
      return <UploadPage orgId={orgId} />;
    case '/inventory':
      return <InventoryPage orgId={orgId} />;
    case '/history':
      return <HistoryPage orgId={orgId} />;
    case '/invoices':
      return <InvoicesPage />;
    case '/invoice-runs':
      return <InvoiceRunsPage />;
    case '/payments':
      return <PaymentsPage />;
    case '/cost-shares':
      return <CostSharesPage />;
    case '/parties':
      return <PartiesPage />;
    case '/parties/new':
      return <PartyEditPage id={null} />;
    case '/users':
      return <UsersPage />;
    case '/vendors':
      return <VendorsPage />;
    case '/dashboard':
      return <DashboardPage />;
    case '/releases':
      return <ReleasesPage />;
    case '/reports':
      return <ReportsPage />;
    case '/expenses':
      return <ExpensesPage />;
    case '/budget':
      return <BudgetPage />;
    case '/decisions':
      return <DecisionsPage />;
    case '/negotiations':
      return <NegotiationsPage />;
    case '/savings':
      return <SavingsPage />;
    case '/deadlines':
      return <DeadlinesPage />;
    case '/agreements':
      return <AgreementsPage orgId={orgId} />;
    case '/audit-log':
      return <AuditLogPage />;
    case '/privacy':
      return <PrivacyPage />;
    case '/data-requests':
      return <DataRequestsPage />;
  }
  if ((m = match('/negotiations/:id', path))) return <NegotiationDetailPage id={m.id} />;
  if ((m = match('/parties/:id/inventory', path))) return <InventoryPage orgId={m.id} showOrgName />;
  if ((m = match('/parties/:id/history', path))) return <HistoryPage orgId={m.id} showOrgName />;
  if ((m = match('/parties/:id/agreements', path)) && role === 'coordinator') return <AgreementsPage orgId={m.id} showOrgName />;
  if ((m = match('/parties/:id', path)) && role === 'coordinator') return <PartyEditPage id={m.id} />;
  return <NotFound />;
}

export function App() {
  const { me, loading } = useAuth();
  const { t } = useI18n();
  const path = usePath();
  let content: ReactNode;
  if (loading) content = <Loading />;
  else if (!me) content = path === '/login' ? <LoginPage /> : <Redirect to="/login" />;
  else content = routes(path, me.user.role, me.user.org_id ?? null);
  return (
    <div className="app">
      <a href="#main" className="skip-link">
        {t('app.skip')}
      </a>
      <Header />
      {me && <MainNav role={me.user.role} path={path} />}
      <main id="main" tabIndex={-1} className="main">
        <Suspense fallback={<Loading />}>{content}</Suspense>
      </main>
      <footer className="site-footer">
        <p>{t('app.footer')}</p>
      </footer>
    </div>
  );
}
