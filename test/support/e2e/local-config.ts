import * as path from 'path';
import { parse, stringify } from 'yaml';
import { PrometheusYaml, RelabelConfigYaml, ScrapeConfigYaml } from '../../../src/prometheus/config-render';

/** Where one kept scrape job is scraped in the local run. */
export interface LocalTarget {
  /** `127.0.0.1:port`. */
  readonly address: string;
  /**
   * Labels the target gets, standing in for those the job's Kubernetes relabeling would have set.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/** Options of {@link localPrometheusConfig}. */
export interface LocalPrometheusOptions {
  /** Folder holding the extracted rule files (a subfolder, so the glob cannot match prometheus.yml). */
  readonly rulesDir: string;
  /** `127.0.0.1:port` of the local Alertmanager. */
  readonly alertmanager: string;
  /** Jobs to keep, by job name, and where to scrape them. Every other job is dropped. */
  readonly targets: Record<string, LocalTarget>;
}

/** The rewritten prometheus.yml and what was left out of it. */
export interface LocalPrometheusConfig {
  readonly yaml: string;
  /** Names of the synthesized jobs that were dropped, in file order. */
  readonly droppedJobs: string[];
}

/**
 * Turns the synthesized prometheus.yml into one that runs on this machine, on loopback only:
 *
 * - Only the jobs named in `targets` are kept; the others need a cluster (cAdvisor through the API server,
 *   kube-state-metrics) or a program not run here (Grafana), and are dropped.
 * - A kept job is scraped at its local address through `static_configs`. There is no Kubernetes API server
 *   to discover targets through, and the job's relabel steps that read `__meta_kubernetes_*` labels
 *   would see empty values on a static target: the `keep` steps would drop it and the `replace` steps would
 *   write empty labels. So those steps go, and `labels` sets what they would have set.
 * - Alerts go to the local Alertmanager; rules are read from `rulesDir`.
 *
 * Everything else (global intervals, rule files' content, other relabeling) is used as synthesized.
 */
export function localPrometheusConfig(prometheusYml: string, options: LocalPrometheusOptions): LocalPrometheusConfig {
  const config = parse(prometheusYml) as PrometheusYaml;
  const jobNames = config.scrape_configs.map((job) => job.job_name);
  const unknown = Object.keys(options.targets).filter((name) => !jobNames.includes(name));
  if (unknown.length) {
    // A renamed job must fail loudly here, not show up later as an alert that never fires.
    throw new Error(`no scrape job ${unknown.join(', ')} in the synthesized prometheus.yml (jobs: ${jobNames.join(', ')})`);
  }
  const kept = config.scrape_configs.filter((job) => options.targets[job.job_name] !== undefined);
  const local: PrometheusYaml = {
    ...config,
    alerting: { alertmanagers: [{ static_configs: [{ targets: [options.alertmanager] }] }] },
    rule_files: [path.join(options.rulesDir, '*.yml')],
    scrape_configs: kept.map((job) => staticJob(job, options.targets[job.job_name])),
  };
  return {
    yaml: stringify(local),
    droppedJobs: jobNames.filter((name) => options.targets[name] === undefined),
  };
}

function staticJob(job: ScrapeConfigYaml, target: LocalTarget): ScrapeConfigYaml {
  const { kubernetes_sd_configs: _sd, static_configs: _static, relabel_configs: relabels, ...rest } = job;
  const usable = (relabels ?? []).filter((step) => !readsKubernetesMetadata(step));
  return {
    ...rest,
    static_configs: [{ targets: [target.address], ...(target.labels ? { labels: target.labels } : {}) }],
    ...(usable.length ? { relabel_configs: usable } : {}),
  };
}

function readsKubernetesMetadata(step: RelabelConfigYaml): boolean {
  return (step.source_labels ?? []).some((label) => label.startsWith('__meta_kubernetes_'))
    || (step.action === 'labelmap' && (step.regex ?? '').startsWith('__meta_kubernetes_'));
}
