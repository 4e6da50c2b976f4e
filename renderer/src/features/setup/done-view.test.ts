import { describe, expect, it } from 'vitest';
import { doneView } from './done-view.js';

describe('the done screen', () => {
  it('points the desktop app’s owner at the tray, with no terminal commands', () => {
    const view = doneView('desktop', 'away', true);
    expect(view.watchTitle).toBe('It lives in the tray');
    expect(view.watch.join(' ')).toContain('Closing this window keeps Offhours running in the tray');
    expect(view.commands).toEqual([]);
    expect(view.earns).toBe('Your PC now earns whenever you leave it alone for a few minutes, and steps aside the moment you are back.');
  });

  it('points a headless rig’s owner at this dashboard and offhours status', () => {
    const view = doneView('headless', 'nights', true);
    expect(view.watch.join(' ')).toContain('This dashboard shows what Offhours is doing');
    expect(view.commands.map((c) => c.command)).toContain('offhours status');
    expect(view.earns).toContain('23:00–07:00');
    expect(view.earnings).toContain('Earnings page');
  });

  it('says when earning waits for a usable card', () => {
    expect(doneView('headless', 'always', false)).toMatchObject({ earns: 'Your PC now earns whenever no game is running.', waitsFor: expect.stringContaining('once Offhours finds a graphics card it can use') });
    expect(doneView('desktop', 'always', true).waitsFor).toBeNull();
  });
});
