import { forPhrase, RuleGroup } from './rules';

/** Thresholds of the infrastructure alerts. */
export interface InfrastructureAlertOptions {
  /** Namespaces whose containers are watched. */
  readonly namespaces: string[];
  /**
   * CPU usage, as a fraction of the container's CPU limit, above which HighCPUUsage fires.
   * @default 0.8
   */
  readonly cpuLimitRatio?: number;
  /**
   * Memory working set, as a fraction of the container's memory limit, above which HighMemoryUsage fires.
   * @default 0.9
   */
  readonly memoryLimitRatio?: number;
  /**
   * How long a condition must hold before its alert fires.
   * @default '5m'
   */
  readonly for?: string;
}

/** The component label of the infrastructure alerts. */
export const INFRASTRUCTURE_COMPONENT = 'infrastructure';

/**
 * PodCrashLooping (kube-state-metrics), HighCPUUsage and HighMemoryUsage (cAdvisor, relative to the
 * container's limit as cAdvisor reports it, so they need no kube-state-metrics).
 */
export function infrastructureAlertRules(options: InfrastructureAlertOptions): RuleGroup {
  const ns = `namespace=~"${options.namespaces.join('|')}"`;
  const cpu = options.cpuLimitRatio ?? 0.8;
  const memory = options.memoryLimitRatio ?? 0.9;
  const holdFor = options.for ?? '5m';
  const byContainer = 'sum by (namespace, pod, container)';
  return {
    name: 'infrastructure-alerts',
    rules: [
      {
        alert: 'PodCrashLooping',
        expr: `max by (namespace, pod, container) (kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff", ${ns}}) == 1`,
        for: holdFor,
        severity: 'warning',
        component: INFRASTRUCTURE_COMPONENT,
        summary: 'Container {{ $labels.namespace }}/{{ $labels.pod }}/{{ $labels.container }} is crash-looping',
        description: `kube-state-metrics reports the container waiting in CrashLoopBackOff${forPhrase(holdFor)}: it keeps exiting and Kubernetes keeps backing off its restarts.`,
      },
      {
        alert: 'HighCPUUsage',
        expr: `${byContainer} (rate(container_cpu_usage_seconds_total{container!="", ${ns}}[5m])) / ${byContainer} (container_spec_cpu_quota{container!="", ${ns}} / container_spec_cpu_period{container!="", ${ns}}) > ${cpu}`,
        for: holdFor,
        severity: 'warning',
        component: INFRASTRUCTURE_COMPONENT,
        summary: 'Container {{ $labels.namespace }}/{{ $labels.pod }}/{{ $labels.container }} uses {{ $value | humanizePercentage }} of its CPU limit',
        description: `CPU usage (cAdvisor, rate over 5m) above ${cpu * 100}% of the container's CPU limit${forPhrase(holdFor)}: it is being throttled or soon will be. Containers without a CPU limit are not watched.`,
      },
      {
        alert: 'HighMemoryUsage',
        expr: `${byContainer} (container_memory_working_set_bytes{container!="", ${ns}}) / ${byContainer} (container_spec_memory_limit_bytes{container!="", ${ns}} > 0) > ${memory}`,
        for: holdFor,
        severity: 'warning',
        component: INFRASTRUCTURE_COMPONENT,
        summary: 'Container {{ $labels.namespace }}/{{ $labels.pod }}/{{ $labels.container }} uses {{ $value | humanizePercentage }} of its memory limit',
        description: `Memory working set above ${memory * 100}% of the container's memory limit${forPhrase(holdFor)}: it is close to being OOM-killed. Containers without a memory limit are not watched.`,
      },
    ],
  };
}
