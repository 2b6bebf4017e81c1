// A minimal preflight report for tests of what reads reports (compare, previous-run selection): one Baidu check per
// entry of `statuses`; SKIPPED means left out ("not run"), FAILED carries a two-line reason.
import type { CheckStatus } from '../../harness/detection/checks.ts';
import type { Report } from '../../harness/report/model.ts';

export function fakeReport(runId: string, statuses: Record<string, CheckStatus>, over: Partial<Report> = {}): Report {
  const base: Report = {
    schemaVersion: 1, runId, seed: 's', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:07.000Z', durationMs: 7000,
    versions: { harness: '0.1.0', node: 'v20', playwright: '1.65.1' }, target: 'emulator', platform: 'reference', strict: false,
    permissionSets: { selected: ['development'] }, verdict: { status: 'PASSED', ready: !Object.values(statuses).includes('FAILED'), headline: { zh: '', en: '' } },
    // One stage holding every check, so the report is one the schema takes (compare reads only what passes it).
    stages: [{ slug: 'authorization', name: { zh: '授权流程', en: 'Authorization chain' }, selected: true, baiduDetected: true, status: 'PASSED', reason: '', checks: Object.keys(statuses) }],
    steps: [],
    checks: Object.entries(statuses).map(([id, status]) => ({
      id, permissionSet: 'authorization', kind: 'baidu', title: { zh: `检测 ${id}`, en: `check ${id}` }, requirement: '', status,
      reason: status === 'FAILED' ? `${id} broke\nsecond line` : status === 'SKIPPED' ? 'not run' : '', durationMs: 1, evidence: [], reproduce: [], attachments: [],
    })),
  };
  return { ...base, ...over };
}
