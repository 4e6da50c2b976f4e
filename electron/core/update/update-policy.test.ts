import { describe, expect, it } from 'vitest';
import { externalUpdateSlice, PACKAGE_UPDATES_LINE, UpdateSliceSchema } from '../../../protocol/update.js';
import { applyUpdaterEvent, CHECK_EVERY_MS, initialUpdateSlice, mayCheckNow, mayInstallOnQuit, RETRY_AFTER_ERROR_MS, withJobState } from './update-policy.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const ISO = new Date(NOW).toISOString();
const idle = initialUpdateSlice();
const downloaded = (busy: boolean) => applyUpdaterEvent(idle, { kind: 'downloaded', version: '1.2.0' }, ISO, busy);

describe('when to look for an update', () => {
  it('looks at start, then not again until a day has passed', () => {
    expect(mayCheckNow({ slice: idle, lastAttemptAt: null, now: NOW, busy: false })).toBe(true);
    const upToDate = applyUpdaterEvent(idle, { kind: 'not-available' }, ISO, false);
    expect(mayCheckNow({ slice: upToDate, lastAttemptAt: NOW, now: NOW + CHECK_EVERY_MS - 1, busy: false })).toBe(false);
    expect(mayCheckNow({ slice: upToDate, lastAttemptAt: NOW, now: NOW + CHECK_EVERY_MS, busy: false })).toBe(true);
  });

  it('never looks while a job is on this PC: the check waits for the job to end', () => {
    expect(mayCheckNow({ slice: idle, lastAttemptAt: null, now: NOW, busy: true })).toBe(false);
    expect(mayCheckNow({ slice: idle, lastAttemptAt: NOW - 2 * CHECK_EVERY_MS, now: NOW, busy: true })).toBe(false);
  });

  it('tries again an hour after a failed check, not a day', () => {
    const failed = applyUpdaterEvent(idle, { kind: 'error', message: 'net::ERR_INTERNET_DISCONNECTED' }, ISO, false);
    expect(mayCheckNow({ slice: failed, lastAttemptAt: NOW, now: NOW + RETRY_AFTER_ERROR_MS - 1, busy: false })).toBe(false);
    expect(mayCheckNow({ slice: failed, lastAttemptAt: NOW, now: NOW + RETRY_AFTER_ERROR_MS, busy: false })).toBe(true);
  });

  it('does not look again while a check or download is under way, once one is downloaded, or for a copy that does not update itself', () => {
    const later = NOW + 2 * CHECK_EVERY_MS;
    for (const slice of [applyUpdaterEvent(idle, { kind: 'checking' }, ISO, false), applyUpdaterEvent(idle, { kind: 'available', version: '1.2.0' }, ISO, false), downloaded(false), externalUpdateSlice(PACKAGE_UPDATES_LINE)]) {
      expect(mayCheckNow({ slice, lastAttemptAt: NOW, now: later, busy: false }), slice.phase).toBe(false);
    }
  });
});

describe('installing', () => {
  it('installs at quit only once downloaded and while no job is here', () => {
    expect(mayInstallOnQuit(downloaded(false), false)).toBe(true);
    expect(mayInstallOnQuit(downloaded(false), true)).toBe(false);
    expect(mayInstallOnQuit(idle, false)).toBe(false);
    expect(downloaded(false)).toMatchObject({ phase: 'downloaded', version: '1.2.0', installOnQuit: true, line: 'Version 1.2.0 is ready: it installs when you quit Offhours.' });
    expect(downloaded(true)).toMatchObject({ installOnQuit: false, line: 'Version 1.2.0 is ready: it installs when you quit Offhours after the job on this PC ends.' });
  });

  it('follows the job: a job starting withdraws install-on-quit, its end gives it back', () => {
    const ready = downloaded(false);
    const working = withJobState(ready, true);
    expect(working.installOnQuit).toBe(false);
    expect(withJobState(working, false)).toEqual(ready);
    // Nothing downloaded: the job changes nothing.
    expect(withJobState(idle, true)).toBe(idle);
  });
});

describe('what Settings says', () => {
  it('walks idle → checking → downloading → downloaded with a plain line each, every slice valid', () => {
    let slice = idle;
    expect(slice.line).toBe('Offhours looks for updates when it starts and once a day.');
    slice = applyUpdaterEvent(slice, { kind: 'checking' }, ISO, false);
    expect(slice).toMatchObject({ phase: 'checking', line: 'Looking for updates…' });
    slice = applyUpdaterEvent(slice, { kind: 'available', version: '1.2.0' }, ISO, false);
    expect(slice).toMatchObject({ phase: 'downloading', version: '1.2.0', percent: 0, checkedAt: ISO });
    slice = applyUpdaterEvent(slice, { kind: 'progress', percent: 41.6 }, ISO, false);
    expect(slice).toMatchObject({ percent: 42, line: 'Downloading version 1.2.0 in the background (42 %)…' });
    slice = applyUpdaterEvent(slice, { kind: 'downloaded', version: '1.2.0' }, ISO, false);
    expect(slice).toMatchObject({ phase: 'downloaded', percent: null, installOnQuit: true });
    expect(() => UpdateSliceSchema.parse(slice)).not.toThrow();
  });

  it('says up to date, or what failed with the next step', () => {
    expect(applyUpdaterEvent(idle, { kind: 'not-available' }, ISO, false)).toMatchObject({ phase: 'up-to-date', line: 'Offhours is up to date.', checkedAt: ISO, nextStep: null });
    const failed = applyUpdaterEvent(idle, { kind: 'error', message: 'net::ERR_NAME_NOT_RESOLVED\n    at stack' }, ISO, false);
    expect(failed).toMatchObject({ phase: 'error', line: 'Could not look for updates: net::ERR_NAME_NOT_RESOLVED', installOnQuit: false });
    expect(failed.nextStep).toMatch(/tries again in an hour/);
  });

  it('ignores progress outside a download', () => {
    expect(applyUpdaterEvent(idle, { kind: 'progress', percent: 50 }, ISO, false)).toBe(idle);
  });
});
