import { join } from 'node:path';
import type { DeviceKeyStore } from '../../ports.js';
import { AesFileSealer } from './aes-file-sealer.js';
import { DeviceKeyFileStore } from './device-key-store.js';

/** Folder (inside the data dir) holding the device key and its sealing key. */
export const KEYS_DIR = 'keys';

/**
 * The device key for headless installs and the CLI: <data dir>/keys/device-key.json, sealed with
 * AES-256-GCM under <data dir>/keys/sealing.key (0600). The desktop app passes a safeStorage sealer instead.
 */
export function headlessDeviceKeyStore(dataDir: string, now: () => Date = () => new Date()): DeviceKeyStore {
  return new DeviceKeyFileStore({
    file: join(dataDir, KEYS_DIR, 'device-key.json'),
    sealer: new AesFileSealer(join(dataDir, KEYS_DIR, 'sealing.key')),
    now,
  });
}
