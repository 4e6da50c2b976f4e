import { useApp } from '../../stores/app-store.js';
import { selectGpus } from '../../stores/provider-slice.js';
import { GpuCards } from '../gpus/GpuCards.js';
import { dashboardStatus, formatVram } from './gpu-format.js';
import { HealthCheck } from './HealthCheck.js';
import { RightNow } from './RightNow.js';
import { NetworkCard } from './NetworkCard.js';
import { FinishSetupBanner } from '../setup/SetupEntryPoints.js';

export function DashboardPage() {
  const inventory = useApp(selectGpus);
  const detecting = useApp((s) => s.provider?.detectingGpus ?? false);
  const api = useApp((s) => s.api);
  const showError = useApp((s) => s.showError);
  const ready = inventory?.gpus.filter((gpu) => gpu.supported) ?? [];
  const readyVram = ready.reduce((sum, gpu) => sum + (gpu.vramTotalMiB ?? 0), 0);
  const status = dashboardStatus(inventory, detecting);
  return (
    <div className="page">
      <header className="page-head">
        <h1>Dashboard</h1>
        <p className="muted">Your PC earns while you are away. Here is what Offhours found.</p>
      </header>
      <FinishSetupBanner />
      <RightNow />
      <NetworkCard />
      <section className="stat-row">
        <div className="stat">
          <span className="stat-label">Ready for paid jobs</span>
          <span className="stat-value" data-testid="usable-gpus">
            {inventory ? ready.length : '…'}
          </span>
          <span className="stat-foot muted">{!inventory ? 'scanning' : inventory.gpus.length === 0 ? 'no graphics card found' : `of ${inventory.gpus.length} graphics card${inventory.gpus.length === 1 ? '' : 's'} found`}</span>
        </div>
        <div className="stat">
          <span className="stat-label">Memory for work</span>
          <span className="stat-value">{inventory ? (ready.length ? formatVram(readyVram) : '0 GB') : '…'}</span>
          <span className="stat-foot muted">video memory on ready cards</span>
        </div>
        <div className={`stat stat-${status.tone}`}>
          <span className="stat-label">Hardware</span>
          <span className="stat-value small" data-testid="hardware-status">
            {status.text}
          </span>
          <span className="stat-foot muted">{inventory ? `Scanned ${new Date(inventory.detectedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}` : 'first scan running'}</span>
        </div>
      </section>
      <h2 className="section-title">Your graphics cards</h2>
      <GpuCards inventory={inventory} detecting={detecting} onRescan={() => api.detectGpus().catch(showError)} />
      <HealthCheck />
    </div>
  );
}
