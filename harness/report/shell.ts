// Quoting for the commands a report hands a reviewer to paste into a shell.

/**
 * Double-quoted for sh: `$ \` "` get a backslash, and a backslash only where sh would otherwise eat it. For words a
 * person reads and may edit (a check's title after -g); exact bytes go through shellWord.
 */
export function shellDoubleQuote(s: string): string {
  return `"${s.replace(/\\(?=[$`"\\\n]|$)|[$`"]/g, (m) => `\\${m}`)}"`;
}

/**
 * One shell word that is exactly `s`: single-quoted, or $'…' (bash, zsh) when `s` holds a newline or another control
 * character — a PEM key, say — so that the command stays on one line and sends what was recorded.
 */
export function shellWord(s: string): string {
  if (!/[\x00-\x1f\x7f]/.test(s)) return `'${s.replace(/'/g, `'\\''`)}'`;
  const escapes: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  return `$'${s.replace(/[\\']/g, (c) => `\\${c}`).replace(/[\x00-\x1f\x7f]/g, (c) => escapes[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}
