/**
 * PCI addresses come in several spellings: nvidia-smi prints an 8-digit domain ('00000000:01:00.0'),
 * lspci and systeminformation on Linux usually omit it ('01:00.0'), sysfs uses 4 digits ('0000:01:00.0').
 * All become 'dddd:bb:dd.f' in lower case so sources can be matched. Anything else is null.
 */
export function normalizeBusId(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const text = raw.trim().toLowerCase();
  const match = /^(?:([0-9a-f]{1,8}):)?([0-9a-f]{1,2}):([0-9a-f]{1,2})\.([0-7])$/.exec(text);
  if (!match) return null;
  const [, domain = '0', bus = '0', device = '0', fn = '0'] = match;
  const domainValue = parseInt(domain, 16);
  // nvidia-smi's 32-bit domain is the same number as sysfs's 16-bit one for every real machine.
  return `${domainValue.toString(16).padStart(4, '0')}:${bus.padStart(2, '0')}:${device.padStart(2, '0')}.${fn}`;
}
