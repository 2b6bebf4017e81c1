// Baidu's calendar is Beijing's (UTC+8, no daylight saving): the yyyyMMdd dates its APIs take and the times its pushes
// carry are Beijing days and times — for the emulator answering and for a TP asking alike.
export const BEIJING_OFFSET_MS = 8 * 3600_000;
export const DAY_MS = 86_400_000;

/** The Beijing day `daysAgo` days before the instant `ms`, written yyyyMMdd. */
export function beijingYmd(ms: number, daysAgo = 0): string {
  return new Date(ms + BEIJING_OFFSET_MS - daysAgo * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '');
}
