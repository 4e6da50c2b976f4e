import type { CurrentJob, JobOutcomeKind, JobPhase, JobRecord, PullProgress } from '../../../../protocol/job-spec.js';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${sec} s`;
  return `${sec} s`;
}

/** "name@sha256:1234abcd…": enough to recognise an image without a 100-character line. */
export function shortImage(image: string): string {
  const at = image.indexOf('@sha256:');
  if (at < 0) return image;
  return `${image.slice(0, at)}@${image.slice(at + 8, at + 20)}…`;
}

const PHASES: Record<JobPhase, string> = {
  queued: 'Getting ready',
  pulling: 'Downloading the image',
  creating: 'Creating the container',
  starting: 'Starting',
  running: 'Running',
  frozen: 'Paused while you use the PC',
  stopping: 'Stopping',
  removing: 'Cleaning up',
};
export const phaseLabel = (phase: JobPhase) => PHASES[phase];

const OUTCOMES: Record<JobOutcomeKind, string> = {
  succeeded: 'Finished',
  failed: 'Failed',
  stopped: 'Stopped',
  'timed-out': 'Ran out of time',
  interrupted: 'Interrupted',
  error: 'Could not run',
};
export const outcomeLabel = (outcome: JobOutcomeKind) => OUTCOMES[outcome];
export const outcomeTone = (outcome: JobOutcomeKind): 'ok' | 'warn' | 'bad' => (outcome === 'succeeded' ? 'ok' : outcome === 'stopped' || outcome === 'interrupted' || outcome === 'timed-out' ? 'warn' : 'bad');

/** The pull line and the bar's fill (0–1, null when the total is unknown). */
export function pullSummary(pull: PullProgress): { text: string; fraction: number | null } {
  if (pull.cached) return { text: 'The image is already on this PC.', fraction: 1 };
  if (pull.bytesTotal === null) {
    return { text: `Downloaded ${formatBytes(pull.bytesDone)} (${pull.layersDone} of ${pull.layersTotal} layers)`, fraction: pull.layersTotal ? pull.layersDone / pull.layersTotal : null };
  }
  const fraction = pull.bytesTotal === 0 ? 1 : Math.min(1, pull.bytesDone / pull.bytesTotal);
  return {
    text: `Downloaded ${formatBytes(pull.bytesDone)} of ${formatBytes(pull.bytesTotal)} (${pull.layersDone} of ${pull.layersTotal} layer${pull.layersTotal === 1 ? '' : 's'})`,
    fraction,
  };
}

export function timeSummary(job: Pick<CurrentJob, 'elapsedSeconds' | 'maxDurationSeconds'>): string {
  return `${formatDuration(job.elapsedSeconds)} of at most ${formatDuration(job.maxDurationSeconds)}`;
}

/** Earnings are shown once the network ledger credits them; until then a dash, with the estimate as a hint. */
export function earningsCell(record: Pick<JobRecord, 'creditedEarnings' | 'estimatedEarnings'>): { text: string; hint: string } {
  if (record.creditedEarnings !== null) return { text: `${record.creditedEarnings} base units`, hint: 'Credited by the network ledger.' };
  return { text: '—', hint: `Not credited yet. Price × time worked = ${record.estimatedEarnings} base units.` };
}

/** Who sent the job on this PC: paid work from the network, the owner's own test, or one carried over a restart. */
export function sourceLabel(source: CurrentJob['source']): string {
  if (source === 'network') return 'The network — paid work';
  if (source === 'adopted') return 'The network — carried over from before Offhours restarted';
  return 'You — a test job, not paid';
}
