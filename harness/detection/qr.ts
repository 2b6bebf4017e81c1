// Reads a QR code from a screenshot, as the admin's phone camera would.
import _jsQR from 'jsqr';
import { PNG } from 'pngjs';

// jsqr is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const jsQR = ((_jsQR as unknown as { default?: typeof _jsQR }).default ?? _jsQR) as unknown as (d: Uint8ClampedArray, w: number, h: number) => { data: string } | null;

export function decodeQr(png: Buffer): string | null {
  const img = PNG.sync.read(png);
  const found = jsQR(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), img.width, img.height);
  return found?.data ?? null;
}
