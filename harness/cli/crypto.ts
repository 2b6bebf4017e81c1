// `preflight crypto …`: lets a TP developer check their own push handling by hand (decrypt a captured push,
// forge one for their endpoint, compute the echoStr signature) with exactly the harness's crypto.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CryptoError, aesKeyBytes, echoSignature, msgSignature, openPush, sealPush } from '../crypto/msgCrypto.ts';

export interface CliIo {
  stdin?: string;
  stdout?: (s: string) => void;
  stderr?: (s: string) => void;
}

export const CRYPTO_USAGE = [
  'usage: preflight crypto decrypt --aes-key K --token T [--client-id C]   < envelope.json',
  '       preflight crypto encrypt --aes-key K --token T --client-id C [--timestamp S] [--nonce N]   < message',
  '       preflight crypto sign --token T --timestamp S --nonce N [--encrypt E]',
].join('\n');

const str = { type: 'string' } as const;
const help = { type: 'boolean', short: 'h' } as const;

// Per sub-command: accepted options and which of them are mandatory.
const SPECS: Record<string, { options: NonNullable<ParseArgsConfig['options']>; required: string[] }> = {
  decrypt: { options: { 'aes-key': str, token: str, 'client-id': str, help }, required: ['aes-key', 'token'] },
  encrypt: {
    options: { 'aes-key': str, token: str, 'client-id': str, timestamp: str, nonce: str, help },
    required: ['aes-key', 'token', 'client-id'],
  },
  sign: { options: { token: str, timestamp: str, nonce: str, encrypt: str, help }, required: ['token', 'timestamp', 'nonce'] },
};

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export async function cryptoCommand(argv: string[], io: CliIo = {}): Promise<number> {
  const out = (s: string) => (io.stdout ?? ((x: string) => void process.stdout.write(x)))(s + '\n');
  const err = (s: string) => (io.stderr ?? ((x: string) => void process.stderr.write(x)))(s + '\n');
  const stdin = () => (io.stdin !== undefined ? Promise.resolve(io.stdin) : readAll(process.stdin));
  const usageError = (why: string) => (err(`preflight crypto: ${why}`), err(CRYPTO_USAGE), 2);

  const [sub, ...rest] = argv;
  if (sub === undefined) return usageError('missing sub-command');
  if (sub === '--help' || sub === '-h' || sub === 'help') return out(CRYPTO_USAGE), 0;
  const spec = SPECS[sub];
  if (!spec) return usageError(`unknown sub-command '${sub}'`);

  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: rest, options: spec.options, strict: true, allowPositionals: false }).values as typeof values;
  } catch (e) {
    return usageError((e as Error).message);
  }
  if (values.help) return out(CRYPTO_USAGE), 0;
  const missing = spec.required.filter((k) => typeof values[k] !== 'string');
  if (missing.length) return usageError(`${sub}: missing ${missing.map((k) => '--' + k).join(', ')}`);
  const v = (k: string) => values[k] as string;

  try {
    if (sub === 'sign') {
      const enc = values.encrypt as string | undefined;
      out(enc === undefined ? echoSignature(v('token'), v('timestamp'), v('nonce')) : msgSignature(v('token'), v('timestamp'), v('nonce'), enc));
      return 0;
    }
    aesKeyBytes(v('aes-key')); // fail on a bad key before blocking on stdin
    if (sub === 'encrypt') {
      const message = (await stdin()).replace(/\r?\n$/, '');
      const env = sealPush({ encodingAesKey: v('aes-key'), token: v('token'), clientId: v('client-id') }, message, {
        timeStamp: values.timestamp as string | undefined,
        nonce: values.nonce as string | undefined,
      });
      out(JSON.stringify(env));
      return 0;
    }
    // decrypt
    let envelope: unknown;
    try {
      envelope = JSON.parse(await stdin());
    } catch (e) {
      throw new CryptoError('bad-envelope', `stdin is not JSON (${(e as Error).message})`);
    }
    const { message, clientId } = openPush({ encodingAesKey: v('aes-key'), token: v('token') }, envelope);
    const want = values['client-id'] as string | undefined;
    if (want !== undefined && want !== clientId) {
      err(`preflight crypto: client id mismatch: expected '${want}', envelope carries '${clientId}'`);
      return 1;
    }
    let pretty = message;
    try {
      pretty = JSON.stringify(JSON.parse(message), null, 2);
    } catch {
      // not JSON: print as received
    }
    out(pretty);
    err(`client id: ${clientId}`);
    return 0;
  } catch (e) {
    // One line, no stack: this is a diagnostic for people, and CryptoError messages already say what was wrong.
    const reason = e instanceof CryptoError ? `${e.code.replace('-', ' ')}: ${e.message}` : `error: ${(e as Error)?.message ?? String(e)}`;
    err(`preflight crypto: ${reason.replace(/\s*\n\s*/g, ' ')}`);
    return 1;
  }
}
