import { Dashboards, GrafanaDashboard } from '../dashboard';
import { provisionedDashboard, statPanel, timeseriesPanel } from '../panels';

/** Options of {@link kubernetesInfrastructureDashboard}. */
export interface KubernetesInfrastructureDashboardOptions {
  /** Namespaces shown. */
  readonly namespaces: string[];
  /** @default 'kubernetes-infrastructure' */
  readonly uid?: string;
  /** @default 'Kubernetes - Infrastructure' */
  readonly title?: string;
}

/**
 * **Kubernetes - Infrastructure**: container CPU and memory against their limits (cAdvisor) and pod status
 * and restarts (kube-state-metrics).
 */
export function kubernetesInfrastructureDashboard(options: KubernetesInfrastructureDashboardOptions): GrafanaDashboard {
  const ns = `namespace=~"${options.namespaces.join('|')}"`;
  const byPod = 'sum by (namespace, pod)';
  const builder = provisionedDashboard(options.title ?? 'Kubernetes - Infrastructure', options.uid ?? 'kubernetes-infrastructure', ['kubernetes', 'infrastructure', 'mlops'])
    .withPanel(timeseriesPanel({
      title: 'CPU usage by pod',
      unit: 'cores',
      min: 0,
      queries: [{ expr: `${byPod} (rate(container_cpu_usage_seconds_total{container!="", ${ns}}[$__rate_interval]))`, legend: '{{namespace}}/{{pod}}' }],
      grid: [0, 0, 12, 8],
    }))
    .withPanel(timeseriesPanel({
      title: 'CPU usage / limit',
      unit: 'percentunit',
      min: 0,
      queries: [{
        expr: `sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{container!="", ${ns}}[$__rate_interval])) / sum by (namespace, pod, container) (container_spec_cpu_quota{container!="", ${ns}} / container_spec_cpu_period{container!="", ${ns}})`,
        legend: '{{pod}}/{{container}}',
      }],
      grid: [12, 0, 12, 8],
    }))
    .withPanel(timeseriesPanel({
      title: 'Memory working set by pod',
      unit: 'bytes',
      min: 0,
      queries: [{ expr: `${byPod} (container_memory_working_set_bytes{container!="", ${ns}})`, legend: '{{namespace}}/{{pod}}' }],
      grid: [0, 8, 12, 8],
    }))
    .withPanel(timeseriesPanel({
      title: 'Memory / limit',
      unit: 'percentunit',
      min: 0,
      queries: [{
        expr: `sum by (namespace, pod, container) (container_memory_working_set_bytes{container!="", ${ns}}) / sum by (namespace, pod, container) (container_spec_memory_limit_bytes{container!="", ${ns}} > 0)`,
        legend: '{{pod}}/{{container}}',
      }],
      grid: [12, 8, 12, 8],
    }))
    .withPanel(timeseriesPanel({
      title: 'Pods by phase',
      min: 0,
      queries: [{ expr: `sum by (phase) (kube_pod_status_phase{${ns}})`, legend: '{{phase}}' }],
      grid: [0, 16, 12, 8],
    }))
    .withPanel(statPanel({
      title: 'Container restarts (1h)',
      queries: [{ expr: `sum(increase(kube_pod_container_status_restarts_total{${ns}}[1h]))` }],
      grid: [12, 16, 6, 8],
    }))
    .withPanel(statPanel({
      title: 'Crash-looping containers',
      queries: [{ expr: `sum(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff", ${ns}}) or vector(0)` }],
      grid: [18, 16, 6, 8],
    }));
  return Dashboards.fromBuilder(builder);
}
