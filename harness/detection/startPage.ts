// How an admin gets from a TP's 授权发起页 to Baidu's authorization page, in a browser: shared by the detection's scan
// (scan.ts) and by `preflight probe start-page` (harness/cli/probeStartPage.ts), so that both judge a start page
// alike. Browser-level only (Playwright's library types, no test runner), so that the CLI can use it.
import type { BrowserContext, Locator, Page } from 'playwright';
import { scrubUrl } from './observations.ts';

/** The first of `tabs`, or of the tabs `context` opens meanwhile, to be at a URL `at` accepts within `ms`; undefined if none. */
function firstTabAt(context: BrowserContext, tabs: Page[], at: (u: URL) => boolean, ms: number): Promise<Page | undefined> {
  return new Promise((resolve) => {
    const deadline = Date.now() + ms;
    const watched = new Set<Page>();
    const finish = (tab?: Page) => {
      clearTimeout(timer);
      context.off('page', watch);
      resolve(tab); // only the first call counts
    };
    const watch = (tab: Page) => {
      if (watched.has(tab)) return;
      watched.add(tab);
      tab.waitForURL(at, { timeout: Math.max(1, deadline - Date.now()) }).then(() => finish(tab), () => {});
    };
    const timer = setTimeout(() => finish(), ms);
    context.on('page', watch);
    tabs.forEach(watch);
  });
}

/** Where the 授权发起页 took the admin: the tab that reached Baidu's authorization page, or why none did. */
export interface StartPageVisit {
  /** The admin's tab from here on: the one that reached the authorization page, else the one the visit began in. */
  tab: Page;
  /** The status of the answer the start page's navigation ended with, after HTTP redirects (null: no answer). */
  status: number | null;
  /** The 授权发起页's own status, a redirect's included (null: no answer). */
  firstStatus: number | null;
  /** The page opened Baidu's page in a tab of its own. */
  newTab: boolean;
  reached: boolean;
  /** Why the admin is not on Baidu's page, with what the page said. */
  error?: string;
}

/**
 * Opens the TP's 授权发起页 as an admin does — coming from a page of the TP's own site, so the Referer stays on its
 * domain through redirects — and follows it to `authPage` (Baidu's authorization page, or the emulator's): by itself
 * (a redirect, a script, a meta refresh, maybe in a new tab) or with a click on its link or button. Shared by the
 * scan and by `preflight probe start-page`, so that both judge a start page alike.
 */
export async function openStartPage(page: Page, authStart: string, authPage: string, opts: { anyHost?: boolean } = {}): Promise<StartPageVisit> {
  // anyHost: an authorization page on another host counts as reached (the probe then says whose it is: a TP still
  // pointed at the emulator, say), rather than as a page that went nowhere.
  const authPath = new URL(authPage).pathname;
  const isAuthPage = (u: URL | string) => (opts.anyHost ? new URL(u).pathname === authPath : u.toString().startsWith(authPage));
  const visit: StartPageVisit = { tab: page, status: null, firstStatus: null, newTab: false, reached: false };
  const onAuthPage = () => isAuthPage(visit.tab.url());
  // Tabs the 授权发起页 opens (a target=_blank link, window.open — maybe a help page too): the admin goes on in
  // whichever reaches Baidu's page. Listened for from the start, since a script may open one while the page loads.
  const context = page.context();
  const tabs: Page[] = [];
  const onTab = (p: Page) => void tabs.push(p);
  context.on('page', onTab);
  // Up to 5 s for the admin to be on Baidu's authorization page, in this tab or any opened before or meanwhile;
  // that tab is the admin's from then on.
  const reached = async () => {
    const tab = await firstTabAt(context, [page, ...tabs], isAuthPage, 5000);
    if (tab && tab !== page) {
      visit.tab = tab;
      visit.newTab = true;
    }
    return !!tab;
  };
  try {
    const res = await page.goto(authStart, { referer: new URL(authStart).origin + '/', timeout: 10_000 });
    visit.status = res?.status() ?? null;
    let asked = res?.request();
    while (asked?.redirectedFrom()) asked = asked.redirectedFrom()!;
    visit.firstStatus = asked && res && asked !== res.request() ? ((await asked.response())?.status() ?? null) : visit.status;
    if (onAuthPage()) return visit;
    // An error page is said at once, not after a 5 s wait for a navigation that cannot come.
    if (visit.status !== null && visit.status >= 400) throw new Error(`it answered HTTP ${visit.status}`);
    const link = page.locator(`a[href*="${authPath}"]`).or(page.locator('button, input[type=submit]')).first();
    // Whichever comes first: the page goes on by itself (a script or meta refresh, maybe after fetching a
    // pre_auth_code), or it shows a link or button (maybe rendered late) — then the admin clicks it.
    const first = await Promise.race([
      reached().then((ok) => (ok ? 'reached' : 'nothing')),
      link.waitFor({ timeout: 5000 }).then(() => 'link', () => 'nothing'),
    ]);
    if (first === 'link' && !onAuthPage()) {
      const tabsBefore = tabs.length;
      await link.click({ timeout: 5000 }).catch((e: Error) => {
        if (!onAuthPage()) throw e; // the page's own script got there first: fine
      });
      if (!(await reached())) {
        const tab = tabs.length > tabsBefore ? tabs.at(-1)! : undefined;
        throw new Error(tab
          ? `after a click on its link or button a new tab opened at ${scrubUrl(tab.url())}, which did not reach ${authPage} within 5 s`
          : `after a click on its link or button the browser was still at ${scrubUrl(page.url())} 5 s later`);
      }
    } else if (!onAuthPage()) {
      const at = page.url() !== authStart ? ` (the browser is at ${scrubUrl(page.url())})` : '';
      throw new Error(`it neither redirected to ${authPage} within 5 s nor shows a link or button to it${at}`);
    }
  } catch (e) {
    if (!onAuthPage()) { // it got there after all (a redirect racing the click): nothing went wrong
      const text = await pageText(visit.tab.locator('body'));
      visit.error = `${(e as Error).message.split('\n')[0]}${text ? ` (page text: ${text})` : ''}`;
    }
  } finally {
    context.off('page', onTab);
    visit.reached = onAuthPage();
  }
  return visit;
}

/**
 * What an element says, on one line and cut at `max` characters ('' when it cannot be read). Read with a 1 s limit:
 * a page still loading (a start page that hangs) would hold innerText for Playwright's 30 s default.
 */
export async function pageText(at: Locator, max = 200): Promise<string> {
  return (await at.innerText({ timeout: 1000 }).catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, max);
}

/**
 * The refusal an authorization page shows, if any: the emulator's pages (authorization and confirmation) mark Baidu's
 * error as #error with its errno in data-errno. Baidu's own page is not documented (reference §8.11).
 */
export async function pageError(page: Page): Promise<{ errno: number; message: string } | undefined> {
  const error = page.locator('#error');
  if (!(await error.count().catch(() => 0))) return undefined;
  return { errno: Number(await error.getAttribute('data-errno', { timeout: 1000 }).catch(() => null)), message: await pageText(error, Number.POSITIVE_INFINITY) };
}
