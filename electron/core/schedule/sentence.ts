import { HOT_RESUME_HYSTERESIS_C, PRESENCE_UNKNOWN, type Decision, type ScheduleRules } from './machine.js';
import { formatLocal, nextGridChange, type LocalCalendar } from './calendar.js';

export interface Sentence {
  now: string;
  next: string | null;
}

function minutesWords(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/**
 * The plain words the Schedule page, the dashboard and `offhours status` show for a decision.
 * Pure: local times come from the injected calendar.
 */
export function describeAvailability(decision: Decision, rules: ScheduleRules, calendar: LocalCalendar, now: number): Sentence {
  const at = (ms: number) => formatLocal(calendar, ms, now);
  const windowStart = () => {
    const start = nextGridChange(rules.weeklyGrid, calendar, now, true);
    if (start === null) return 'No hours are chosen — paint some hours on the Schedule page';
    return start <= now ? 'Available as soon as the other conditions allow' : `Available from ${at(start)} — you chose those hours`;
  };
  const job = decision.jobId ? `job ${decision.jobId.slice(0, 12)}` : 'the job';
  switch (decision.state) {
    case 'off':
      return {
        now: 'Off: you paused earning',
        next: decision.until === null ? 'Stays paused until you press Resume' : `Resumes at ${at(decision.until)}`,
      };
    case 'available':
    case 'working': {
      const head = decision.state === 'working' ? `Working on ${job}` : 'Available: ready for work';
      const why = decision.reason === 'dedicated-rig' ? 'this is a dedicated rig' : rules.allowWhileActive ? 'you allowed work while you use the PC' : 'you are away';
      const end = decision.until;
      return { now: `${head} — ${why}`, next: end === null ? 'Your chosen hours never end' : `Until ${at(end)} — your chosen hours end then` };
    }
    case 'cooling':
      return {
        now: `Cooling down: the GPU is at ${decision.detail ?? 'its limit'} (your limit is ${rules.maxGpuTempC} °C)`,
        next: `Resumes below ${rules.maxGpuTempC - HOT_RESUME_HYSTERESIS_C} °C`,
      };
    case 'yielding':
    case 'waiting': {
      const yielding = decision.state === 'yielding';
      const prefix = yielding ? `Paused ${job}` : 'Waiting';
      switch (decision.reason) {
        case 'paused':
          return { now: `${prefix}: you paused earning`, next: decision.until === null ? 'Stays paused until you press Resume' : `Resumes at ${at(decision.until)}` };
        case 'owner-active':
          if (decision.detail === PRESENCE_UNKNOWN) {
            return {
              now: `${prefix}: Offhours cannot tell whether you are at this PC`,
              next: 'Tick "This is a dedicated rig" if nobody uses it, or allow work while you use the PC',
            };
          }
          return {
            now: `${prefix}: you are using the PC`,
            next:
              decision.until === null
                ? windowStart()
                : `Starts after ${rules.idleMinutes} min without input (at ${at(decision.until)} if you stay away, in ${minutesWords(decision.until - now)})`,
          };
        case 'game-running':
          return { now: `${prefix}: you are gaming (${decision.detail ?? 'a game is running'})`, next: 'Starts again once the game has been closed for a little while' };
        case 'foreign-gpu':
          return { now: `${prefix}: another program is using the GPU (${decision.detail ?? 'unknown'})`, next: 'Starts again once it lets go of the GPU' };
        case 'on-battery':
          return { now: `${prefix}: the PC runs on battery`, next: 'Starts again once it has been plugged in for a moment' };
        case 'outside-hours':
          return { now: `${prefix}: outside the hours you chose`, next: windowStart() };
        case 'engine-down':
          return { now: 'Waiting: the container engine is not running', next: 'Start Podman or Docker, then Offhours picks it up by itself' };
        case 'network-down':
          return { now: 'Waiting: the Offhours network is not reachable', next: 'Check your internet connection; Offhours retries by itself' };
        default:
          return { now: `${prefix}`, next: null };
      }
    }
  }
}
