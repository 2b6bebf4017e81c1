// Push crypto (reference §2.3–2.4, §2.7). The vectors are built independently of msgCrypto.ts — plaintext
// laid out byte by byte from the spec and encrypted by the openssl CLI — so a shared misreading of the
// scheme cannot make both sides agree.
import { test, expect } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import {
  CryptoError,
  decryptMessage,
  echoSignature,
  encryptMessage,
  msgSignature,
  openPush,
  sealPush,
} from '../harness/crypto/msgCrypto.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const TOKEN = 'preflightToken';
const CLIENT = 'tpClientKey0123456789abcdefABCDEF';
const RANDOM = Buffer.from('0123456789abcdef'); // the spec says random ASCII; fixed for a vector
const MESSAGE = '{"Ticket":"e2d1c9b7a0f84d3c9b5e6f7a8b9c0d1e","FromUserName":"SmartAPP","CreateTime":1413192605,"MsgType":"ticket","Event":"push"}';

// --- independent reference path ------------------------------------------------------------------

const keyHex = (k: string) => Buffer.from(k + '=', 'base64').toString('hex');

function opensslAes(key: string, data: Buffer, decrypt = false): Buffer {
  const hex = keyHex(key);
  const args = ['enc', '-aes-256-cbc', '-nopad', '-K', hex, '-iv', hex.slice(0, 32)];
  return execFileSync('openssl', decrypt ? [...args, '-d'] : args, { input: data });
}

/** random ‖ uint32 BE length ‖ message ‖ client id, then N bytes of value N up to the next multiple of 32. */
function layoutByHand(random: Buffer, message: string, clientId: string): Buffer {
  const msg = Buffer.from(message, 'utf8');
  const len = Buffer.from([(msg.length >>> 24) & 0xff, (msg.length >>> 16) & 0xff, (msg.length >>> 8) & 0xff, msg.length & 0xff]);
  const body = Buffer.concat([random, len, msg, Buffer.from(clientId, 'utf8')]);
  const n = 32 - (body.length % 32);
  return Buffer.concat([body, Buffer.alloc(n, n)]);
}

function parseByHand(plain: Buffer) {
  const n = plain[plain.length - 1]!;
  const pad = plain.subarray(plain.length - n);
  const body = plain.subarray(0, plain.length - n);
  const len = ((body[16]! << 24) | (body[17]! << 16) | (body[18]! << 8) | body[19]!) >>> 0;
  return {
    n,
    padOk: n >= 1 && n <= 32 && pad.every((b) => b === n),
    random: body.subarray(0, 16),
    message: body.subarray(20, 20 + len).toString('utf8'),
    clientId: body.subarray(20 + len).toString('utf8'),
  };
}

const sha1 = (s: string) => createHash('sha1').update(s, 'utf8').digest('hex');

function opensslEnvelope(message: string, clientId = CLIENT) {
  const Encrypt = opensslAes(KEY, layoutByHand(randomBytes(16), message, clientId)).toString('base64');
  const TimeStamp = '1535551395';
  const Nonce = '4464221';
  return { Nonce, TimeStamp, Encrypt, MsgSignature: sha1([TOKEN, TimeStamp, Nonce, Encrypt].sort().join('')) };
}

function cli(args: string[], input = '') {
  const r = spawnSync(process.execPath, ['bin/preflight.js', 'crypto', ...args], { cwd: ROOT, input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectCryptoError(fn: () => unknown, codes: string[]) {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a CryptoError').toBeInstanceOf(CryptoError);
  expect(codes).toContain((caught as CryptoError).code);
}

// --- vectors -------------------------------------------------------------------------------------

test.describe('fixed vectors', () => {
  test('openssl-encrypted hand layout decrypts, and encryptMessage reproduces it byte for byte', () => {
    const expected = opensslAes(KEY, layoutByHand(RANDOM, MESSAGE, CLIENT)).toString('base64');
    expect(Buffer.from(expected, 'base64').length % 32).toBe(0);
    expect(decryptMessage(KEY, expected)).toEqual({ message: MESSAGE, clientId: CLIENT });
    expect(encryptMessage(KEY, MESSAGE, CLIENT, { random: RANDOM })).toBe(expected);
  });

  test('our ciphertext decrypts with openssl and parses by hand', () => {
    const msg = '{"event":"PACKAGE_AUDIT_PASS","appId":123,"reason":"审核通过"}';
    const plain = opensslAes(KEY, Buffer.from(encryptMessage(KEY, msg, CLIENT), 'base64'), true);
    expect(plain.length % 32).toBe(0);
    const p = parseByHand(plain);
    expect(p.padOk).toBe(true);
    expect(p).toMatchObject({ message: msg, clientId: CLIENT });
  });

  test('MsgSignature: sha1 of the sorted four strings', () => {
    const [ts, nonce, enc] = ['1535551395', '4464221', 'Zm9vYmFy+/=='];
    // Ordinal order by hand: '1535…' < '4464…' < 'Zm9v…' < 'preflightToken' (digits < upper < lower).
    const byHand = sha1('1535551395' + '4464221' + 'Zm9vYmFy+/==' + 'preflightToken');
    expect(msgSignature(TOKEN, ts, nonce, enc)).toBe(byHand);
    expect(msgSignature(TOKEN, ts, nonce, enc)).toMatch(/^[0-9a-f]{40}$/);
  });

  test('echoStr signature: sha1 of sorted token, timestamp, nonce', () => {
    expect(echoSignature('tok', '1700000000', 'abc')).toBe(sha1('1700000000' + 'abc' + 'tok'));
  });
});

// --- round trips ---------------------------------------------------------------------------------

test.describe('round trips', () => {
  test('Chinese text through sealPush/openPush', () => {
    const msg = JSON.stringify({ event: 'APP_NAME_AUDIT_FAIL', reason: '名称与已有小程序重复，请修改后重新提交' });
    const env = sealPush({ encodingAesKey: KEY, token: TOKEN, clientId: '12123' }, msg);
    expect(openPush({ encodingAesKey: KEY, token: TOKEN }, env)).toMatchObject({ message: msg, clientId: '12123' });
  });

  test('plaintext already a multiple of 32 gets a full 32-byte pad block', () => {
    for (const [message, clientId] of [
      ['x'.repeat(9), 'abc'], // 16 + 4 + 9 + 3 = 32 exactly
      ['中'.repeat(10), 'cid12345'], // multi-byte: grown below to 96
      ['', ''],
    ] as const) {
      // Grow the message with ASCII until the unpadded plaintext is aligned.
      let m: string = message;
      while ((20 + Buffer.byteLength(m) + Buffer.byteLength(clientId)) % 32 !== 0) m += '.';
      const unpadded = 20 + Buffer.byteLength(m) + Buffer.byteLength(clientId);
      const enc = encryptMessage(KEY, m, clientId);
      const plain = opensslAes(KEY, Buffer.from(enc, 'base64'), true);
      expect(plain.length).toBe(unpadded + 32);
      expect([...plain.subarray(unpadded)]).toEqual(Array(32).fill(32));
      expect(decryptMessage(KEY, enc)).toEqual({ message: m, clientId });
    }
  });

  test('property: any message, client id and key round-trip', () => {
    const key = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64').slice(0, 43));
    fc.assert(
      fc.property(key, fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 40 }), (k, msg, cid) => {
        expect(decryptMessage(k, encryptMessage(k, msg, cid))).toEqual({ message: msg, clientId: cid });
      }),
      { numRuns: 300 },
    );
  });

  test('property: openssl agrees with encryptMessage on random inputs', () => {
    const key = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64').slice(0, 43));
    fc.assert(
      fc.property(key, fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.string({ unit: 'grapheme', maxLength: 80 }), (k, r, msg) => {
        const random = Buffer.from(r);
        expect(encryptMessage(k, msg, CLIENT, { random })).toBe(opensslAes(k, layoutByHand(random, msg, CLIENT)).toString('base64'));
      }),
      { numRuns: 25 }, // each run spawns openssl
    );
  });
});

// --- failures ------------------------------------------------------------------------------------

test.describe('failures are CryptoErrors, not crashes', () => {
  const other = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';

  test('wrong key', () => {
    const enc = encryptMessage(KEY, MESSAGE, CLIENT, { random: RANDOM });
    expectCryptoError(() => decryptMessage(other, enc), ['bad-length', 'bad-ciphertext']);
  });

  test('wrong signature', () => {
    const env = sealPush({ encodingAesKey: KEY, token: TOKEN, clientId: CLIENT }, MESSAGE);
    expectCryptoError(() => openPush({ encodingAesKey: KEY, token: 'otherToken' }, env), ['bad-signature']);
    const flipped = env.MsgSignature.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expectCryptoError(() => openPush({ encodingAesKey: KEY, token: TOKEN }, { ...env, MsgSignature: flipped }), ['bad-signature']);
  });

  test('truncated base64', () => {
    const enc = encryptMessage(KEY, MESSAGE, CLIENT);
    for (const cut of [1, 4, 8, 20]) expectCryptoError(() => decryptMessage(KEY, enc.slice(0, -cut)), ['bad-ciphertext', 'bad-length']);
    expectCryptoError(() => decryptMessage(KEY, ''), ['bad-ciphertext']);
  });

  test('numeric TimeStamp and Nonce are accepted', () => {
    const env = sealPush({ encodingAesKey: KEY, token: TOKEN, clientId: CLIENT }, MESSAGE, { timeStamp: '1535551395', nonce: '4464221' });
    const numeric = { ...env, TimeStamp: 1535551395, Nonce: 4464221 };
    expect(openPush({ encodingAesKey: KEY, token: TOKEN }, numeric).message).toBe(MESSAGE);
  });

  test('bad EncodingAESKey length', () => {
    for (const k of [KEY.slice(0, 42), KEY + 'H', KEY + '=', '']) {
      expectCryptoError(() => encryptMessage(k, MESSAGE, CLIENT), ['bad-key']);
      expectCryptoError(() => decryptMessage(k, 'AAAA'), ['bad-key']);
    }
  });
});

// --- CLI -----------------------------------------------------------------------------------------

test.describe('preflight crypto CLI', () => {
  const creds = ['--aes-key', KEY, '--token', TOKEN];

  test('encrypt then decrypt returns the message; openssl and a hand parse read the envelope too', () => {
    const msg = '{"event":"APP_SERVER_PAUSE","appId":42,"note":"暂停服务"}';
    const enc = cli(['encrypt', ...creds, '--client-id', CLIENT], msg + '\n');
    expect(enc.code, enc.stderr).toBe(0);
    const env = JSON.parse(enc.stdout);
    expect(env.MsgSignature).toBe(msgSignature(TOKEN, env.TimeStamp, env.Nonce, env.Encrypt));
    // The independent path reads it too: sha1 of the sorted four strings, openssl's AES, the layout parsed by hand.
    expect(env.MsgSignature).toBe(sha1([TOKEN, String(env.TimeStamp), String(env.Nonce), env.Encrypt].sort().join('')));
    expect(parseByHand(opensslAes(KEY, Buffer.from(env.Encrypt, 'base64'), true))).toMatchObject({ padOk: true, message: msg, clientId: CLIENT });
    const dec = cli(['decrypt', ...creds, '--client-id', CLIENT], enc.stdout);
    expect(dec.code, dec.stderr).toBe(0);
    expect(JSON.parse(dec.stdout)).toEqual(JSON.parse(msg));
    expect(dec.stderr).toContain(CLIENT);
  });

  test('decrypts an envelope built with openssl; non-JSON message printed raw', () => {
    const dec = cli(['decrypt', ...creds], JSON.stringify(opensslEnvelope(MESSAGE)));
    expect(dec.code, dec.stderr).toBe(0);
    expect(JSON.parse(dec.stdout)).toEqual(JSON.parse(MESSAGE));
    const raw = cli(['decrypt', ...creds], JSON.stringify(opensslEnvelope('plain text 你好')));
    expect(raw.stdout).toBe('plain text 你好\n');
  });

  test('tampered signature and client-id mismatch exit 1 with a one-line reason', () => {
    const env = opensslEnvelope(MESSAGE);
    const bad = cli(['decrypt', ...creds], JSON.stringify({ ...env, MsgSignature: '0'.repeat(40) }));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/signature/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stdout).toBe('');
    expect(cli(['decrypt', ...creds, '--client-id', 'someone-else'], JSON.stringify(env)).code).toBe(1);
  });

  test('sign prints the echoStr and MsgSignature sha1', () => {
    const echo = cli(['sign', '--token', 'tok', '--timestamp', '1700000000', '--nonce', 'abc']);
    expect(echo).toMatchObject({ code: 0, stdout: sha1('1700000000abctok') + '\n' });
    const msg = cli(['sign', '--token', 'tok', '--timestamp', '1700000000', '--nonce', 'abc', '--encrypt', 'QUJD']);
    expect(msg.stdout.trim()).toBe(sha1('1700000000QUJDabctok'));
  });

  test('usage errors exit 2, --help exits 0', () => {
    const missing = cli(['decrypt', '--token', TOKEN], '{}');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--aes-key');
    expect(cli(['sign', '--token', 't', '--timestamp', '1', '--nonce', '2', '--bogus']).code).toBe(2);
    expect(cli(['frobnicate']).code).toBe(2);
    expect(cli(['--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('usage:') });
  });
});
