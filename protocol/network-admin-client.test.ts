import { describe, expect, it } from 'vitest';
import { AdminClient, AdminClientError, adminPath, type HttpTransport, type HttpTransportRequest } from './network-admin-client.js';

/** Answers every request with one fixed reply and remembers what was asked. */
function recording(status: number, body: string): { transport: HttpTransport; requests: HttpTransportRequest[] } {
  const requests: HttpTransportRequest[] = [];
  return { requests, transport: { request: async (request) => (requests.push(request), { status, body }) } };
}

describe('AdminClient', () => {
  it('percent-encodes path parameters so an id cannot change the path', () => {
    expect(adminPath('/v1/admin/jobs/:jobId/cancel', { jobId: '../x?y' })).toBe('/v1/admin/jobs/..%2Fx%3Fy/cancel');
    expect(() => adminPath('/v1/admin/jobs/:jobId/cancel', {})).toThrow(AdminClientError);
  });

  it('refuses an invalid request before sending anything', async () => {
    const { transport, requests } = recording(200, '{}');
    await expect(new AdminClient('http://x', 't', transport).cancelJob('j', 'r'.repeat(501))).rejects.toMatchObject({ code: 'bad-request' });
    expect(requests).toEqual([]);
  });

  it('sends the bearer token and JSON, and names the coordinator’s error', async () => {
    const { transport, requests } = recording(404, JSON.stringify({ error: { code: 'unknown-job', message: 'No job j.' } }));
    await expect(new AdminClient('http://x/', 'tok', transport).cancelJob('j', 'why')).rejects.toMatchObject({ status: 404, code: 'unknown-job', message: 'No job j.' });
    expect(requests).toEqual([{ method: 'POST', url: 'http://x/v1/admin/jobs/j/cancel', headers: { authorization: 'Bearer tok', 'content-type': 'application/json' }, body: '{"reason":"why"}' }]);
  });

  it('refuses an answer that does not match the contract, and reports an unreachable coordinator', async () => {
    await expect(new AdminClient('http://x', 't', recording(200, '{"nope":1}').transport).status()).rejects.toMatchObject({ code: 'bad-response' });
    const down: HttpTransport = { request: () => Promise.reject(new Error('ECONNREFUSED')) };
    await expect(new AdminClient('http://x', 't', down).listJobs()).rejects.toMatchObject({ status: null, code: 'unreachable' });
  });

  it('asks for a statement page with its query string, refusing a bad one before sending', async () => {
    const page = { providerId: 'prv_1', payoutAddress: '', receipts: [], nextCursor: null };
    const { transport, requests } = recording(200, JSON.stringify(page));
    const client = new AdminClient('http://x', 't', transport);
    expect(await client.statement('prv_1', { after: 'rc_9', limit: 50 })).toEqual(page);
    expect(await client.statement('prv/1')).toEqual(page);
    expect(requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['GET', 'http://x/v1/admin/providers/prv_1/statement?after=rc_9&limit=50', undefined],
      ['GET', 'http://x/v1/admin/providers/prv%2F1/statement', undefined],
    ]);
    await expect(client.statement('prv_1', { limit: 0 })).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/limit/) });
    await expect(client.call('audit', {}, undefined, { limit: 1 })).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/takes no query string/) });
    expect(requests).toHaveLength(2);
  });

  it('follows nextCursor through every page of a statement', async () => {
    const receipt = (id: string) => ({ receiptId: id, jobId: 'j', attempt: 1, startedAt: null, endedAt: '2030-01-01T00:00:00.000Z', seconds: 1, ratePerSecond: '1', amount: '1', payoutBatchId: null, payoutState: null, payoutSignature: null });
    const pages: Record<string, unknown> = {
      first: { providerId: 'p', payoutAddress: '', receipts: [receipt('r1'), receipt('r2')], nextCursor: 'r2' },
      r2: { providerId: 'p', payoutAddress: '', receipts: [receipt('r3')], nextCursor: null },
    };
    const urls: string[] = [];
    const transport: HttpTransport = {
      request: async ({ url }) => (urls.push(url), { status: 200, body: JSON.stringify(pages[new URL(url).searchParams.get('after') ?? 'first']) }),
    };
    const whole = await new AdminClient('http://x', 't', transport).wholeStatement('p', 2);
    expect(whole.receipts.map((r) => r.receiptId)).toEqual(['r1', 'r2', 'r3']);
    expect(whole.nextCursor).toBeNull();
    expect(urls).toEqual(['http://x/v1/admin/providers/p/statement?limit=2', 'http://x/v1/admin/providers/p/statement?limit=2&after=r2']);
    const stuck: HttpTransport = { request: async () => ({ status: 200, body: JSON.stringify(pages.first) }) };
    await expect(new AdminClient('http://x', 't', stuck).wholeStatement('p')).rejects.toMatchObject({ code: 'bad-response' });
  });
});
