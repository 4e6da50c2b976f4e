import { describe, expect, it } from 'vitest';
import type { ProviderHandlers } from './api.js';
import { UserFacingError } from './errors.js';
import { ApiCallError, createApiClient, createDispatcher } from './rpc.js';
import { defaultSettings } from './settings.js';

function handlers(overrides: Partial<ProviderHandlers> = {}): ProviderHandlers {
  const unexpected = async () => {
    throw new Error('not used in this test');
  };
  return new Proxy(overrides as ProviderHandlers, {
    get: (target, key) => (key in target ? target[key as keyof ProviderHandlers] : unexpected),
  });
}

describe('dispatcher', () => {
  it('refuses unknown methods without calling anything', async () => {
    const result = await createDispatcher(handlers())('__proto__', undefined);
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
  });

  it('parses input with the method schema before the handler sees it', async () => {
    let called = false;
    const dispatch = createDispatcher(handlers({ updateSettings: async () => ((called = true), defaultSettings()) }));
    const result = await dispatch('updateSettings', { schedule: { idleMinutes: 'soon' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(called).toBe(false);
    const unknownField = await dispatch('updateSettings', { schedule: { sneaky: 1 } });
    expect(unknownField.ok).toBe(false);
  });

  it('carries a user-facing error with its next step', async () => {
    const dispatch = createDispatcher(handlers({ detectGpus: async () => Promise.reject(new UserFacingError('no-driver', 'No driver.', 'Install it.')) }));
    expect(await dispatch('detectGpus', undefined)).toEqual({ ok: false, error: { code: 'no-driver', message: 'No driver.', nextStep: 'Install it.' } });
  });
});

describe('client', () => {
  it('round-trips through a transport and rethrows errors as ApiCallError', async () => {
    const dispatch = createDispatcher(
      handlers({
        getSettings: async () => defaultSettings(),
        dismissNotice: async () => Promise.reject(new UserFacingError('nope', 'Cannot dismiss.', null)),
      }),
    );
    const api = createApiClient({ invoke: (method, input) => dispatch(method, input), subscribe: () => () => undefined });
    expect(await api.getSettings()).toEqual(defaultSettings());
    await expect(api.dismissNotice('x')).rejects.toBeInstanceOf(ApiCallError);
  });

  it('rejects an answer outside the method’s output schema as bad-response, naming the method', async () => {
    const api = createApiClient({ invoke: async () => ({ ok: true, value: { schedule: {} } }), subscribe: () => () => undefined });
    const failure = api.getSettings();
    await expect(failure).rejects.toBeInstanceOf(ApiCallError);
    await expect(failure).rejects.toMatchObject({ code: 'bad-response', message: expect.stringMatching(/answer to getSettings that this program does not understand/) });
  });

  it('drops event payloads that do not match the schema and delivers the ones that do', () => {
    const deliver = new Map<string, (payload: unknown) => void>();
    const api = createApiClient({ invoke: async () => ({ ok: true, value: null }), subscribe: (event, listener) => (deliver.set(event, listener), () => undefined) });
    const states: unknown[] = [];
    const progress: unknown[] = [];
    api.onState((state) => states.push(state));
    api.onBenchProgress((event) => progress.push(event));
    deliver.get('state')!({ revision: 'not a number' });
    expect(states).toEqual([]);
    const valid = { runId: 'r1', running: true, stage: 'kernel', kernel: 'sgemm', perMille: 250, message: 'SGEMM', startedAt: '2026-11-30T00:00:00.000Z', error: null };
    deliver.get('benchProgress')!({ ...valid, perMille: 2000 });
    expect(progress).toEqual([]);
    deliver.get('benchProgress')!(valid);
    expect(progress).toEqual([valid]);
  });
});
