import { IConstruct } from 'constructs';
import { ScrapeConfig } from '../prometheus/config-model';
import { fail } from './errors';
import { validateRe2 } from './re2';
import { durationSeconds, validateDuration, validateHttpPath } from './validation';

/** What Prometheus's relabel actions accept (model/relabel). */
const ACTIONS = ['replace', 'keep', 'drop', 'keepequal', 'dropequal', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase'];

/**
 * A user's scrape job, checked as `promtool check config` would: durations, `scrape_timeout` no longer than the
 * job's (or the global) `scrape_interval`, the metrics path, and relabel steps (known actions, RE2 regexes).
 */
export function validateScrapeJob(scope: IConstruct, field: string, job: ScrapeConfig, globalInterval: string): void {
  if (job.scrape_interval !== undefined) validateDuration(scope, `${field}.scrape_interval`, job.scrape_interval);
  if (job.scrape_timeout !== undefined) {
    validateDuration(scope, `${field}.scrape_timeout`, job.scrape_timeout);
    const interval = job.scrape_interval ?? globalInterval;
    if (durationSeconds(job.scrape_timeout) > durationSeconds(interval)) {
      fail(scope, `${field}.scrape_timeout`, `"${job.scrape_timeout}" is longer than the scrape interval "${interval}"`);
    }
  }
  if (job.metrics_path !== undefined) validateHttpPath(scope, `${field}.metrics_path`, job.metrics_path);
  for (const key of ['relabel_configs', 'metric_relabel_configs'] as const) {
    (job[key] ?? []).forEach((step, i) => {
      const where = `${field}.${key}[${i}]`;
      if (step.action !== undefined && !ACTIONS.includes(step.action)) {
        fail(scope, `${where}.action`, `"${step.action}" is not a relabel action (${ACTIONS.join(', ')})`);
      }
      if (step.regex !== undefined) validateRe2(scope, `${where}.regex`, step.regex);
      const action: string = step.action ?? 'replace';
      const target = step.target_label;
      if (['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal'].includes(action) && !target) {
        fail(scope, `${where}.target_label`, `the ${action} action needs a target_label`);
      }
      if (action === 'hashmod' && !(step as { modulus?: number }).modulus) fail(scope, `${where}.modulus`, 'the hashmod action needs a non-zero modulus');
      if ((action === 'labeldrop' || action === 'labelkeep') && (step.source_labels?.length || target !== undefined || step.replacement !== undefined || step.separator !== undefined)) {
        fail(scope, where, `the ${action} action takes only a regex (no source_labels, target_label, separator or replacement)`);
      }
      if ((action === 'keepequal' || action === 'dropequal') && (step.regex !== undefined || step.replacement !== undefined || step.separator !== undefined)) {
        fail(scope, where, `the ${action} action takes only source_labels and target_label`);
      }
    });
  }
}
