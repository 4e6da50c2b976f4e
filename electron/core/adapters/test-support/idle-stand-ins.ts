import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { chmodSync, closeSync, constants, openSync, writeFileSync, writeSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { SystemIdleMonitor } from '../../ports.js';

/**
 * Stand-ins for the owner's input as each idle source sees it, shared by the adapter tests and
 * bench/owner-back.bench.ts: the real adapters run unchanged against them.
 */

function script(dir: string, name: string, body: string): void {
  writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(dir, name), 0o755);
}

/** An environment whose PATH finds the stand-ins in `dir` first, with an X display set. */
function envWith(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH ?? ''}`, DISPLAY: ':99' };
}

/** `xprintidle` on PATH that prints the ms since the last input time kept in a file, as the real one does. */
export function standInXprintidle(dir: string) {
  const file = join(dir, 'last-input-ms');
  const touch = (at = Date.now()) => writeFileSync(file, String(at));
  touch();
  script(dir, 'xprintidle', `read last < '${file}'; now=$(date +%s%3N); echo $((now - last))`);
  return { env: envWith(dir), touch, away: (seconds: number) => touch(Date.now() - seconds * 1000) };
}

/** `loginctl` on PATH answering list-sessions and show-session from a state file. */
export function standInLoginctl(dir: string) {
  const file = join(dir, 'session');
  const write = (idleSinceMs: number | null, locked = false) =>
    writeFileSync(file, `IdleHint=${idleSinceMs === null ? 'no' : 'yes'}\nIdleSinceHint=${idleSinceMs === null ? 0 : idleSinceMs * 1000}\nLockedHint=${locked ? 'yes' : 'no'}\nActive=yes\n`);
  write(null);
  script(dir, 'loginctl', `case "$1" in list-sessions) echo "c1 1000 gamer seat0 tty2";; show-session) cat '${file}';; *) exit 1;; esac`);
  const env = envWith(dir);
  delete env.XDG_SESSION_ID;
  return { env, back: () => write(null), away: (seconds: number) => write(Date.now() - seconds * 1000), lock: () => write(Date.now(), true) };
}

const EV_SYN = 0;
const EV_KEY = 1;
const KEY_A = 30;

/** One struct input_event (64-bit Linux: timeval 16 bytes, type u16, code u16, value s32). */
export function inputEvent(type: number, code: number, value: number, atMs = Date.now()): Buffer {
  const event = Buffer.alloc(24);
  event.writeBigInt64LE(BigInt(Math.floor(atMs / 1000)), 0);
  event.writeBigInt64LE(BigInt((atMs % 1000) * 1000), 8);
  event.writeUInt16LE(type, 16);
  event.writeUInt16LE(code, 18);
  event.writeInt32LE(value, 20);
  return event;
}

/** A FIFO named like /dev/input/event0 in `dir`; press() writes a key press and its SYN_REPORT, as the kernel does. */
export function standInEvdevDevice(dir: string) {
  const path = join(dir, 'event0');
  execFileSync('mkfifo', [path]);
  // Read-write and non-blocking: a reader can open it at once, and our writes never wait.
  const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  return {
    dir,
    press: () => writeSync(fd, Buffer.concat([inputEvent(EV_KEY, KEY_A, 1), inputEvent(EV_SYN, 0, 0)])),
    close: () => closeSync(fd),
  };
}

/** Electron's powerMonitor as the idle source sees it: whole idle seconds, and events on the owner's return. */
export class StandInIdleMonitor extends EventEmitter implements SystemIdleMonitor {
  private lastInput = Date.now();
  getSystemIdleTime(): number {
    return Math.floor((Date.now() - this.lastInput) / 1000);
  }
  getSystemIdleState(): string {
    return 'active';
  }
  isOnBatteryPower(): boolean {
    return false;
  }
  away(seconds: number): void {
    this.lastInput = Date.now() - seconds * 1000;
  }
  /** Input now; `push` also fires 'user-did-become-active' (macOS does, Windows has no such event). */
  input(push: boolean): void {
    this.lastInput = Date.now();
    if (push) this.emit('user-did-become-active');
  }
}
