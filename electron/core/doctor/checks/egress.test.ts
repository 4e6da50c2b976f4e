import { describe, expect, it } from 'vitest';
import { UserFacingError } from '../../../../protocol/errors.js';
import type { ContainerEngine, EngineConnector, EngineInfo } from '../../jobs/ports.js';
import type { DoctorContext } from '../context.js';
import { egressChecks } from './egress.js';

const info: EngineInfo = { product: 'Podman', version: '4.3.1', os: 'linux', nvidiaRuntime: false, cdiDevices: [], dataRoot: null };
const connected: EngineConnector = { connect: async () => ({ ok: true, engine: { endpoint: 'unix:///run/podman/podman.sock' } as ContainerEngine, info }) };
const context = (overrides: Partial<DoctorContext>): DoctorContext =>
  ({ dataDir: '/tmp/x', nodeVersion: '22.0.0', runtime: 'node', detectGpus: async () => ({}) as never, webgpu: null, cudaBenchPaths: [], ...overrides }) as DoctorContext;

describe('the doctor’s egress check', () => {
  it('is ok when the fence went up and read back', async () => {
    const [check] = egressChecks(context({ engineConnector: connected, egressGuardFor: () => ({ prepare: async () => ({ network: 'offhours-egress', dns: [], hosts: {} }) }) }));
    expect(await check!.run()).toMatchObject({ status: 'ok', summary: expect.stringMatching(/offhours-egress.*this PC, your home network/), fix: null });
  });

  it('warns with the reason and the next step when internet jobs will be refused', async () => {
    const refusal = new UserFacingError('egress-unprotected', 'Jobs that need the internet are refused here: no root.', 'Run Offhours as root.');
    const [check] = egressChecks(
      context({
        engineConnector: connected,
        egressGuardFor: () => ({
          prepare: async () => {
            throw refusal;
          },
        }),
      }),
    );
    expect(await check!.run()).toEqual({ status: 'warn', summary: refusal.message, fix: 'Run Offhours as root.' });
  });

  it('says it did not check without an engine, and is absent where jobs are not set up', async () => {
    const missing: EngineConnector = { connect: async () => ({ ok: false, problem: { kind: 'missing', tried: [] } }) };
    const [check] = egressChecks(context({ engineConnector: missing, egressGuardFor: () => ({ prepare: async () => ({ network: 'x', dns: [], hosts: {} }) }) }));
    expect(await check!.run()).toMatchObject({ status: 'warn', summary: expect.stringMatching(/Not checked/) });
    expect(egressChecks(context({}))).toEqual([]);
  });
});
