// GET /__emulator/: what the emulator knows, for a person developing a TP against `npm run emulator` — the registered
// TPs, the authorizations, and the timeline of every call, push and page, which grows while they click through
// their TP (it asks GET /__emulator/timeline?since=N every two seconds). LocalStack's habit of state you can see;
// nothing secret is shown (registrations without their token and key, the ledger redacted).
import type { BaiduReply } from '../../baidu/envelopes.ts';
import { timelineRows, type TimelineRow } from '../../detection/timeline.ts';
import { esc } from '../../report/htmlText.ts';
import { renderTimelineRows, renderTimelineTable, TIMELINE_CSS, TIMELINE_SCRIPT } from '../../report/timelineHtml.ts';
import type { Emulator } from '../emulator.ts';

/** The dashboard shows the newest entries only: a load test leaves tens of thousands. */
const SHOWN = 1000;

/**
 * The newest entries after `since` (exclusive; at most SHOWN, cut before redacting: a load test leaves 50,000), as
 * rows with times counted from the oldest entry the ledger still holds, and the highest seq among them — rows are in
 * time order, and an entry recorded late (a push answered after its TP called Baidu) sorts before lower seqs.
 */
function rowsSince(emu: Emulator, since: number): { rows: TimelineRow[]; last: number } {
  const raw = emu.ledger.raw();
  const from = Math.max(since, (raw[raw.length - SHOWN]?.seq ?? 1) - 1);
  const entries = emu.ledger.redacted(from);
  return { rows: timelineRows(entries, raw[0]?.at ?? 0), last: entries.reduce((m, e) => Math.max(m, e.seq), since) };
}

/**
 * GET /__emulator/timeline?since=N: the rows the dashboard appends, the seq to ask from next and how many times the
 * ledger was reset; `restarted` when the page asks from beyond what this emulator ever recorded (it was started
 * again). The page reloads on either, so it never shows rows the emulator no longer holds.
 */
export function timelineSince(emu: Emulator, since: number): { html: string; last: number; count: number; resets: number; restarted?: true } {
  if (since > emu.ledger.size) return { html: '', last: 0, count: 0, resets: emu.ledger.resets, restarted: true };
  const { rows, last } = rowsSince(emu, since);
  return { html: renderTimelineRows(rows), last, count: rows.length, resets: emu.ledger.resets };
}

function table(head: string[], rows: string[][]): string {
  if (!rows.length) return '<p class="muted">无 / none</p>';
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

export function dashboardPage(emu: Emulator): BaiduReply {
  const tps = [...emu.store.tps.values()].map((t) => [
    `<code>${esc(t.clientId)}</code>`, esc(t.tpAppId), esc(t.name), `<code>${esc(t.authStartDomain)}</code>`,
    `<code>${esc(t.authEventUrl)}</code><br><code>${esc(t.messageEventUrl)}</code>`, esc(t.permissionSets.join(', ')), esc(t.testAppIds.join(', ')),
    // Baidu pushes a ticket every 10 minutes: a person wiring up a TP wants one now, and the handshake on demand.
    `<button type="button" class="act" data-route="/__emulator/push/ticket" data-client="${esc(t.clientId)}">推送 ticket / push a ticket</button>
<button type="button" class="act" data-route="/__emulator/probe/echostr" data-client="${esc(t.clientId)}">echoStr 握手 / handshake</button> <span class="act-result muted"></span>`,
  ]);
  const authorizations = [...emu.store.authorizations.values()].map((a) => [
    esc(a.appId), esc(emu.store.apps.get(a.appId)?.appName ?? ''), `<code>${esc(a.clientId)}</code>`, esc(a.granted.join(', ')),
    a.active ? '是 / yes' : '否 / no (UNAUTHORIZED)', esc(a.generation),
  ]);
  const { rows, last } = rowsSince(emu, 0);
  const page = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>百度模拟器 / Baidu emulator</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<style>
body{font:14px/1.5 -apple-system,"Segoe UI","PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
main{max-width:1200px;margin:0 auto;padding:16px}h1{font-size:20px}h2{font-size:16px;margin:20px 0 6px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top}th{background:#eaeef2}
.muted{color:#6e7781}.en{color:#57606a;font-weight:normal}code{font-size:12px}.filter{display:block;margin:4px 0}
${TIMELINE_CSS}
</style></head><body><main>
<h1>百度模拟器 <span class="en">/ Baidu emulator</span></h1>
<p class="muted">OpenAPI 与授权页的基础地址即本页所在地址 / this page's origin is the OpenAPI and authorization-page base URL · <a href="/health">/health</a> · <a href="/__emulator/state">/__emulator/state</a> · <a href="/__emulator/ledger">/__emulator/ledger</a></p>
<h2>第三方平台 <span class="en">/ Registered TPs</span></h2>
${table(['client_id', 'tpAppId', '名称 / name', '授权发起页域名', '授权事件接收URL / 消息与事件接收URL', '权限集 / permission sets', '授权测试名单 / test apps', '操作 / act'], tps)}
<h2>授权 <span class="en">/ Authorizations</span></h2>
${table(['小程序 / app', '名称 / name', 'TP', '已授权权限集 / granted', '有效 / active', '次数 / generation'], authorizations)}
<h2>交互时间线 <span class="en">/ Exchange timeline</span> <span class="muted" id="live">每 2 秒更新 / updates every 2 s</span></h2>
${renderTimelineTable(rows)}
</main>
<script>
${TIMELINE_SCRIPT}
var last = ${last};
var resets = ${emu.ledger.resets};
var body = document.querySelector('table.timeline-rows tbody');
var polling = false;
// One request at a time (a button's poll and the timer's may meet); a row already shown is never added again.
function poll() {
  if (polling) return;
  polling = true;
  fetch('/__emulator/timeline?since=' + last).then(function (r) { return r.json(); }).then(function (d) {
    polling = false;
    if (d.restarted || d.resets !== resets) return location.reload();
    if (d.count) {
      var atEnd = window.innerHeight + window.scrollY >= document.body.scrollHeight - 40;
      var t = document.createElement('tbody');
      t.innerHTML = d.html;
      Array.prototype.slice.call(t.children).forEach(function (row) { if (!document.getElementById(row.id)) body.appendChild(row); });
      if (atEnd) window.scrollTo(0, document.body.scrollHeight);
    }
    last = Math.max(last, d.last);
    document.getElementById('live').textContent = '每 2 秒更新 / updates every 2 s';
  }, function () { polling = false; document.getElementById('live').textContent = '模拟器未响应 / the emulator does not answer'; });
}
setInterval(poll, 2000);
document.addEventListener('click', function (ev) {
  var b = ev.target;
  if (!b || !b.classList || !b.classList.contains('act')) return;
  var out = b.parentNode.querySelector('.act-result');
  out.textContent = '…';
  fetch(b.dataset.route, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: b.dataset.client }) })
    .then(function (r) { return r.json(); })
    .then(function (d) { out.textContent = d.error ? d.error : (d.outcome === 'ok' ? '已应答 / answered' : '未正确应答 / ' + d.outcome) + ' (#' + d.seq + ')'; poll(); },
          function (e) { out.textContent = String(e); });
});
</script>
</body></html>`;
  return { kind: 'html', status: 200, html: page };
}
