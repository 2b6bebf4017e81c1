// The sub-commands' option parsing, with one set of conventions: an unknown or malformed option prints the reason and
// the usage on stderr (exit 2), --help the usage on stdout (exit 0).
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The parsed command line, or the exit code when there is nothing more to do. */
export function parseCommand<V>(command: string, argv: string[], options: Options, usage: string): { values: V; positionals: string[] } | number {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { ...options, help: { type: 'boolean' } } });
  } catch (e) {
    process.stderr.write(`preflight ${command}: ${(e as Error).message.split('. ')[0]}\n${usage}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(usage);
    return 0;
  }
  return { values: parsed.values as V, positionals: parsed.positionals };
}
