/**
 * Text from someone we do not trust (a guest's log lines, a remote party's words), made safe to show in a
 * terminal or the UI. Control characters (ESC/CSI/OSC, C1, DEL) could drive a terminal; bidi overrides and
 * isolates (U+202A–202E, U+2066–2069) could make a line read differently from what it says; zero-width
 * characters and marks (U+200B–200F, U+FEFF) could hide text or make two different strings look alike.
 * Tab stays: it is harmless and jobs print tables.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_FOR_DISPLAY = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

export function displaySafe(text: string): string {
  return text.replace(UNSAFE_FOR_DISPLAY, '');
}
