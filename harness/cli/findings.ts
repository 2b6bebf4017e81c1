// How the live probes say what they found: a line each, labelled in Chinese and English like the report's statuses;
// the worst line decides the exit code. Lines pass through `out`, which redacts.

export type Verdict = 'ok' | 'warning' | 'problem' | 'note' | 'not read';

const LABEL: Record<Verdict, string> = {
  ok: '通过 / ok',
  warning: '警告 / warning',
  problem: '问题 / problem',
  note: '说明 / note',
  'not read': '未读取 / not read',
};

export class Findings {
  private problems = 0;
  constructor(private readonly out: (line: string) => void) {}

  say(verdict: Verdict, what: string): void {
    if (verdict === 'problem') this.problems++;
    this.out(`  ${LABEL[verdict]}: ${what}`);
  }

  /** Information, not a judgement. */
  note(what: string): void {
    this.say('note', what);
  }

  /** Some line said "problem". */
  get failed(): boolean {
    return this.problems > 0;
  }
}
