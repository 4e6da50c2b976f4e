import type { CachedImage } from './journal.js';

/**
 * Which images to delete to bring our cache under its budget: least recently used first, only images we
 * pulled ourselves (never the owner's), never one in use. Pure.
 */
export function planEviction(images: CachedImage[], budgetBytes: number, inUse: ReadonlySet<string>): CachedImage[] {
  const ours = images.filter((image) => image.pulledByUs && !image.removed);
  let total = ours.reduce((sum, image) => sum + image.sizeBytes, 0);
  const evict: CachedImage[] = [];
  for (const image of [...ours].sort((a, b) => a.lastUsedAt - b.lastUsedAt)) {
    if (total <= budgetBytes) break;
    if (inUse.has(image.imageId)) continue;
    evict.push(image);
    total -= image.sizeBytes;
  }
  return evict;
}
