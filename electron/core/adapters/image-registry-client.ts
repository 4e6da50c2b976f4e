import type { ImageManifestSummary } from '../jobs/ports.js';

/**
 * Reads an image's manifest straight from its registry (the Distribution API, anonymous bearer tokens), for layer
 * sizes: byte progress while pulling when the engine reports no byte counts. Best effort: null means layer-count progress.
 */

interface ParsedRef {
  registry: string;
  repository: string;
  reference: string;
}

export function parseImageRef(ref: string): ParsedRef | null {
  const at = ref.indexOf('@');
  const name = at >= 0 ? ref.slice(0, at) : ref;
  const reference = at >= 0 ? ref.slice(at + 1) : 'latest';
  const parts = name.split('/');
  const first = parts[0] ?? '';
  let registry = 'registry-1.docker.io';
  let repoParts = parts;
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first === 'docker.io' ? 'registry-1.docker.io' : first;
    repoParts = parts.slice(1);
  }
  if (registry === 'registry-1.docker.io' && repoParts.length === 1) repoParts = ['library', ...repoParts];
  if (!repoParts.length || !reference) return null;
  return { registry, repository: repoParts.join('/'), reference };
}

const MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

function isLoopbackRegistry(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '');
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

async function fetchWithBearer(url: string, accept: string): Promise<Response> {
  const first = await fetch(url, { headers: { accept }, signal: AbortSignal.timeout(8000) });
  if (first.status !== 401) return first;
  const challenge = first.headers.get('www-authenticate') ?? '';
  const fields = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  if (!/^Bearer/i.test(challenge) || !fields.realm) return first;
  const tokenUrl = new URL(fields.realm);
  if (fields.service) tokenUrl.searchParams.set('service', fields.service);
  if (fields.scope) tokenUrl.searchParams.set('scope', fields.scope);
  const tokenResponse = await fetch(tokenUrl, { signal: AbortSignal.timeout(8000) });
  if (!tokenResponse.ok) return first;
  const body = (await tokenResponse.json()) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (!token) return first;
  return fetch(url, { headers: { accept, authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(8000) });
}

export async function fetchManifestFromRegistry(ref: string): Promise<ImageManifestSummary | null> {
  const parsed = parseImageRef(ref);
  if (!parsed) return null;
  const schemes = isLoopbackRegistry(parsed.registry) ? ['https', 'http'] : ['https'];
  for (const scheme of schemes) {
    try {
      const base = `${scheme}://${parsed.registry}/v2/${parsed.repository}/manifests/`;
      let response = await fetchWithBearer(base + parsed.reference, MANIFEST_ACCEPT);
      if (!response.ok) continue;
      let doc = (await response.json()) as {
        layers?: Array<{ digest: string; size: number }>;
        manifests?: Array<{ digest: string; platform?: { os?: string; architecture?: string } }>;
      };
      if (doc.manifests && !doc.layers) {
        const arch = process.arch === 'x64' ? 'amd64' : process.arch;
        const pick = doc.manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === arch);
        if (!pick) return null;
        response = await fetchWithBearer(base + pick.digest, MANIFEST_ACCEPT);
        if (!response.ok) return null;
        doc = (await response.json()) as typeof doc;
      }
      if (!doc.layers) return null;
      return { layers: doc.layers.map((l) => ({ digest: l.digest, sizeBytes: l.size })) };
    } catch {
      // try the next scheme; no manifest just means layer-count progress
    }
  }
  return null;
}
