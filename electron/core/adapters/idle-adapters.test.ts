import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EvdevIdleSource } from './idle-evdev.js';
import { onBatteryFrom, readLinuxOnBattery } from './idle-sysfs-power.js';
import { inputBetween, parseXprintidle, XprintidleIdleSource } from './idle-xprintidle.js';
import { logindIdleSeconds, LogindIdleSource, ownerReturned, parseLoginctlShow, parseSessionIds } from './logind-idle.js';
import { headlessIdleSource } from './idle-headless.js';
import { StandInIdleMonitor, standInEvdevDevice, standInLoginctl, standInXprintidle } from './test-support/idle-stand-ins.js';
import { MonitorIdleSource } from '../schedule/system-idle-monitor.js';
import { ProcProcessScanner } from './process-scan-proc.js';
import { isContainerCgroup } from './gpu-processes-nvidia-smi.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'offhours-idle-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('tool output parsers', () => {
  it('xprintidle', () => {
    expect(parseXprintidle('123456\n')).toBe(123456);
    expect(parseXprintidle("couldn't open display\n")).toBeNull();
    expect(parseXprintidle('')).toBeNull();
  });

  it('loginctl show-session and list-sessions', () => {
    const idle = parseLoginctlShow('IdleHint=yes\nIdleSinceHint=1764158400000000\nLockedHint=yes\nActive=yes\n');
    expect(idle).toEqual({ idleHint: true, idleSince: 1764158400000, locked: true, active: true });
    expect(logindIdleSeconds(idle!, 1764158400000 + 90_000)).toBe(90);
    const busy = parseLoginctlShow('IdleHint=no\nIdleSinceHint=0\nLockedHint=no\n');
    expect(logindIdleSeconds(busy!, Date.now())).toBe(0);
    expect(parseLoginctlShow('Failed to get session: No such file')).toBeNull();
    expect(parseSessionIds('  c1 1000 gamer seat0 tty2\n  42 0 root\n')).toEqual(['c1', '42']);
  });

  it('container cgroups', () => {
    expect(isContainerCgroup('0::/machine.slice/libpod-4f1e0c5a.scope/container\n')).toBe(true);
    expect(isContainerCgroup('0::/user.slice/user-1000.slice/session-2.scope\n')).toBe(false);
  });

  it('battery from power_supply entries, and from a real sysfs-shaped folder', () => {
    expect(onBatteryFrom([{ type: 'Mains', online: '0', status: null }, { type: 'Battery', online: null, status: 'Discharging' }])).toBe(true);
    expect(onBatteryFrom([{ type: 'Mains', online: '1', status: null }, { type: 'Battery', online: null, status: 'Charging' }])).toBe(false);
    expect(onBatteryFrom([])).toBe(false); // a desktop without a battery
    const dir = tempDir();
    mkdirSync(join(dir, 'AC'));
    writeFileSync(join(dir, 'AC', 'type'), 'Mains\n');
    writeFileSync(join(dir, 'AC', 'online'), '0\n');
    mkdirSync(join(dir, 'BAT0'));
    writeFileSync(join(dir, 'BAT0', 'type'), 'Battery\n');
    expect(readLinuxOnBattery(dir)).toBe(true);
    writeFileSync(join(dir, 'AC', 'online'), '1\n');
    expect(readLinuxOnBattery(dir)).toBe(false);
    expect(readLinuxOnBattery(join(dir, 'missing'))).toBe(false);
  });
});

describe('evdev idle source', () => {
  it('sees input written to an event device at once (a FIFO stands in for /dev/input/event0)', async () => {
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'event0')]);
    let now = 1_000_000;
    const clock = { now: () => now };
    // Opening a FIFO for reading blocks until a writer appears: open the writer alongside.
    const [source, writer] = await Promise.all([EvdevIdleSource.open(clock, dir), open(join(dir, 'event0'), 'w')]);
    try {
      if (!source) throw new Error('no source');
      now += 120_000;
      expect((await source.read()).idleSeconds).toBe(120);
      const activity = new Promise<void>((resolve) => source.onActivity(resolve));
      await writer.write(Buffer.alloc(24)); // one struct input_event
      await activity;
      expect((await source.read()).idleSeconds).toBe(0);
    } finally {
      await writer.close();
      source?.close();
    }
  });

  it('is null when there are no readable devices', async () => {
    expect(await EvdevIdleSource.open({ now: () => 0 }, tempDir())).toBeNull();
    expect(await EvdevIdleSource.open({ now: () => 0 }, '/nonexistent')).toBeNull();
  });
});

describe('polled sources tell the scheduler when the owner returns', () => {
  const clock = { now: () => Date.now() };
  const fast = { restMs: 60_000, watchMs: 20 };

  it('new input between two xprintidle readings, and none while the owner stays away', () => {
    expect(inputBetween({ idleMs: 5000, readAt: 10_000 }, { idleMs: 5200, readAt: 10_200 })).toBe(false);
    expect(inputBetween({ idleMs: 5000, readAt: 10_000 }, { idleMs: 5150, readAt: 10_200 })).toBe(false); // spawn jitter
    expect(inputBetween({ idleMs: 5000, readAt: 10_000 }, { idleMs: 40, readAt: 10_200 })).toBe(true);
  });

  it('logind: idle → not idle, or locked → unlocked, is a return; the reverse is not', () => {
    const away = { idleHint: true, idleSince: 1, locked: false, active: true };
    const here = { idleHint: false, idleSince: null, locked: false, active: true };
    expect(ownerReturned(away, here)).toBe(true);
    expect(ownerReturned({ ...here, locked: true }, here)).toBe(true);
    expect(ownerReturned(here, away)).toBe(false);
    expect(ownerReturned(null, here)).toBe(false);
  });

  it('xprintidle (a stand-in on PATH): a return is pushed, and polled fast only while watching', async () => {
    const tool = standInXprintidle(tempDir());
    tool.away(3600);
    const source = await XprintidleIdleSource.open(clock, tool.env, fast);
    if (!source) throw new Error('the stand-in xprintidle was not found');
    try {
      expect((await source.read()).idleSeconds).toBeGreaterThanOrEqual(3600);
      const returned = new Promise<void>((resolve) => source.onActivity(resolve));
      tool.touch();
      source.watchClosely(true);
      await returned; // the 60 s rest cadence would time the test out
      expect((await source.read()).idleSeconds).toBeLessThan(1);
    } finally {
      source.close();
    }
  });

  it('logind (a stand-in loginctl on PATH), through the headless choice: a return is pushed while watching', async () => {
    const tool = standInLoginctl(tempDir());
    tool.away(3600);
    const source = await LogindIdleSource.open(clock, { env: tool.env, cadence: fast });
    if (!source) throw new Error('the stand-in loginctl was not found');
    try {
      expect((await source.read()).idleSeconds).toBeGreaterThanOrEqual(3600);
      const returned = new Promise<void>((resolve) => source.onActivity(resolve));
      tool.back();
      source.watchClosely(true);
      await returned;
      expect((await source.read()).idleSeconds).toBe(0);
    } finally {
      source.close();
    }
  });

  it('the headless source hands its activity listeners to the logind source it finds, and lets go of them', async () => {
    const tool = standInLoginctl(tempDir());
    const source = headlessIdleSource(clock, 'logind', { env: tool.env });
    let seen = 0;
    const off = source.onActivity!(() => seen++);
    source.watchClosely!(true); // before the source is found: remembered
    tool.away(3600);
    expect((await source.read()).idleSeconds).toBeGreaterThanOrEqual(3600);
    const returned = new Promise<void>((resolve) => source.onActivity!(resolve));
    tool.back();
    await returned; // pushed up through the deferred and combined wrappers
    expect(seen).toBe(1);
    off();
    tool.away(3600);
    await new Promise<void>((resolve) => {
      const stop = source.onActivity!(() => (stop(), resolve()));
      setTimeout(() => tool.back(), 250);
    });
    expect(seen).toBe(1); // unsubscribed
    source.close?.();
  });
});

describe('push sources', () => {
  it('evdev sees a real input_event written to a stand-in device', async () => {
    const device = standInEvdevDevice(tempDir());
    let now = 1_000_000;
    const source = await EvdevIdleSource.open({ now: () => now }, device.dir);
    try {
      if (!source) throw new Error('no source');
      now += 60_000;
      const activity = new Promise<void>((resolve) => source.onActivity(resolve));
      device.press();
      await activity;
      expect((await source.read()).idleSeconds).toBe(0);
    } finally {
      source?.close();
      device.close();
    }
  });

  it('a system idle monitor (powerMonitor) pushes the return event and stops when unsubscribed', async () => {
    const monitor = new StandInIdleMonitor();
    const source = new MonitorIdleSource(monitor);
    monitor.away(600);
    expect((await source.read()).idleSeconds).toBe(600);
    let seen = 0;
    const off = source.onActivity(() => seen++);
    monitor.input(true);
    expect(seen).toBe(1);
    expect((await source.read()).idleSeconds).toBe(0);
    off();
    monitor.input(true);
    expect(seen).toBe(1);
    expect(monitor.eventNames()).toEqual([]);
  });
});

describe('/proc process scan', () => {
  it('lists this very process with its command line', async () => {
    const list = await new ProcProcessScanner().list();
    const me = list.find((p) => p.pid === process.pid);
    expect(me?.command).toContain('node');
    expect(list.length).toBeGreaterThan(3);
  });

  it('reads every process with one reused buffer: long argv cut, kernel threads skipped, rewritten argv0 named by comm', async () => {
    const proc = tempDir();
    const entry = (pid: number, cmdline: string, comm: string) => {
      mkdirSync(join(proc, String(pid)));
      writeFileSync(join(proc, String(pid), 'cmdline'), cmdline);
      writeFileSync(join(proc, String(pid), 'comm'), `${comm}\n`);
    };
    entry(10, `/games/Cyberpunk2077.exe\0${'--flag '.repeat(5000)}\0`, 'Cyberpunk2077.e');
    entry(11, '', 'kworker/0:1');
    entry(12, 'steam: runtime\0', 'steamwebhelper');
    entry(13, '/usr/bin/node\0server.js\0', 'node');
    mkdirSync(join(proc, 'self'));
    mkdirSync(join(proc, '14'));
    const list = await new ProcProcessScanner(proc).list();
    expect(list.map((p) => [p.pid, p.name])).toEqual([[10, 'Cyberpunk2077.exe'], [12, 'steamwebhelper'], [13, 'node']]);
    expect(list[0]!.command.length).toBeLessThanOrEqual(16 * 1024);
    expect(list[0]!.command.startsWith('/games/Cyberpunk2077.exe --flag')).toBe(true);
    expect(list[2]!.command).toBe('/usr/bin/node server.js');
  });
});
