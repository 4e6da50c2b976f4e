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

  it('drops event payloads that do not match the schema', () => {
    let deliver: (payload: unknown) => void = () => undefined;
    const api = createApiClient({ invoke: async () => ({ ok: true, value: null }), subscribe: (_event, listener) => ((deliver = listener), () => undefined) });
    const seen: unknown[] = [];
    api.onState((state) => seen.push(state));
    deliver({ revision: 'not a number' });
    expect(seen).toEqual([]);
  });
});
