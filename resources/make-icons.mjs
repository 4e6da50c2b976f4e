#!/usr/bin/env node
// Draws the app and tray icons as PNGs with nothing but zlib: `node resources/make-icons.mjs`.
// The PNGs are committed; run this again after changing a colour or a shape.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const OUT = dirname(fileURLToPath(import.meta.url));

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
/** RGBA pixels (Uint8Array, size*size*4) to a PNG file. */
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const hex = (h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];

/**
 * Paints layers in unit coordinates (0..1). Each layer: { color, inside(x, y) → boolean }. 4×4 supersampling
 * gives smooth edges; later layers cover earlier ones.
 */
function render(size, layers) {
  const rgba = new Uint8Array(size * size * 4);
  const S = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (px + (sx + 0.5) / S) / size;
          const y = (py + (sy + 0.5) / S) / size;
          let color = null;
          for (const layer of layers) if (layer.inside(x, y)) color = typeof layer.color === 'function' ? layer.color(x, y) : layer.color;
          if (color) {
            const alpha = color[3] ?? 255;
            r += color[0] * alpha; g += color[1] * alpha; b += color[2] * alpha; a += alpha;
          }
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        rgba[i] = Math.round(r / a);
        rgba[i + 1] = Math.round(g / a);
        rgba[i + 2] = Math.round(b / a);
      }
      rgba[i + 3] = Math.round(a / (S * S));
    }
  }
  return rgba;
}

const circle = (cx, cy, radius) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
const ring = (cx, cy, outer, inner) => (x, y) => {
  const d = (x - cx) ** 2 + (y - cy) ** 2;
  return d <= outer ** 2 && d >= inner ** 2;
};
const roundedSquare = (inset, radius) => (x, y) => {
  const lo = inset + radius, hi = 1 - inset - radius;
  const dx = Math.max(lo - x, 0, x - hi), dy = Math.max(lo - y, 0, y - hi);
  return x >= inset && x <= 1 - inset && y >= inset && y <= 1 - inset && dx * dx + dy * dy <= radius * radius;
};
const rect = (x0, y0, x1, y1) => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;

const GREEN = hex('#3ddc84');
const TEAL = hex('#2bc0e4');
// One per icon of electron/core/tray/tray-model.ts (TRAY_ICONS).
const STATES = {
  idle: { dot: hex('#8b95ab') },
  available: { dot: TEAL },
  working: { dot: GREEN },
  paused: { dot: hex('#f5b942'), pause: true },
  error: { dot: hex('#ff5c5c'), bang: true },
  offline: { dot: hex('#5a6378'), slash: true },
};

// Tray: a light "O" ring (the moon-shaped hours when the PC is yours) with a state dot bottom-right.
for (const [state, spec] of Object.entries(STATES)) {
  for (const [suffix, size] of [['', 32], ['@2x', 64]]) {
    const layers = [
      { color: hex('#e9edf5'), inside: ring(0.42, 0.42, 0.4, 0.26) },
      { color: hex('#0b0e14'), inside: circle(0.74, 0.74, 0.27) },
      { color: spec.dot, inside: circle(0.74, 0.74, 0.2) },
    ];
    if (spec.pause) layers.push({ color: hex('#0b0e14'), inside: (x, y) => rect(0.665, 0.64, 0.71, 0.84)(x, y) || rect(0.77, 0.64, 0.815, 0.84)(x, y) });
    if (spec.slash) layers.push({ color: hex('#e9edf5'), inside: (x, y) => circle(0.74, 0.74, 0.2)(x, y) && Math.abs(x + y - 1.48) <= 0.05 });
    if (spec.bang) layers.push({ color: hex('#ffffff'), inside: (x, y) => rect(0.715, 0.62, 0.765, 0.77)(x, y) || circle(0.74, 0.82, 0.03)(x, y) });
    writeFileSync(join(OUT, `tray-${state}${suffix}.png`), png(size, render(size, layers)));
  }
}

// App icon: dark rounded square, a green→teal ring, a green dot: "your GPU, earning while you are away".
const gradient = (x, y) => {
  const t = Math.min(1, Math.max(0, (x + y) / 2));
  return [0, 1, 2].map((i) => Math.round(GREEN[i] * (1 - t) + TEAL[i] * t));
};
for (const size of [512, 256]) {
  const layers = [
    { color: hex('#121722'), inside: roundedSquare(0.04, 0.2) },
    { color: gradient, inside: ring(0.5, 0.5, 0.33, 0.22) },
    { color: hex('#121722'), inside: circle(0.73, 0.3, 0.13) },
    { color: GREEN, inside: circle(0.73, 0.3, 0.08) },
  ];
  writeFileSync(join(OUT, size === 512 ? 'icon.png' : `icon-${size}.png`), png(size, render(size, layers)));
}
process.stdout.write(`icons written to ${OUT}\n`);
