// Draws the Teams app icons (appPackage/color.png 192x192, appPackage/outline.png 32x32) from a key glyph.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pngjs from 'pngjs';

const { PNG } = pngjs;
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The manifest's accentColor; the colour icon's background. */
export const ACCENT = [0x1f, 0x5f, 0xad];
const BADGE = [0x2e, 0xb8, 0x72];
const SAMPLES = 8; // supersampling per axis, for smooth edges

const inCircle = (x, y, cx, cy, r) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const inRect = (x, y, x0, y0, x1, y1) => x >= x0 && x <= x1 && y >= y0 && y <= y1;

/**
 * Is (x, y), in unit coordinates of the glyph box, inside the key? The key lies on the diagonal:
 * its bow (a ring) at the top left, its shaft running to the bottom right, two teeth on the shaft.
 */
function inKey(x, y, stroke) {
  // Rotate by 45 degrees around the centre so the key can be drawn horizontally.
  const dx = x - 0.5;
  const dy = y - 0.5;
  const u = 0.5 + (dx - dy) * Math.SQRT1_2;
  const v = 0.5 + (dx + dy) * Math.SQRT1_2;
  const bowX = 0.24;
  const outer = 0.22;
  const inner = outer - stroke * 1.15;
  const half = stroke / 2;
  const bow = inCircle(u, v, bowX, 0.5, outer) && !inCircle(u, v, bowX, 0.5, inner);
  const shaft = inRect(u, v, bowX + outer - stroke / 2, 0.5 - half, 0.95, 0.5 + half);
  const tooth1 = inRect(u, v, 0.95 - stroke, 0.5, 0.95, 0.5 + half + stroke);
  const tooth2 = inRect(u, v, 0.78 - stroke, 0.5, 0.78, 0.5 + half + stroke * 0.7);
  return bow || shaft || tooth1 || tooth2;
}

/** Fraction of the pixel (px, py) that `inside(x, y)` covers, x and y in pixels. */
function coverage(px, py, inside) {
  let hits = 0;
  for (let sy = 0; sy < SAMPLES; sy++) {
    for (let sx = 0; sx < SAMPLES; sx++) {
      if (inside(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES)) hits++;
    }
  }
  return hits / (SAMPLES * SAMPLES);
}

const mix = (a, b, t) => Math.round(a + (b - a) * t);

/** 192x192, opaque: a white key and a green "done" badge on the accent colour. */
export function drawColorIcon(size = 192) {
  const png = new PNG({ width: size, height: size });
  // Teams shows the colour icon cropped to a rounded square; keep the glyph in the middle 120/192.
  const box = size * 0.625;
  const origin = (size - box) / 2;
  const badge = { cx: size * 0.7, cy: size * 0.72, r: size * 0.13 };
  const key = (x, y) => inKey((x - origin) / box, (y - origin) / box, 0.12);
  const badgeDisc = (x, y) => inCircle(x, y, badge.cx, badge.cy, badge.r);
  const badgeRing = (x, y) => inCircle(x, y, badge.cx, badge.cy, badge.r + size * 0.025);
  const tick = (x, y) => inTick((x - badge.cx) / badge.r, (y - badge.cy) / badge.r);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let rgb = ACCENT;
      // Layers, bottom to top: background, key, a ring of background round the badge, badge, tick.
      rgb = blend(rgb, [255, 255, 255], coverage(px, py, key));
      rgb = blend(rgb, ACCENT, coverage(px, py, badgeRing));
      rgb = blend(rgb, BADGE, coverage(px, py, badgeDisc));
      rgb = blend(rgb, [255, 255, 255], coverage(px, py, tick));
      const i = (py * size + px) * 4;
      png.data[i] = rgb[0];
      png.data[i + 1] = rgb[1];
      png.data[i + 2] = rgb[2];
      png.data[i + 3] = 255;
    }
  }
  return png;
}

/** A tick mark in the unit disc, made of two thick strokes. */
function inTick(x, y) {
  return nearSegment(x, y, -0.45, 0.02, -0.12, 0.35, 0.13) || nearSegment(x, y, -0.12, 0.35, 0.48, -0.3, 0.13);
}

function nearSegment(x, y, x0, y0, x1, y1, halfWidth) {
  const vx = x1 - x0;
  const vy = y1 - y0;
  const t = Math.max(0, Math.min(1, ((x - x0) * vx + (y - y0) * vy) / (vx * vx + vy * vy)));
  return (x - x0 - t * vx) ** 2 + (y - y0 - t * vy) ** 2 <= halfWidth * halfWidth;
}

function blend(under, over, alpha) {
  return alpha === 0 ? under : [mix(under[0], over[0], alpha), mix(under[1], over[1], alpha), mix(under[2], over[2], alpha)];
}

/** 32x32 outline: every pixel is white; only alpha varies (Teams accepts nothing else). */
export function drawOutlineIcon(size = 32) {
  const png = new PNG({ width: size, height: size });
  const margin = size * 0.06;
  const box = size - 2 * margin;
  const key = (x, y) => inKey((x - margin) / box, (y - margin) / box, 0.13);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const i = (py * size + px) * 4;
      png.data[i] = 255;
      png.data[i + 1] = 255;
      png.data[i + 2] = 255;
      png.data[i + 3] = Math.round(coverage(px, py, key) * 255);
    }
  }
  return png;
}

/** The PNG files this script produces, by path. */
export function renderIcons(dir = join(repoRoot, 'appPackage')) {
  return new Map([
    [join(dir, 'color.png'), PNG.sync.write(drawColorIcon(), { colorType: 2 })],
    [join(dir, 'outline.png'), PNG.sync.write(drawOutlineIcon(), { colorType: 6 })],
  ]);
}

/** Same size and same RGBA pixels? Compares decoded images: zlib output may differ between Node versions. */
function samePixels(path, bytes) {
  let onDisk;
  try {
    onDisk = PNG.sync.read(readFileSync(path));
  } catch (error) {
    if (error.code === 'ENOENT') return false;
    throw error;
  }
  const drawn = PNG.sync.read(bytes);
  return onDisk.width === drawn.width && onDisk.height === drawn.height && onDisk.data.equals(drawn.data);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  // --check: fail if the committed icons differ from what this script draws.
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [path, bytes] of renderIcons()) {
    if (check) {
      if (!samePixels(path, bytes)) {
        process.stderr.write(`make-icons: ${path} is not what this script draws; run node scripts/make-icons.mjs\n`);
        stale++;
      }
    } else {
      writeFileSync(path, bytes);
      process.stdout.write(`${path}\n`);
    }
  }
  if (stale > 0) process.exit(1);
}
