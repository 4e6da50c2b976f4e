import { UserFacingError } from '../../../protocol/errors.js';
import type { PullProgress } from '../../../protocol/job-spec.js';
import type { Clock, Logger } from '../ports.js';
import type { ContainerEngine } from './ports.js';
import { planEviction } from './image-cache.js';
import type { JobJournal } from './journal.js';
import { PullTracker } from './pull-progress.js';

export interface ImageSupplyOptions {
  /** Our image cache may hold this many bytes of images we pulled; older ones are evicted. */
  imageCacheBudgetBytes: number;
  /** Refuse to pull when the engine's disk would drop below this. */
  minFreeDiskBytes: number;
}

/**
 * A job's image: used where it already is (the owner's image stays the owner's), else pulled with progress,
 * claimed in the journal before the download starts, and evicted least-recently-used within our budget.
 */
export class ImageSupply {
  constructor(
    private readonly engine: ContainerEngine,
    private readonly journal: JobJournal,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: ImageSupplyOptions,
  ) {}

  /** The image for a job, pulled when missing; `onProgress` sees the download. */
  async ensure(jobId: string, ref: string, signal: AbortSignal, onProgress: (pull: PullProgress, now: boolean) => void): Promise<{ id: string; user: string }> {
    const present = await this.engine.inspectImage(ref);
    if (present) {
      onProgress({ bytesDone: 0, bytesTotal: 0, layersDone: 0, layersTotal: 0, cached: true }, true);
      const known = this.journal.fold().images.get(present.id);
      if (known && !known.removed) this.journal.append({ type: 'image-used', at: this.clock.now(), imageId: present.id });
      // An image already here that we did not pull is the owner's: we use it but never count it as ours.
      return { id: present.id, user: present.user };
    }
    const manifest = await this.engine.fetchManifest(ref).catch(() => null);
    const needed = manifest ? manifest.layers.reduce((sum, l) => sum + l.sizeBytes, 0) : 0;
    // Layers unpack to roughly 2–3× their compressed size.
    await this.makeRoom(needed * 3, new Set());
    const free = await this.engine.freeDiskBytes().catch(() => null);
    if (free !== null && free - needed * 3 < this.options.minFreeDiskBytes) {
      throw new UserFacingError(
        'disk-full',
        `There is not enough free disk space for this job's image (${gib(free)} free; the image needs about ${gib(needed * 3)} and Offhours keeps ${gib(this.options.minFreeDiskBytes)} free for you).`,
        'Free some disk space on the drive your container engine uses, then try again.',
      );
    }
    // Claimed before the download starts: if we crash mid-pull, reconcile still knows the image is ours.
    this.journal.append({ type: 'image-pulling', at: this.clock.now(), jobId, ref });
    const tracker = new PullTracker(manifest);
    onProgress(tracker.snapshot(), true);
    await this.engine.pullImage(
      ref,
      (event) => {
        tracker.apply(event);
        onProgress(tracker.snapshot(), false);
      },
      signal,
    );
    const pulled = await this.engine.inspectImage(ref);
    if (!pulled) throw new Error(`the engine pulled ${ref} but does not show it`);
    const final = tracker.snapshot();
    onProgress({ ...final, bytesDone: final.bytesTotal ?? final.bytesDone, layersDone: final.layersTotal }, true);
    this.journal.append({ type: 'image', at: this.clock.now(), jobId, ref, imageId: pulled.id, sizeBytes: pulled.sizeBytes, pulledByUs: true });
    await this.makeRoom(0, new Set([pulled.id]));
    return { id: pulled.id, user: pulled.user };
  }

  /** A download cut short by a crash may still have finished in the engine: the image is ours to evict. */
  async claimPulled(jobId: string, ref: string): Promise<void> {
    const image = await this.engine.inspectImage(ref).catch(() => null);
    if (!image || this.journal.fold().images.get(image.id)?.removed === false) return;
    this.journal.append({ type: 'image', at: this.clock.now(), jobId, ref, imageId: image.id, sizeBytes: image.sizeBytes, pulledByUs: true });
  }

  /** Evicts least-recently-used images we pulled until the cache (plus `incoming`) fits its budget. */
  async makeRoom(incoming: number, inUse: Set<string>): Promise<string[]> {
    const images = [...this.journal.fold().images.values()];
    const plan = planEviction(images, Math.max(0, this.options.imageCacheBudgetBytes - incoming), inUse);
    const removed: string[] = [];
    for (const image of plan) {
      try {
        // force=false: the engine refuses while any container (the owner's included) uses the image.
        await this.engine.removeImage(image.imageId);
        this.journal.append({ type: 'image-removed', at: this.clock.now(), imageId: image.imageId });
        removed.push(image.imageId);
      } catch (error) {
        this.logger.warn('could not evict a cached job image', { imageId: image.imageId, error: String(error) });
      }
    }
    return removed;
  }
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}
