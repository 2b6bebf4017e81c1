// The report for people: one self-contained HTML file (inline CSS/JS, screenshots as data URIs) that opens from
// disk or a CI artifact without a server. Verdict first, then stages, then each check's evidence and reproduce
// commands; run metadata last. Every dynamic string goes through esc(): evidence is untrusted TP output.
import { AGAINST_BAIDU, isFiltered, isLeftOut, nextAgainstBaidu, NOT_CHECKED, STATUS_LABEL, WHY_NOT_RUN, type CheckReport, type Report, type StageReport } from './model.ts';
import type { CheckStatus } from '../detection/checks.ts';
import { citedPains, citedSections, FIELD_NOTE_PAINS, REFERENCE_SECTIONS } from '../detection/citations.ts';
import { duration, esc } from './htmlText.ts';
import { renderTimeline, TIMELINE_CSS, TIMELINE_SCRIPT } from './timelineHtml.ts';

/** Statuses whose check opens by itself. */
const OPEN: ReadonlySet<string> = new Set(['FAILED', 'WARNING', 'WAITING']);

function badge(status: CheckStatus): string {
  const l = STATUS_LABEL[status];
  return `<span class="badge s-${status}">${esc(l.zh)} / ${esc(status)}</span>`;
}

/**
 * Why a SKIPPED check did not run, beside the badge, which alone reads as "not applicable": a Baidu check held up by
 * an earlier failure, or a check a rerun (-g) left out.
 */
function whyNotRun(c: CheckReport): string {
  const why = c.couldNotRun ? WHY_NOT_RUN.heldUp : isLeftOut(c) ? WHY_NOT_RUN.leftOut : undefined;
  return why ? ` <span class="badge s-SKIPPED">${why.zh} / ${why.en}</span>` : '';
}

const REPRODUCE_RUN = '复现整个运行 / Reproduce the run';

/** A command with its copy button. */
function cmd(text: string): string {
  return `<div class="cmd"><code>${esc(text)}</code><button type="button" class="copy" title="复制 / Copy">复制 / Copy</button></div>`;
}

function pretty(data: unknown): string {
  if (typeof data === 'string') return data;
  try {
    return JSON.stringify(data, null, 2) ?? String(data);
  } catch {
    return String(data);
  }
}

const KIND_LABEL: Record<CheckReport['kind'], string> = {
  baidu: '百度检测项 / Baidu rule',
  extended: '扩展检测 / Extended',
  probe: '探测 / Probe',
};

/** What the cited sections of the reference and pains of the field notes are about (neither ships), with Baidu's page. */
export function renderSections(text: string): string {
  const sections = citedSections(text).map((id) => {
    const s = REFERENCE_SECTIONS[id]!;
    const doc = s.doc ? ` <a href="${esc(s.doc)}">${esc(s.doc)}</a>` : '';
    return `<li>§${esc(id)} ${esc(s.zh)}<span class="en"> / ${esc(s.en)}</span>${doc}</li>`;
  });
  const pains = citedPains(text).map((id) => `<li>pain ${esc(id)} ${esc(FIELD_NOTE_PAINS[id]!.zh)}<span class="en"> / ${esc(FIELD_NOTE_PAINS[id]!.en)}</span></li>`);
  return sections.length + pains.length ? `<ul class="refs">${[...sections, ...pains].join('')}</ul>` : '';
}

/** The ledger entries a check's evidence cites (`seq` anywhere in it), each once. */
export function citedSeqs(data: unknown, out = new Set<number>()): Set<number> {
  if (Array.isArray(data)) for (const d of data) citedSeqs(d, out);
  else if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) {
      if (k === 'seq' && typeof v === 'number') out.add(v);
      else citedSeqs(v, out);
    }
  }
  return out;
}

/** Per check, the timeline rows its evidence cites (only rows the timeline has), in order: links go both ways. */
type Cites = ReadonlyMap<string, readonly number[]>;

function citesOf(report: Report): Cites {
  const rows = new Set((report.timeline ?? []).map((r) => r.seq));
  // A reason names ledger entries as "#18" ("package/submitaudit (#18) was called…"): cited as well as the evidence's.
  const inReason = (c: CheckReport) => [...c.reason.matchAll(/(?<![\w-])#(\d+)\b/g)].map((m) => Number(m[1]));
  return new Map(report.checks.map((c) => [c.id, [...new Set([...citedSeqs(c.evidence.map((e) => e.data)), ...inReason(c)])].filter((s) => rows.has(s)).sort((a, b) => a - b)]));
}

/** Each timeline row's citing checks, in the report's order. */
function citedBy(cites: Cites): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const [id, seqs] of cites) for (const seq of seqs) out.set(seq, [...(out.get(seq) ?? []), id]);
  return out;
}

function renderCheck(c: CheckReport, images: Map<string, string>, seqs: readonly number[]): string {
  const links = seqs.length ? `<p class="seqs">时间线 / In the timeline: ${seqs.map((s) => `<a href="#seq-${s}">#${s}</a>`).join(' ')}</p>` : '';
  const evidence = links + (c.evidence.length
    ? c.evidence.map((e) => `<div class="ev"><div class="ev-label">${esc(e.label)}</div><pre>${esc(pretty(e.data))}</pre></div>`).join('')
    : links ? '' : '<p class="muted">无 / none</p>');
  const shots = c.attachments
    .filter((a) => a.path && images.has(a.path))
    .map((a) => `<figure><img alt="${esc(a.name)}" src="${esc(images.get(a.path!)!)}"><figcaption>${esc(a.name)}</figcaption></figure>`)
    .join('');
  const otherAttachments = c.attachments.filter((a) => !(a.path && images.has(a.path)));
  const reproduce = c.reproduce.length
    ? c.reproduce.map(cmd).join('')
    : '<p class="muted">无 / none</p>';
  // What needs a reader opens by itself: a failure, a warning, a check waiting for someone (a warning-only report's
  // evidence is otherwise one click away per check).
  return `<details class="check" id="check-${esc(c.id)}" data-status="${esc(c.status)}"${OPEN.has(c.status) ? ' open' : ''}>
<summary>${badge(c.status)}${whyNotRun(c)} <span class="ctitle">${esc(c.title.zh)}<span class="en"> / ${esc(c.title.en)}</span></span> <code class="cid">${esc(c.id)}</code></summary>
<dl>
<dt>状态 / Status</dt><dd>${badge(c.status)}${whyNotRun(c)}</dd>
<dt>原因 / Reason</dt><dd>${c.reason ? `<pre class="reason">${esc(c.reason)}</pre>` : '<span class="muted">—</span>'}</dd>
${c.expects ? `<dt>要求 / Expected</dt><dd>${esc(c.expects.zh)}<br><span class="en">${esc(c.expects.en)}</span></dd>` : ''}
<dt>依据 / Requirement</dt><dd>${esc(c.requirement)}${renderSections(`${c.requirement} ${c.reason}`)}</dd>
<dt>类型 / Kind</dt><dd>${esc(KIND_LABEL[c.kind] ?? c.kind)}</dd>
<dt>耗时 / Duration</dt><dd>${esc(duration(c.durationMs))}</dd>
</dl>
<h4>证据 / Evidence</h4>${evidence}
${shots ? `<h4>截图 / Screenshots</h4><div class="shots">${shots}</div>` : ''}
${otherAttachments.length ? `<h4>附件 / Attachments</h4><ul>${otherAttachments.map((a) => `<li>${esc(a.name)} <span class="muted">(${esc(a.contentType)})</span>${a.path ? ` <code>${esc(a.path)}</code>` : ''}</li>`).join('')}</ul>` : ''}
<h4>复现命令 / Reproduce</h4>${reproduce}
</details>`;
}

// Baidu's own rules decide the verdict; ours are shown apart so nobody mistakes a warning for a publish blocker.
const KIND_HEADING: Record<CheckReport['kind'], string> = {
  baidu: '百度发布检测项 / Baidu\'s detection rules (decide the verdict)',
  extended: '扩展检测（警告，--strict 时为失败） / Extended checks (warn; fail with --strict)',
  probe: '探测（百度不检测；警告，--strict 时为失败） / Probes beyond Baidu\'s detection (warn; fail with --strict)',
};

function groupByKind(checks: CheckReport[]): [CheckReport['kind'], CheckReport[]][] {
  return (['baidu', 'extended', 'probe'] as const).map((k) => [k, checks.filter((c) => c.kind === k)] as [CheckReport['kind'], CheckReport[]]).filter(([, l]) => l.length);
}

/**
 * A set's reason as people read it: each check that did not pass, linked to its details, with its title — the JSON's
 * reason lists bare ids. Unselected or all-skipped sets keep their one-line reason.
 */
function stageReason(s: StageReport, checks: CheckReport[]): string {
  const notPassed = s.selected
    ? s.checks.map((id) => checks.find((c) => c.id === id)).filter((c): c is CheckReport => !!c && c.status !== 'PASSED')
    : [];
  if (!s.reason || notPassed.length === 0 || (s.status === 'SKIPPED' && notPassed.every((c) => c.status === 'SKIPPED'))) return esc(s.reason);
  return `<ul class="not-passed">${notPassed
    .map((c) => `<li>${badge(c.status)}${whyNotRun(c)} <a href="#check-${esc(c.id)}">${esc(c.title.zh)}<span class="en"> / ${esc(c.title.en)}</span></a> <code class="cid">${esc(c.id)}</code></li>`)
    .join('')}</ul>`;
}

function renderStage(s: StageReport, checks: CheckReport[], images: Map<string, string>, cites: Cites): string {
  const own = s.checks.map((id) => checks.find((c) => c.id === id)).filter((c): c is CheckReport => !!c);
  const allPassed = (list: CheckReport[]) => list.length > 0 && list.every((c) => c.status === 'PASSED');
  return `<section class="stage${s.selected ? '' : ' unselected'}${allPassed(own) ? ' all-passed' : ''}" id="stage-${esc(s.slug)}">
<h2>${badge(s.status)} ${esc(s.name.zh)} <span class="en">/ ${esc(s.name.en)}</span></h2>
<p class="muted">权限集 / Permission set: <code>${esc(s.slug)}</code> · ${s.selected ? '已选择 / selected' : '未选择 / not selected'} · ${s.baiduDetected ? '百度检测 / detected by Baidu' : '百度不检测 / not detected by Baidu'}</p>
${s.reason ? `<div class="reason">${stageReason(s, checks)}</div>` : ''}
${own.length ? groupByKind(own).map(([kind, list]) => `<div class="group${allPassed(list) ? ' all-passed' : ''}"><h3 class="kind">${esc(KIND_HEADING[kind])}</h3>\n${list.map((c) => renderCheck(c, images, cites.get(c.id) ?? [])).join('\n')}</div>`).join('\n') : '<p class="muted">没有检测项 / no checks</p>'}
</section>`;
}

const CSS = `
*{box-sizing:border-box}
body{font:14px/1.5 -apple-system,"Segoe UI","PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
main{max-width:1100px;margin:0 auto;padding:16px}
.banner{padding:20px 24px;border-radius:8px;color:#fff;margin-bottom:16px}
.banner.ready{background:#1a7f37}.banner.not-ready{background:#cf222e}
.banner h1{margin:0 0 4px;font-size:22px}.banner p{margin:0;font-size:16px;opacity:.95}
.banner .status{float:right;font-weight:600;background:rgba(255,255,255,.2);padding:2px 10px;border-radius:12px}
table{border-collapse:collapse;width:100%;background:#fff;margin-bottom:16px}
th,td{border:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:top}th{background:#eaeef2}
tr.unselected td{color:#6e7781}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap;color:#fff}
.s-PASSED{background:#1a7f37}.s-FAILED{background:#cf222e}.s-WARNING{background:#8a6100}.s-SKIPPED{background:#6e7781}.s-WAITING{background:#0969da}
.stage{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px 16px;margin-bottom:16px}
.stage h2{font-size:18px;margin:4px 0}
.en{color:#57606a;font-weight:normal}
.muted{color:#6e7781}
.reason{white-space:pre-wrap}
h3.kind{font-size:13px;font-weight:600;color:#57606a;margin:16px 0 4px;text-transform:none}
details.check{border-top:1px solid #eaeef2;padding:6px 0}
.filter{margin:0 0 16px}
body.only-open details.check[data-status="PASSED"],body.only-open section.stage.unselected,body.only-open .all-passed{display:none}
details.check summary{cursor:pointer;padding:4px 0}
details.check[open] summary{font-weight:600}
.cid{font-size:12px;color:#57606a}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:4px 12px;margin:8px 0}
ul.refs{margin:4px 0 0;padding-left:18px;font-size:.9em}
dt{color:#57606a}dd{margin:0;overflow-wrap:anywhere}
h4{margin:12px 0 4px;font-size:13px}
pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px;overflow:auto;max-height:420px;margin:4px 0;white-space:pre-wrap;word-break:break-word}
pre.reason{background:#fff8f8;border-color:#ffcecb}
.ev-label{font-weight:600;font-size:12px}
.cmd{display:flex;gap:8px;align-items:flex-start;margin:4px 0}
.cmd code{flex:1;background:#24292f;color:#f6f8fa;padding:6px 8px;border-radius:6px;word-break:break-all}
.copy{font-size:12px;cursor:pointer}
ul.not-passed{margin:0;padding:0;list-style:none}ul.not-passed li{margin:2px 0}
.shots{display:flex;flex-wrap:wrap;gap:8px}
figure{margin:0}figure img{max-width:min(480px,100%);border:1px solid #d0d7de}figcaption{font-size:12px;color:#57606a}
footer{margin-top:24px}
p.seqs{margin:4px 0;font-size:12px}
ul.changes{margin:0;padding:0;list-style:none}ul.changes li{margin:2px 0}li.worse{color:#cf222e}li.better{color:#1a7f37}
/* A phone: wide tables scroll sideways inside the page instead of widening it. */
@media (max-width:720px){table{display:block;overflow-x:auto}main{padding:8px}dl{grid-template-columns:minmax(0,1fr)}}
${TIMELINE_CSS}
`;

// Copy buttons: the Clipboard API where the page is a secure context (file:// is in Chromium), else a selection.
// A link to a check opens its details (Chromium does on its own; other browsers do not).
const SCRIPT = `
function openTarget() {
  var e = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  // A timeline row sits in a closed details element too: open every one around the target.
  for (var p = e; p; p = p.parentElement) if (p.tagName === 'DETAILS') p.open = true;
  // A filter that still hides the target would make the link do nothing: it is switched off.
  if (e && e.getClientRects().length === 0) {
    document.querySelectorAll('#only-open, #timeline-bad-only').forEach(function (box) {
      if (box.checked) { box.checked = false; box.dispatchEvent(new Event('change')); }
    });
  }
  if (e && e.scrollIntoView) e.scrollIntoView({ block: 'center' });
}
window.addEventListener('hashchange', openTarget);
openTarget();
// Hides passed checks and unselected sets: what is left is what to fix.
var onlyOpen = document.getElementById('only-open');
if (onlyOpen) onlyOpen.addEventListener('change', function () { document.body.classList.toggle('only-open', onlyOpen.checked); });
${TIMELINE_SCRIPT}
document.addEventListener('click', function (ev) {
  var b = ev.target;
  if (!b || !b.classList || !b.classList.contains('copy')) return;
  var text = b.parentNode.querySelector('code').textContent;
  function done() { b.textContent = '已复制 / Copied'; setTimeout(function () { b.textContent = '复制 / Copy'; }, 1500); }
  if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text).then(done, fallback); } else { fallback(); }
  function fallback() {
    var t = document.createElement('textarea'); t.value = text; document.body.appendChild(t); t.select();
    try { document.execCommand('copy'); done(); } catch (e) {} document.body.removeChild(t);
  }
});
`;

/** What changed since the previous run with the same setup: worse first, each linked to its check. */
function renderSincePrevious(report: Report): string {
  const p = report.sincePrevious;
  if (!p) return '';
  const yesNo = (b: boolean) => (b ? '是 / yes' : '否 / no');
  // A filtered run is "not ready" for that alone: its verdict is no change.
  const verdict = p.ready !== report.verdict.ready && !isFiltered(report) ? ` · 可以全网发布 / ready: ${yesNo(p.ready)} → ${yesNo(report.verdict.ready)}` : '';
  const items = p.changes.map((c) => `<li class="${c.regression ? 'worse' : 'better'}">${c.regression ? '✗' : '✓'} <a href="#check-${esc(c.id)}">${esc(c.title.zh)}<span class="en"> / ${esc(c.title.en)}</span></a> <code class="cid">${esc(c.id)}</code> ${badge(c.from)} → ${badge(c.to)}</li>`);
  return `<section class="stage since" id="since-previous"><h2>与上次运行相比 <span class="en">/ Since the previous run</span></h2>
<p class="muted">运行 / run <code>${esc(p.runId)}</code> (${esc(p.startedAt)})，同样的设置 / same setup${esc(verdict)}</p>
${items.length ? `<ul class="changes">${items.join('')}</ul>` : '<p>没有检测结果变化 / no check changed</p>'}
</section>`;
}

/** `images` maps an attachment path (as written in the report) to a data: URI; paths not in it are listed, not shown. */
export function renderHtml(report: Report, images: Map<string, string>): string {
  const v = report.verdict;
  const cites = citesOf(report);
  const stageRows = report.stages
    .map(
      (s) => `<tr class="${s.selected ? 'selected' : 'unselected'}"><td><a href="#stage-${esc(s.slug)}">${esc(s.name.zh)}</a> <span class="en">/ ${esc(s.name.en)}</span></td>
<td>${badge(s.status)}</td><td>${s.selected ? '是 / yes' : '否 / no'}</td><td>${s.baiduDetected ? '是 / yes' : '否 / no'}</td><td>${s.checks.length}</td><td class="reason">${stageReason(s, report.checks)}</td></tr>`,
    )
    .join('\n');
  const steps = report.steps.length
    ? `<section class="stage" id="steps"><h2>框架步骤 <span class="en">/ Harness steps</span></h2>
<p class="muted">不计入检测；失败的步骤使整个运行失败 / Not checks; a failed step fails the run.</p>
<table><thead><tr><th>步骤 / Step</th><th>项目 / Project</th><th>状态 / Status</th><th>耗时 / Duration</th><th>错误或原因 / Error or reason</th></tr></thead><tbody>
${report.steps.map((s) => `<tr><td>${esc(s.title)}${s.file ? `<br><span class="muted">${esc(s.file)}</span>` : ''}</td><td>${esc(s.project)}</td><td>${badge(s.status)}</td><td>${esc(duration(s.durationMs))}</td><td>${s.error ? `<pre class="reason">${esc(s.error)}</pre>` : s.reason ? `<span class="muted">${esc(s.reason)}</span>` : ''}</td></tr>`).join('\n')}
</tbody></table></section>`
    : '';
  const meta: [string, string][] = [
    ['运行 ID / Run id', report.runId],
    ['种子 / Seed', report.seed],
    ['目标 / Target', report.target],
    ['平台 / Platform', report.referenceEntry ? `${report.platform} — ${report.referenceEntry} (PREFLIGHT_REFERENCE_ENTRY)` : report.platform],
    ['严格模式 / Strict', report.strict ? 'yes' : 'no'],
    ...(report.reproduce ? [[REPRODUCE_RUN, report.reproduce] as [string, string]] : []),
    ['权限集 / Permission sets', report.permissionSets.selected.join(', ')],
    ['开始 / Started', report.startedAt],
    ['结束 / Finished', report.finishedAt],
    ['耗时 / Duration', duration(report.durationMs)],
    ['版本 / Versions', `harness ${report.versions.harness}${report.versions.commit ? ` (commit ${report.versions.commit})` : ''} · node ${report.versions.node} · playwright ${report.versions.playwright}${report.versions.browser ? ` · chromium ${report.versions.browser}` : ''}${report.versions.tp ? ` · TP ${report.referenceEntry ?? ''} ${report.versions.tp}` : ''}`],
  ];
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(v.headline.zh)} — 全网发布预检 / Preflight</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header class="banner ${v.ready ? 'ready' : 'not-ready'}" data-status="${esc(v.status)}">
<span class="status">${v.partial ? '部分运行 / PARTIAL RUN' : `${esc(STATUS_LABEL[v.status].zh)} / ${esc(v.status)}`}</span>
<h1>${esc(v.headline.zh)}</h1>
<p>${esc(v.headline.en)}</p>
</header>
<table class="stages">
<thead><tr><th>阶段 / Stage</th><th>状态 / Status</th><th>已选择 / Selected</th><th>百度检测 / Baidu-detected</th><th>检测数 / Checks</th><th>原因 / Reason</th></tr></thead>
<tbody>
${stageRows}
</tbody>
</table>
${renderSincePrevious(report)}
<p class="muted" id="not-checked">${esc(NOT_CHECKED.zh)}<br>${esc(NOT_CHECKED.en)}</p>
${nextAgainstBaidu(report) ? `<p class="muted" id="against-baidu">${esc(AGAINST_BAIDU.zh)}<br>${esc(AGAINST_BAIDU.en)}</p>` : ''}
<label class="filter"><input type="checkbox" id="only-open"> 只看未通过的检测 / only checks that did not pass</label>
${report.stages.map((s) => renderStage(s, report.checks, images, cites)).join('\n')}
${report.timeline ? renderTimeline(report.timeline, citedBy(cites)) : ''}
${steps}
<footer class="stage">
<h2>运行信息 <span class="en">/ Run</span></h2>
<dl>${meta.map(([k, val]) => `<dt>${esc(k)}</dt><dd>${k === REPRODUCE_RUN ? cmd(val) : `<code>${esc(val)}</code>`}</dd>`).join('')}</dl>
</footer>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
