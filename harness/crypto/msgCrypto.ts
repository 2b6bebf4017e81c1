// Baidu push crypto (reference §2.3–2.4, §2.7). Built from the documented byte layout, not from an SDK:
//   plaintext = 16 random bytes ‖ uint32 big-endian length L ‖ message (L bytes UTF-8) ‖ trailing client id
//   padded PKCS#7-style to a multiple of 32 (Baidu's demo, not AES's 16), AES-256-CBC with no cipher padding,
//   key = base64(EncodingAESKey + '='), IV = first 16 key bytes.
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const PAD_BLOCK = 32;

export interface PushEnvelope {
  Nonce: string;
  TimeStamp: string;
  Encrypt: string;
  MsgSignature: string;
}

export class CryptoError extends Error {
  constructor(readonly code: 'bad-key' | 'bad-signature' | 'bad-ciphertext' | 'bad-length' | 'bad-envelope', message: string) {
    super(message);
    this.name = 'CryptoError';
  }
}

const AES_KEY_RE = /^[A-Za-z0-9+/]{43}$/;

/** Decodes an EncodingAESKey (43 chars) into the 32-byte AES key. */
export function aesKeyBytes(encodingAesKey: string): Buffer {
  if (!AES_KEY_RE.test(encodingAesKey)) {
    throw new CryptoError('bad-key', `EncodingAESKey must be 43 characters of [A-Za-z0-9] (got ${encodingAesKey.length})`);
  }
  const key = Buffer.from(encodingAesKey + '=', 'base64');
  if (key.length !== 32) throw new CryptoError('bad-key', `EncodingAESKey decodes to ${key.length} bytes, not 32`);
  return key;
}

/** SHA-1 over the lexicographically sorted parts, lower-case hex (MsgSignature and echoStr signature alike). */
export function sha1Sorted(parts: string[]): string {
  const sorted = [...parts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha1').update(sorted.join(''), 'utf8').digest('hex');
}

export function msgSignature(token: string, timeStamp: string, nonce: string, encrypt: string): string {
  return sha1Sorted([token, timeStamp, nonce, encrypt]);
}

/** echoStr handshake signature: SHA-1 of sorted {Token, timestamp, nonce} (§2.7). */
export function echoSignature(token: string, timestamp: string, nonce: string): string {
  return sha1Sorted([token, timestamp, nonce]);
}

export function signaturesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase());
  const y = Buffer.from(b.toLowerCase());
  return x.length === y.length && timingSafeEqual(x, y);
}

export function pad32(buf: Buffer): Buffer {
  const n = PAD_BLOCK - (buf.length % PAD_BLOCK);
  return Buffer.concat([buf, Buffer.alloc(n, n)]);
}

export function unpad32(buf: Buffer): Buffer {
  const n = buf.length ? buf[buf.length - 1]! : 0;
  // Baidu's demo strips nothing when the pad byte is out of range; we do the same.
  return n >= 1 && n <= PAD_BLOCK ? buf.subarray(0, buf.length - n) : buf;
}

export interface EncryptOptions {
  /** 16 bytes; random when absent (tests pass fixed bytes for vectors). */
  random?: Buffer;
}

export function encryptMessage(encodingAesKey: string, message: string, clientId: string, opts: EncryptOptions = {}): string {
  const key = aesKeyBytes(encodingAesKey);
  const random = opts.random ?? randomBytes(16);
  if (random.length !== 16) throw new CryptoError('bad-length', 'random prefix must be 16 bytes');
  const body = Buffer.from(message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length, 0);
  const plain = pad32(Buffer.concat([random, len, body, Buffer.from(clientId, 'utf8')]));
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

export interface Decrypted {
  message: string;
  clientId: string;
}

export function decryptMessage(encodingAesKey: string, encrypt: string): Decrypted {
  const key = aesKeyBytes(encodingAesKey);
  const data = Buffer.from(encrypt, 'base64');
  if (data.length === 0 || data.length % 16 !== 0) {
    throw new CryptoError('bad-ciphertext', `ciphertext is ${data.length} bytes, not a non-empty multiple of the AES block`);
  }
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = unpad32(Buffer.concat([decipher.update(data), decipher.final()]));
  } catch (e) {
    throw new CryptoError('bad-ciphertext', `AES decryption failed: ${(e as Error).message}`);
  }
  if (plain.length < 20) throw new CryptoError('bad-length', 'plaintext shorter than the 20-byte header');
  const len = plain.readUInt32BE(16);
  // Baidu's Java demo treats a length over 65535 as a wrong key; so do we, and never read past the buffer.
  if (len > 65535 || 20 + len > plain.length) {
    throw new CryptoError('bad-length', `message length ${len} does not fit the plaintext (wrong EncodingAESKey?)`);
  }
  return {
    message: plain.subarray(20, 20 + len).toString('utf8'),
    clientId: plain.subarray(20 + len).toString('utf8'),
  };
}

export interface SealOptions extends EncryptOptions {
  timeStamp?: string;
  nonce?: string;
}

/**
 * Encrypts and signs a message into Baidu's push envelope (§2.2). TimeStamp and Nonce go out as strings: whether Baidu
 * always sends strings is UNKNOWN (§8.5), and the signature sorts them as strings either way; normaliseEnvelope takes
 * numbers too.
 */
export function sealPush(
  creds: { encodingAesKey: string; token: string; clientId: string },
  message: string,
  opts: SealOptions = {},
): PushEnvelope {
  const Encrypt = encryptMessage(creds.encodingAesKey, message, creds.clientId, opts);
  const TimeStamp = opts.timeStamp ?? String(Math.floor(Date.now() / 1000));
  const Nonce = opts.nonce ?? String(randomBytes(4).readUInt32BE(0) % 10_000_000);
  return { Nonce, TimeStamp, Encrypt, MsgSignature: msgSignature(creds.token, TimeStamp, Nonce, Encrypt) };
}

/** Verifies the signature, then decrypts. Accepts numeric TimeStamp/Nonce (SKIT does), per §2.2. */
export function openPush(creds: { encodingAesKey: string; token: string }, envelope: unknown): Decrypted & { envelope: PushEnvelope } {
  const env = normaliseEnvelope(envelope);
  const expected = msgSignature(creds.token, env.TimeStamp, env.Nonce, env.Encrypt);
  if (!signaturesEqual(expected, env.MsgSignature)) {
    throw new CryptoError('bad-signature', 'MsgSignature does not match SHA-1(sort(token, TimeStamp, Nonce, Encrypt))');
  }
  return { ...decryptMessage(creds.encodingAesKey, env.Encrypt), envelope: env };
}

export function normaliseEnvelope(envelope: unknown): PushEnvelope {
  if (!envelope || typeof envelope !== 'object') throw new CryptoError('bad-envelope', 'push body is not a JSON object');
  const o = envelope as Record<string, unknown>;
  const str = (k: string) => {
    const v = o[k];
    if (typeof v === 'string' && v.length) return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    throw new CryptoError('bad-envelope', `push envelope lacks ${k}`);
  };
  return { Nonce: str('Nonce'), TimeStamp: str('TimeStamp'), Encrypt: str('Encrypt'), MsgSignature: str('MsgSignature') };
}
