import { describe, expect, it } from 'vitest';
import { canonicalJobJson, earningsFor, jobSpecHash, validateJobSpec, type JobSpec, type JobSpecRejection } from './job-spec.js';

const DIGEST = 'a'.repeat(64);

export function goodSpec(overrides: Partial<JobSpec> = {}): JobSpec {
  return {
    id: 'job-1',
    image: `registry.example.com/team/worker@sha256:${DIGEST}`,
    command: ['/bin/sh', '-c', 'echo hello'],
    env: { MODE: 'fast' },
    resources: { gpus: 1, minVramMiB: 8192, cpuMillis: 2000, memoryMiB: 4096, scratchMiB: 1024 },
    maxDurationSeconds: 3600,
    network: 'none',
    price: { perSecond: '1500' },
    ...overrides,
  };
}

function withField(path: string[], value: unknown): Record<string, unknown> {
  const spec = JSON.parse(JSON.stringify(goodSpec())) as Record<string, unknown>;
  let target = spec;
  for (const key of path.slice(0, -1)) {
    target[key] ??= {};
    target = target[key] as Record<string, unknown>;
  }
  target[path[path.length - 1]!] = value;
  return spec;
}

describe('validateJobSpec', () => {
  it('accepts a well-formed pinned spec and hashes it independent of key order', () => {
    const result = validateJobSpec(goodSpec());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { price, ...rest } = goodSpec();
    const reordered = JSON.parse(JSON.stringify({ price, ...rest }));
    const again = validateJobSpec(reordered);
    expect(again.ok && again.specHash).toBe(result.specHash);
    expect(result.specHash).toMatch(/^[0-9a-f]{64}$/);
    expect(jobSpecHash(goodSpec({ command: ['true'] }))).not.toBe(result.specHash);
  });

  it('accepts a local registry with a port and a digest', () => {
    expect(validateJobSpec(goodSpec({ image: `127.0.0.1:5000/offhours-test@sha256:${DIGEST}` })).ok).toBe(true);
  });

  it('lets env variables with alarming names through: they are data', () => {
    expect(validateJobSpec(goodSpec({ env: { PRIVILEGED: '1', Binds: '/', CapAdd: 'SYS_ADMIN' } })).ok).toBe(true);
  });

  const hostile: Array<[string, unknown, JobSpecRejection]> = [
    ['privileged: true', withField(['privileged'], true), 'privileged'],
    ['HostConfig.Privileged nested', withField(['HostConfig'], { Privileged: true }), 'privileged'],
    ['a bind mount of /', withField(['binds'], ['/:/host']), 'host-mount'],
    ['Docker-style Mounts', withField(['Mounts'], [{ Type: 'bind', Source: '/etc', Target: '/etc' }]), 'host-mount'],
    ['a volume', withField(['volumes'], { '/data': {} }), 'host-mount'],
    ['a volume hidden inside resources', withField(['resources', 'volume'], '/var/run/docker.sock'), 'host-mount'],
    ['a raw device', withField(['devices'], ['/dev/sda']), 'device'],
    ['DeviceRequests beyond the GPU count', withField(['DeviceRequests'], [{ Driver: 'nvidia', Count: -1 }]), 'device'],
    ['cap_add SYS_ADMIN', withField(['cap_add'], ['SYS_ADMIN']), 'capability'],
    ['CapAdd ALL', withField(['CapAdd'], ['ALL']), 'capability'],
    ['network "host"', withField(['network'], 'host'), 'host-namespace'],
    ['NetworkMode host', withField(['NetworkMode'], 'host'), 'host-namespace'],
    ['pid host', withField(['pid'], 'host'), 'host-namespace'],
    ['ipc host', withField(['IpcMode'], 'host'), 'host-namespace'],
    ['uts host', withField(['uts'], 'host'), 'host-namespace'],
    ['seccomp unconfined', withField(['securityOpt'], ['seccomp=unconfined']), 'security-option'],
    ['run as root', withField(['user'], '0:0'), 'security-option'],
    ['published ports', withField(['PortBindings'], { '22/tcp': [{ HostPort: '22' }] }), 'security-option'],
    ['NVIDIA_VISIBLE_DEVICES=all (every GPU through the runtime hook)', withField(['env'], { NVIDIA_VISIBLE_DEVICES: 'all' }), 'device'],
    ['NVIDIA_DRIVER_CAPABILITIES=all', withField(['env'], { NVIDIA_DRIVER_CAPABILITIES: 'all' }), 'device'],
    ['a lower-case nvidia_visible_devices', withField(['env'], { nvidia_visible_devices: 'all' }), 'device'],
    ['a tag instead of a digest', withField(['image'], 'ubuntu:latest'), 'unpinned-image'],
    ['no tag and no digest', withField(['image'], 'registry.example.com/worker'), 'unpinned-image'],
    ['a short digest', withField(['image'], 'worker@sha256:abcd'), 'unpinned-image'],
    ['a tag and a digest', withField(['image'], `worker:latest@sha256:${DIGEST}`), 'unpinned-image'],
    ['too many env entries', withField(['env'], Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`V${i}`, 'x']))), 'oversized-env'],
    ['an env value of 40 KB', withField(['env'], { BIG: 'x'.repeat(40_000) }), 'oversized-env'],
    ['a command of 100 arguments', withField(['command'], Array.from({ length: 100 }, () => 'x')), 'oversized-command'],
    ['a command of 20 KB', withField(['command'], ['sh', '-c', 'x'.repeat(20_000)]), 'oversized-command'],
    ['an unknown top-level field', withField(['entrypointOverride'], '/bin/sh'), 'unknown-field'],
    ['an unknown field in price', withField(['price', 'currency'], 'SOL'), 'unknown-field'],
    ['an unknown field in resources', withField(['resources', 'swapMiB'], 1), 'unknown-field'],
  ];

  it.each(hostile)('rejects %s with a named reason', (_name, spec, reason) => {
    const result = validateJobSpec(spec);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe(reason);
    expect(result.message.length).toBeGreaterThan(20);
  });

  it('has at least 12 hostile cases', () => {
    expect(hostile.length).toBeGreaterThanOrEqual(12);
  });

  it.each([
    ['not an object', 'hello'],
    ['an array', []],
    ['null', null],
    ['missing fields', { id: 'x' }],
    ['a float price', withField(['price', 'perSecond'], '1.5')],
    ['a negative gpu count', withField(['resources', 'gpus'], -1)],
    ['zero duration', withField(['maxDurationSeconds'], 0)],
    ['an empty command', withField(['command'], [])],
    ['a bad env name', withField(['env'], { 'A=B': 'x' })],
  ])('rejects %s as invalid', (_name, spec) => {
    const result = validateJobSpec(spec);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toBe('invalid');
  });
});

describe('money and canonical JSON', () => {
  it('computes earnings as integer price × whole seconds, beyond 2^53', () => {
    expect(earningsFor('1500', 61.9)).toBe('91500');
    expect(earningsFor('9007199254740993', 3)).toBe('27021597764222979');
    expect(earningsFor('5', -3)).toBe('0');
  });

  it('sorts keys at every depth', () => {
    expect(canonicalJobJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}');
  });
});
