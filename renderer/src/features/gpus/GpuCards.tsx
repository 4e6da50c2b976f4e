import type { ReactNode } from 'react';
import type { Gpu, GpuInventory } from '../../../../protocol/gpu.js';
import { formatVram, heatOf, inventoryHeading, percent, verdictOf } from '../dashboard/gpu-format.js';

export { formatVram };

function Meter({ value, label }: { value: number | null; label: string }) {
  if (value === null) return null;
  return (
    <span className="meter" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={value}>
      <span className="meter-fill" style={{ width: `${value}%` }} />
    </span>
  );
}

function Fact({ label, children, hint }: { label: string; children: ReactNode; hint?: string | null }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
      {hint && <span className="fact-hint">{hint}</span>}
    </div>
  );
}

function GpuCard({ gpu, inventory }: { gpu: Gpu; inventory: GpuInventory }) {
  const verdict = verdictOf(gpu, inventory);
  const heat = heatOf(gpu.temperatureC);
  const used = gpu.vramTotalMiB !== null && gpu.vramFreeMiB !== null ? gpu.vramTotalMiB - gpu.vramFreeMiB : null;
  const details = [
    gpu.computeCapability && `CUDA compute ${gpu.computeCapability}`,
    gpu.pcieGen && gpu.pcieWidth && `PCIe Gen ${gpu.pcieGen} ×${gpu.pcieWidth}`,
    gpu.busId && `Slot ${gpu.busId}`,
  ].filter((detail): detail is string => Boolean(detail));
  const driverMissing = gpu.vendor === 'nvidia' && inventory.status === 'no-driver' ? 'Not installed' : gpu.vendor === 'nvidia' && inventory.status === 'driver-error' ? 'Not working' : null;
  return (
    <article className={`gpu-card tone-${verdict.tone}`} data-testid="gpu-card">
      <header>
        <div className="gpu-card-tags">
          <span className={`vendor vendor-${gpu.vendor}`}>{gpu.vendor === 'other' ? 'GPU' : gpu.vendor.toUpperCase()}</span>
          <span className={`verdict verdict-${verdict.tone}`}>{verdict.label}</span>
        </div>
        <h3 title={gpu.name}>{gpu.name}</h3>
        {details.length > 0 && (
          <p className="gpu-card-sub">
            {details.map((detail) => (
              <span key={detail}>{detail}</span>
            ))}
          </p>
        )}
      </header>
      <dl className="facts">
        <Fact label="Memory" hint={used !== null ? `${formatVram(gpu.vramFreeMiB)} free` : null}>
          {gpu.vramTotalMiB === null ? <span className="muted">Not reported</span> : formatVram(gpu.vramTotalMiB)}
          <Meter value={percent(used, gpu.vramTotalMiB)} label="Memory in use" />
        </Fact>
        <Fact label="Driver" hint={gpu.cudaVersion ? `CUDA ${gpu.cudaVersion}` : null}>
          {gpu.driverVersion ?? (driverMissing ? <span className="heat-hot">{driverMissing}</span> : <span className="muted">Not reported</span>)}
        </Fact>
        <Fact label="Temperature">
          {gpu.temperatureC === null ? <span className="muted">Not reported</span> : <span className={`heat heat-${heat}`}>{Math.round(gpu.temperatureC)} °C</span>}
        </Fact>
        <Fact label="Power" hint={gpu.powerLimitW !== null && gpu.powerDrawW !== null ? `of ${Math.round(gpu.powerLimitW)} W limit` : null}>
          {gpu.powerDrawW === null ? <span className="muted">Not reported</span> : `${Math.round(gpu.powerDrawW)} W`}
          <Meter value={percent(gpu.powerDrawW, gpu.powerLimitW)} label="Power draw" />
        </Fact>
        {gpu.utilizationPct !== null && (
          <Fact label="Busy">
            {Math.round(gpu.utilizationPct)} %
            <Meter value={Math.round(gpu.utilizationPct)} label="GPU busy" />
          </Fact>
        )}
      </dl>
      {!gpu.supported && gpu.unsupportedReason && <p className={`gpu-card-note note-${verdict.tone}`}>{gpu.unsupportedReason}</p>}
    </article>
  );
}

/** The detected cards, or the reason there are none and what to do about it. */
export function GpuCards({ inventory, detecting, onRescan, detailsHint }: { inventory: GpuInventory | null; detecting: boolean; onRescan?: () => void; detailsHint?: string }) {
  if (!inventory) {
    return (
      <div className="panel scanning" role="status">
        <span className="spinner" aria-hidden="true" /> Looking for graphics cards… this takes a few seconds.
      </div>
    );
  }
  const blocking = inventory.status !== 'ok';
  return (
    <>
      {inventory.gpus.length > 0 && (
        <div className="gpu-grid">
          {inventory.gpus.map((gpu) => (
            <GpuCard key={gpu.id} gpu={gpu} inventory={inventory} />
          ))}
        </div>
      )}
      {inventory.reason && (
        <section className={`panel gpu-reason ${blocking ? 'no-gpu' : ''}`} data-testid="gpu-reason">
          <h3>{inventoryHeading(inventory.status)}</h3>
          <p>{inventory.reason}</p>
          {inventory.nextStep && <p className="next">{inventory.nextStep}</p>}
          <div className="gpu-reason-actions">
            {onRescan && (
              <button type="button" disabled={detecting} onClick={onRescan}>
                {detecting ? 'Scanning…' : 'Scan again'}
              </button>
            )}
            <span className="muted small">{detailsHint ?? (onRescan ? 'The PC check below shows every detail.' : 'The PC check on the Dashboard shows every detail.')}</span>
          </div>
        </section>
      )}
      {detecting && inventory.gpus.length > 0 && <p className="muted small">Checking again…</p>}
    </>
  );
}
