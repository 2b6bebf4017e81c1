// Cryptographically random bytes for tokens, drawn from a pool: one randomBytes call per 64 KiB instead of one per
// token (a synchronous OpenSSL call per request was a fifth of the emulator's CPU under load).
import { randomBytes } from 'node:crypto';

const POOL_SIZE = 64 * 1024;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

export function randomChunk(n: number): Buffer {
  if (offset + n > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  const out = pool.subarray(offset, offset + n);
  offset += n;
  return out;
}
