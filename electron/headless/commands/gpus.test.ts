import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInventory } from '../../core/gpu/inventory.js';
import { parseNvidiaSmi } from '../../core/gpu/nvidia-smi-parse.js';
import { NVIDIA_QUERY_FIELDS } from '../../core/gpu/ports.js';
import { toGraphicsController } from '../../core/adapters/si-graphics.js';
import { formatInventory } from './gpus.js';

const fixture = (name: string, file: string) => readFileSync(join(import.meta.dirname, '../../core/gpu/fixtures', name, file), 'utf8');

describe('offhours gpus', () => {
  it('lists every card with its facts and verdict', () => {
    const smi = parseNvidiaSmi({ kind: 'exited', exitCode: 0, fields: NVIDIA_QUERY_FIELDS, stdout: fixture('optimus-laptop-linux', 'query.csv'), stderr: '', header: fixture('optimus-laptop-linux', 'header.txt') });
    const controllers = (JSON.parse(fixture('optimus-laptop-linux', 'si.json')) as { controllers: object[] }).controllers.map(toGraphicsController);
    const text = formatInventory(buildInventory({ smi, controllers, now: new Date(0) }));
    expect(text).toContain('2 graphics cards found:');
    expect(text).toContain('1. NVIDIA GeForce RTX 3060 Laptop GPU\n     6.0 GB VRAM, driver 535.183.01, CUDA 12.2, compute 8.6, 46 °C, PCI 0000:01:00.0\n     ready for paid jobs');
    expect(text).toContain('2. CometLake-H GT2 [UHD Graphics]');
    expect(text).toContain('not used for paid jobs: Built-in graphics');
    expect(text).not.toContain('Why:');
  });

  it('prints the reason and the next step when nothing is usable', () => {
    const text = formatInventory(buildInventory({ smi: { kind: 'missing' }, controllers: [], now: new Date(0) }));
    expect(text).toMatch(/^No graphics card found\.\n {2}Why: .+\n {2}Next: .+\n$/);
  });
});
