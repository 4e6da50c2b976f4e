import type { Gpu, GpuInventory } from '../../../../protocol/gpu.js';

export function formatVram(mib: number | null): string {
  if (mib === null) return 'Unknown';
  return mib >= 1024 ? `${(mib / 1024).toFixed(mib % 1024 === 0 ? 0 : 1)} GB` : `${mib} MB`;
}

function GpuCard({ gpu }: { gpu: Gpu }) {
  return (
    <article className="gpu-card" data-testid="gpu-card">
      <header>
        <span className={`vendor vendor-${gpu.vendor}`}>{gpu.vendor.toUpperCase()}</span>
        <h3>{gpu.name}</h3>
      </header>
      <dl className="facts">
        <div>
          <dt>VRAM</dt>
          <dd>{formatVram(gpu.vramTotalMiB)}</dd>
        </div>
        <div>
          <dt>Driver</dt>
          <dd>{gpu.driverVersion ?? 'Unknown'}</dd>
        </div>
        <div>
          <dt>Temperature</dt>
          <dd>{gpu.temperatureC === null ? '—' : `${Math.round(gpu.temperatureC)} °C`}</dd>
        </div>
        {gpu.powerDrawW !== null && (
          <div>
            <dt>Power</dt>
            <dd>
              {Math.round(gpu.powerDrawW)} W{gpu.powerLimitW !== null ? ` / ${Math.round(gpu.powerLimitW)} W` : ''}
            </dd>
          </div>
        )}
      </dl>
      {!gpu.supported && <p className="warning-text">Not used for paid work: {gpu.unsupportedReason}</p>}
    </article>
  );
}

/** The detected cards, or the reason there are none and what to do about it. */
export function GpuCards({ inventory, detecting }: { inventory: GpuInventory | null; detecting: boolean }) {
  if (!inventory) return <div className="panel muted" role="status">Looking for graphics cards…</div>;
  return (
    <>
      {inventory.gpus.length > 0 && (
        <div className="gpu-grid">
          {inventory.gpus.map((gpu) => (
            <GpuCard key={gpu.id} gpu={gpu} />
          ))}
        </div>
      )}
      {inventory.reason && (
        <section className={`panel ${inventory.gpus.length ? '' : 'no-gpu'}`} data-testid="gpu-reason">
          <h3>{inventory.gpus.length ? 'Heads-up' : 'No graphics card ready to earn'}</h3>
          <p>{inventory.reason}</p>
          {inventory.nextStep && <p className="next">{inventory.nextStep}</p>}
        </section>
      )}
      {detecting && <p className="muted">Checking again…</p>}
    </>
  );
}
