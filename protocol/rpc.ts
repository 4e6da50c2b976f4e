import {
  isProviderEvent,
  isProviderMethod,
  providerEvents,
  providerMethods,
  type EventPayload,
  type ProviderApi,
  type ProviderEventName,
  type ProviderHandlers,
  type ProviderMethodName,
  type Unsubscribe,
} from './api.js';
import { ApiErrorBodySchema, UserFacingError, toErrorBody, type ApiErrorBody } from './errors.js';

/** The result every transport carries: a value or an error a person can act on. */
export type RpcResult = { ok: true; value: unknown } | { ok: false; error: ApiErrorBody };

/**
 * The server half shared by every transport: looks the method up, parses the input with its schema,
 * runs the handler, and never throws.
 */
export function createDispatcher(handlers: ProviderHandlers): (method: string, rawInput: unknown) => Promise<RpcResult> {
  return async (method, rawInput) => {
    if (!isProviderMethod(method)) {
      return { ok: false, error: { code: 'unknown-method', message: `There is no action called "${method}".`, nextStep: 'Update Offhours so the window and the service match.' } };
    }
    try {
      const input = providerMethods[method].input.parse(rawInput);
      const handler = handlers[method] as (input: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(input) };
    } catch (error) {
      return { ok: false, error: toErrorBody(error) };
    }
  };
}

/** Thrown in the renderer when core answered with an error. */
export class ApiCallError extends UserFacingError {}

export function unwrapRpcResult(result: unknown): unknown {
  if (typeof result === 'object' && result !== null && 'ok' in result) {
    const typed = result as RpcResult;
    if (typed.ok) return typed.value;
    const body = ApiErrorBodySchema.safeParse(typed.error);
    if (body.success) throw new ApiCallError(body.data.code, body.data.message, body.data.nextStep);
  }
  throw new ApiCallError('bad-response', 'The Offhours service sent an answer the window does not understand.', 'Restart Offhours.');
}

export interface ClientTransport {
  invoke(method: ProviderMethodName, input: unknown): Promise<unknown>;
  subscribe(event: ProviderEventName, listener: (payload: unknown) => void): Unsubscribe;
}

/** Builds the renderer-side ProviderApi over any transport; outputs and events are validated here too. */
export function createApiClient(transport: ClientTransport): ProviderApi {
  const api: Record<string, unknown> = {};
  for (const name of Object.keys(providerMethods) as ProviderMethodName[]) {
    api[name] = async (input?: unknown) => {
      const value = unwrapRpcResult(await transport.invoke(name, input));
      return providerMethods[name].output.parse(value);
    };
  }
  for (const name of Object.keys(providerEvents) as ProviderEventName[]) {
    const key = `on${name[0]!.toUpperCase()}${name.slice(1)}`;
    api[key] = (listener: (payload: EventPayload<typeof name>) => void) =>
      transport.subscribe(name, (payload) => {
        const parsed = providerEvents[name].safeParse(payload);
        if (parsed.success) listener(parsed.data);
      });
  }
  return api as ProviderApi;
}

export function eventNameOrNull(name: string): ProviderEventName | null {
  return isProviderEvent(name) ? name : null;
}
