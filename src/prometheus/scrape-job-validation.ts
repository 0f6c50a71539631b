import { IConstruct } from 'constructs';
import { RelabelAction, RelabelConfig, ScrapeConfig } from './config-model';
import { KNOWN_FIELDS } from './config-render';
import { fail } from '../common/errors';
import { validateRe2 } from '../common/re2';
import { durationSeconds, expectOptional, expectType, validateDuration, validateHttpPath } from '../common/validation';

/** What Prometheus's relabel actions accept (model/relabel). */
const ACTIONS: string[] = Object.values(RelabelAction);

/**
 * A user's scrape job, checked as `promtool check config` would: durations, `scrapeTimeout` no longer than the
 * job's (or the global) `scrapeInterval`, the metrics path, and relabel steps (known actions, RE2 regexes).
 * Fields the model does not have (such as prometheus.yml's own `job_name`) are errors, not silently dropped.
 */
export function validateScrapeJob(scope: IConstruct, field: string, job: ScrapeConfig, globalInterval: string): void {
  expectType(scope, field, job, 'object');
  checkKnownFields(scope, field, job, KNOWN_FIELDS.ScrapeConfig);
  if (job.scrapeInterval !== undefined) validateDuration(scope, `${field}.scrapeInterval`, job.scrapeInterval);
  if (job.scrapeTimeout !== undefined) {
    validateDuration(scope, `${field}.scrapeTimeout`, job.scrapeTimeout);
    const interval = job.scrapeInterval ?? globalInterval;
    if (durationSeconds(job.scrapeTimeout) > durationSeconds(interval)) {
      fail(scope, `${field}.scrapeTimeout`, `"${job.scrapeTimeout}" is longer than the scrape interval "${interval}"`);
    }
  }
  if (job.metricsPath !== undefined) validateHttpPath(scope, `${field}.metricsPath`, job.metricsPath);
  for (const key of ['relabelConfigs', 'metricRelabelConfigs'] as const) {
    validateRelabelConfigs(scope, `${field}.${key}`, job[key], key === 'relabelConfigs');
  }
}

/**
 * Relabel steps as Prometheus loads them (`relabel_configs`, `metric_relabel_configs`, `write_relabel_configs`):
 * known fields and actions, RE2 regexes, the fields each action needs. `ofTargets`: steps on scrape targets,
 * which must not remove the labels a target is scraped by.
 */
export function validateRelabelConfigs(scope: IConstruct, field: string, steps: RelabelConfig[] | undefined, ofTargets: boolean): void {
  expectOptional(scope, field, steps, 'array');
  (steps ?? []).forEach((step: RelabelConfig, i) => {
    const where = `${field}[${i}]`;
    expectType(scope, where, step, 'object');
    checkKnownFields(scope, where, step, KNOWN_FIELDS.RelabelConfig);
    expectOptional(scope, `${where}.sourceLabels`, step.sourceLabels, 'array');
    step.sourceLabels?.forEach((label, j) => expectType(scope, `${where}.sourceLabels[${j}]`, label, 'string'));
    for (const key of ['separator', 'regex', 'targetLabel', 'replacement'] as const) expectOptional(scope, `${where}.${key}`, step[key], 'string');
    if (step.action !== undefined && !ACTIONS.includes(step.action)) {
      fail(scope, `${where}.action`, `"${step.action}" is not a relabel action (${ACTIONS.join(', ')})`);
    }
    if (step.regex !== undefined) validateRe2(scope, `${where}.regex`, step.regex);
    const action: string = step.action ?? RelabelAction.REPLACE;
    const target = step.targetLabel;
    if (['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal'].includes(action) && !target) {
      fail(scope, `${where}.targetLabel`, `the ${action} action needs a targetLabel`);
    }
    if (action === 'hashmod' && !step.modulus) fail(scope, `${where}.modulus`, 'the hashmod action needs a non-zero modulus');
    if ((action === 'labeldrop' || action === 'labelkeep') && (step.sourceLabels?.length || target !== undefined || step.replacement !== undefined || step.separator !== undefined)) {
      fail(scope, where, `the ${action} action takes only a regex (no sourceLabels, targetLabel, separator or replacement)`);
    }
    const removed = ofTargets && (action === 'labeldrop' || action === 'labelkeep') ? removedTargetLabels(action, step.regex ?? '(.*)') : [];
    if (removed.length) {
      fail(scope, `${where}.regex`, `${step.regex === undefined ? 'the default "(.*)"' : `"${step.regex}"`} makes ${action} remove ${removed.join(', ')}, which every target needs to be scraped: ${action === 'labeldrop' ? 'match only the labels to drop' : 'keep them too'}`);
    }
  });
}

function checkKnownFields(scope: IConstruct, field: string, model: object, known: readonly string[]): void {
  for (const [key, value] of Object.entries(model)) {
    if (value !== undefined && !known.includes(key)) fail(scope, `${field}.${key}`, `is not a field (${known.join(', ')})`);
  }
}

/** Labels a target cannot be scraped without, once its relabeling is done (promtool: "no address"). */
const REQUIRED_TARGET_LABELS = ['__address__', '__scrape_interval__', '__scrape_timeout__'];

/**
 * The labels every target needs that a labeldrop (labelkeep) step with `regex` drops (does not keep). Prometheus
 * anchors the regex at both ends. A pattern only RE2 compiles (such as `\Q...\E`) is not judged.
 */
function removedTargetLabels(action: string, regex: string): string[] {
  let pattern: RegExp;
  try {
    pattern = new RegExp(`^(?:${regex})$`);
  } catch {
    return [];
  }
  return REQUIRED_TARGET_LABELS.filter((label) => pattern.test(label) === (action === 'labeldrop'));
}
