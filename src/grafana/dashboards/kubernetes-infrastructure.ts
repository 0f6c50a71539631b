import { anyOf } from '../../common/promql';
import { Dashboard, DashboardVariable } from '../dashboard';
import { Panel } from '../panels';

/** Options of {@link Dashboards.kubernetesInfrastructure}. */
export interface KubernetesInfrastructureDashboardOptions {
  /** Namespaces shown: the namespace drop-down offers these, and "All" is all of them. */
  readonly namespaces: string[];
  /**
   * The scrape job of kube-state-metrics, whose `up` tells "nothing crash-loops" from "nobody is looking".
   * @default 'kube-state-metrics'
   */
  readonly kubeStateMetricsJob?: string;
  /**
   * Unique id of the dashboard.
   * @default 'kubernetes-infrastructure'
   */
  readonly uid?: string;
  /**
   * Title of the dashboard.
   * @default 'Kubernetes - Infrastructure'
   */
  readonly title?: string;
}

/** What the kube-state-metrics panels show when its metrics are missing, instead of a misleading 0. */
const NO_KUBE_STATE_METRICS = 'kube-state-metrics not scraped';

/**
 * **Kubernetes - Infrastructure**: container CPU and memory against their limits (cAdvisor) and pod status
 * and restarts (kube-state-metrics). Variables: datasource, namespace and pod.
 */
export function kubernetesInfrastructureDashboard(options: KubernetesInfrastructureDashboardOptions): Dashboard {
  const scope = 'namespace=~"$namespace", pod=~"$pod"';
  const containers = `container!="", ${scope}`;
  const byPod = 'sum by (namespace, pod)';
  const byContainer = 'sum by (namespace, pod, container)';
  // A count from kube-state-metrics is 0 only when kube-state-metrics is up: `or vector(0)` would also say 0
  // when it is missing or down, and then the panel shows "no data" (NO_KUBE_STATE_METRICS) instead.
  const zeroIfKubeStateMetricsUp = `(min(up{job="${options.kubeStateMetricsJob ?? 'kube-state-metrics'}"}) == 1) * 0`;
  const title = options.title ?? 'Kubernetes - Infrastructure';
  const uid = options.uid ?? 'kubernetes-infrastructure';
  const tags = ['kubernetes', 'infrastructure', 'mlops'];
  const variables: DashboardVariable[] = [
    // From cAdvisor, which every kubelet serves, so the drop-downs work without kube-state-metrics.
    { name: 'namespace', selector: `container_memory_working_set_bytes{namespace=~${anyOf(options.namespaces)}}`, allValue: options.namespaces.join('|') },
    { name: 'pod', selector: 'container_memory_working_set_bytes{namespace=~"$namespace"}' },
  ];
  const panels = [
    Panel.timeseries({
      title: 'CPU usage by pod',
      description: 'CPU used by each pod, in cores (1 = one core busy all the time), from cAdvisor.',
      // Grafana has no CPU-cores unit; a custom suffix shows "0.25 cores".
      unit: 'suffix:cores',
      min: 0,
      legendCalcs: ['mean', 'max', 'lastNotNull'],
      queries: [{ expr: `${byPod} (rate(container_cpu_usage_seconds_total{${containers}}[$__rate_interval]))`, legend: '{{namespace}}/{{pod}}' }],
      position: { x: 0, y: 0, width: 12, height: 8 },
    }),
    Panel.timeseries({
      title: 'CPU usage / limit',
      description: 'CPU used by each container as a share of its CPU limit: near 100% the container is throttled (HighCPUUsage fires above 80%). Containers without a limit are not shown.',
      unit: 'percentunit',
      min: 0,
      legendCalcs: ['mean', 'max'],
      queries: [{
        expr: `${byContainer} (rate(container_cpu_usage_seconds_total{${containers}}[$__rate_interval])) / ${byContainer} (container_spec_cpu_quota{${containers}} / container_spec_cpu_period{${containers}})`,
        legend: '{{pod}}/{{container}}',
      }],
      position: { x: 12, y: 0, width: 12, height: 8 },
    }),
    Panel.timeseries({
      title: 'Memory working set by pod',
      description: 'Memory each pod uses and cannot give back (the working set, what the OOM killer looks at), from cAdvisor.',
      unit: 'bytes',
      min: 0,
      legendCalcs: ['mean', 'max', 'lastNotNull'],
      queries: [{ expr: `${byPod} (container_memory_working_set_bytes{${containers}})`, legend: '{{namespace}}/{{pod}}' }],
      position: { x: 0, y: 8, width: 12, height: 8 },
    }),
    Panel.timeseries({
      title: 'Memory / limit',
      description: 'Working set of each container as a share of its memory limit: at 100% the container is OOM-killed (HighMemoryUsage fires above 90%). Containers without a limit are not shown.',
      unit: 'percentunit',
      min: 0,
      legendCalcs: ['mean', 'max'],
      queries: [{
        expr: `${byContainer} (container_memory_working_set_bytes{${containers}}) / ${byContainer} (container_spec_memory_limit_bytes{${containers}} > 0)`,
        legend: '{{pod}}/{{container}}',
      }],
      position: { x: 12, y: 8, width: 12, height: 8 },
    }),
    Panel.timeseries({
      title: 'Pods by phase',
      description: 'Number of pods in each phase, from kube-state-metrics: Pending or Failed pods need a look.',
      unit: 'short',
      min: 0,
      noValue: NO_KUBE_STATE_METRICS,
      legendCalcs: ['lastNotNull', 'max'],
      queries: [{ expr: `sum by (phase) (kube_pod_status_phase{${scope}})`, legend: '{{phase}}' }],
      position: { x: 0, y: 16, width: 12, height: 8 },
    }),
    Panel.stat({
      title: 'Container restarts',
      description: 'Container restarts over the dashboard\'s time range, from kube-state-metrics.',
      unit: 'short',
      noValue: NO_KUBE_STATE_METRICS,
      thresholds: [{ value: 1, color: 'orange' }],
      queries: [{ expr: `sum(increase(kube_pod_container_status_restarts_total{${scope}}[$__range])) or ${zeroIfKubeStateMetricsUp}` }],
      position: { x: 12, y: 16, width: 6, height: 8 },
    }),
    Panel.stat({
      title: 'Crash-looping containers',
      description: 'Containers waiting in CrashLoopBackOff now, from kube-state-metrics (PodCrashLooping alerts on them).',
      unit: 'short',
      noValue: NO_KUBE_STATE_METRICS,
      thresholds: [{ value: 1, color: 'red' }],
      queries: [{ expr: `sum(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff", ${scope}}) or ${zeroIfKubeStateMetricsUp}` }],
      position: { x: 18, y: 16, width: 6, height: 8 },
    }),
  ];
  return Dashboard.provisioned({ uid, title, tags, variables, panels });
}
