import * as fs from 'fs';
import * as path from 'path';
import { Runbooks } from '../src/common/runbooks';
import { alertRulesOf, RuleFileRule, synthesizedRuleFiles } from './support/promtool';
import { synthStack } from './support/synth';

// Every built-in alert links to docs/runbooks/<AlertName>.md (the SLO burn-rate alerts of every SLO share
// SloFastBurn.md and SloSlowBurn.md); this keeps the links, the pages and the index in step with the
// alerts the stack actually synthesizes.
const RUNBOOKS = path.join(__dirname, '..', 'docs', 'runbooks');
const INDEX = 'README.md';
const SECTIONS = ['Meaning', 'Impact', 'Confirm', 'Mitigate'];

const alerts = alertRulesOf(synthesizedRuleFiles(synthStack().objects));
/** The runbook page of an alert: its own, or its SLO alert family's. */
const pageOf = (alert: string, rule: RuleFileRule) => (rule.labels?.slo ? `Slo${alert.endsWith('FastBurn') ? 'FastBurn' : 'SlowBurn'}` : alert);
/** Severity of the alerts that link to each page. */
const severityOfPage = new Map([...alerts].map(([alert, rule]) => [pageOf(alert, rule), rule.labels?.severity]));
const pages = fs.readdirSync(RUNBOOKS).filter((f) => f.endsWith('.md') && f !== INDEX).sort();

/** A page's title and its level-2 sections (heading and body), ignoring `#` lines inside code fences. */
function parsePage(markdown: string): { title: string; sections: { heading: string; body: string }[] } {
  const lines = markdown.split('\n');
  const sections: { heading: string; body: string }[] = [];
  let inFence = false;
  for (const line of lines.slice(1)) {
    if (/^(```|~~~)/.test(line)) inFence = !inFence;
    const heading = !inFence && /^## (.+?)\s*$/.exec(line);
    if (heading) sections.push({ heading: heading[1], body: '' });
    else if (sections.length) sections[sections.length - 1].body += `${line}\n`;
  }
  return { title: lines[0], sections };
}

/** The rows of the index's table: alert name (first cell), severity (second cell) and link target. */
function indexRows(markdown: string): { alert: string; severity: string; link: string }[] {
  return markdown.split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()))
    .map((cells) => ({ alert: cells[0], severity: cells[1], link: /\]\(([^)]+)\)/.exec(cells[cells.length - 1] ?? '')?.[1] ?? '' }))
    .filter((row) => row.link !== '');
}

test('the default stack synthesizes alerts (the rest of this file checks each)', () => {
  expect(alerts.size).toBeGreaterThan(0);
});

describe.each([...alerts.entries()])('%s', (alert: string, rule: RuleFileRule) => {
  const pageName = pageOf(alert, rule);
  const file = path.join(RUNBOOKS, `${pageName}.md`);

  test('runbook_url is <Runbooks.DEFAULT_BASE_URL>/<page>.md', () => {
    expect(rule.annotations?.runbook_url).toBe(`${Runbooks.DEFAULT_BASE_URL}/${pageName}.md`);
  });

  test(`docs/runbooks/${pageName}.md: # ${pageName}, then ${SECTIONS.join(', ')}, each with content`, () => {
    if (!fs.existsSync(file)) throw new Error(`no runbook for ${alert}: write docs/runbooks/${pageName}.md`);
    const page = parsePage(fs.readFileSync(file, 'utf8'));
    expect(page.title).toBe(`# ${pageName}`);
    expect(page.sections.map((s) => s.heading)).toEqual(SECTIONS);
    for (const section of page.sections) {
      expect({ section: section.heading, empty: section.body.trim() === '' }).toEqual({ section: section.heading, empty: false });
    }
  });

  test('Meaning states the severity and the for: wait of the synthesized rule', () => {
    if (!fs.existsSync(file)) throw new Error(`no runbook for ${alert}`);
    const meaning = parsePage(fs.readFileSync(file, 'utf8')).sections.find((s) => s.heading === 'Meaning')?.body ?? '';
    expect(meaning).toContain(rule.labels?.severity ?? '(no severity label)');
    if (rule.for) expect(meaning).toContain(`for: ${rule.for}`);
  });
});

describe('docs/runbooks', () => {
  test('every page belongs to an alert of the default stack', () => {
    const orphans = pages.filter((page) => !severityOfPage.has(page.replace(/\.md$/, '')));
    expect(orphans).toEqual([]);
  });

  test(`${INDEX} lists every page once, with the alert's name and severity`, () => {
    const rows = indexRows(fs.readFileSync(path.join(RUNBOOKS, INDEX), 'utf8'));
    expect(rows.map((r) => r.link).sort()).toEqual(pages);
    for (const row of rows) {
      const page = row.link.replace(/\.md$/, '');
      expect({ alert: row.alert, severity: row.severity }).toEqual({ alert: page, severity: severityOfPage.get(page) });
    }
  });
});

describe('runbookBaseUrl', () => {
  test.each([
    ['https://wiki.example.com/sre/runbooks', 'https://wiki.example.com/sre/runbooks'],
    ['https://wiki.example.com/sre/runbooks/', 'https://wiki.example.com/sre/runbooks'],
  ])('given to the stack as %s, every built-in alert links there', (runbookBaseUrl, expectedBase) => {
    const custom = alertRulesOf(synthesizedRuleFiles(synthStack({ prometheus: { runbookBaseUrl } }).objects));
    expect([...custom.keys()].sort()).toEqual([...alerts.keys()].sort());
    const urls = [...custom.entries()].map(([alert, rule]) => [alert, rule.annotations?.runbook_url]);
    expect(urls).toEqual([...custom.entries()].map(([alert, rule]) => [alert, `${expectedBase}/${pageOf(alert, rule)}.md`]));
  });
});
