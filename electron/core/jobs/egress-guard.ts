import { UserFacingError } from '../../../protocol/errors.js';
import { parseEndpoint } from './discovery.js';
import {
  EGRESS_BRIDGE,
  EGRESS_DNS,
  EGRESS_NETWORK,
  egressGuardFailed,
  egressUnsupported,
  firewallPlan,
  MASKED_HOST_NAMES,
  MASKED_HOST_TARGET,
  planDifferences,
  type EgressEngineFacts,
  type GuardChain,
} from './egress-policy.js';
import type { ContainerEngine, EgressAttachment, EngineConnection, EngineConnector, EngineInfo, GuestContainerConfig, HostFirewall } from './ports.js';

/**
 * Puts the fence around egress guests in place before each one is created, and checks it is really there:
 * our engine network, then the host rules for its subnet, read back and compared with the plan. Anything that
 * cannot be done or does not read back refuses the job with a UserFacingError; nothing is half-guarded.
 */
export class EgressGuard {
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly engine: Pick<ContainerEngine, 'ensureNetwork'>,
    private readonly facts: EgressEngineFacts,
    private readonly firewall: HostFirewall,
  ) {}

  /** One at a time: two jobs preparing at once would install the same rules twice over each other. */
  prepare(): Promise<EgressAttachment> {
    const next = this.pending.then(
      () => this.prepareNow(),
      () => this.prepareNow(),
    );
    this.pending = next.catch(() => undefined);
    return next;
  }

  private async prepareNow(): Promise<EgressAttachment> {
    const refusal = egressUnsupported(this.facts);
    if (refusal) throw refusal;
    try {
      const network = await this.engine.ensureNetwork(EGRESS_NETWORK, EGRESS_BRIDGE);
      const plan = firewallPlan(network, this.firewall.interfaces());
      await this.enforce('ipv4', plan.ipv4);
      if (plan.ipv6) await this.enforce('ipv6', plan.ipv6);
      return { network: network.name, dns: [...EGRESS_DNS], hosts: Object.fromEntries(MASKED_HOST_NAMES.map((name) => [name, MASKED_HOST_TARGET])) };
    } catch (error) {
      if (error instanceof UserFacingError) throw error;
      throw egressGuardFailed((error as Error).message ?? String(error));
    }
  }

  /** Installs only when the listing differs from the plan (the usual start finds it in place), then reads back. */
  private async enforce(family: 'ipv4' | 'ipv6', chains: readonly GuardChain[]): Promise<void> {
    if (planDifferences(chains, await this.firewall.list(family, chains)).length === 0) return;
    await this.firewall.install(family, chains);
    const left = planDifferences(chains, await this.firewall.list(family, chains));
    if (left.length) throw egressGuardFailed(`${family === 'ipv4' ? 'iptables' : 'ip6tables'} does not hold them after installing: ${left.join('; ')}`);
  }
}

/** What the guard needs to know of an engine, from where it was reached and what it said about itself. */
export function engineFacts(endpoint: string, info: EngineInfo, platform: string): EgressEngineFacts {
  return { platform, local: parseEndpoint(endpoint).kind === 'socket', inVm: /docker desktop/i.test(info.os), product: info.product, rootless: info.rootless === true };
}

/** The engine with every egress guest attached to the guarded network, prepared (and checked) right before it is created. */
export function withEgressGuard(engine: ContainerEngine, guard: EgressGuard): ContainerEngine {
  const createContainer = async (config: GuestContainerConfig): Promise<string> =>
    engine.createContainer(config.network === 'egress' ? { ...config, egress: await guard.prepare() } : config);
  return new Proxy(engine, {
    get(target, property) {
      if (property === 'createContainer') return createContainer;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** An EngineConnector whose engines come guarded; the composition root wraps the real connector in it. */
export class EgressGuardedConnector implements EngineConnector {
  constructor(
    private readonly inner: EngineConnector,
    private readonly firewall: HostFirewall,
    private readonly platform: string,
  ) {}

  async connect(): Promise<EngineConnection> {
    const connection = await this.inner.connect();
    if (!connection.ok) return connection;
    return { ...connection, engine: withEgressGuard(connection.engine, this.guardFor(connection.engine, connection.info)) };
  }

  guardFor(engine: ContainerEngine, info: EngineInfo): EgressGuard {
    return new EgressGuard(engine, engineFacts(engine.endpoint, info, this.platform), this.firewall);
  }
}
