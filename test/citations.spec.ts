// "reference §N" and "field notes pain N" are resolvable by the people who read a report: every section and pain the
// checks, their reasons and the README cite has a topic (a section also Baidu's page where the reference names one),
// the README's tables list exactly those, and the HTML report shows them under a check's requirement.
import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { citedPains, citedSections, FIELD_NOTE_PAINS, REFERENCE_SECTIONS, sectionIds } from '../harness/detection/citations.ts';
import { CHECKS } from '../harness/detection/checks.ts';
import { renderSections } from '../harness/report/html.ts';

const root = new URL('../', import.meta.url);
const read = (rel: string) => readFileSync(new URL(rel, root), 'utf8');
const readme = read('README.md');

test('a range names both ends, a short end replaces the trailing numbers, unknown sections are left out', () => {
  expect(citedSections('reference §7.1.1–2 and §1.5–1.6, §2.4 again §2.4')).toEqual(['7.1.1', '7.1.2', '1.5', '1.6', '2.4']);
  expect(citedSections('§7.1.3–4')).toEqual(['7.1.3', '7.1.4']);
  expect(citedSections('§9.9 and no section')).toEqual([]);
  expect(sectionIds().slice(0, 3)).toEqual(['0.2', '1', '1.1']);
  expect(sectionIds().indexOf('3.10')).toBeGreaterThan(sectionIds().indexOf('3.9'));
});

const sources = [
  readme,
  CHECKS.map((c) => c.requirement).join('\n'),
  ...['suites/', 'fixtures/'].flatMap((dir) => readdirSync(new URL(dir, root)).filter((f) => f.endsWith('.ts')).map((f) => read(dir + f))),
];

test('every section the checks, the suites (their reasons) and the README cite has a topic', () => {
  const cited = new Set(sources.flatMap((text) => [...text.matchAll(/§(\d+(?:\.\d+)*)(?:–(\d+(?:\.\d+)*))?/g)].map((m) => m[0])));
  const unknown = [...cited].filter((ref) => {
    const ids = citedSections(ref);
    return ids.length === 0 || ids.length < (ref.includes('–') ? 2 : 1);
  });
  expect(unknown, 'add these to harness/detection/citations.ts (and the README table)').toEqual([]);
});

test('every pain of the field notes they cite has a topic', () => {
  const cited = new Set(sources.flatMap((text) => [...text.matchAll(/pains? (\d+(?:, \d+)*)/g)].flatMap((m) => m[1]!.split(', '))));
  expect([...cited].filter((id) => !FIELD_NOTE_PAINS[id]), 'add these to harness/detection/citations.ts (and the README table)').toEqual([]);
  expect(citedPains('field notes pains 5, 19; pain 11; pain 99')).toEqual(['5', '19', '11']);
});

test('the README\'s "Where the rules come from" tables list exactly the known sections and pains, as the report shows them', () => {
  const start = readme.indexOf('## Where the rules come from');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  expect(section.split('\n').filter((l) => l.startsWith('| §'))).toEqual(sectionIds().map((id) => {
    const s = REFERENCE_SECTIONS[id]!;
    return `| §${id} | ${s.zh} — ${s.en} | ${s.doc ?? ''} |`;
  }));
  expect(section.split('\n').filter((l) => /^\| pain \d/.test(l))).toEqual(Object.entries(FIELD_NOTE_PAINS).sort(([a], [b]) => Number(a) - Number(b))
    .map(([id, p]) => `| pain ${id} | ${p.zh} — ${p.en} |`));
});

test('the HTML report lists the cited sections under a requirement, escaped, with Baidu\'s page as a link', () => {
  const html = renderSections('reference §2.4 <b>; §9.9');
  expect(html).toBe('<ul class="refs"><li>§2.4 消息加解密方式<span class="en"> / the encryption scheme (AES-256-CBC, the identifier after the message)</span> '
    + '<a href="https://smartprogram.baidu.com/docs/third/push/encryption/">https://smartprogram.baidu.com/docs/third/push/encryption/</a></li></ul>');
  expect(renderSections('no section cited')).toBe('');
  expect(renderSections('field notes pain 16')).toBe('<ul class="refs"><li>pain 16 检测期间平台侧错误（系统繁忙）<span class="en"> / platform-side errors during detection (system busy)</span></li></ul>');
});

test('every check says what passes it, in Chinese and in English, and the HTML report shows it', () => {
  expect(CHECKS.filter((c) => !c.expects?.zh.trim() || !c.expects?.en.trim()).map((c) => c.id), 'checks without expects').toEqual([]);
  // Chinese for Chinese readers: each zh sentence has Han characters (not an English copy).
  expect(CHECKS.filter((c) => !/\p{Script=Han}/u.test(c.expects!.zh)).map((c) => c.id)).toEqual([]);
});
