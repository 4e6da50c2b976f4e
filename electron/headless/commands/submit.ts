/**
 * `offhours submit SPEC.json --coordinator URL [--admin-token-file F] [--budget N] [--min-throughput N] [--json]`:
 * puts a job in a coordinator's queue through its admin API. SPEC.json is a job spec (the same format as
 * `offhours job run`) or a full submit request ({ spec, requirements, budget }); --budget and --min-throughput
 * override. Without --coordinator, the coordinator running from --data-dir (coordinator.json) is used.
 */
import { readFileSync } from 'node:fs';
import { validateJobSpec } from '../../../protocol/job-spec.js';
import { AdminClient } from '../../../protocol/network-admin-client.js';
import { BaseUnitsSchema, SubmitJobRequestSchema, type SubmitJobRequest } from '../../../protocol/network.js';
import { jsonOption, parseCli, printJson, UsageError, type CliCommand } from '../cli-kit.js';
import { fetchTransport, locateCoordinator, readToken, withCoordinatorErrors } from './coordinator.js';

export interface SubmitOverrides {
  budget?: string | undefined;
  minThroughput?: string | undefined;
}

function parseFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Could not read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`${path} is not JSON.`);
  }
}

/** A spec alone or a whole request, with the overrides applied; the budget defaults to price × longest run. */
export function buildSubmitRequest(raw: unknown, overrides: SubmitOverrides): SubmitJobRequest {
  const isRequest = typeof raw === 'object' && raw !== null && 'spec' in raw;
  const rawSpec = isRequest ? (raw as { spec: unknown }).spec : raw;
  const checked = validateJobSpec(rawSpec);
  if (!checked.ok) throw new UsageError(`The job spec is refused (${checked.reason}): ${checked.message}`);
  const spec = checked.spec;
  const given = isRequest ? (raw as Partial<SubmitJobRequest>) : {};
  const budget = overrides.budget ?? given.budget ?? (BigInt(spec.price.perSecond) * BigInt(spec.maxDurationSeconds)).toString();
  if (!BaseUnitsSchema.safeParse(budget).success) throw new UsageError(`--budget must be a whole number of base units, not "${budget}"`);
  let minThroughput = given.requirements?.minThroughputMilliGflops ?? 0;
  if (overrides.minThroughput !== undefined) {
    minThroughput = Number(overrides.minThroughput);
    if (!/^[0-9]+$/.test(overrides.minThroughput) || !Number.isSafeInteger(minThroughput)) throw new UsageError(`--min-throughput must be a whole number of milli-GFLOPS, not "${overrides.minThroughput}"`);
  }
  const request = SubmitJobRequestSchema.safeParse({ ...given, spec, requirements: { minThroughputMilliGflops: minThroughput }, budget });
  if (!request.success) throw new UsageError(`The submit request is not valid: ${request.error.issues[0]?.path.join('.')} ${request.error.issues[0]?.message}`);
  return request.data;
}

export const submitCommand: CliCommand = {
  name: 'submit',
  usage: 'offhours submit SPEC.json --coordinator URL [--admin-token-file F] [--budget N] [--min-throughput N] [--json] [--data-dir D]',
  async run(argv) {
    const { values, positionals } = parseCli(
      argv,
      { ...jsonOption, coordinator: { type: 'string' }, 'admin-token-file': { type: 'string' }, budget: { type: 'string' }, 'min-throughput': { type: 'string' }, 'data-dir': { type: 'string' } },
      true,
    );
    if (positionals.length !== 1) throw new UsageError('give exactly one SPEC.json');
    const request = buildSubmitRequest(parseFile(positionals[0]!), { budget: values.budget, minThroughput: values['min-throughput'] });
    return withCoordinatorErrors(async () => {
      const target = values.coordinator
        ? { url: values.coordinator, token: values['admin-token-file'] ? readToken(values['admin-token-file']) : locateCoordinator({ 'data-dir': values['data-dir'] }).token }
        : locateCoordinator({ 'data-dir': values['data-dir'], 'admin-token-file': values['admin-token-file'] });
      const job = await new AdminClient(target.url, target.token, fetchTransport()).submitJob(request);
      if (values.json) printJson(job);
      else process.stdout.write(`Submitted job ${job.jobId} (${job.state}) to ${target.url}.\n  Follow it with "offhours coordinator status".\n`);
      return 0;
    });
  },
};
