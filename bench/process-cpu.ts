import { readdirSync, readFileSync } from 'node:fs';

/** Linux USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
export const CLK_TCK = 100;

function statFields(pid: number | 'self'): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name: state is field 3, ppid 4, utime 14, stime 15, cutime 16, cstime 17.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime + cutime + cstime: a process and every child it has already waited for. */
function ticksWithReaped(fields: string[]): number {
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
}

/**
 * CPU ticks of a process, of its children already reaped, and of the children still running that `countChild` picks
 * (long-lived tools such as a streaming nvidia-smi, whose CPU is not in cutime until they exit). The difference of
 * two readings is the whole cost of the process's work over that window.
 */
export function processTreeCpuTicks(pid: number = process.pid, countChild: (childPid: number) => boolean = () => true): number {
  let ticks = ticksWithReaped(statFields(pid));
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const fields = statFields(Number(name));
      if (Number(fields[1]) === pid && countChild(Number(name))) ticks += ticksWithReaped(fields);
    } catch {
      // Gone between the listing and the read: its ticks are in our cutime now.
    }
  }
  return ticks;
}
