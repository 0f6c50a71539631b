/*
 * Incidents as an on-call engineer lives them, as typed data: what each target serves minute by minute,
 * and which alerts must fire (with the window, in minutes from the start, of their first firing
 * evaluation). Every other alert must stay silent; Watchdog fires throughout, by design.
 */
import {
  always, between, ContainerUsage, containerSeries, crashLoop, FASTAPI_BUCKETS, from, GO_DEFAULT_BUCKETS,
  IrisReplica, irisReplicaSeries, kubeStateMetricsUp, never, not, pipelineSeries, PipelineHealth,
  PYTHON_DEFAULT_BUCKETS, STACK_CONTAINERS, When,
} from './incidents';
import { Incident } from './incident-runner';

/** An incident and what the on-call engineer must see. */
export interface Scenario {
  readonly name: string;
  readonly minutes: number;
  readonly replicas?: IrisReplica[];
  readonly containers?: ContainerUsage[];
  readonly kubeStateMetrics?: When;
  readonly crashLooping?: ReturnType<typeof crashLoop>;
  readonly pipeline?: PipelineHealth;
  /** Alert → [earliest, latest] minute of its first firing evaluation. Nothing else may fire. */
  readonly fires: Record<string, [number, number]>;
}

const HEALTHY_REPLICAS: IrisReplica[] = [{ pod: 'iris-api-7d4b9c8f6-a1' }, { pod: 'iris-api-7d4b9c8f6-b2' }];
const replicas = (overrides: Partial<IrisReplica>[]): IrisReplica[] => overrides.map((o, i) => ({ pod: `iris-api-7d4b9c8f6-r${i}`, ...o }));
const withContainer = (pod: string, usage: Partial<ContainerUsage>): ContainerUsage[] =>
  STACK_CONTAINERS.map((c) => (c.pod === pod ? { ...c, ...usage } : c));
const crash = crashLoop('iris-api-7d4b9c8f6-b2', 'iris-api', 5, 30);

export const SCENARIOS: Scenario[] = [
  {
    name: 'a healthy stack for an hour, one replica restarting (counter reset), 0.1% errors, busy but below every threshold',
    minutes: 60,
    replicas: [
      { pod: 'iris-api-7d4b9c8f6-a1', restartsAtMinute: [30], serving: not(between(30, 30.5)), modelLoaded: not(between(30, 31)) },
      { pod: 'iris-api-7d4b9c8f6-b2', buckets: PYTHON_DEFAULT_BUCKETS },
    ],
    containers: withContainer('iris-api-7d4b9c8f6-a1', { memoryBytes: () => 870 * 1024 * 1024, cores: () => 0.7, throttled: () => 0.05 }),
    fires: {},
  },
  {
    name: 'crash loop of one replica of two, with kubelet back-off (runs 30 s between crashes)',
    minutes: 60,
    replicas: [{ pod: 'iris-api-7d4b9c8f6-a1' }, { pod: 'iris-api-7d4b9c8f6-b2', serving: not(crash.waiting), restartsAtMinute: [] }],
    crashLooping: crash,
    fires: { PodCrashLooping: [15, 22] },
  },
  {
    name: 'rolling update of two replicas: new pods start unready and load the model, old pods go',
    minutes: 40,
    replicas: [
      { pod: 'iris-api-7d4b9c8f6-a1', discovered: not(from(21.5)) },
      { pod: 'iris-api-7d4b9c8f6-b2', discovered: not(from(23)) },
      { pod: 'iris-api-85f6d7c9b-c3', discovered: from(20), serving: from(20.75), modelLoaded: from(21) },
      { pod: 'iris-api-85f6d7c9b-d4', discovered: from(21.5), serving: from(22.25), modelLoaded: from(22.5) },
    ],
    fires: {},
  },
  {
    name: 'one replica of three stops answering (hung, failing readiness)',
    minutes: 40,
    replicas: replicas([{}, {}, { serving: not(from(10)) }]),
    fires: { TargetDown: [20, 21] },
  },
  {
    name: 'every replica down (node lost)',
    minutes: 40,
    replicas: replicas([{ serving: not(from(10)) }, { serving: not(from(10)) }]),
    fires: { IrisAPIDown: [11, 12], TargetDown: [20, 21] },
  },
  {
    name: 'the API vanishes from service discovery (scaled to zero, Service selector broken)',
    minutes: 30,
    replicas: replicas([{ discovered: not(from(10)) }, { discovered: not(from(10)) }]),
    fires: { IrisAPIDown: [11, 12] },
  },
  {
    name: 'a new model version fails to load on every replica: /predict answers only errors',
    minutes: 50,
    replicas: replicas([0, 1].map(() => ({ restartsAtMinute: [10], serving: not(between(10, 10.5)), modelLoaded: not(from(10)) }))),
    fires: { ModelNotLoaded: [11, 12], HighErrorRate: [15, 17], LowPredictionRate: [35, 42] },
  },
  {
    name: 'one replica of two without its model: half the requests fail',
    minutes: 30,
    replicas: replicas([{}, { modelLoaded: not(from(10)) }]),
    fires: { HighErrorRate: [15, 17] },
  },
  {
    name: '10% of predictions fail',
    minutes: 30,
    replicas: replicas([0, 1].map(() => ({ errorRatio: (t: number) => (t >= 600 ? 0.1 : 0.001) }))),
    // The 5m ratio crosses 5% half-way into the window (~12.5), then 5m of `for`.
    fires: { HighErrorRate: [17, 19] },
  },
  {
    name: '2% of predictions fail (below the threshold)',
    minutes: 30,
    replicas: replicas([0, 1].map(() => ({ errorRatio: () => 0.02 }))),
    fires: {},
  },
  {
    name: 'every /predict takes 3 s, coarse FastAPI buckets (0.1/0.5/1), Python writes le="1.0"',
    minutes: 30,
    replicas: replicas([0, 1].map(() => ({ buckets: FASTAPI_BUCKETS, predictSeconds: (t: number) => (t >= 600 ? 3 : 0.12) }))),
    fires: { HighLatency: [15, 17] },
  },
  {
    name: '/predict takes 2 s but fast probes are 90% of the traffic, Go buckets (le="1")',
    minutes: 30,
    replicas: replicas([0, 1].map(() => ({
      buckets: GO_DEFAULT_BUCKETS, predictRps: () => 0.5, probeRps: () => 5, predictSeconds: (t: number) => (t >= 600 ? 2 : 0.08),
    }))),
    fires: { HighLatency: [15, 17] },
  },
  {
    name: 'slow /health probes (1.5 s) while /predict stays fast',
    minutes: 30,
    replicas: replicas([0, 1].map(() => ({ buckets: PYTHON_DEFAULT_BUCKETS, probeSeconds: () => 1.5, probeRps: () => 2 }))),
    fires: {},
  },
  {
    name: 'an API that is up but receives no predictions',
    minutes: 30,
    replicas: replicas([{ predictRps: () => 0 }]),
    fires: { LowPredictionRate: [15, 16] },
  },
  {
    name: 'a bursty container throttled in 50% of its CFS periods at 50% average CPU',
    minutes: 40,
    containers: withContainer('iris-api-7d4b9c8f6-b2', { cores: () => 0.5, throttled: (t) => (t >= 300 ? 0.5 : 0.02) }),
    fires: { CPUThrottlingHigh: [20, 23] },
  },
  {
    name: 'a container at 90% of its CPU limit (10% throttled)',
    minutes: 30,
    containers: withContainer('iris-api-7d4b9c8f6-b2', { cores: (t) => (t >= 300 ? 0.9 : 0.3), throttled: () => 0.1 }),
    // The 5m rate crosses 80% of the limit ~4 minutes in, then 5m of `for`.
    fires: { HighCPUUsage: [14, 16] },
  },
  {
    name: 'a container at 95% of its memory limit',
    minutes: 30,
    containers: withContainer('prometheus-5d8c7b9f4-q8w2z', { memoryBytes: (t) => (t >= 300 ? 0.95 * 2048 * 1024 * 1024 : 700 * 1024 * 1024) }),
    fires: { HighMemoryUsage: [10, 11] },
  },
  {
    name: 'no kube-state-metrics in the cluster',
    minutes: 30,
    kubeStateMetrics: never,
    fires: { KubeStateMetricsAbsent: [15, 16] },
  },
  {
    name: 'Prometheus side of the pipeline broken: bad config reload, failing rules, no Alertmanager, Grafana down',
    minutes: 40,
    pipeline: {
      prometheusReloadFails: from(5), ruleEvaluationsFail: from(5), alertmanagersDiscovered: not(from(5)), deliveryErrorRatio: (t) => (t >= 300 ? 1 : 0), grafanaUp: not(from(5)),
    },
    fires: {
      PrometheusConfigReloadFailed: [20, 21], PrometheusRuleEvaluationFailures: [20, 21], PrometheusNotConnectedToAlertmanagers: [20, 21],
      PrometheusAlertDeliveryFailing: [20, 21], TargetDown: [15, 16],
    },
  },
  {
    name: 'Alertmanager side broken: bad config reload, every webhook notification failing',
    minutes: 30,
    pipeline: { alertmanagerReloadFails: from(5), notificationErrorRatio: (t) => (t >= 300 ? 1 : 0) },
    fires: { AlertmanagerConfigReloadFailed: [20, 21], AlertmanagerNotificationsFailing: [10, 12] },
  },
];

/** The series of every target the synthesized jobs scrape, for one scenario. */
export function incidentOf(s: Scenario): Incident {
  return {
    name: s.name,
    minutes: s.minutes,
    series: [
      ...(s.replicas ?? HEALTHY_REPLICAS).flatMap((r, i) => irisReplicaSeries(r, i, s.minutes)),
      ...(s.containers ?? STACK_CONTAINERS).flatMap((c) => containerSeries(c, s.minutes)),
      ...((s.kubeStateMetrics ?? always) === never ? [] : [kubeStateMetricsUp(s.minutes, s.kubeStateMetrics)]),
      ...(s.crashLooping?.series(s.minutes) ?? []),
      ...pipelineSeries(s.pipeline ?? {}, s.minutes),
    ],
  };
}

