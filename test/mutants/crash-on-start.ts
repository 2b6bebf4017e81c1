// Mutant: dies before it listens (a TP whose configuration or dependencies are broken).
// Must break: every harness setup step FAILED with the TP's own words, no check run, the report still written.
// The harness starts its TP while Playwright starts the first worker, so this failure surfaces through the
// emulator's side door (503 "the TP under test did not start: …") rather than as a crash of the whole run.
process.stderr.write('crash-on-start: cannot read my configuration\n');
process.exit(3);
