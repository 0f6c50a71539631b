/** A Prometheus server that Grafana (or anything else) can query: a {@link PrometheusServer}, or one elsewhere. */
export interface IPrometheusEndpoint {
  /** HTTP base URL of its API from its own namespace, such as `http://prometheus-service:9090`. */
  readonly url: string;
  /**
   * HTTP base URL of its API as seen from a client in `clientNamespace` (the cluster-wide name when the
   * client runs in another namespace).
   */
  urlFrom(clientNamespace: string): string;
  /**
   * Its pods and port, so that a client's NetworkPolicy lets it reach them; `undefined` when unknown (a
   * Prometheus outside the cluster), and the client's egress is then not restricted.
   */
  networkDestination(): NetworkDestination | undefined;
}

/** An Alertmanager that Prometheus sends alerts to: an {@link AlertRouter}, or one elsewhere. */
export interface IAlertmanagerEndpoint {
  /** `host:port` of its API from its own namespace, such as `alertmanager-service:9093`. */
  readonly address: string;
  /**
   * The `host:port` addresses Prometheus sends alerts to from `clientNamespace`: for a cluster, every member
   * (they deduplicate notifications among themselves), not one load-balanced Service.
   */
  targetsFrom(clientNamespace: string): string[];
}

/** An endpoint at `url` outside this library: no namespace, no pods known. */
export function externalPrometheus(url: string): IPrometheusEndpoint {
  return { url, urlFrom: () => url, networkDestination: () => undefined };
}

/** An Alertmanager at `address` outside this library. */
export function externalAlertmanager(address: string): IAlertmanagerEndpoint {
  return { address, targetsFrom: () => [address] };
}

/** `local` from the same namespace, `cluster` (a name resolvable from any namespace) from another. */
export function addressFrom(ownNamespace: string, clientNamespace: string, local: string, cluster: string): string {
  return ownNamespace === clientNamespace ? local : cluster;
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
  /**
   * Ports the DNS server pods listen on. A NetworkPolicy sees the pod's port, after the Service's
   * translation: OpenShift's CoreDNS pods, for one, listen on 5353 behind a Service on 53.
   * @default [53] (UDP and TCP each)
   */
  readonly ports?: number[];
}
