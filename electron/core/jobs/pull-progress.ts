import type { PullProgress } from '../../../protocol/job-spec.js';
import type { ImageManifestSummary, PullEvent } from './ports.js';

interface LayerState {
  total: number | null;
  current: number;
  done: boolean;
}

const DONE_STATUSES = /^(download complete|pull complete|already exists|extracting|verifying checksum)/i;

/**
 * Folds the engine's pull events into byte progress. Docker reports bytes per layer; Podman 4 reports only
 * when each layer starts and finishes, so with the registry's manifest we count a finished layer's full size.
 * Pure.
 */
export class PullTracker {
  private readonly layers = new Map<string, LayerState>();
  private readonly known: boolean;

  constructor(manifest: ImageManifestSummary | null) {
    this.known = !!manifest;
    for (const layer of manifest?.layers ?? []) {
      this.layers.set(shortId(layer.digest), { total: layer.sizeBytes, current: 0, done: false });
    }
  }

  apply(event: PullEvent): void {
    if (!event.layer) return;
    const id = shortId(event.layer);
    let layer = this.layers.get(id);
    if (!layer) {
      // With a manifest, ids outside it are the image config or manifest list entries: not layers.
      if (this.known) return;
      layer = { total: null, current: 0, done: false };
      this.layers.set(id, layer);
    }
    if (event.total !== null && event.total > 0 && /^downloading/i.test(event.status)) layer.total = event.total;
    if (event.current !== null && /^downloading/i.test(event.status)) layer.current = Math.max(layer.current, event.current);
    if (DONE_STATUSES.test(event.status)) {
      layer.done = true;
      if (layer.total !== null) layer.current = layer.total;
    }
  }

  snapshot(): PullProgress {
    const layers = [...this.layers.values()];
    const totalsKnown = layers.length > 0 && layers.every((l) => l.total !== null);
    return {
      bytesDone: layers.reduce((sum, l) => sum + (l.done && l.total !== null ? l.total : l.current), 0),
      bytesTotal: totalsKnown ? layers.reduce((sum, l) => sum + (l.total ?? 0), 0) : null,
      layersDone: layers.filter((l) => l.done).length,
      layersTotal: layers.length,
      cached: false,
    };
  }
}

function shortId(idOrDigest: string): string {
  return idOrDigest.replace(/^sha256:/, '').slice(0, 12);
}
