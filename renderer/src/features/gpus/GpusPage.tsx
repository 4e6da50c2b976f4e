import { useApp } from '../../stores/app-store.js';
import { selectGpus } from '../../stores/provider-slice.js';
import { BenchPanel } from './bench/BenchPanel.js';
import { GpuCards } from './GpuCards.js';

export function GpusPage() {
  const inventory = useApp(selectGpus);
  const detecting = useApp((s) => s.provider?.detectingGpus ?? false);
  const api = useApp((s) => s.api);
  const showError = useApp((s) => s.showError);
  return (
    <div className="page">
      <header className="page-head">
        <h1>GPUs &amp; Benchmark</h1>
        <p className="muted">The cards in this PC and how fast they are.</p>
        <div className="actions">
          <button type="button" disabled={detecting} onClick={() => api.detectGpus().catch(showError)}>
            {detecting ? 'Scanning…' : 'Scan again'}
          </button>
        </div>
      </header>
      <GpuCards inventory={inventory} detecting={detecting} />
      <BenchPanel />
    </div>
  );
}
