#!/usr/bin/env node
// Stands in for nvidia-smi in tests and benchmarks (there is no NVIDIA GPU on CI). It answers the calls the
// scheduler makes, one-shot or in loop mode, in the real tool's formats:
//   --query-gpu=<fields> --format=csv,noheader,nounits [-l S | -lms MS]      one line per GPU per sample
//   --query-compute-apps=<fields> --format=csv,noheader,nounits [-l | -lms]  one line per compute app
//   pmon [-c N] [-d S] [-s um]                                               header, then one line per process
// In loop modes it prints a sample every period until killed, as the real one does.
// FAKE_NVIDIA_SMI_TEMPS   "45,61": one GPU per value (default "45")
// FAKE_NVIDIA_SMI_PROCS   "pid:type:sm:fbMiB:name;...", type C or G, all on GPU 0 (default none)
// FAKE_NVIDIA_SMI_LOG     a file that gets one line (the arguments) per start
// FAKE_NVIDIA_SMI_PERIOD_MS  overrides every period (tests that cannot wait 5 s)
// FAKE_NVIDIA_SMI_DIE_AFTER  exit with 1 after this many samples (a crashing driver)
import { appendFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (process.env.FAKE_NVIDIA_SMI_LOG) appendFileSync(process.env.FAKE_NVIDIA_SMI_LOG, `${args.join(' ')}\n`);

const temps = (process.env.FAKE_NVIDIA_SMI_TEMPS ?? '45').split(',').map(Number);
const procs = (process.env.FAKE_NVIDIA_SMI_PROCS ?? '')
  .split(';')
  .filter(Boolean)
  .map((p) => {
    const [pid, type, sm, fb, ...name] = p.split(':');
    return { pid, type, sm, fb, name: name.join(':') };
  });

function option(name) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function queryValue(field, gpu) {
  if (field === 'index') return String(gpu);
  if (field === 'temperature.gpu') return String(temps[gpu]);
  if (field === 'timestamp') return new Date().toISOString();
  return '[N/A]';
}

let sample;
let periodMs;
const query = args.find((a) => a.startsWith('--query-gpu='));
const apps = args.find((a) => a.startsWith('--query-compute-apps='));
if (args[0] === 'pmon') {
  const header = '# gpu         pid   type     sm    mem    enc    dec    jpg    ofa     fb   command\n# Idx           #    C/G      %      %      %      %      %      %     MB   name\n';
  process.stdout.write(header);
  sample = () => {
    const lines = procs.map((p) => `    0  ${p.pid.padStart(9)}     ${p.type}  ${p.sm.padStart(5)}      0      -      -      -      -  ${p.fb.padStart(5)}   ${p.name}`);
    for (let gpu = procs.length ? 1 : 0; gpu < temps.length; gpu++) lines.push(`    ${gpu}          -     -      -      -      -      -      -      -      -   -`);
    return `${lines.join('\n')}\n`;
  };
  periodMs = Number(option('-d') ?? 1) * 1000;
} else if (query) {
  const fields = query.slice('--query-gpu='.length).split(',');
  sample = () => temps.map((_, gpu) => `${fields.map((f) => queryValue(f, gpu)).join(', ')}\n`).join('');
} else if (apps) {
  sample = () => procs.filter((p) => p.type.includes('C')).map((p) => `${p.pid}, ${p.name}, ${p.fb}\n`).join('');
} else {
  process.stderr.write(`fake nvidia-smi: unsupported arguments ${args.join(' ')}\n`);
  process.exit(2);
}

if (option('-lms')) periodMs = Number(option('-lms'));
else if (option('-l')) periodMs = Number(option('-l')) * 1000;
const loop = args[0] === 'pmon' ? option('-c') === undefined : periodMs !== undefined;
if (process.env.FAKE_NVIDIA_SMI_PERIOD_MS) periodMs = Number(process.env.FAKE_NVIDIA_SMI_PERIOD_MS);

process.stdout.write(sample());
if (loop) {
  const dieAfter = Number(process.env.FAKE_NVIDIA_SMI_DIE_AFTER ?? Infinity);
  let printed = 1;
  setInterval(() => {
    if (printed >= dieAfter) process.exit(1);
    process.stdout.write(sample());
    printed++;
  }, periodMs);
}
