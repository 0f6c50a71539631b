import { expectType, factoryOptions } from '../common/validation';
import { sortedMap } from '../common/serialize';
import { KubernetesSdRole, RelabelAction, RelabelConfig, Scheme, ScrapeConfig } from './config-model';

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Options of {@link ScrapeJobs.kubernetesService}. */
export interface KubernetesServiceScrapeOptions {
  /** Job name: the `job` label of every series. */
  readonly jobName: string;
  /** Namespace of the Service. */
  readonly namespace: string;
  /** Name of the Service whose endpoints are scraped. */
  readonly serviceName: string;
  /**
   * Name of the Service port that serves metrics.
   * @default 'http', unless `port` is given
   */
  readonly portName?: string;
  /**
   * Number of the pods' port that serves metrics (the Service's target port), for a Service whose ports have no
   * name; when given, `portName` is not used (give one of the two).
   * @default - the port named `portName`
   */
  readonly port?: number;
  /**
   * Path of the metrics endpoint.
   * @default '/metrics'
   */
  readonly metricsPath?: string;
  /**
   * Scrape interval of this job.
   * @default - the global scrape interval
   */
  readonly interval?: string;
}

/** Factories for the scrape jobs the stack uses; each returns plain, typed prometheus.yml data. */
export class ScrapeJobs {
  /**
   * Fixed `host:port` targets; `labels` are added to their series (the stack gives its own programs a
   * `namespace` label, so their alerts carry one like those of discovered targets).
   * @param jobName the `job` label of their series
   * @param targets `host:port` of each target
   * @param metricsPath HTTP path of the metrics; by default `/metrics`
   * @param labels labels added to their series; by default none
   */
  public static staticTargets(jobName: string, targets: string[], metricsPath?: string, labels?: Record<string, string>): ScrapeConfig {
    expectType('ScrapeJobs.staticTargets', 'jobName', jobName, 'string');
    expectType('ScrapeJobs.staticTargets', 'targets', targets, 'array');
    return {
      jobName,
      ...(metricsPath ? { metricsPath } : {}),
      staticConfigs: [{ targets, ...(labels ? { labels: sortedMap(labels) } : {}) }],
    };
  }

  /**
   * The pods behind one Kubernetes Service, found through Kubernetes service discovery (no Prometheus Operator
   * needed). Each series gets `namespace`, `service` and `pod` labels.
   * @param options the Service, its port and the job's name
   */
  public static kubernetesService(options: KubernetesServiceScrapeOptions): ScrapeConfig {
    factoryOptions('ScrapeJobs.kubernetesService', options, { jobName: 'string', namespace: 'string', serviceName: 'string' });
    return {
      jobName: options.jobName,
      ...(options.interval ? { scrapeInterval: options.interval } : {}),
      metricsPath: options.metricsPath ?? '/metrics',
      // EndpointSlices: the v1 Endpoints API is deprecated from Kubernetes 1.33.
      kubernetesSdConfigs: [{ role: KubernetesSdRole.ENDPOINTSLICE, namespaces: { names: [options.namespace] } }],
      relabelConfigs: [
        keep('__meta_kubernetes_service_name', options.serviceName),
        // An EndpointSlice's port is the pods' (the Service's target port), under the Service port's name.
        options.port !== undefined
          ? keep('__meta_kubernetes_endpointslice_port', `${options.port}`)
          : keep('__meta_kubernetes_endpointslice_port_name', options.portName ?? 'http'),
        ...ENDPOINT_LABELS,
      ],
    };
  }

  /**
   * Container CPU and memory from each node's cAdvisor, scraped from the kubelet itself
   * (`https://<node>:10250/metrics/cadvisor`), as kube-prometheus does: it needs `get nodes/metrics`, not
   * the API server's `nodes/proxy`, which would open the whole kubelet API.
   * @param jobName the `job` label of its series
   */
  public static cadvisor(jobName = 'kubernetes-cadvisor'): ScrapeConfig {
    return {
      jobName,
      // cAdvisor stamps its samples; without this, series of deleted containers linger for 5 minutes.
      trackTimestampsStaleness: true,
      scheme: Scheme.HTTPS,
      metricsPath: '/metrics/cadvisor',
      authorization: { credentialsFile: `${SERVICE_ACCOUNT_DIR}/token` },
      // Kubelet serving certificates are usually self-signed, not issued by the cluster CA.
      tlsConfig: { caFile: `${SERVICE_ACCOUNT_DIR}/ca.crt`, insecureSkipVerify: true },
      // Node discovery's address is the kubelet's (InternalIP:10250).
      kubernetesSdConfigs: [{ role: KubernetesSdRole.NODE }],
      relabelConfigs: [
        { action: RelabelAction.LABELMAP, regex: '__meta_kubernetes_node_label_(.+)' },
      ],
      metricRelabelConfigs: [
        { sourceLabels: ['__name__'], regex: UNUSED_CADVISOR_METRICS, action: RelabelAction.DROP },
      ],
    };
  }

  /**
   * kube-state-metrics (pod phases, restarts, waiting reasons): a Service labelled
   * `app.kubernetes.io/name: kube-state-metrics` in one of `namespaces`. Its series carry the namespace and
   * pod they describe (`honorLabels`), so only these trusted namespaces are searched: a Service elsewhere
   * with the same label could otherwise publish any series. A cluster without it has no such target.
   * @param namespaces the trusted namespaces searched for its Service
   * @param jobName the `job` label of its series
   */
  public static kubeStateMetrics(namespaces: string[], jobName = 'kube-state-metrics'): ScrapeConfig {
    expectType('ScrapeJobs.kubeStateMetrics', 'namespaces', namespaces, 'array');
    return {
      jobName,
      honorLabels: true,
      kubernetesSdConfigs: [{ role: KubernetesSdRole.ENDPOINTSLICE, namespaces: { names: namespaces } }],
      relabelConfigs: [
        keep('__meta_kubernetes_service_label_app_kubernetes_io_name', 'kube-state-metrics'),
        // kube-state-metrics' own manifests name the port `http-metrics`; the prometheus-community chart `http`.
        keep('__meta_kubernetes_endpointslice_port_name', 'http-metrics|http'),
      ],
    };
  }
}

/**
 * cAdvisor families no rule or dashboard of the stack reads, and whose per-container, per-device series
 * dominate its output (kube-prometheus drops the same kind).
 */
const UNUSED_CADVISOR_METRICS = 'container_(blkio_device_usage_total|cpu_load_average_10s|cpu_system_seconds_total|cpu_user_seconds_total|file_descriptors|fs_.+|memory_failures_total|memory_mapped_file|memory_swap|network_tcp_usage_total|network_udp_usage_total|processes|sockets|tasks_state|threads|threads_max|ulimits_soft)';

function keep(sourceLabel: string, regex: string): RelabelConfig {
  return { sourceLabels: [sourceLabel], regex, action: RelabelAction.KEEP };
}

const ENDPOINT_LABELS: RelabelConfig[] = [
  { sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' },
  { sourceLabels: ['__meta_kubernetes_service_name'], targetLabel: 'service' },
  { sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' },
];
