// How the live probes say what they found: a line each, labelled in Chinese and English like the report's statuses,
// and never a secret — whatever a line quotes (a URL, a page's text, an error echoing a request) passes one redaction.
// The worst line decides the exit code.
import { scrubUrl } from '../detection/observations.ts';
import { createRedactor } from '../report/redact.ts';

export type FindingKind = 'ok' | 'warning' | 'problem' | 'note' | 'not read';

const LABEL: Record<FindingKind, string> = {
  ok: '通过 / ok',
  warning: '警告 / warning',
  problem: '问题 / problem',
  note: '说明 / note',
  'not read': '未读取 / not read',
};

export class Findings {
  private problems = 0;
  private readonly secrets: string[] = [];
  private muted = false;

  constructor(private readonly write: (text: string) => void = (text) => void process.stdout.write(text)) {}

  /** Values never to print whole from now on (a token, codes met on the way), raw or URL-encoded once or twice. */
  secret(...values: (string | null | undefined)[]): void {
    for (const v of values) if (v) this.secrets.push(v, encodeURIComponent(v), encodeURIComponent(encodeURIComponent(v)));
  }

  /** A line as it is, redacted: secret URL parameters as fingerprints (scrubUrl), known secrets and token shapes as [REDACTED]. */
  line(text: string): void {
    if (!this.muted) this.write(`${createRedactor(this.secrets)(scrubUrl(text)) as string}\n`);
  }

  say(kind: FindingKind, what: string): void {
    if (kind === 'problem') this.problems++;
    this.line(`  ${LABEL[kind]}: ${what}`);
  }

  /** Nothing more is printed (the probe was stopped: what the stop broke is not a finding). */
  mute(): void {
    this.muted = true;
  }

  /** Some line said "problem". */
  get failed(): boolean {
    return this.problems > 0;
  }
}
