import { describe, expect, it } from 'vitest';
import { validateJobSpec } from '../protocol/job-spec.js';
import { SubmitJobRequestSchema } from '../protocol/network.js';
import { DEFAULT_DEMO_IMAGE } from './config.js';
import { demoJobDue, demoJobRequest, demoScript } from './demo-feed.js';

describe('demo jobs', () => {
  it('are valid, CPU-only, small, priced above zero and within budget', () => {
    const request = SubmitJobRequestSchema.parse(demoJobRequest('demo-1', DEFAULT_DEMO_IMAGE));
    expect(validateJobSpec(request.spec).ok).toBe(true);
    expect(request.spec.resources).toMatchObject({ gpus: 0, memoryMiB: 256 });
    expect(BigInt(request.spec.price.perSecond)).toBeGreaterThan(0n);
    expect(BigInt(request.budget)).toBe(BigInt(request.spec.price.perSecond) * BigInt(request.spec.maxDurationSeconds));
    expect(request.spec.maxDurationSeconds).toBeGreaterThan(40);
  });

  it('print numbered progress lines', () => {
    expect(demoScript(3)).toContain('step $i of 3');
  });

  it('are due only with an available provider and no demo job waiting for a taker', () => {
    expect(demoJobDue(0, null)).toBe(false);
    expect(demoJobDue(1, null)).toBe(true);
    expect(demoJobDue(1, 'queued')).toBe(false);
    expect(demoJobDue(1, 'offered')).toBe(false);
    expect(demoJobDue(1, 'running')).toBe(true);
    expect(demoJobDue(1, 'finished')).toBe(true);
  });
});
