/**
 * `offhours verify REPORT [--challenge FILE] [--json]`: checks a signed benchmark report the way the
 * coordinator does (protocol/bench/verify.ts). The first line is the verdict: "Score valid" only for a report
 * checked against the challenge it answers (--challenge) on a GPU the spec table knows; "Computed correctly —
 * not a score: <why>" otherwise (without --challenge: "challenge not checked"); "NOT correctly computed".
 * Exit 0 when computed correctly and current (inside the challenge window, nonce not seen before), 1 otherwise
 * (the reasons are printed); with --require-score 1 unless the score is valid. 2 for usage errors.
 *
 * Replay detection: the nonce of every current report is recorded in <data dir>/bench/seen-nonces.json, so
 * verifying the same report (or another report for the same challenge) a second time fails with
 * "replayed-nonce". Entries are dropped once their challenge has expired (an expired challenge fails anyway).
 * --no-record checks without recording.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { ChallengeSchema, type Challenge } from '../../../protocol/bench/challenge.js';
import { UserFacingError, summarizeZodError } from '../../../protocol/errors.js';
import { DEFAULT_CLOCK_SKEW_MS, isCurrent, verifyReportText, type VerifyReason, type VerifyResult } from '../../../protocol/bench/verify.js';
import { UsageError, dataDirOption, jsonOption, parseCli, printJson, resolveDataDir, type CliCommand } from '../cli-kit.js';

const SeenFileSchema = z.object({
  version: z.literal(1),
  nonces: z.array(z.object({ nonce: z.string(), expiresAt: z.string(), recordedAt: z.string() })),
});
type SeenFile = z.infer<typeof SeenFileSchema>;

/** The verifier's memory of answered challenges: one small JSON file, rewritten atomically. */
export class SeenNonceFile {
  constructor(private readonly path: string) {}

  static inDataDir(dataDir: string): SeenNonceFile {
    return new SeenNonceFile(join(dataDir, 'bench', 'seen-nonces.json'));
  }

  private read(): SeenFile {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, nonces: [] };
      throw error;
    }
    let raw: unknown = null;
    try {
      raw = JSON.parse(text);
    } catch {
      /* reported below */
    }
    const parsed = SeenFileSchema.safeParse(raw);
    if (!parsed.success) {
      throw new UserFacingError(
        'seen-nonces-damaged',
        `The list of already-verified challenges (${this.path}) is damaged, so replays cannot be detected.`,
        'Move that file aside and verify again; a new list is started (reports verified before can then be accepted once more).',
      );
    }
    return parsed.data;
  }

  has(nonce: string): boolean {
    return this.read().nonces.some((entry) => entry.nonce === nonce);
  }

  record(challenge: Challenge, now: Date): void {
    const file = this.read();
    const cutoff = now.getTime() - DEFAULT_CLOCK_SKEW_MS;
    const nonces = file.nonces.filter((entry) => Date.parse(entry.expiresAt) >= cutoff && entry.nonce !== challenge.nonce);
    nonces.push({ nonce: challenge.nonce, expiresAt: challenge.expiresAt, recordedAt: now.toISOString() });
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ version: 1, nonces } satisfies SeenFile, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.path);
  }
}

const SCOPE_HEADINGS: Record<VerifyReason['scope'], string> = {
  computation: 'Why the result cannot be trusted',
  freshness: 'Why it is not current',
  scoring: 'Why it is not a score',
  flag: 'Notes',
};

/** The verdict in one line; "valid" appears only for a score checked against its challenge on a known GPU. */
export function verdictLine(result: VerifyResult): string {
  switch (result.kind) {
    case 'score-valid':
      return `✔ Score valid: computed correctly, answers challenge ${result.challenge.nonce}, on a known GPU (${result.spec.name}).`;
    case 'computed-correctly-unscored': {
      const why = result.reasons.filter((r) => r.scope === 'freshness' || r.scope === 'scoring').map((r) => r.code.replaceAll('-', ' '));
      return `✔ Computed correctly — not a score: ${[...new Set(why)].join('; ')}.`;
    }
    case 'invalid':
      return '✘ NOT correctly computed: the result cannot be trusted.';
  }
}

export function formatVerification(result: VerifyResult, recorded: boolean): string {
  const lines: string[] = [verdictLine(result)];
  if (result.kind !== 'invalid') lines.push('  Signature, Merkle proofs, Freivalds and row checks pass.');
  if (recorded) lines.push('  Nonce recorded: a second use of this challenge will be refused.');
  if (result.spec) lines.push(`  Device matched: ${result.spec.name} (${result.spec.id}).${result.match?.note ? ` ${result.match.note}` : ''}`);
  for (const scope of ['computation', 'freshness', 'scoring', 'flag'] as const) {
    const reasons = result.reasons.filter((r) => r.scope === scope);
    if (!reasons.length) continue;
    lines.push(`${SCOPE_HEADINGS[scope]}:`);
    for (const reason of reasons) lines.push(`  - [${reason.code}] ${reason.message}`);
  }
  return `${lines.join('\n')}\n`;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Could not read the ${what} ${path}: ${(error as Error).message}`);
  }
}

export interface VerifyCommandDeps {
  now: () => Date;
}

export function createVerifyCommand(deps: VerifyCommandDeps = { now: () => new Date() }): CliCommand {
  return {
    name: 'verify',
    usage: 'offhours verify REPORT [--challenge FILE] [--json] [--require-score] [--no-record] [--data-dir DIR]',
    async run(argv) {
      const { values, positionals } = parseCli(
        argv,
        { ...jsonOption, ...dataDirOption, challenge: { type: 'string' }, 'require-score': { type: 'boolean', default: false }, 'no-record': { type: 'boolean', default: false } },
        true,
      );
      if (positionals.length !== 1) throw new UsageError('Give exactly one report file.');
      const reportText = readText(positionals[0]!, 'report');
      let challenge: Challenge | undefined;
      if (values.challenge) {
        let raw: unknown;
        try {
          raw = JSON.parse(readText(values.challenge, 'challenge file'));
        } catch (error) {
          if (error instanceof UsageError) throw error;
          throw new UsageError(`The challenge file ${values.challenge} is not JSON: ${(error as Error).message}`);
        }
        const parsed = ChallengeSchema.safeParse(raw);
        if (!parsed.success) throw new UsageError(`The challenge file ${values.challenge} is not a valid challenge: ${summarizeZodError(parsed.error)}`);
        challenge = parsed.data;
      }
      const seen = SeenNonceFile.inDataDir(resolveDataDir(values['data-dir']));
      const now = deps.now();
      let result: VerifyResult;
      let recorded = false;
      try {
        result = verifyReportText(reportText, { challenge, seenNonces: seen, now });
        if (isCurrent(result) && !values['no-record']) {
          const answered = challenge ?? ChallengeSchema.parse((JSON.parse(reportText) as { challenge: unknown }).challenge);
          seen.record(answered, now);
          recorded = true;
        }
      } catch (error) {
        if (!(error instanceof UserFacingError)) throw error;
        process.stderr.write(`Verification failed: ${error.message}\n${error.nextStep ? `Next: ${error.nextStep}\n` : ''}`);
        return 1;
      }
      if (values.json) {
        printJson({
          verdict: result.kind,
          correctlyComputed: result.kind !== 'invalid',
          scoreEligible: result.kind === 'score-valid',
          detectedModel: result.spec?.id ?? null,
          deviceNote: result.match?.note ?? null,
          kernels: result.kernels,
          reasons: result.reasons,
          nonceRecorded: recorded,
        });
      } else process.stdout.write(formatVerification(result, recorded));
      if (!isCurrent(result)) return 1;
      return values['require-score'] && result.kind !== 'score-valid' ? 1 : 0;
    },
  };
}

export const verifyCommand = createVerifyCommand();
