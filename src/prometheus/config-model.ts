/*
 * The subset of Prometheus's configuration file format that the stack writes, typed field by field.
 * Field names are camelCase (`jobName` is `job_name` in prometheus.yml); `config-render.ts` writes them as
 * the file's snake_case, in one place.
 */

import { RemoteWriteConfig } from './remote-write';

/** Which Kubernetes objects a {@link KubernetesSdConfig} turns into targets (`role` in prometheus.yml). */
export enum KubernetesSdRole {
  /** Every port of every endpoint of an EndpointSlice (the v1 Endpoints API is deprecated from Kubernetes 1.33). */
  ENDPOINTSLICE = 'endpointslice',
  /** Every port of every endpoint of an Endpoints object (deprecated API: prefer `ENDPOINTSLICE`). */
  ENDPOINTS = 'endpoints',
  /** Every declared container port of every pod. */
  POD = 'pod',
  /** Every port of every Service, at its cluster DNS name (for blackbox probes). */
  SERVICE = 'service',
  /** Every node, at its kubelet's address. */
  NODE = 'node',
  /** Every path of every Ingress (for blackbox probes). */
  INGRESS = 'ingress',
}

/** What a relabeling step does (`action` in prometheus.yml). */
export enum RelabelAction {
  /** Writes `replacement` (with the regex's groups) to `targetLabel` when the regex matches. */
  REPLACE = 'replace',
  /** Keeps only the targets or series whose joined source labels match the regex. */
  KEEP = 'keep',
  /** Drops the targets or series whose joined source labels match the regex. */
  DROP = 'drop',
  /** Keeps them when the joined source labels equal `targetLabel`'s value. */
  KEEPEQUAL = 'keepequal',
  /** Drops them when the joined source labels equal `targetLabel`'s value. */
  DROPEQUAL = 'dropequal',
  /** Writes the hash of the joined source labels modulo `modulus` to `targetLabel`. */
  HASHMOD = 'hashmod',
  /** Copies the labels whose names match the regex to the names given by `replacement`. */
  LABELMAP = 'labelmap',
  /** Removes the labels whose names match the regex. */
  LABELDROP = 'labeldrop',
  /** Removes the labels whose names do not match the regex. */
  LABELKEEP = 'labelkeep',
  /** Writes the joined source labels, lower-cased, to `targetLabel`. */
  LOWERCASE = 'lowercase',
  /** Writes the joined source labels, upper-cased, to `targetLabel`. */
  UPPERCASE = 'uppercase',
}

/** Protocol of scrape requests (`scheme` in prometheus.yml). */
export enum Scheme {
  /** Plain HTTP. */
  HTTP = 'http',
  /** HTTP over TLS. */
  HTTPS = 'https',
}

/** One relabeling step (`relabel_configs` / `metric_relabel_configs`). */
export interface RelabelConfig {
  /**
   * Labels whose values, joined by `separator`, are matched.
   * @default - none
   */
  readonly sourceLabels?: string[];
  /**
   * Separator between the source label values.
   * @default ";"
   */
  readonly separator?: string;
  /**
   * Regular expression matched against the joined values (anchored).
   * @default "(.*)"
   */
  readonly regex?: string;
  /**
   * Label written by `replace`.
   * @default - none
   */
  readonly targetLabel?: string;
  /**
   * Value written by `replace`; may use regex groups such as `$1`.
   * @default "$1"
   */
  readonly replacement?: string;
  /**
   * What to do on a match.
   * @default RelabelAction.REPLACE
   */
  readonly action?: RelabelAction;
  /**
   * Modulus of `hashmod`: `targetLabel` gets the hash of the joined source values modulo this.
   * @default - none
   */
  readonly modulus?: number;
}

/** The namespaces a {@link KubernetesSdConfig} watches (`namespaces` in prometheus.yml). */
export interface KubernetesSdNamespaces {
  /** Names of the namespaces. */
  readonly names: string[];
}

/** Kubernetes service discovery (`kubernetes_sd_configs`). */
export interface KubernetesSdConfig {
  /** Which Kubernetes objects become targets. */
  readonly role: KubernetesSdRole;
  /**
   * Namespaces to watch.
   * @default - all namespaces
   */
  readonly namespaces?: KubernetesSdNamespaces;
}

/** A group of fixed targets (`static_configs`). */
export interface StaticConfig {
  /** `host:port` targets. */
  readonly targets: string[];
  /**
   * Labels added to every series of these targets.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/** An `Authorization` header whose credentials are read from a file (`authorization` in prometheus.yml). */
export interface AuthorizationConfig {
  /**
   * The header's authentication scheme (`type` in prometheus.yml, a reserved word in Go).
   * @default "Bearer"
   */
  readonly authenticationType?: string;
  /**
   * File holding the credentials.
   * @default - no credentials
   */
  readonly credentialsFile?: string;
}

/** TLS settings of outgoing requests (`tls_config`). */
export interface TlsConfig {
  /**
   * CA certificate that signs the server's certificate.
   * @default - the system roots
   */
  readonly caFile?: string;
  /**
   * Server name the certificate must be valid for (and sent in SNI).
   * @default - the target's host
   */
  readonly serverName?: string;
  /**
   * Accept any server certificate.
   * @default false
   */
  readonly insecureSkipVerify?: boolean;
}

/** One `scrape_configs` entry: a scrape job. See {@link ScrapeJobs} for factories. */
export interface ScrapeConfig {
  /** The `job` label of every series; unique per server. */
  readonly jobName: string;
  /**
   * How often targets are scraped.
   * @default - the global scrape interval
   */
  readonly scrapeInterval?: string;
  /**
   * Per-scrape timeout.
   * @default - the global scrape timeout (10s)
   */
  readonly scrapeTimeout?: string;
  /**
   * HTTP path of the metrics.
   * @default "/metrics"
   */
  readonly metricsPath?: string;
  /**
   * Protocol of the scrape requests.
   * @default Scheme.HTTP
   */
  readonly scheme?: Scheme;
  /**
   * Keep the target's own labels when they clash with server-side ones.
   * @default false
   */
  readonly honorLabels?: boolean;
  /**
   * Mark series stale when they disappear from a target that stamps its own samples (cAdvisor).
   * @default false
   */
  readonly trackTimestampsStaleness?: boolean;
  /**
   * Authorization header, its credentials read from a file.
   * @default - none
   */
  readonly authorization?: AuthorizationConfig;
  /**
   * TLS settings of the scrape requests.
   * @default - system roots
   */
  readonly tlsConfig?: TlsConfig;
  /**
   * Fixed targets.
   * @default - none
   */
  readonly staticConfigs?: StaticConfig[];
  /**
   * Kubernetes service discovery.
   * @default - none
   */
  readonly kubernetesSdConfigs?: KubernetesSdConfig[];
  /**
   * Relabeling of targets before the scrape.
   * @default - none
   */
  readonly relabelConfigs?: RelabelConfig[];
  /**
   * Relabeling of scraped series before storage.
   * @default - none
   */
  readonly metricRelabelConfigs?: RelabelConfig[];
}

/** Defaults for every job and rule group (`global` in prometheus.yml). */
export interface PrometheusGlobalConfig {
  /** How often targets are scraped, unless a job says otherwise. */
  readonly scrapeInterval: string;
  /** How often rules are evaluated. */
  readonly evaluationInterval: string;
  /**
   * Labels added to every series and alert sent out.
   * @default - none
   */
  readonly externalLabels?: Record<string, string>;
}

/** A set of Alertmanagers alerts are sent to (an `alertmanagers` entry of prometheus.yml). */
export interface PrometheusAlertmanagerConfig {
  /** The Alertmanagers' `host:port` addresses. */
  readonly staticConfigs: StaticConfig[];
}

/** Where alerts go (`alerting` in prometheus.yml). */
export interface PrometheusAlertingConfig {
  /**
   * Relabeling of the alerts sent: replicas drop their `replica` label, so Alertmanager sees one alert.
   * @default - none
   */
  readonly alertRelabelConfigs?: RelabelConfig[];
  /** The Alertmanagers alerts are sent to. */
  readonly alertmanagers: PrometheusAlertmanagerConfig[];
}

/** Bounds of the TSDB (`storage.tsdb.retention` in prometheus.yml). */
export interface TsdbRetentionConfig {
  /** How long samples are kept, a duration. */
  readonly time: string;
  /** Largest size of the TSDB's blocks, such as `8704MB`. */
  readonly size: string;
}

/** TSDB settings (`storage.tsdb` in prometheus.yml). */
export interface TsdbConfig {
  /** How long, and up to what size, samples are kept. */
  readonly retention: TsdbRetentionConfig;
}

/** Storage settings, reloadable with the rest of the file (`storage` in prometheus.yml). */
export interface PrometheusStorageConfig {
  /** The local TSDB. */
  readonly tsdb: TsdbConfig;
}

/** The whole prometheus.yml. */
export interface PrometheusConfigFile {
  /** Defaults for every job and rule group (`global` in prometheus.yml, a reserved word in Python). */
  readonly globalConfig: PrometheusGlobalConfig;
  /**
   * The Alertmanagers alerts are sent to.
   * @default - none
   */
  readonly alerting?: PrometheusAlertingConfig;
  /**
   * Globs of the rule files to load.
   * @default - none (shards whose rules run in the long-term store)
   */
  readonly ruleFiles?: string[];
  /**
   * Globs of files holding more scrape jobs (`scrape_configs:` lists), loaded after `scrapeConfigs`.
   * @default - none
   */
  readonly scrapeConfigFiles?: string[];
  /** The scrape jobs, in order. */
  readonly scrapeConfigs: ScrapeConfig[];
  /**
   * Long-term stores every sample is also sent to.
   * @default - none
   */
  readonly remoteWrite?: RemoteWriteConfig[];
  /**
   * Storage settings, reloadable with the rest of the file.
   * @default - 15d retention, no size bound
   */
  readonly storage?: PrometheusStorageConfig;
}
