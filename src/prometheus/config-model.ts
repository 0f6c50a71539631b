/*
 * The subset of Prometheus's configuration file format that the stack writes, typed field by field.
 * Field names are those of prometheus.yml (snake_case) so that this model reads like the file it becomes.
 */

/** One relabeling step (`relabel_configs` / `metric_relabel_configs`). */
export interface RelabelConfig {
  readonly source_labels?: string[];
  readonly separator?: string;
  readonly regex?: string;
  readonly target_label?: string;
  readonly replacement?: string;
  readonly action?: 'replace' | 'keep' | 'drop' | 'labelmap' | 'labeldrop' | 'labelkeep' | 'hashmod';
}

/** Kubernetes service discovery. */
export interface KubernetesSdConfig {
  readonly role: 'endpoints' | 'endpointslice' | 'pod' | 'service' | 'node' | 'ingress';
  /** Namespaces to watch. @default - all namespaces */
  readonly namespaces?: { readonly names: string[] };
}

/** A group of fixed targets. */
export interface StaticConfig {
  readonly targets: string[];
  readonly labels?: Record<string, string>;
}

/** One `scrape_configs` entry. */
export interface ScrapeConfig {
  readonly job_name: string;
  readonly scrape_interval?: string;
  readonly scrape_timeout?: string;
  readonly metrics_path?: string;
  readonly scheme?: 'http' | 'https';
  readonly honor_labels?: boolean;
  readonly authorization?: { readonly type?: string; readonly credentials_file?: string };
  readonly tls_config?: { readonly ca_file?: string; readonly server_name?: string; readonly insecure_skip_verify?: boolean };
  readonly static_configs?: StaticConfig[];
  readonly kubernetes_sd_configs?: KubernetesSdConfig[];
  readonly relabel_configs?: RelabelConfig[];
  readonly metric_relabel_configs?: RelabelConfig[];
}

/** The whole prometheus.yml. */
export interface PrometheusConfigFile {
  readonly global: {
    readonly scrape_interval: string;
    readonly evaluation_interval: string;
    readonly external_labels?: Record<string, string>;
  };
  readonly alerting?: { readonly alertmanagers: { readonly static_configs: StaticConfig[] }[] };
  readonly rule_files: string[];
  readonly scrape_configs: ScrapeConfig[];
}
