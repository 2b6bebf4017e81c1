// `preflight <command>` dispatcher. Sub-commands other than crypto are loaded lazily so that `preflight crypto`
// works without Playwright, the emulator or a config being importable.
import { cryptoCommand } from './crypto.ts';

export const USAGE = [
  'usage: preflight <command> [options]',
  '  run        run the publication-readiness detection against a TP',
  '  emulator   start the Baidu open-platform emulator',
  '  push       replay a push of an earlier run to a TP (push replay <ledger-id>)',
  '  compare    which checks changed between two runs (compare [<before>] [<after>])',
  '  crypto     decrypt / encrypt / sign push envelopes by hand',
  "  ide        the developer tool's upload (定制开发) into a running emulator (ide upload --app <id>)",
  "  probe      live checks of a deployed TP: Baidu's echoStr handshake to its 消息与事件接收URL (probe echostr --to <URL>),",
  "             its 授权发起页 followed to Baidu's authorization page, and with --scan scanned (probe start-page --to <URL>),",
  "             and what Baidu's records of a test app show of the calls its detection asks about (probe history --app <id>)",
  "Run 'preflight <command> --help' for the command's options; 'preflight --version' prints the harness's version.",
].join('\n');

// A computed specifier, so tsc does not require the sibling modules to exist while they are being written.
async function load(file: string): Promise<Record<string, (argv: string[]) => Promise<number>>> {
  return import(new URL(file, import.meta.url).href);
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'crypto':
      return cryptoCommand(rest);
    case 'run':
      return (await load('../../bin/run.js')).runCommand!(rest);
    case 'emulator':
      return (await load('./emulator.ts')).emulatorCommand!(rest);
    case 'push':
      return (await load('./push.ts')).pushCommand!(rest);
    case 'compare':
      return (await load('./compare.ts')).compareCommand!(rest);
    case 'ide':
      return (await load('./ide.ts')).ideCommand!(rest);
    case 'probe':
      return (await load('./probe.ts')).probeCommand!(rest);
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE + '\n');
      return 0;
    default:
      process.stderr.write((cmd === undefined ? 'preflight: missing command\n' : `preflight: unknown command '${cmd}'\n`) + USAGE + '\n');
      return 2;
  }
}
