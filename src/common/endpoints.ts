/** A Prometheus server that Grafana (or anything else) can query. */
export interface IPrometheusEndpoint {
  /** HTTP base URL of its API, such as `http://prometheus-service:9090`. */
  readonly url: string;
  /**
   * Labels of its pods when it runs in the same namespace, so NetworkPolicies can let clients reach it.
   * @default - unknown: clients' egress to it is not restricted
   */
  readonly podSelector?: Record<string, string>;
  /**
   * Its pods' port, with `podSelector`.
   * @default - unknown
   */
  readonly port?: number;
}

/** An Alertmanager that Prometheus sends alerts to. */
export interface IAlertmanagerEndpoint {
  /** `host:port` of its API, such as `alertmanager-service:9093`. */
  readonly address: string;
}
