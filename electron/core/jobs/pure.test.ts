import { describe, expect, it } from 'vitest';
import { cdiDevicesFromSpecs } from '../adapters/cdi-devices.js';
import { LogDemuxer, toCreateBody } from '../adapters/docker-wire.js';
import { parseImageRef } from '../adapters/image-registry-client.js';
import { engineCandidates, parseEndpoint } from './discovery.js';
import type { ContainerSummary } from './ports.js';
import { guestConfigFor, guestUser } from './hardening.js';
import { planEviction } from './image-cache.js';
import { foldJournal, parseJournal, type CachedImage, type JournaledJob } from './journal.js';
import { LogRing } from './log-ring.js';
import { PullTracker } from './pull-progress.js';
import { planReconcile } from './reconcile.js';
import type { JobSpec } from '../../../protocol/job-spec.js';

const spec: JobSpec = {
  id: 'j1',
  image: `r.example/w@sha256:${'a'.repeat(64)}`,
  command: ['run'],
  env: { A: '1' },
  resources: { gpus: 0, minVramMiB: 0, cpuMillis: 1500, memoryMiB: 2048, scratchMiB: 512 },
  maxDurationSeconds: 60,
  network: 'none',
  price: { perSecond: '3' },
};

describe('engine discovery', () => {
  it('orders DOCKER_HOST, Docker, rootful and rootless Podman on Linux', () => {
    expect(engineCandidates({ env: { DOCKER_HOST: 'unix:///tmp/x.sock', XDG_RUNTIME_DIR: '/run/user/1000' }, platform: 'linux', home: '/home/me', uid: 1000 }).map((c) => c.endpoint)).toEqual([
      'unix:///tmp/x.sock',
      'unix:///var/run/docker.sock',
      'unix:///run/podman/podman.sock',
      'unix:///run/user/1000/podman/podman.sock',
      'unix:///run/user/1000/docker.sock',
      'unix:///home/me/.docker/desktop/docker.sock',
    ]);
  });
  it('uses the named pipe on Windows and ~/.docker/run on macOS', () => {
    expect(engineCandidates({ env: {}, platform: 'win32', home: 'C:\\Users\\me', uid: null })[0]!.endpoint).toBe('npipe:////./pipe/docker_engine');
    expect(engineCandidates({ env: {}, platform: 'darwin', home: '/Users/me', uid: 501 })[0]!.endpoint).toBe('unix:///Users/me/.docker/run/docker.sock');
  });
  it('parses endpoints', () => {
    expect(parseEndpoint('npipe:////./pipe/docker_engine')).toEqual({ kind: 'socket', socketPath: '\\\\.\\pipe\\docker_engine' });
    expect(parseEndpoint('tcp://127.0.0.1:2375')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 2375, tls: false });
    expect(parseEndpoint('ssh://x').kind).toBe('invalid');
  });
});

describe('hardening', () => {
  it('never runs as root', () => {
    expect(guestUser('')).toBe('65534:65534');
    expect(guestUser('0')).toBe('65534:65534');
    expect(guestUser('root')).toBe('65534:65534');
    expect(guestUser('1000:0')).toBe('65534:65534');
    expect(guestUser('app')).toBe('65534:65534');
    expect(guestUser('1000')).toBe('1000:1000');
    expect(guestUser('1000:2000')).toBe('1000:2000');
  });
  it('translates to a locked-down create body', () => {
    const body = toCreateBody(guestConfigFor(spec, 'b'.repeat(64), '', { nvidiaRuntime: false, cdiDevices: [] }));
    const host = body.HostConfig!;
    expect(host.Privileged).toBe(false);
    expect(host.ReadonlyRootfs).toBe(true);
    expect(host.CapDrop).toEqual(['ALL']);
    expect(host.SecurityOpt).toEqual(['no-new-privileges']);
    expect(host.NetworkMode).toBe('none');
    expect(host.Binds).toEqual([]);
    expect(host.Mounts).toEqual([]);
    expect(host.PortBindings).toEqual({});
    expect(host.DeviceRequests).toEqual([]);
    expect(host.Memory).toBe(2048 * 1024 * 1024);
    expect(host.MemorySwap).toBe(host.Memory);
    expect(host.NanoCpus).toBe(1_500_000_000);
    expect(host.Tmpfs!['/scratch']).toContain(`size=${512 * 1024 * 1024}`);
    expect(body.User).toBe('65534:65534');
    // A guest printing forever must not fill the owner's disk through the engine's log file.
    expect(host.LogConfig).toEqual({ Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '1' } });
    expect(body.Labels).toMatchObject({ 'io.offhours.managed': 'true', 'io.offhours.job-id': 'j1' });
  });
  it('scales the pids limit with the memory limit (4 per MiB, 64 to 1024), so a fork bomb meets it before memory runs out', () => {
    const withMemory = (memoryMiB: number) => guestConfigFor({ ...spec, resources: { ...spec.resources, memoryMiB } }, 'b'.repeat(64), '', { nvidiaRuntime: false, cdiDevices: [] }).pidsLimit;
    expect(withMemory(8)).toBe(64);
    expect(withMemory(64)).toBe(256);
    expect(withMemory(100)).toBe(400);
    expect(withMemory(256)).toBe(1024);
    expect(withMemory(65536)).toBe(1024);
    expect(toCreateBody(guestConfigFor(spec, 'b'.repeat(64), '', { nvidiaRuntime: false, cdiDevices: [] })).HostConfig!.PidsLimit).toBe(1024);
  });
  it('asks for GPUs only when the spec does, via the runtime the engine has', () => {
    const gpuSpec = { ...spec, resources: { ...spec.resources, gpus: 2 } };
    expect(toCreateBody(guestConfigFor(gpuSpec, 'b'.repeat(64), '', { nvidiaRuntime: true, cdiDevices: [] })).HostConfig!.DeviceRequests).toEqual([{ Driver: 'nvidia', Count: 2, Capabilities: [['gpu']] }]);
    const cdi = toCreateBody(guestConfigFor(gpuSpec, 'b'.repeat(64), '', { nvidiaRuntime: false, cdiDevices: ['nvidia.com/gpu=0', 'nvidia.com/gpu=1', 'nvidia.com/gpu=all'] }));
    expect(cdi.HostConfig!.DeviceRequests).toEqual([{ Driver: 'cdi', DeviceIDs: ['nvidia.com/gpu=0', 'nvidia.com/gpu=1'] }]);
    expect(() => guestConfigFor(gpuSpec, 'b'.repeat(64), '', { nvidiaRuntime: false, cdiDevices: [] })).toThrow(/cannot hand GPUs/);
  });
  it('hides every GPU from a job that asked for none, even where the NVIDIA runtime is the default one', () => {
    const noGpu = { ...spec, resources: { ...spec.resources, gpus: 0 } };
    const body = toCreateBody(guestConfigFor(noGpu, 'b'.repeat(64), '', { nvidiaRuntime: true, cdiDevices: [] }));
    expect(body.Env).toContain('NVIDIA_VISIBLE_DEVICES=void');
    expect(body.HostConfig!.DeviceRequests).toEqual([]);
  });
  it('reads CDI device names from spec files', () => {
    expect(cdiDevicesFromSpecs(['cdiVersion: 0.5.0\nkind: nvidia.com/gpu\ndevices:\n- name: "0"\n  containerEdits: {}\n- name: all\n'])).toEqual(['nvidia.com/gpu=0', 'nvidia.com/gpu=all']);
  });
  it('parses image references for the registry', () => {
    expect(parseImageRef(`ubuntu@sha256:${'c'.repeat(64)}`)).toEqual({ registry: 'registry-1.docker.io', repository: 'library/ubuntu', reference: `sha256:${'c'.repeat(64)}` });
    expect(parseImageRef('127.0.0.1:5000/a/b@sha256:x')).toEqual({ registry: '127.0.0.1:5000', repository: 'a/b', reference: 'sha256:x' });
  });
});

describe('log ring', () => {
  it('keeps the newest lines, cuts long ones, splits chunks across line ends', () => {
    const ring = new LogRing({ maxLines: 3, maxLineBytes: 5, linesPerSecond: 1000, burst: 1000 });
    const enc = new TextEncoder();
    ring.pushChunk('stdout', enc.encode('a\nbb\ncc'), 0);
    ring.pushChunk('stdout', enc.encode('c\n123456789\n'), 0);
    ring.pushChunk('stderr', enc.encode('err\n'), 0);
    expect(ring.tail()).toEqual(['ccc', '12345…', '! err']);
    expect(ring.accepted).toBe(5);
  });
  it('strips terminal control sequences a guest prints, so `offhours job run` cannot be driven by them', () => {
    const ring = new LogRing({ maxLines: 10, maxLineBytes: 200, linesPerSecond: 1000, burst: 1000 });
    ring.pushChunk('stdout', new TextEncoder().encode('a\x1b]52;c;ZXZpbA==\x07b\tc\x1b[2J\x9b31md\x7f\r\n'), 0);
    expect(ring.tail()).toEqual(['a]52;c;ZXZpbA==b\tc[2J31md']);
  });
  it('strips bidi overrides and zero-width characters, so a line cannot read differently from what it says', () => {
    const ring = new LogRing({ maxLines: 10, maxLineBytes: 200, linesPerSecond: 1000, burst: 1000 });
    const hidden = 'pay \u202Eevil\u202C to \u2066x\u2069 \u2067y\u2068z\u202A\u202B\u202D me\u200B\u200C\u200D\u200E\u200F\uFEFF!';
    ring.pushChunk('stdout', new TextEncoder().encode(`${hidden}\n`), 0);
    expect(ring.tail()).toEqual(['pay evil to x yz me!']);
    // Ordinary non-ASCII text is left alone.
    ring.pushLine('grüße — 你好 ✓', 0);
    expect(ring.tail().at(-1)).toBe('grüße — 你好 ✓');
  });
  it('drops lines beyond the rate and counts them', () => {
    const ring = new LogRing({ maxLines: 100, maxLineBytes: 100, linesPerSecond: 10, burst: 5 });
    for (let i = 0; i < 20; i++) ring.pushLine(`l${i}`, 0);
    expect(ring.accepted).toBe(5);
    expect(ring.dropped).toBe(15);
    ring.pushLine('later', 1000);
    expect(ring.tail().at(-1)).toBe('later');
  });
});

describe('docker log demuxer', () => {
  it('splits frames across chunk boundaries', () => {
    const got: string[] = [];
    const demux = new LogDemuxer((stream, chunk) => got.push(`${stream}:${Buffer.from(chunk).toString()}`));
    const frame = (kind: number, text: string) => Buffer.concat([Buffer.from([kind, 0, 0, 0, 0, 0, 0, text.length]), Buffer.from(text)]);
    const all = Buffer.concat([frame(1, 'hello\n'), frame(2, 'bad\n')]);
    demux.push(all.subarray(0, 5));
    demux.push(all.subarray(5, 17));
    demux.push(all.subarray(17));
    expect(got).toEqual(['stdout:hello\n', 'stderr:bad\n']);
  });
});

describe('pull progress', () => {
  it('uses engine byte counts when the engine gives them (Docker)', () => {
    const t = new PullTracker(null);
    t.apply({ layer: 'aaa', status: 'Pulling fs layer', current: null, total: null });
    t.apply({ layer: 'aaa', status: 'Downloading', current: 500, total: 1000 });
    expect(t.snapshot()).toMatchObject({ bytesDone: 500, bytesTotal: 1000, layersDone: 0, layersTotal: 1 });
    t.apply({ layer: 'aaa', status: 'Pull complete', current: null, total: null });
    expect(t.snapshot()).toMatchObject({ bytesDone: 1000, layersDone: 1 });
  });
  it('counts whole layers from the manifest when the engine reports none (Podman 4)', () => {
    const t = new PullTracker({ layers: [{ digest: `sha256:${'1'.repeat(64)}`, sizeBytes: 300 }, { digest: `sha256:${'2'.repeat(64)}`, sizeBytes: 700 }] });
    t.apply({ layer: '111111111111', status: 'Pulling fs layer', current: null, total: null });
    t.apply({ layer: 'cfgcfgcfgcfg', status: 'Download complete', current: null, total: null });
    t.apply({ layer: '111111111111', status: 'Download complete', current: null, total: null });
    expect(t.snapshot()).toEqual({ bytesDone: 300, bytesTotal: 1000, layersDone: 1, layersTotal: 2, cached: false });
  });
});

describe('journal fold', () => {
  it('survives a torn last line and folds a job through its life', () => {
    const lines = [
      { type: 'accepted', at: 1, jobId: 'j1', spec, specHash: 'h', source: 'network' },
      { type: 'container', at: 2, jobId: 'j1', containerId: 'c1' },
      { type: 'phase', at: 3, jobId: 'j1', phase: 'running' },
      { type: 'work', at: 8, jobId: 'j1', workedMs: 5000 },
    ].map((e) => JSON.stringify(e));
    const entries = parseJournal(`${lines.join('\n')}\n{"type":"finished","at":9,"jobId":"j1","outc`);
    expect(entries).toHaveLength(4);
    const job = foldJournal(entries).jobs.get('j1')!;
    expect(job).toMatchObject({ containerId: 'c1', phase: 'running', workedMs: 5000, finished: null, parked: false });
  });
  it('remembers a download in progress until its image is recorded', () => {
    const base = [{ type: 'accepted', at: 1, jobId: 'j1', spec, specHash: 'h', source: 'network' } as const, { type: 'image-pulling', at: 2, jobId: 'j1', ref: 'r' } as const];
    expect(foldJournal([...base]).jobs.get('j1')!.pullingRef).toBe('r');
    const done = foldJournal([...base, { type: 'image', at: 3, jobId: 'j1', ref: 'r', imageId: 'i', sizeBytes: 1, pulledByUs: true }]);
    expect(done.jobs.get('j1')!.pullingRef).toBeNull();
    expect(done.images.get('i')!.pulledByUs).toBe(true);
  });
});

describe('reconcile plan', () => {
  const job = (over: Partial<JournaledJob>): JournaledJob => ({ jobId: 'j', spec, specHash: 'h', source: 'network', acceptedAt: 0, containerId: 'c', pullingRef: null, phase: 'running', workedMs: 1000, parked: false, finished: null, ...over });
  const container = (id: string, state: ContainerSummary['state'] = 'running', jobId = 'j'): ContainerSummary => ({ id, name: id, image: 'i', state, labels: { 'io.offhours.managed': 'true', 'io.offhours.job-id': jobId, 'io.offhours.spec-hash': 'h' } });
  it('crashed job: interrupted, its container removed once', () => {
    expect(planReconcile([job({})], [container('c')])).toEqual([{ kind: 'interrupted', jobId: 'j', workedMs: 1000, reason: expect.any(String), containerId: 'c' }]);
  });
  it('parked job with a live container: adopted', () => {
    expect(planReconcile([job({ parked: true })], [container('c', 'paused')])).toEqual([{ kind: 'adopt', jobId: 'j', containerId: 'c' }]);
  });
  it('parked job whose container vanished: interrupted', () => {
    expect(planReconcile([job({ parked: true })], [])[0]).toMatchObject({ kind: 'interrupted', containerId: null });
  });
  it('finished jobs are left alone; stray labelled containers removed', () => {
    const done = job({ finished: { type: 'finished', at: 1, jobId: 'j', outcome: 'succeeded', exitCode: 0, workedMs: 1, outputDigest: null, reason: null } });
    expect(planReconcile([done], [container('x', 'exited', 'other')])).toEqual([{ kind: 'remove', containerId: 'x', why: expect.any(String) }]);
  });
});

describe('image cache eviction', () => {
  const img = (imageId: string, sizeBytes: number, lastUsedAt: number, pulledByUs = true): CachedImage => ({ imageId, ref: imageId, sizeBytes, lastUsedAt, pulledByUs, removed: false });
  it('evicts least recently used images we pulled, never the owner’s or the one in use', () => {
    const images = [img('old', 100, 1), img('owner', 1000, 0, false), img('inuse', 100, 2), img('new', 100, 3)];
    expect(planEviction(images, 150, new Set(['inuse'])).map((i) => i.imageId)).toEqual(['old', 'new']);
    expect(planEviction(images, 1000, new Set()).map((i) => i.imageId)).toEqual([]);
  });
});

describe('journal file', () => {
  it('compacts at open without changing what it says', async () => {
    const { mkdtempSync, statSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { JobJournal } = await import('./journal.js');
    const dir = mkdtempSync(join(tmpdir(), 'offhours-journal-'));
    const path = join(dir, 'jobs.journal');
    const journal = new JobJournal(path);
    for (let j = 0; j < 5; j++) {
      const jobId = `job${j}`;
      journal.append({ type: 'accepted', at: j, jobId, spec: { ...spec, id: jobId }, specHash: 'h', source: 'network' });
      for (let w = 1; w <= 200; w++) journal.append({ type: 'work', at: j + w, jobId, workedMs: w * 5000 });
      if (j < 4) journal.append({ type: 'finished', at: 1000 + j, jobId, outcome: 'succeeded', exitCode: 0, workedMs: 1_000_000, outputDigest: 'd', reason: null });
    }
    journal.append({ type: 'image', at: 5, jobId: 'job0', ref: 'r', imageId: 'img', sizeBytes: 10, pulledByUs: true });
    journal.close();
    const before = statSync(path).size;
    const reopened = new JobJournal(path, { compactAboveBytes: 1000, keepFinished: 2 });
    const after = statSync(path).size;
    expect(after).toBeLessThan(before / 20);
    const fold = reopened.fold();
    expect([...fold.jobs.keys()].sort()).toEqual(['job2', 'job3', 'job4']);
    expect(fold.jobs.get('job4')).toMatchObject({ finished: null, workedMs: 1_000_000 });
    expect(fold.images.get('img')).toMatchObject({ pulledByUs: true, sizeBytes: 10 });
    expect(new JobJournal(path).fold().jobs.get('job3')!.finished?.outcome).toBe('succeeded');
    rmSync(dir, { recursive: true, force: true });
  });
});
