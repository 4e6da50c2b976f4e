import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_DEMO_IMAGE, parseCoordinatorArgs } from './config.js';

const image = `127.0.0.1:5000/offhours-test@sha256:${'a'.repeat(64)}`;

describe('parseCoordinatorArgs', () => {
  it('defaults to loopback, a coordinator folder in the data dir, PGlite and the pinned busybox', () => {
    expect(parseCoordinatorArgs([], {}, '/data')).toEqual({
      host: '127.0.0.1',
      port: 47900,
      dataDir: '/data/coordinator',
      databaseUrl: null,
      adminTokenFile: '/data/coordinator/admin-token',
      embedded: false,
      demoImage: DEFAULT_DEMO_IMAGE,
      benchTargetMs: null,
      receiptKeyFile: '/data/coordinator/receipt-key',
      payouts: { mode: 'off' },
    });
  });

  it('pays out on the embedded local Solana by default, on a cluster when all three of --rpc-url, --mint and --treasury-key are named', () => {
    expect(parseCoordinatorArgs(['--embedded'], {}, '/data').payouts).toEqual({ mode: 'localnet', threshold: 0n, intervalSeconds: 30 });
    expect(parseCoordinatorArgs(['--embedded', '--payout-interval', '5', '--payout-threshold', '1000'], {}, '/data').payouts).toEqual({ mode: 'localnet', threshold: 1000n, intervalSeconds: 5 });
    const mint = 'So11111111111111111111111111111111111111112';
    expect(parseCoordinatorArgs(['--rpc-url', 'https://api.devnet.solana.com', '--mint', mint, '--treasury-key', '/k.json', '--priority-fee', '5000'], {}, '/data').payouts).toEqual({
      mode: 'cluster',
      rpcUrl: 'https://api.devnet.solana.com',
      mint,
      treasuryKeyFile: '/k.json',
      threshold: 0n,
      intervalSeconds: 300,
      priorityFeeMicroLamports: 5000n,
    });
    expect(() => parseCoordinatorArgs(['--rpc-url', 'https://api.devnet.solana.com'], {}, '/data')).toThrow(/go together/);
    expect(() => parseCoordinatorArgs(['--rpc-url', 'ftp://x', '--mint', mint, '--treasury-key', '/k'], {}, '/data')).toThrow(/http/);
    expect(() => parseCoordinatorArgs(['--rpc-url', 'https://x', '--mint', 'not-base58-0OIl', '--treasury-key', '/k'], {}, '/data')).toThrow(/--mint/);
    expect(() => parseCoordinatorArgs(['--payout-threshold', '1.5'], {}, '/data')).toThrow(/base units/);
  });

  it('takes flags over the environment', () => {
    const config = parseCoordinatorArgs(
      ['--port', '0', '--data-dir', '/d', '--embedded', '--demo-image', image, '--bench-target-ms', '1500', '--admin-token-file', '/t'],
      { DATABASE_URL: 'postgres://u@h/db', OFFHOURS_DEMO_IMAGE: DEFAULT_DEMO_IMAGE },
      '/data',
    );
    expect(config).toMatchObject({ port: 0, dataDir: '/d', databaseUrl: 'postgres://u@h/db', embedded: true, demoImage: image, benchTargetMs: 1500, adminTokenFile: '/t' });
    expect(parseCoordinatorArgs([], { OFFHOURS_DEMO_IMAGE: image }, '/data').demoImage).toBe(image);
  });

  it('refuses bad ports, tag-only images, non-postgres URLs and unknown flags', () => {
    expect(() => parseCoordinatorArgs(['--port', '70000'], {}, '/d')).toThrow(ConfigError);
    expect(() => parseCoordinatorArgs(['--port', '1e3'], {}, '/d')).toThrow(ConfigError);
    expect(() => parseCoordinatorArgs(['--demo-image', 'busybox:latest'], {}, '/d')).toThrow(/pinned by digest/);
    expect(() => parseCoordinatorArgs(['--database-url', 'mysql://x'], {}, '/d')).toThrow(ConfigError);
    expect(() => parseCoordinatorArgs(['--nope'], {}, '/d')).toThrow(ConfigError);
  });
});
