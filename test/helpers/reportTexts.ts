// Every text a run's reports dir holds, for the secrets check — including what Playwright's HTML report keeps out of
// sight: its data (test steps, errors, attachments' bodies) is a zip embedded in index.html as base64, which a plain
// grep of the file never sees.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import yauzl from 'yauzl';

export interface ReportText {
  /** Path under the reports dir; `index.html!report.json` for an entry of an embedded zip. */
  name: string;
  text: string;
}

export async function reportTexts(dir: string): Promise<ReportText[]> {
  const out: ReportText[] = [];
  for (const file of filesUnder(dir)) {
    const text = readFileSync(file, 'utf8');
    const name = relative(dir, file);
    out.push({ name, text });
    const embedded = /<template id="playwrightReportBase64">data:application\/zip;base64,([^<]+)<\/template>/.exec(text);
    if (embedded) {
      for (const entry of await unzip(Buffer.from(embedded[1]!, 'base64'))) out.push({ name: `${name}!${entry.name}`, text: entry.text });
    }
  }
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));
}

function unzip(zip: Buffer): Promise<ReportText[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, archive) => {
      if (err) return reject(err);
      const entries: ReportText[] = [];
      archive.on('error', reject);
      archive.on('end', () => resolve(entries));
      archive.on('entry', (entry: yauzl.Entry) => {
        archive.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.push({ name: entry.fileName, text: Buffer.concat(chunks).toString('utf8') });
            archive.readEntry();
          });
        });
      });
      archive.readEntry();
    });
  });
}
