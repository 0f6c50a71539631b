/*
 * The subset of Prometheus's configuration file format that the stack writes, typed field by field.
 * Field names are those of prometheus.yml (snake_case) so that this model reads like the file it becomes.
 */

import { RemoteWriteConfig } from './remote-write';

/** One relabeling step (`relabel_configs` / `metric_relabel_configs`). */
export interface RelabelConfig {
  /**
   * Labels whose values, joined by `separator`, are matched.
   * @default - none
   */
  readonly source_labels?: string[];
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
  readonly target_label?: string;
  /**
   * Value written by `replace`; may use regex groups such as `$1`.
   * @default "$1"
   */
  readonly replacement?: string;
  /**
   * What to do on a match.
   * @default "replace"
   */
  readonly action?: 'replace' | 'keep' | 'drop' | 'labelmap' | 'labeldrop' | 'labelkeep' | 'hashmod';
  /**
   * Modulus of `hashmod`: `target_label` gets the hash of the joined source values modulo this.
   * @default - none
   */
  readonly modulus?: number;
}

/** Kubernetes service discovery. */
export interface KubernetesSdConfig {
  /** Which Kubernetes objects become targets. */
  readonly role: 'endpoints' | 'endpointslice' | 'pod' | 'service' | 'node' | 'ingress';
  /** Namespaces to watch. @default - all namespaces */
  readonly namespaces?: { readonly names: string[] };
}

/** A group of fixed targets. */
export interface StaticConfig {
  /** `host:port` targets. */
  readonly targets: string[];
  /**
   * Labels added to every series of these targets.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/** One `scrape_configs` entry. */
export interface ScrapeConfig {
  /** The `job` label of every series; unique per server. */
  readonly job_name: string;
  /**
   * How often targets are scraped.
   * @default - the global scrape interval
   */
  readonly scrape_interval?: string;
  /**
   * Per-scrape timeout.
   * @default - the global scrape timeout (10s)
   */
  readonly scrape_timeout?: string;
  /**
   * HTTP path of the metrics.
   * @default "/metrics"
   */
  readonly metrics_path?: string;
  /**
   * Protocol of the scrape requests.
   * @default "http"
   */
  readonly scheme?: 'http' | 'https';
  /**
   * Keep the target's own labels when they clash with server-side ones.
   * @default false
   */
  readonly honor_labels?: boolean;
  /**
   * Mark series stale when they disappear from a target that stamps its own samples (cAdvisor).
   * @default false
   */
  readonly track_timestamps_staleness?: boolean;
  /**
   * Authorization header, its credentials read from a file.
   * @default - none
   */
  readonly authorization?: { readonly type?: string; readonly credentials_file?: string };
  /**
   * TLS settings of the scrape requests.
   * @default - system roots
   */
  readonly tls_config?: { readonly ca_file?: string; readonly server_name?: string; readonly insecure_skip_verify?: boolean };
  /**
   * Fixed targets.
   * @default - none
   */
  readonly static_configs?: StaticConfig[];
  /**
   * Kubernetes service discovery.
   * @default - none
   */
  readonly kubernetes_sd_configs?: KubernetesSdConfig[];
  /**
   * Relabeling of targets before the scrape.
   * @default - none
   */
  readonly relabel_configs?: RelabelConfig[];
  /**
   * Relabeling of scraped series before storage.
   * @default - none
   */
  readonly metric_relabel_configs?: RelabelConfig[];
}

/** The whole prometheus.yml. */
export interface PrometheusConfigFile {
  /** Defaults for every job and rule group. */
  readonly global: {
    /** How often targets are scraped, unless a job says otherwise. */
    readonly scrape_interval: string;
    /** How often rules are evaluated. */
    readonly evaluation_interval: string;
    /**
     * Labels added to every series and alert sent out.
     * @default - none
     */
    readonly external_labels?: Record<string, string>;
  };
  /**
   * The Alertmanagers alerts are sent to.
   * @default - none
   */
  readonly alerting?: {
    /**
     * Relabeling of the alerts sent: replicas drop their `replica` label, so Alertmanager sees one alert.
     * @default - none
     */
    readonly alert_relabel_configs?: RelabelConfig[];
    readonly alertmanagers: { readonly static_configs: StaticConfig[] }[];
  };
  /**
   * Globs of the rule files to load.
   * @default - none (shards whose rules run in the long-term store)
   */
  readonly rule_files?: string[];
  /** The scrape jobs, in order. */
  readonly scrape_configs: ScrapeConfig[];
  /**
   * Long-term stores every sample is also sent to.
   * @default - none
   */
  readonly remote_write?: RemoteWriteConfig[];
  /**
   * Storage settings, reloadable with the rest of the file.
   * @default - 15d retention, no size bound
   */
  readonly storage?: { readonly tsdb: { readonly retention: { readonly time: string; readonly size: string } } };
}
