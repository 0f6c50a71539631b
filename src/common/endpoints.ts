/** A Prometheus server that Grafana (or anything else) can query. */
export interface IPrometheusEndpoint {
  /** HTTP base URL of its API from its own namespace, such as `http://prometheus-service:9090`. */
  readonly url: string;
  /**
   * HTTP base URL from any namespace, such as `http://prometheus-service.mlops.svc:9090`.
   * @default - `url`
   */
  readonly clusterUrl?: string;
  /**
   * Namespace it runs in: clients in another namespace use `clusterUrl`, and NetworkPolicies select its
   * pods there.
   * @default - unknown: treated as the client's namespace
   */
  readonly namespace?: string;
  /**
   * Labels of its pods, so NetworkPolicies can let clients reach it.
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
  /** `host:port` of its API from its own namespace, such as `alertmanager-service:9093`. */
  readonly address: string;
  /**
   * `host:port` from any namespace, such as `alertmanager-service.mlops.svc:9093`.
   * @default - `address`
   */
  readonly clusterAddress?: string;
  /**
   * For a cluster of Alertmanagers, each member's `host:port`, resolvable from any namespace: Prometheus
   * sends every alert to every member (they deduplicate notifications among themselves), not to one Service.
   * @default - `address` alone
   */
  readonly memberAddresses?: string[];
  /**
   * Namespace it runs in: clients in another namespace use `clusterAddress`.
   * @default - unknown: treated as the client's namespace
   */
  readonly namespace?: string;
}

/** Pods allowed through a program's NetworkPolicy. */
export interface NetworkPeer {
  /** Labels of the pods. */
  readonly podLabels: Record<string, string>;
  /**
   * Their namespace.
   * @default - the program's own namespace
   */
  readonly namespace?: string;
}

/** Pods a program may open connections to, on one port. */
export interface NetworkDestination {
  /** The pods. */
  readonly peer: NetworkPeer;
  /** The TCP port. */
  readonly port: number;
}

/** The URL of `endpoint` as seen from `clientNamespace`. */
export function prometheusUrlFrom(endpoint: IPrometheusEndpoint, clientNamespace: string): string {
  return endpoint.namespace && endpoint.namespace !== clientNamespace ? endpoint.clusterUrl ?? endpoint.url : endpoint.url;
}

/** The address of `endpoint` as seen from `clientNamespace`. */
export function alertmanagerAddressFrom(endpoint: IAlertmanagerEndpoint, clientNamespace: string): string {
  return endpoint.namespace && endpoint.namespace !== clientNamespace ? endpoint.clusterAddress ?? endpoint.address : endpoint.address;
}

/** The addresses Prometheus sends alerts to for `endpoint`: every member of a cluster, else its one address. */
export function alertmanagerTargetsFrom(endpoint: IAlertmanagerEndpoint, clientNamespace: string): string[] {
  return endpoint.memberAddresses?.length ? [...endpoint.memberAddresses] : [alertmanagerAddressFrom(endpoint, clientNamespace)];
}

/** Where pods resolve names, for NetworkPolicies that restrict egress. */
export interface DnsEgress {
  /**
   * Labels of the DNS server pods, in any namespace.
   * @default { 'k8s-app': 'kube-dns' } (CoreDNS and kube-dns on most distributions)
   */
  readonly podLabels?: Record<string, string>;
  /**
   * Labels of the namespaces they run in.
   * @default - any namespace
   */
  readonly namespaceLabels?: Record<string, string>;
  /**
   * Addresses of DNS servers outside any pod network, in CIDR form: NodeLocal DNSCache listens on a
   * link-local address on every node.
   * @default ['169.254.20.10/32'] (NodeLocal DNSCache's usual address)
   */
  readonly ipBlocks?: string[];
}
