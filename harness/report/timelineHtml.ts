// The exchange timeline as HTML: a section of the report (closed by default) and the emulator's dashboard, which
// appends rows as they happen. Rows are anchors (#seq-N) that checks link to.
import type { TimelineRow } from '../detection/timeline.ts';
import { duration, esc } from './htmlText.ts';

const DIRECTION: Record<TimelineRow['kind'], string> = {
  call: 'TP → 百度 / Baidu',
  push: '百度 / Baidu → TP',
  page: '浏览器 / browser → 百度 / Baidu',
  tool: '开发者工具 / developer tool → 百度 / Baidu',
  sidedoor: '预检 / preflight → 模拟器 / emulator',
};

function offset(ms: number): string {
  return `+${(ms / 1000).toFixed(3)} s`;
}

/** Which checks cite a row (the report's, by seq): each row links back to them. */
export type CitedBy = ReadonlyMap<number, readonly string[]>;

/** The table rows alone (what the dashboard appends). */
export function renderTimelineRows(rows: readonly TimelineRow[], citedBy: CitedBy = new Map()): string {
  return rows.map((r) => {
    const checks = citedBy.get(r.seq) ?? [];
    const links = checks.length ? `<div class="cited">${checks.map((id) => `<a href="#check-${esc(id)}">${esc(id)}</a>`).join(' ')}</div>` : '';
    return `<tr id="seq-${r.seq}" class="${r.ok ? 'ok' : 'bad'}"><td>${r.seq}</td><td>${esc(offset(r.atMs))}</td><td>${esc(DIRECTION[r.kind])}</td>
<td><code>${esc(r.what)}</code>${r.zh ? `<br><span class="muted">${esc(r.zh)}</span>` : ''}${r.notes?.length ? `<ul class="notes">${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}${links}</td>
<td>${r.appId ?? ''}</td><td>${esc(r.result)}</td><td>${r.ms !== undefined ? esc(duration(r.ms)) : ''}</td></tr>`;
  }).join('\n');
}

/** The table with its heading row and the "only what did not succeed" box. */
export function renderTimelineTable(rows: readonly TimelineRow[], citedBy: CitedBy = new Map()): string {
  return `<label class="filter"><input type="checkbox" id="timeline-bad-only"> 只看未成功的 / only what did not succeed</label>
<table class="timeline-rows"><thead><tr><th>#</th><th>时间 / Time</th><th>方向 / Direction</th><th>内容 / What</th><th>小程序 / App</th><th>结果 / Result</th><th>耗时 / Took</th></tr></thead>
<tbody>
${renderTimelineRows(rows, citedBy)}
</tbody></table>`;
}

/** The report's section: closed by default (a few hundred rows), with counts in its summary. */
export function renderTimeline(rows: readonly TimelineRow[], citedBy: CitedBy = new Map()): string {
  const count = (k: TimelineRow['kind']) => rows.filter((r) => r.kind === k).length;
  const failed = rows.filter((r) => !r.ok).length;
  return `<details class="stage timeline" id="timeline">
<summary><h2>交互时间线 <span class="en">/ Exchange timeline</span></h2> <span class="muted">${rows.length} 条 / entries — 调用 / calls ${count('call')} · 推送 / pushes ${count('push')} · 页面 / pages ${count('page')} · 工具 / tool ${count('tool')} · 预检操作 / harness ${count('sidedoor')} · 未成功 / not ok ${failed}</span></summary>
<p class="muted">这次运行中百度（模拟器）收到和发出的全部内容，按开始的先后，已脱敏；行下的链接指向引用它的检测。<br>Everything Baidu (the emulator) received and sent in this run, in the order things started, redacted; the links under a row go to the checks whose evidence cites it.</p>
${renderTimelineTable(rows, citedBy)}</details>`;
}

export const TIMELINE_CSS = `details.timeline>summary{cursor:pointer}details.timeline>summary h2{display:inline}
table.timeline-rows{font-size:12px}table.timeline-rows tr.bad td{background:#fff8f8}
table.timeline-rows.bad-only tr.ok{display:none}
ul.notes{margin:2px 0 0;padding-left:16px;color:#9a6700}
tr:target td{outline:2px solid #0969da}
div.cited{font-size:11px;margin-top:2px}div.cited a{margin-right:6px}`;

export const TIMELINE_SCRIPT = `var badOnly = document.getElementById('timeline-bad-only');
if (badOnly) badOnly.addEventListener('change', function () { document.querySelector('table.timeline-rows').classList.toggle('bad-only', badOnly.checked); });`;
