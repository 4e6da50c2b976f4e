import { describe, expect, it } from 'vitest';
import { defaultSettings, type Settings } from '../../../protocol/settings.js';
import type { Notice } from '../../../protocol/state.js';
import type { LoginItem } from '../ports.js';
import { LOGIN_ITEM_NOTICE_ID, syncLoginItem } from './login-item.js';

function world(item: LoginItem | null, launchAtLogin = false) {
  let settings: Settings = { ...defaultSettings(), general: { ...defaultSettings().general, launchAtLogin } };
  const listeners = new Set<() => void>();
  const notices: Notice[] = [];
  const stop = syncLoginItem({
    settings: { get: () => settings, onChange: (listener) => (listeners.add(listener), () => listeners.delete(listener)) },
    item,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    notify: (notice) => notices.push(notice),
  });
  const set = (value: boolean) => {
    settings = { ...settings, general: { ...settings.general, launchAtLogin: value } };
    listeners.forEach((listener) => listener());
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { set, notices, stop, settle };
}

function recordingItem(fail: ((enabled: boolean) => string | null) = () => null) {
  const calls: boolean[] = [];
  const item: LoginItem = {
    async setEnabled(enabled) {
      calls.push(enabled);
      const why = fail(enabled);
      if (why) throw new Error(why);
    },
  };
  return { item, calls };
}

describe('starting with the PC follows the setting', () => {
  it('applies the setting at start and each time it changes, once per change, in order', async () => {
    const { item, calls } = recordingItem();
    const w = world(item);
    w.set(true);
    w.set(true);
    w.set(false);
    await w.settle();
    expect(calls).toEqual([false, true, false]);
    w.stop();
    w.set(true);
    await w.settle();
    expect(calls).toEqual([false, true, false]);
  });

  it('an OS that refuses is a notice with the next step, not a crash', async () => {
    const { item } = recordingItem((enabled) => (enabled ? 'startup entries are disabled by policy' : null));
    const w = world(item);
    w.set(true);
    await w.settle();
    expect(w.notices).toEqual([expect.objectContaining({ id: LOGIN_ITEM_NOTICE_ID, level: 'warning', message: 'startup entries are disabled by policy', nextStep: expect.stringContaining('Settings') })]);
  });

  it('where it cannot be done, asking for it is said; leaving it off says nothing', async () => {
    const off = world(null, false);
    await off.settle();
    expect(off.notices).toEqual([]);
    const on = world(null, true);
    await on.settle();
    expect(on.notices).toEqual([expect.objectContaining({ id: LOGIN_ITEM_NOTICE_ID, title: 'Offhours cannot start with your PC here' })]);
  });
});
