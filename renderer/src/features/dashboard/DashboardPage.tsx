import { useApp } from '../../stores/app-store.js';
import { selectGpus } from '../../stores/provider-slice.js';
import { GpuCards } from '../gpus/GpuCards.js';

export function DashboardPage() {
  const inventory = useApp(selectGpus);
  const detecting = useApp((s) => s.provider?.detectingGpus ?? false);
  const usable = inventory?.gpus.filter((gpu) => gpu.supported).length ?? 0;
  return (
    <div className="page">
      <header className="page-head">
        <h1>Dashboard</h1>
        <p className="muted">Your PC earns while you are away. Here is what Offhours found.</p>
      </header>
      <section className="stat-row">
        <div className="stat">
          <span className="stat-label">Graphics cards ready</span>
          <span className="stat-value" data-testid="usable-gpus">
            {inventory ? usable : '…'}
          </span>
        </div>
        <div className="stat">
          <span className="stat-label">Status</span>
          <span className="stat-value small">{usable > 0 ? 'Ready to set up' : 'Needs attention'}</span>
        </div>
      </section>
      <h2 className="section-title">Your graphics cards</h2>
      <GpuCards inventory={inventory} detecting={detecting} />
    </div>
  );
}
