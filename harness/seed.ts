// Deterministic identities from a run seed (issue 4 §4): the same PREFLIGHT_SEED reproduces a run's app ids,
// tickets and codes, while a fresh seed each run stops a TP from hard-coding one test app (WeChat's lesson).
import { createHash, randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class SeededIds {
  private counters = new Map<string, number>();
  constructor(readonly seed: string) {}

  /** A stream of bytes for one label; each call for the same label advances that label's stream. */
  bytes(label: string, n: number): Buffer {
    const i = this.counters.get(label) ?? 0;
    this.counters.set(label, i + 1);
    const out: Buffer[] = [];
    for (let block = 0; out.length * 32 < n; block++) {
      out.push(createHash('sha256').update(`${this.seed}\0${label}\0${i}\0${block}`).digest());
    }
    return Buffer.concat(out).subarray(0, n);
  }
  hex(label: string, chars: number): string {
    return this.bytes(label, Math.ceil(chars / 2)).toString('hex').slice(0, chars);
  }
  alnum(label: string, chars: number): string {
    return [...this.bytes(label, chars)].map((b) => ALNUM[b % ALNUM.length]).join('');
  }
  int(label: string, min: number, max: number): number {
    return min + (this.bytes(label, 6).readUIntBE(0, 6) % (max - min + 1));
  }
  digits(label: string, n: number): string {
    return [...this.bytes(label, n)].map((b) => String(b % 10)).join('');
  }
}

export function freshSeed(): string {
  return String(randomBytes(4).readUInt32BE(0));
}
