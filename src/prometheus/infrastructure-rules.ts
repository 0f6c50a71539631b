import { factoryOptions } from '../common/validation';
import { Runbooks } from '../common/runbooks';
import { AlertSeverity, forPhrase, RuleGroup } from './rules';

/** Thresholds of the infrastructure alerts. */
export interface InfrastructureAlertOptions {
  /**
   * Namespaces whose containers are watched.
   * @default - every namespace; a {@link PrometheusServer}'s own namespace for its built-in alerts
   */
  readonly namespaces?: string[];
  /**
   * CPU usage, as a fraction of the container's CPU limit, above which HighCPUUsage fires.
   * @default 0.8
   */
  readonly cpuLimitRatio?: number;
  /**
   * Share of a container's CFS periods in which it was throttled, above which CPUThrottlingHigh fires.
   * @default 0.25
   */
  readonly throttledPeriodsRatio?: number;
  /**
   * Memory working set, as a fraction of the container's memory limit, above which HighMemoryUsage fires.
   * @default 0.9
   */
  readonly memoryLimitRatio?: number;
  /**
   * How long HighCPUUsage and HighMemoryUsage conditions must hold.
   * @default '5m'
   */
  readonly forDuration?: string;
  /**
   * How long a container must keep crash-looping (or being throttled) before PodCrashLooping
   * (CPUThrottlingHigh) fires. Crash loops and throttling come in bursts: a longer wait tells a loop from
   * one restart.
   * @default '15m'
   */
  readonly sustainedFor?: string;
  /**
   * Job name of kube-state-metrics, for KubeStateMetricsAbsent.
   * @default 'kube-state-metrics'
   */
  readonly kubeStateMetricsJob?: string;
  /**
   * Base URL of the runbooks: each alert links to `<base>/<AlertName>.md`.
   * @default - this repository's docs/runbooks
   */
  readonly runbookBaseUrl?: string;
}

/** The component label of the infrastructure alerts. */
export const INFRASTRUCTURE_COMPONENT = 'infrastructure';

/** The alerts on the Kubernetes workloads themselves: crash loops, CPU and memory against their limits. */
export class InfrastructureAlerts {
  /** The `component` label of the infrastructure alerts. */
  public static readonly COMPONENT = INFRASTRUCTURE_COMPONENT;

  /**
   * PodCrashLooping (kube-state-metrics), HighCPUUsage, CPUThrottlingHigh and HighMemoryUsage (cAdvisor,
   * relative to the container's limit as cAdvisor reports it, so they need no kube-state-metrics), and
   * KubeStateMetricsAbsent, since PodCrashLooping is blind without it.
   * @param options thresholds, durations and namespaces
   */
  public static rules(options: InfrastructureAlertOptions = {}): RuleGroup {
    return infrastructureAlertRules(factoryOptions('InfrastructureAlerts.rules', options));
  }

  private constructor() {}
}

/** See {@link InfrastructureAlerts.rules}. */
export function infrastructureAlertRules(options: InfrastructureAlertOptions): RuleGroup {
  const ns = options.namespaces ? `namespace=~"${options.namespaces.join('|')}"` : 'namespace=~".+"';
  const cpu = options.cpuLimitRatio ?? 0.8;
  const throttled = options.throttledPeriodsRatio ?? 0.25;
  const memory = options.memoryLimitRatio ?? 0.9;
  const holdFor = options.forDuration ?? '5m';
  const sustainedFor = options.sustainedFor ?? '15m';
  const ksmJob = options.kubeStateMetricsJob ?? 'kube-state-metrics';
  const runbook = (alert: string) => Runbooks.urlOf(alert, options.runbookBaseUrl);
  const byContainer = 'sum by (namespace, pod, container)';
  const container = 'Container {{ $labels.namespace }}/{{ $labels.pod }}/{{ $labels.container }}';
  const base = { severity: AlertSeverity.WARNING as const, component: INFRASTRUCTURE_COMPONENT };
  return {
    name: 'infrastructure-alerts',
    rules: [
      {
        ...base,
        alert: 'PodCrashLooping',
        // kube-state-metrics reports the reason only while the container waits; the kubelet's back-off
        // (10 s doubling to 5 min) lets it run in between, so the raw series flickers and a plain `for`
        // keeps restarting. Any wait in the last 5 minutes counts.
        expr: `max by (namespace, pod, container) (max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff", ${ns}}[5m])) >= 1`,
        forDuration: sustainedFor,
        summary: `${container} is crash-looping`,
        description: `kube-state-metrics has seen the container waiting in CrashLoopBackOff within every 5 minutes${forPhrase(sustainedFor)}: it keeps exiting and Kubernetes keeps backing off its restarts.`,
        runbookUrl: runbook('PodCrashLooping'),
      },
      {
        ...base,
        alert: 'HighCPUUsage',
        expr: `${byContainer} (rate(container_cpu_usage_seconds_total{container!="", ${ns}}[5m])) / ${byContainer} (container_spec_cpu_quota{container!="", ${ns}} / container_spec_cpu_period{container!="", ${ns}}) > ${cpu}`,
        forDuration: holdFor,
        summary: `${container} uses {{ $value | humanizePercentage }} of its CPU limit`,
        description: `CPU usage (cAdvisor, rate over 5m) above ${cpu * 100}% of the container's CPU limit${forPhrase(holdFor)}: it is close to its limit. Throttling of bursty containers below this average is CPUThrottlingHigh's business. Containers without a CPU limit are not watched.`,
        runbookUrl: runbook('HighCPUUsage'),
      },
      {
        ...base,
        alert: 'CPUThrottlingHigh',
        // A bursty container is throttled at a modest average use: the CFS period counters see it, the
        // usage rate does not.
        expr: `${byContainer} (increase(container_cpu_cfs_throttled_periods_total{container!="", ${ns}}[5m])) / ${byContainer} (increase(container_cpu_cfs_periods_total{container!="", ${ns}}[5m])) > ${throttled}`,
        forDuration: sustainedFor,
        summary: `${container} is throttled in {{ $value | humanizePercentage }} of its CPU periods`,
        description: `The container hit its CPU limit in more than ${throttled * 100}% of its scheduling periods (over 5m)${forPhrase(sustainedFor)}: its requests stall even if its average CPU use looks low.`,
        runbookUrl: runbook('CPUThrottlingHigh'),
      },
      {
        ...base,
        alert: 'HighMemoryUsage',
        expr: `${byContainer} (container_memory_working_set_bytes{container!="", ${ns}}) / ${byContainer} (container_spec_memory_limit_bytes{container!="", ${ns}} > 0) > ${memory}`,
        forDuration: holdFor,
        summary: `${container} uses {{ $value | humanizePercentage }} of its memory limit`,
        description: `Memory working set above ${memory * 100}% of the container's memory limit${forPhrase(holdFor)}: it is close to being OOM-killed. Containers without a memory limit are not watched.`,
        runbookUrl: runbook('HighMemoryUsage'),
      },
      {
        ...base,
        alert: 'KubeStateMetricsAbsent',
        expr: `absent(up{job="${ksmJob}"} == 1)`,
        forDuration: sustainedFor,
        summary: 'kube-state-metrics is not being scraped',
        description: `No ${ksmJob} target has been up${forPhrase(sustainedFor)}: PodCrashLooping cannot fire and the pod-status panels are empty. Install kube-state-metrics, or turn off the stack's Kubernetes monitoring.`,
        runbookUrl: runbook('KubeStateMetricsAbsent'),
      },
    ],
  };
}
