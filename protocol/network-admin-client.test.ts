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
});
