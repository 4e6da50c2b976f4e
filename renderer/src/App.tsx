import { Banners } from './components/Banners.js';
import { Sidebar } from './components/Sidebar.js';
import { DashboardPage } from './features/dashboard/DashboardPage.js';
import { EarningsPage } from './features/earnings/EarningsPage.js';
import { GpusPage } from './features/gpus/GpusPage.js';
import { JobsPage } from './features/jobs/JobsPage.js';
import { SchedulePage } from './features/schedule/SchedulePage.js';
import { SettingsPage } from './features/settings/SettingsPage.js';
import { WalletPage } from './features/wallet/WalletPage.js';
import { useApp } from './stores/app-store.js';
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
  const ready = useApp((s) => s.provider !== null);
  const Page = PAGE_COMPONENTS[page];
  return (
    <div className="app">
      <Sidebar />
      <main className="content" data-page={page}>
        <Banners />
        {ready ? <Page /> : <div className="loading" role="status">Connecting to Offhours…</div>}
      </main>
    </div>
  );
}
