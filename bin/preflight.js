#!/usr/bin/env node
// The harness is TypeScript run in place: register tsx's ESM loader, then hand over to harness/cli/main.ts.
// `run` is the exception (bin/run.js): Playwright compiles the suites itself.
try {
  const [cmd, ...rest] = process.argv.slice(2);
  if (cmd === '--version' || cmd === '-V') {
    // What a bug report names; the report's run details carry the same.
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    process.stdout.write(`${pkg.name} ${pkg.version}\n`);
  } else if (cmd === 'run') {
    // `run` only starts Playwright, which loads TypeScript itself.
    const { runCommand } = await import('./run.js');
    process.exitCode = await runCommand(rest);
  } else {
    // `preflight probe … | head -1` closes the pipe early: stop quietly, as a command killed by SIGPIPE would (141, so
    // that `set -o pipefail` still sees it), rather than with a stack trace.
    process.stdout.on('error', (e) => {
      if (e.code !== 'EPIPE') process.stderr.write(`preflight: cannot write the output: ${e.message}\n`);
      process.exit(e.code === 'EPIPE' ? 141 : 1);
    });
    (await import('tsx/esm/api')).register();
    const { main } = await import('../harness/cli/main.ts');
    process.exitCode = await main(process.argv.slice(2));
  }
} catch (e) {
  // Uncaught failures still get a readable line; PREFLIGHT_DEBUG=1 shows the stack.
  process.stderr.write(`preflight: ${process.env.PREFLIGHT_DEBUG ? (e?.stack ?? e) : (e?.message ?? e)}\n`);
  process.exitCode = 1;
}
