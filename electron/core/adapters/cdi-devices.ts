import { readdirSync, readFileSync } from 'node:fs';

/** Container Device Interface specs on this machine: which GPUs Podman can hand to a container by name. */

/** CDI device names from spec files (/etc/cdi, /var/run/cdi), e.g. "nvidia.com/gpu=0". */
export function cdiDevicesFromSpecs(texts: string[]): string[] {
  const names: string[] = [];
  for (const text of texts) {
    const kind = /^\s*"?kind"?\s*:\s*"?([\w.-]+\/[\w.-]+)"?/m.exec(text)?.[1];
    if (!kind) continue;
    for (const match of text.matchAll(/^\s*-?\s*"?name"?\s*:\s*"?([\w.-]+)"?\s*,?\s*$/gm)) names.push(`${kind}=${match[1]}`);
  }
  return [...new Set(names)];
}

export function localCdiDevices(): string[] {
  const texts: string[] = [];
  for (const dir of ['/etc/cdi', '/var/run/cdi']) {
    try {
      for (const file of readdirSync(dir)) if (/\.(ya?ml|json)$/.test(file)) texts.push(readFileSync(`${dir}/${file}`, 'utf8'));
    } catch {
      // no CDI folder
    }
  }
  return cdiDevicesFromSpecs(texts);
}
