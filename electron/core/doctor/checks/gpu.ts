import { describeDriverProblem } from '../../gpu/inventory.js';
import type { DoctorCheckProvider } from '../context.js';

/** nvidia-smi present, NVIDIA driver healthy, a graphics card usable for paid jobs. */
export const gpuChecks: DoctorCheckProvider = (context) => [
  {
    id: 'nvidia-smi',
    title: 'NVIDIA driver tool',
    async run() {
      const { smi, inventory } = await context.detectGpus();
      if (smi.kind !== 'missing') return { status: 'ok', summary: 'nvidia-smi is installed and runs.', fix: null };
      const nvidia = inventory.gpus.find((gpu) => gpu.vendor === 'nvidia');
      if (nvidia) {
        return {
          status: 'fail',
          summary: `nvidia-smi is missing, but this PC has ${nvidia.name}.`,
          fix: 'Install the latest NVIDIA driver from nvidia.com/drivers (on Linux, your distribution\'s nvidia-driver package), then restart.',
        };
      }
      return { status: 'warn', summary: 'nvidia-smi is not installed (no NVIDIA driver on this PC).', fix: 'Only needed with an NVIDIA card: install the NVIDIA driver if you have one.' };
    },
  },
  {
    id: 'gpu-driver',
    title: 'NVIDIA driver',
    async run() {
      const { smi, inventory } = await context.detectGpus();
      if (smi.kind === 'missing') return { status: 'warn', summary: 'No NVIDIA driver is installed.', fix: 'Only needed with an NVIDIA card: install the driver from nvidia.com/drivers.' };
      if (smi.kind === 'error') {
        const problem = describeDriverProblem(smi.problem);
        return { status: 'fail', summary: `${problem.reason} (nvidia-smi said: ${smi.detail || 'nothing'})`, fix: problem.nextStep };
      }
      const card = inventory.gpus.find((gpu) => gpu.vendor === 'nvidia');
      const cuda = smi.cudaVersion ? `, CUDA ${smi.cudaVersion}` : '';
      const skipped = smi.skippedLines.length ? ` It also printed ${smi.skippedLines.length} line(s) Offhours ignored: "${smi.skippedLines[0]}".` : '';
      return {
        status: skipped ? 'warn' : 'ok',
        summary: `Driver ${card?.driverVersion ?? 'version unknown'}${cuda}, ${smi.cards.length} card${smi.cards.length === 1 ? '' : 's'}.${skipped}`,
        fix: skipped ? 'Usually harmless; if a warning mentions the infoROM or the bus, have the card checked.' : null,
      };
    },
  },
  {
    id: 'gpu-found',
    title: 'Graphics card',
    async run() {
      const { inventory, controllersError } = await context.detectGpus();
      const note = controllersError ? ` (The system's list of display adapters could not be read: ${controllersError}.)` : '';
      if (inventory.status === 'ok') {
        const ready = inventory.gpus.filter((gpu) => gpu.supported);
        return { status: 'ok', summary: `${ready.length} ready for paid jobs: ${ready.map((gpu) => gpu.name).join(', ')}.${note}`, fix: null };
      }
      const status = inventory.status === 'unsupported' ? 'warn' : 'fail';
      return { status, summary: `${inventory.reason ?? 'No usable graphics card.'}${note}`, fix: inventory.nextStep };
    },
  },
];
