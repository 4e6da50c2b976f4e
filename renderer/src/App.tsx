import { Banners } from './components/Banners.js';
import { Sidebar } from './components/Sidebar.js';
import { DashboardPage } from './features/dashboard/DashboardPage.js';
import { EarningsPage } from './features/earnings/EarningsPage.js';
import { GpusPage } from './features/gpus/GpusPage.js';
import { JobsPage } from './features/jobs/JobsPage.js';
import { SchedulePage } from './features/schedule/SchedulePage.js';
import { SettingsPage } from './features/settings/SettingsPage.js';
import { SetupWizard } from './features/setup/SetupWizard.js';
import { WalletPage } from './features/wallet/WalletPage.js';
import { useApp } from './stores/app-store.js';
import { selectWizardShown } from './stores/setup-slice.js';
import type { PageId } from './stores/ui-slice.js';

const PAGE_COMPONENTS: Record<PageId, () => React.JSX.Element> = {
  dashboard: DashboardPage,
  gpus: GpusPage,
  schedule: SchedulePage,
  jobs: JobsPage,
  earnings: EarningsPage,
  wallet: WalletPage,
  settings: SettingsPage,
};

export function App() {
  const page = useApp((s) => s.page);
  const wizard = useApp(selectWizardShown);
  // The dashboard waits for settings too: they say whether the first-run wizard takes its place.
  const ready = useApp((s) => s.provider !== null && (s.page !== 'dashboard' || s.settings !== null));
  const Page = wizard ? SetupWizard : PAGE_COMPONENTS[page];
  return (
    <div className="app">
      <Sidebar />
      <main className="content" data-page={wizard ? 'setup' : page}>
        <Banners />
        {ready ? <Page /> : <div className="loading" role="status">Connecting to Offhours…</div>}
      </main>
    </div>
  );
}
