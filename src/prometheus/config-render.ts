/*
 * prometheus.yml as written: the one place where the camelCase model of `config-model.ts` (and
 * `RemoteWriteConfig`) becomes the file's snake_case. Each type has its own table, field by field; maps whose
 * keys are label or header names (`labels`, `external_labels`, `headers`) are copied as they are.
 *
 * A rendered object's keys come in the order of the model object's fields (the factories and
 * `PrometheusServer.renderConfig` fix that order), so a model and its file read the same way. The file
 * types below are internal: the package exports only the camelCase model.
 */

import {
  AuthorizationConfig, KubernetesSdConfig, KubernetesSdNamespaces, PrometheusAlertingConfig, PrometheusAlertmanagerConfig,
  PrometheusConfigFile, PrometheusGlobalConfig, PrometheusStorageConfig, RelabelConfig, ScrapeConfig, StaticConfig, TlsConfig,
  TsdbConfig, TsdbRetentionConfig,
} from './config-model';
import { BasicAuthConfig, RemoteWriteConfig, RemoteWriteQueueOptions } from './remote-write';

/** `relabel_configs` entry of prometheus.yml. */
export interface RelabelConfigYaml {
  readonly source_labels?: string[];
  readonly separator?: string;
  readonly regex?: string;
  readonly target_label?: string;
  readonly replacement?: string;
  readonly action?: string;
  readonly modulus?: number;
}

/** `kubernetes_sd_configs` entry. */
export interface KubernetesSdConfigYaml {
  readonly role: string;
  readonly namespaces?: { readonly names: string[] };
}

/** `static_configs` entry. */
export interface StaticConfigYaml {
  readonly targets: string[];
  readonly labels?: Record<string, string>;
}

/** `authorization` block. */
export interface AuthorizationYaml {
  readonly type?: string;
  readonly credentials_file?: string;
}

/** `tls_config` block. */
export interface TlsConfigYaml {
  readonly ca_file?: string;
  readonly server_name?: string;
  readonly insecure_skip_verify?: boolean;
}

/** `scrape_configs` entry. */
export interface ScrapeConfigYaml {
  readonly job_name: string;
  readonly scrape_interval?: string;
  readonly scrape_timeout?: string;
  readonly metrics_path?: string;
  readonly scheme?: string;
  readonly honor_labels?: boolean;
  readonly track_timestamps_staleness?: boolean;
  readonly authorization?: AuthorizationYaml;
  readonly tls_config?: TlsConfigYaml;
  readonly static_configs?: StaticConfigYaml[];
  readonly kubernetes_sd_configs?: KubernetesSdConfigYaml[];
  readonly relabel_configs?: RelabelConfigYaml[];
  readonly metric_relabel_configs?: RelabelConfigYaml[];
}

/** `queue_config` block of a `remote_write` entry. */
export interface QueueConfigYaml {
  readonly capacity?: number;
  readonly max_shards?: number;
  readonly min_shards?: number;
  readonly max_samples_per_send?: number;
  readonly batch_send_deadline?: string;
  readonly min_backoff?: string;
  readonly max_backoff?: string;
}

/** `remote_write` entry. */
export interface RemoteWriteYaml {
  readonly url: string;
  readonly name: string;
  readonly headers?: Record<string, string>;
  readonly basic_auth?: { readonly username: string; readonly password_file: string };
  readonly authorization?: AuthorizationYaml;
  readonly queue_config?: QueueConfigYaml;
  readonly write_relabel_configs?: RelabelConfigYaml[];
}

/** The whole prometheus.yml. */
export interface PrometheusYaml {
  readonly global: {
    readonly scrape_interval: string;
    readonly evaluation_interval: string;
    readonly external_labels?: Record<string, string>;
  };
  readonly alerting?: {
    readonly alert_relabel_configs?: RelabelConfigYaml[];
    readonly alertmanagers: { readonly static_configs: StaticConfigYaml[] }[];
  };
  readonly rule_files?: string[];
  readonly scrape_config_files?: string[];
  readonly scrape_configs: ScrapeConfigYaml[];
  readonly remote_write?: RemoteWriteYaml[];
  readonly storage?: { readonly tsdb: { readonly retention: { readonly time: string; readonly size: string } } };
}

/** How each field of a model type `T` is written into its file type `Y`: a function per field, none left out. */
type Fields<T, Y> = { readonly [K in keyof T]-?: (value: NonNullable<T[K]>) => Partial<Y> };

/** `model` written field by field through `fields`, in the model's key order; unset fields are left out. */
function renderFields<T extends object, Y>(type: string, model: T, fields: Fields<T, Y>, order: (keyof T)[] = Object.keys(fields) as (keyof T)[]): Y {
  for (const key of Object.keys(model)) {
    if (!Object.prototype.hasOwnProperty.call(fields, key)) {
      throw new Error(`prometheus.yml: ${type} has no field "${key}" (${Object.keys(fields).join(', ')})`);
    }
  }
  // The table's order, not the model's: the same model gives the same bytes whatever the order of its keys
  // (a struct built in Python or Go reaches the library with its keys in another order than in TypeScript).
  const out: Record<string, unknown> = {};
  for (const key of order) {
    const value = model[key];
    if (value !== undefined) Object.assign(out, fields[key](value as NonNullable<T[keyof T]>));
  }
  return out as Y;
}

const RELABEL_CONFIG: Fields<RelabelConfig, RelabelConfigYaml> = {
  sourceLabels: (v) => ({ source_labels: v }),
  separator: (v) => ({ separator: v }),
  regex: (v) => ({ regex: v }),
  targetLabel: (v) => ({ target_label: v }),
  replacement: (v) => ({ replacement: v }),
  action: (v) => ({ action: v }),
  modulus: (v) => ({ modulus: v }),
};

const KUBERNETES_SD_NAMESPACES: Fields<KubernetesSdNamespaces, { names: string[] }> = {
  names: (v) => ({ names: v }),
};

const KUBERNETES_SD_CONFIG: Fields<KubernetesSdConfig, KubernetesSdConfigYaml> = {
  role: (v) => ({ role: v }),
  namespaces: (v) => ({ namespaces: renderFields('namespaces', v, KUBERNETES_SD_NAMESPACES) }),
};

const STATIC_CONFIG: Fields<StaticConfig, StaticConfigYaml> = {
  targets: (v) => ({ targets: v }),
  labels: (v) => ({ labels: v }), // label names, as they are
};

const AUTHORIZATION: Fields<AuthorizationConfig, AuthorizationYaml> = {
  authenticationType: (v) => ({ type: v }),
  credentialsFile: (v) => ({ credentials_file: v }),
};

const TLS_CONFIG: Fields<TlsConfig, TlsConfigYaml> = {
  caFile: (v) => ({ ca_file: v }),
  serverName: (v) => ({ server_name: v }),
  insecureSkipVerify: (v) => ({ insecure_skip_verify: v }),
};

const SCRAPE_CONFIG: Fields<ScrapeConfig, ScrapeConfigYaml> = {
  jobName: (v) => ({ job_name: v }),
  scrapeInterval: (v) => ({ scrape_interval: v }),
  scrapeTimeout: (v) => ({ scrape_timeout: v }),
  honorLabels: (v) => ({ honor_labels: v }),
  trackTimestampsStaleness: (v) => ({ track_timestamps_staleness: v }),
  scheme: (v) => ({ scheme: v }),
  metricsPath: (v) => ({ metrics_path: v }),
  authorization: (v) => ({ authorization: renderFields('authorization', v, AUTHORIZATION) }),
  tlsConfig: (v) => ({ tls_config: renderFields('tlsConfig', v, TLS_CONFIG) }),
  staticConfigs: (v) => ({ static_configs: v.map(renderStaticConfig) }),
  kubernetesSdConfigs: (v) => ({ kubernetes_sd_configs: v.map((sd) => renderFields('KubernetesSdConfig', sd, KUBERNETES_SD_CONFIG)) }),
  relabelConfigs: (v) => ({ relabel_configs: v.map(renderRelabelConfig) }),
  metricRelabelConfigs: (v) => ({ metric_relabel_configs: v.map(renderRelabelConfig) }),
};

const BASIC_AUTH: Fields<BasicAuthConfig, NonNullable<RemoteWriteYaml['basic_auth']>> = {
  username: (v) => ({ username: v }),
  passwordFile: (v) => ({ password_file: v }),
};

const QUEUE_CONFIG: Fields<RemoteWriteQueueOptions, QueueConfigYaml> = {
  capacity: (v) => ({ capacity: v }),
  maxShards: (v) => ({ max_shards: v }),
  minShards: (v) => ({ min_shards: v }),
  maxSamplesPerSend: (v) => ({ max_samples_per_send: v }),
  batchSendDeadline: (v) => ({ batch_send_deadline: v }),
  minBackoff: (v) => ({ min_backoff: v }),
  maxBackoff: (v) => ({ max_backoff: v }),
};

const REMOTE_WRITE: Fields<RemoteWriteConfig, RemoteWriteYaml> = {
  url: (v) => ({ url: v }),
  name: (v) => ({ name: v }),
  headers: (v) => ({ headers: v }), // header names, as they are
  basicAuth: (v) => ({ basic_auth: renderFields('basicAuth', v, BASIC_AUTH) }),
  authorization: (v) => ({ authorization: renderFields('authorization', v, AUTHORIZATION) }),
  queueConfig: (v) => ({ queue_config: renderFields('queueConfig', v, QUEUE_CONFIG) }),
  writeRelabelConfigs: (v) => ({ write_relabel_configs: v.map(renderRelabelConfig) }),
};

const GLOBAL: Fields<PrometheusGlobalConfig, PrometheusYaml['global']> = {
  scrapeInterval: (v) => ({ scrape_interval: v }),
  evaluationInterval: (v) => ({ evaluation_interval: v }),
  externalLabels: (v) => ({ external_labels: v }), // label names, as they are
};

const ALERTMANAGER: Fields<PrometheusAlertmanagerConfig, NonNullable<PrometheusYaml['alerting']>['alertmanagers'][number]> = {
  staticConfigs: (v) => ({ static_configs: v.map(renderStaticConfig) }),
};

const ALERTING: Fields<PrometheusAlertingConfig, NonNullable<PrometheusYaml['alerting']>> = {
  alertRelabelConfigs: (v) => ({ alert_relabel_configs: v.map(renderRelabelConfig) }),
  alertmanagers: (v) => ({ alertmanagers: v.map((am) => renderFields('alertmanagers', am, ALERTMANAGER)) }),
};

const TSDB_RETENTION: Fields<TsdbRetentionConfig, { time: string; size: string }> = {
  time: (v) => ({ time: v }),
  size: (v) => ({ size: v }),
};

const TSDB: Fields<TsdbConfig, NonNullable<PrometheusYaml['storage']>['tsdb']> = {
  retention: (v) => ({ retention: renderFields('retention', v, TSDB_RETENTION) }),
};

const STORAGE: Fields<PrometheusStorageConfig, NonNullable<PrometheusYaml['storage']>> = {
  tsdb: (v) => ({ tsdb: renderFields('tsdb', v, TSDB) }),
};

const PROMETHEUS_CONFIG: Fields<PrometheusConfigFile, PrometheusYaml> = {
  globalConfig: (v) => ({ global: renderFields('globalConfig', v, GLOBAL) }),
  alerting: (v) => ({ alerting: renderFields('alerting', v, ALERTING) }),
  ruleFiles: (v) => ({ rule_files: v }),
  scrapeConfigFiles: (v) => ({ scrape_config_files: v }),
  scrapeConfigs: (v) => ({ scrape_configs: v.map(renderScrapeConfig) }),
  remoteWrite: (v) => ({ remote_write: v.map(renderRemoteWriteConfig) }),
  storage: (v) => ({ storage: renderFields('storage', v, STORAGE) }),
};

/** The model's fields that the file format knows, per model type a user gives (for validation). */
export const KNOWN_FIELDS = {
  ScrapeConfig: Object.keys(SCRAPE_CONFIG),
  RelabelConfig: Object.keys(RELABEL_CONFIG),
} as const;

/** One relabeling step as prometheus.yml writes it. */
export function renderRelabelConfig(step: RelabelConfig): RelabelConfigYaml {
  // As Prometheus's documentation writes them: a step on label names (labelmap, labeldrop, labelkeep: no source
  // labels) starts with its action; a step on label values ends with it.
  return renderFields('RelabelConfig', step, RELABEL_CONFIG, step.sourceLabels === undefined ? ACTION_FIRST : undefined);
}

const ACTION_FIRST: (keyof RelabelConfig)[] = ['action', ...(Object.keys(RELABEL_CONFIG) as (keyof RelabelConfig)[]).filter((k) => k !== 'action')];

/** One group of fixed targets as prometheus.yml writes it. */
export function renderStaticConfig(group: StaticConfig): StaticConfigYaml {
  return renderFields('StaticConfig', group, STATIC_CONFIG);
}

/** One scrape job as prometheus.yml writes it. */
export function renderScrapeConfig(job: ScrapeConfig): ScrapeConfigYaml {
  return renderFields('ScrapeConfig', job, SCRAPE_CONFIG);
}

/** One `remote_write` entry as prometheus.yml writes it. */
export function renderRemoteWriteConfig(target: RemoteWriteConfig): RemoteWriteYaml {
  return renderFields('RemoteWriteConfig', target, REMOTE_WRITE);
}

/** The whole prometheus.yml, ready for YAML. */
export function renderPrometheusConfig(config: PrometheusConfigFile): PrometheusYaml {
  return renderFields('PrometheusConfigFile', config, PROMETHEUS_CONFIG);
}

/** A file of `scrape_config_files`: scrape jobs only. */
export function renderScrapeConfigFile(jobs: ScrapeConfig[]): { scrape_configs: ScrapeConfigYaml[] } {
  return { scrape_configs: jobs.map(renderScrapeConfig) };
}
