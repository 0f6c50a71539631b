import { InputSeries } from './promtool';

/*
 * Generators of realistic input series for `promtool test rules`: what the stack's scrape jobs would
 * store, sample by sample, while a real incident unfolds. Time is in seconds from the start of the
 * scenario; a sample is taken every STEP seconds, as the stack scrapes (15s).
 */

/** Seconds between samples (the stack's scrape interval, and the rules' evaluation interval). */
export const STEP = 15;
export const MINUTE = 60;

/** A value at time t, or undefined when no sample is stored (target down, series not exported). */
export type Sampler = (t: number) => number | undefined;
/** A condition over time. */
export type When = (t: number) => boolean;

export const always: When = () => true;
export const never: When = () => false;
/** True from minute `from` (inclusive) until minute `to` (exclusive). */
export const between = (from: number, to = Infinity): When => (t) => t >= from * MINUTE && t < to * MINUTE;
export const from = (minute: number): When => between(minute);
export const not = (when: When): When => (t) => !when(t);

/** `name{a="b", ...}` in promtool's series notation. */
export function seriesName(name: string, labels: Record<string, string>): string {
  return `${name}{${Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
}

/**
 * One input series over `minutes`: a sample where `sampler` gives a value; where it stops giving one, a
 * staleness marker (as Prometheus writes when a target or series disappears), then nothing.
 */
export function sampled(name: string, labels: Record<string, string>, minutes: number, sampler: Sampler): InputSeries {
  const values: string[] = [];
  let present = false;
  for (let t = 0; t <= minutes * MINUTE; t += STEP) {
    const v = sampler(t);
    if (v === undefined) {
      values.push(present ? 'stale' : '_');
      present = false;
    } else {
      values.push(Number.isInteger(v) ? String(v) : v.toFixed(6));
      present = true;
    }
  }
  return { series: seriesName(name, labels), values: values.join(' ') };
}

/** A gauge: `value(t)` while `exported(t)`. */
export const gauge = (value: (t: number) => number, exported: When = always): Sampler => (t) => (exported(t) ? value(t) : undefined);

/**
 * A counter growing at `perSecond(t)`, sampled while `exported(t)`. It restarts from 0 at each of
 * `resetsAt` (seconds: a process restart). `lazy`: a labelled child that client libraries create on first
 * increment, so no series exists before the first event.
 */
export function counter(perSecond: (t: number) => number, options: { exported?: When; resetsAt?: number[]; lazy?: boolean } = {}): Sampler {
  const exported = options.exported ?? always;
  const resets = [...(options.resetsAt ?? [])].sort((a, b) => a - b);
  // Integrated step by step; memoized because promtool sampling walks t in order.
  const totals = new Map<number, number>();
  return (t) => {
    let total = 0;
    for (let s = 0; s < t; s += STEP) {
      total = resets.includes(s + STEP) ? 0 : total + perSecond(s) * STEP;
      totals.set(s + STEP, total);
    }
    const value = totals.get(t) ?? 0;
    if (!exported(t) || (options.lazy && value === 0)) return undefined;
    return Math.round(value * 1000) / 1000;
  };
}

// ---- the Iris API ----

/** Histogram bucket layouts and how clients write their bounds. */
export interface BucketLayout {
  readonly bounds: number[];
  /** Python's prometheus_client writes `1.0`, Go's `1`. */
  readonly format: 'python' | 'go';
}
/** prometheus-fastapi-instrumentator's default latency buckets (Python). */
export const FASTAPI_BUCKETS: BucketLayout = { bounds: [0.1, 0.5, 1], format: 'python' };
/** client_golang's DefBuckets. */
export const GO_DEFAULT_BUCKETS: BucketLayout = { bounds: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], format: 'go' };
/** prometheus_client (Python)'s default buckets. */
export const PYTHON_DEFAULT_BUCKETS: BucketLayout = { bounds: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10], format: 'python' };

/** A bucket bound's `le` label as the client writes it. */
export function bucketLabel(bound: number, format: BucketLayout['format']): string {
  return format === 'python' && Number.isInteger(bound) ? bound.toFixed(1) : String(bound);
}

/** How one Iris API replica behaves over time. Defaults: a healthy replica. */
export interface IrisReplica {
  /** Pod name; its IP is derived. */
  readonly pod: string;
  /** Listed by service discovery (a deleted pod leaves it). @default always */
  readonly discovered?: When;
  /** Answers its scrapes (false while starting, crashed or unreachable). @default always */
  readonly serving?: When;
  /** model_loaded is 1. @default always */
  readonly modelLoaded?: When;
  /** /predict requests per second. @default 1 */
  readonly predictRps?: (t: number) => number;
  /** Share of /predict requests that fail (all of them while no model is loaded). @default 0.001 */
  readonly errorRatio?: (t: number) => number;
  /** Duration of a /predict request, seconds. @default 0.12 */
  readonly predictSeconds?: (t: number) => number;
  /** Liveness, readiness and /metrics requests per second, all fast. @default 0.3 */
  readonly probeRps?: (t: number) => number;
  /** Duration of a probe request. @default 0.002 */
  readonly probeSeconds?: (t: number) => number;
  /** Bucket layout of http_request_duration_seconds. @default FASTAPI_BUCKETS */
  readonly buckets?: BucketLayout;
  /** Process restarts (minutes): counters start again from 0. @default none */
  readonly restartsAtMinute?: number[];
}

const CLASSES = ['setosa', 'versicolor', 'virginica'];

/** The series the `iris-api` job stores for one replica, as its Kubernetes relabeling labels them. */
export function irisReplicaSeries(replica: IrisReplica, index: number, minutes: number): InputSeries[] {
  const target = {
    job: 'iris-api', instance: `10.244.1.${10 + index}:8000`, namespace: 'mlops', service: 'iris-api-service', pod: replica.pod,
  };
  const discovered = replica.discovered ?? always;
  const serving = replica.serving ?? always;
  const scraped: When = (t) => discovered(t) && serving(t);
  const loaded = replica.modelLoaded ?? always;
  const rps = replica.predictRps ?? (() => 1);
  const errorRatio = (t: number) => (loaded(t) ? (replica.errorRatio ?? (() => 0.001))(t) : 1);
  // Requests only reach a replica that serves: the Service routes to ready endpoints.
  const traffic = (perSecond: (t: number) => number) => (t: number) => (scraped(t) ? perSecond(t) : 0);
  const resetsAt = (replica.restartsAtMinute ?? []).map((m) => m * MINUTE);
  const counterOf = (perSecond: (t: number) => number, lazy: boolean) => counter(traffic(perSecond), { exported: scraped, resetsAt, lazy });
  const out: InputSeries[] = [
    sampled('up', target, minutes, gauge((t) => (serving(t) ? 1 : 0), discovered)),
    sampled('model_loaded', target, minutes, gauge((t) => (loaded(t) ? 1 : 0), scraped)),
    ...CLASSES.map((c) => sampled('model_predictions_total', { ...target, class: c }, minutes,
      counterOf((t) => (rps(t) * (1 - errorRatio(t))) / CLASSES.length, true))),
    sampled('api_errors_total', { ...target, type: 'prediction', endpoint: '/predict' }, minutes,
      counterOf((t) => rps(t) * errorRatio(t), true)),
  ];
  const layout = replica.buckets ?? FASTAPI_BUCKETS;
  const routes: [string, string, (t: number) => number, (t: number) => number][] = [
    ['/predict', 'POST', rps, replica.predictSeconds ?? (() => 0.12)],
    ['/health', 'GET', replica.probeRps ?? (() => 0.3), replica.probeSeconds ?? (() => 0.002)],
  ];
  for (const [handler, method, perSecond, seconds] of routes) {
    const labels = { ...target, handler, method };
    for (const bound of [...layout.bounds, Infinity]) {
      const name = 'http_request_duration_seconds_bucket';
      const boundLabel = bound === Infinity ? '+Inf' : bucketLabel(bound, layout.format);
      out.push(sampled(name, { ...labels, le: boundLabel }, minutes, counterOf((t) => (seconds(t) <= bound ? perSecond(t) : 0), false)));
    }
    out.push(sampled('http_request_duration_seconds_count', labels, minutes, counterOf(perSecond, false)));
  }
  return out;
}

// ---- Kubernetes: cAdvisor and kube-state-metrics ----

/** How one container uses CPU and memory (cAdvisor's view). Defaults: a quiet container. */
export interface ContainerUsage {
  readonly namespace?: string;
  readonly pod: string;
  readonly container: string;
  /** CPU used, in cores. @default 0.1 */
  readonly cores?: (t: number) => number;
  /** CPU limit in cores (quota / period). @default 1 */
  readonly limitCores?: number;
  /** Share of CFS periods in which the container was throttled. @default 0 */
  readonly throttled?: (t: number) => number;
  /** Working set, bytes. @default 200 MiB */
  readonly memoryBytes?: (t: number) => number;
  /** Memory limit, bytes (0: none). @default 1 GiB */
  readonly memoryLimitBytes?: number;
}

const MIB = 1024 * 1024;

/** The cAdvisor series of one container (scraped from the kubelet, with the node's labels). */
export function containerSeries(c: ContainerUsage, minutes: number): InputSeries[] {
  const labels = {
    job: 'kubernetes-cadvisor', instance: '10.0.0.11:10250', kubernetes_io_hostname: 'node-1',
    namespace: c.namespace ?? 'mlops', pod: c.pod, container: c.container,
    id: `/kubepods/burstable/pod-${c.pod}/${c.container}`, image: `example/${c.container}:1.0`,
  };
  const periodsPerSecond = 10; // CFS period of 100ms
  const throttled = c.throttled ?? (() => 0);
  return [
    sampled('container_cpu_usage_seconds_total', labels, minutes, counter(c.cores ?? (() => 0.1))),
    sampled('container_spec_cpu_quota', labels, minutes, gauge(() => (c.limitCores ?? 1) * 100000)),
    sampled('container_spec_cpu_period', labels, minutes, gauge(() => 100000)),
    sampled('container_cpu_cfs_periods_total', labels, minutes, counter(() => periodsPerSecond)),
    sampled('container_cpu_cfs_throttled_periods_total', labels, minutes, counter((t) => periodsPerSecond * throttled(t))),
    sampled('container_memory_working_set_bytes', labels, minutes, gauge(c.memoryBytes ?? (() => 200 * MIB))),
    sampled('container_spec_memory_limit_bytes', labels, minutes, gauge(() => c.memoryLimitBytes ?? 1024 * MIB)),
  ];
}

const KSM_TARGET = { job: 'kube-state-metrics', instance: '10.244.0.5:8080' };

/** kube-state-metrics' own target, up while `running`. */
export function kubeStateMetricsUp(minutes: number, running: When = always): InputSeries {
  return sampled('up', KSM_TARGET, minutes, gauge((t) => (running(t) ? 1 : 0)));
}

/**
 * A container crash-looping from `startMinute`: it runs `runSeconds`, exits, and the kubelet waits
 * 10 s, 20 s, 40 s ... up to 300 s before the next start (CrashLoopBackOff). kube-state-metrics exports
 * the waiting reason only during the waits, and counts the restarts.
 */
export function crashLoop(pod: string, container: string, startMinute: number, runSeconds: number) {
  const waits: [number, number][] = [];
  let t = startMinute * MINUTE + runSeconds;
  let backOff = 10;
  while (t < 24 * 3600) {
    waits.push([t, t + backOff]);
    t += backOff + runSeconds;
    backOff = Math.min(backOff * 2, 300);
  }
  const waiting: When = (s) => waits.some(([a, b]) => s >= a && s < b);
  const restarts = (s: number) => waits.filter(([, b]) => b <= s).length;
  const labels = { ...KSM_TARGET, namespace: 'mlops', pod, container };
  return {
    /** Whether the container is waiting (not running) at t. */
    waiting,
    series: (minutes: number): InputSeries[] => [
      sampled('kube_pod_container_status_waiting_reason', { ...labels, reason: 'CrashLoopBackOff' }, minutes, gauge(() => 1, waiting)),
      sampled('kube_pod_container_status_restarts_total', labels, minutes, gauge(restarts)),
    ],
  };
}

// ---- the monitoring stack's own programs ----

/** How Prometheus and Alertmanager themselves fare. Defaults: healthy. */
export interface PipelineHealth {
  readonly prometheusReloadFails?: When;
  readonly ruleEvaluationsFail?: When;
  readonly alertmanagersDiscovered?: When;
  /** Share of alerts Prometheus fails to deliver. @default 0 */
  readonly deliveryErrorRatio?: (t: number) => number;
  readonly alertmanagerReloadFails?: When;
  /** Share of webhook notifications that fail. @default 0 */
  readonly notificationErrorRatio?: (t: number) => number;
  readonly grafanaUp?: When;
  readonly alertmanagerUp?: When;
}

/** The series of the `prometheus`, `alertmanager` and `grafana` jobs (static targets, namespace label). */
export function pipelineSeries(health: PipelineHealth, minutes: number): InputSeries[] {
  const prometheus = { job: 'prometheus', instance: 'localhost:9090', namespace: 'mlops' };
  const alertmanager = { job: 'alertmanager', instance: 'alertmanager-service:9093', namespace: 'mlops' };
  const grafana = { job: 'grafana', instance: 'grafana-service:3000', namespace: 'mlops' };
  const am = { ...prometheus, alertmanager: 'http://10.244.0.9:9093/api/v2/alerts' };
  const flag = (fails: When | undefined) => gauge((t) => (fails?.(t) ? 0 : 1));
  const alertsPerSecond = 0.2;
  const amUp = health.alertmanagerUp ?? always;
  const notificationsPerSecond = 0.05;
  return [
    sampled('up', prometheus, minutes, gauge(() => 1)),
    sampled('prometheus_config_last_reload_successful', prometheus, minutes, flag(health.prometheusReloadFails)),
    sampled('prometheus_rule_evaluation_failures_total', { ...prometheus, rule_group: '/etc/prometheus/rules/api-alerts.yml;iris-api-alerts' }, minutes,
      counter((t) => (health.ruleEvaluationsFail?.(t) ? 1 / STEP : 0))),
    sampled('prometheus_notifications_alertmanagers_discovered', prometheus, minutes,
      gauge((t) => ((health.alertmanagersDiscovered ?? always)(t) ? 1 : 0))),
    sampled('prometheus_notifications_sent_total', am, minutes, counter(() => alertsPerSecond)),
    sampled('prometheus_notifications_errors_total', am, minutes, counter((t) => alertsPerSecond * (health.deliveryErrorRatio?.(t) ?? 0))),
    sampled('up', alertmanager, minutes, gauge((t) => (amUp(t) ? 1 : 0))),
    sampled('alertmanager_config_last_reload_successful', alertmanager, minutes, gauge((t) => (health.alertmanagerReloadFails?.(t) ? 0 : 1), amUp)),
    ...['webhook', 'email', 'slack'].flatMap((integration) => [
      sampled('alertmanager_notifications_total', { ...alertmanager, integration }, minutes,
        counter(() => (integration === 'webhook' ? notificationsPerSecond : 0), { exported: amUp })),
      sampled('alertmanager_notifications_failed_total', { ...alertmanager, integration }, minutes,
        counter((t) => (integration === 'webhook' ? notificationsPerSecond * (health.notificationErrorRatio?.(t) ?? 0) : 0), { exported: amUp })),
    ]),
    sampled('up', grafana, minutes, gauge((t) => ((health.grafanaUp ?? always)(t) ? 1 : 0))),
  ];
}

/** The containers of a healthy stack: two Iris API replicas and the three monitoring programs. */
export const STACK_CONTAINERS: ContainerUsage[] = [
  { pod: 'iris-api-7d4b9c8f6-a1', container: 'iris-api', cores: () => 0.3, memoryBytes: () => 600 * MIB },
  { pod: 'iris-api-7d4b9c8f6-b2', container: 'iris-api', cores: () => 0.3, memoryBytes: () => 600 * MIB },
  { pod: 'prometheus-5d8c7b9f4-q8w2z', container: 'prometheus', cores: () => 0.2, limitCores: 1, memoryBytes: () => 700 * MIB, memoryLimitBytes: 2048 * MIB },
  { pod: 'alertmanager-6b7c8d9e5-k3l4m', container: 'alertmanager', cores: () => 0.01, limitCores: 0.2, memoryBytes: () => 40 * MIB, memoryLimitBytes: 256 * MIB },
  { pod: 'grafana-7f8e9d6c5-p9o8i', container: 'grafana', cores: () => 0.05, limitCores: 0.5, memoryBytes: () => 150 * MIB, memoryLimitBytes: 512 * MIB },
];
