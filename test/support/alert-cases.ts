import { duration, ExpectedAlert, InputSeries, RuleFileRule, RuleTestGroup, seconds } from './promtool';

/*
 * promtool unit-test cases of the stack's eight alerts, as typed data. The series use the labels the
 * synthesized scrape jobs produce (job/instance/namespace/service/pod for the Iris API; cAdvisor and
 * kube-state-metrics labels for the infrastructure). Samples are one minute apart.
 */

/** The alert's expression holds from `trueFrom` on and yields `exp_alerts`. */
export interface FiringCase {
  readonly name: string;
  readonly input_series: InputSeries[];
  /**
   * First evaluation at which the expression returns the alerts: they must still be pending one interval
   * before `trueFrom + for`, and firing at `trueFrom + for` (`for` read from the synthesized rule).
   */
  readonly trueFrom: string;
  readonly exp_alerts: ExpectedAlert[];
}

/** Series on which the alert must never fire (evaluated well after its `for`). */
export interface QuietCase {
  readonly name: string;
  readonly input_series: InputSeries[];
}

export interface AlertCases {
  readonly alert: string;
  readonly firing: FiringCase[];
  readonly quiet: QuietCase[];
}

/** Evaluation interval of the unit tests, and spacing of the samples. */
const INTERVAL = 60;
/** Quiet cases are evaluated this long after the rule's `for`, so a wrongly true condition would have fired. */
const QUIET_MARGIN = 10 * 60;

/**
 * The promtool test groups of one alert: per firing case, the still-pending evaluation one interval before
 * `trueFrom + for` (no alert) and the firing one at `trueFrom + for` (exact alerts); per quiet case, no
 * alert at `for + 10m`. `for` comes from the synthesized rule, so the timings follow it.
 */
export function ruleTestGroups(cases: AlertCases, rule: RuleFileRule): RuleTestGroup[] {
  const holdFor = seconds(rule.for ?? '0s');
  if (holdFor < INTERVAL) throw new Error(`${cases.alert}: a "for" shorter than ${INTERVAL}s leaves no pending window to test`);
  const group = (name: string, input_series: InputSeries[], tests: [number, ExpectedAlert[]][]): RuleTestGroup => ({
    name: `${cases.alert}: ${name}`,
    interval: duration(INTERVAL),
    input_series,
    alert_rule_test: tests.map(([at, exp_alerts]) => ({ eval_time: duration(at), alertname: cases.alert, exp_alerts })),
  });
  return [
    ...cases.firing.map((c) => {
      const firesAt = seconds(c.trueFrom) + holdFor;
      return group(c.name, c.input_series, [[firesAt - INTERVAL, []], [firesAt, c.exp_alerts]]);
    }),
    ...cases.quiet.map((c) => group(c.name, c.input_series, [[holdFor + QUIET_MARGIN, []]])),
  ];
}

/** `name{a="b", ...}` in promtool's series notation. */
export function series(name: string, labels: Record<string, string>): string {
  return `${name}{${Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
}

/** How long every series runs: 40 samples, one a minute. */
const RUN = 40;
/** A constant value for the whole run. */
const flat = (value: number | string): string => `${value}x${RUN}`;
/** A counter growing by `perMinute` each minute. */
const counter = (perMinute: number): string => `0+${perMinute}x${RUN}`;

// ---- Iris API ----

/** Target labels of the `iris-api` job (Kubernetes endpoints discovery with the stack's relabeling). */
const IRIS = { job: 'iris-api', instance: '10.244.0.12:8000', namespace: 'mlops', service: 'iris-api-service', pod: 'iris-api-6c9f8d7b5-x2x7q' };
const IRIS_ALERT = { severity: 'critical', component: 'iris-api' };
const up = (values: string): InputSeries => ({ series: series('up', IRIS), values });
const predictions = (perMinute: number): InputSeries => ({ series: series('model_predictions_total', { ...IRIS, class: 'setosa' }), values: counter(perMinute) });
const errors = (perMinute: number): InputSeries => ({ series: series('api_errors_total', { ...IRIS, type: 'prediction', endpoint: '/predict' }), values: counter(perMinute) });
const lowPredictionRateAlert: ExpectedAlert = {
  exp_labels: { job: 'iris-api', severity: 'info', component: 'iris-api' },
  exp_annotations: {
    summary: 'iris-api serves almost no predictions',
    description: 'Fewer than 0.01 predictions per second (over 15m) for 15m while the API is up: traffic may be going elsewhere.',
  },
};
/** The request-duration histogram: cumulative requests per minute at or below each bucket bound. */
const latency = (perMinute: Record<'0.5' | '1' | '2' | '+Inf', number>): InputSeries[] => Object.entries(perMinute).map(([le, n]) => ({
  series: series('http_request_duration_seconds_bucket', { ...IRIS, handler: '/predict', le }),
  values: counter(n),
}));

const DOWN_ANNOTATIONS = {
  summary: 'iris-api is down',
  description: 'Prometheus could not scrape iris-api for 1m: either its target is down (up == 0) or it has vanished from service discovery (absent).',
};

// ---- Kubernetes ----

/** A container in the stack's namespace, as cAdvisor labels it (through the API server proxy). */
const CONTAINER = { namespace: 'mlops', pod: 'prometheus-5d8c7b9f4-q8w2z', container: 'prometheus' };
const CADVISOR = { job: 'kubernetes-cadvisor', instance: 'kubernetes.default.svc:443', node: 'node-1' };
const INFRA_ALERT = { severity: 'warning', component: 'infrastructure' };
const cadvisor = (name: string, values: string, container: Record<string, string> = CONTAINER): InputSeries => ({
  series: series(name, { ...CADVISOR, ...container }),
  values,
});
/** CPU: usage in cores (a counter of seconds) against a limit of 1 core (quota = period = 100ms). */
const cpu = (cores: number, container: Record<string, string> = CONTAINER, limited = true): InputSeries[] => [
  cadvisor('container_cpu_usage_seconds_total', counter(cores * 60), { ...container, cpu: 'total' }),
  ...(limited ? [cadvisor('container_spec_cpu_quota', flat(100000), container), cadvisor('container_spec_cpu_period', flat(100000), container)] : []),
];
/** Memory: working set against a limit (0 is what cAdvisor reports for "no limit"). */
const memory = (workingSet: number, limit: number, container: Record<string, string> = CONTAINER): InputSeries[] => [
  cadvisor('container_memory_working_set_bytes', flat(workingSet), container),
  cadvisor('container_spec_memory_limit_bytes', flat(limit), container),
];
/** kube-state-metrics' waiting-reason gauge (honor_labels keeps the pod's namespace). */
const waiting = (reason: string, value: number, namespace = 'mlops'): InputSeries => ({
  series: series('kube_pod_container_status_waiting_reason', {
    job: 'kube-state-metrics', instance: '10.244.0.5:8080', namespace, pod: 'iris-api-6c9f8d7b5-x2x7q', container: 'iris-api', reason, uid: 'b0a6c1e2',
  }),
  values: flat(value),
});
const crashLoopSummary = 'Container mlops/iris-api-6c9f8d7b5-x2x7q/iris-api is crash-looping';

export const ALERT_CASES: AlertCases[] = [
  {
    alert: 'IrisAPIDown',
    firing: [
      {
        name: 'target down: up == 0 from 3m',
        input_series: [up('1 1 1 0x37')],
        trueFrom: '3m',
        exp_alerts: [{ exp_labels: { ...IRIS, ...IRIS_ALERT }, exp_annotations: DOWN_ANNOTATIONS }],
      },
      {
        name: 'target vanished from discovery: up absent from 3m',
        input_series: [up('1 1 1 stale'), { series: series('up', { job: 'prometheus', instance: 'localhost:9090' }), values: flat(1) }],
        trueFrom: '3m',
        // absent() keeps only the selector's equality matchers as labels.
        exp_alerts: [{ exp_labels: { job: 'iris-api', ...IRIS_ALERT }, exp_annotations: DOWN_ANNOTATIONS }],
      },
    ],
    quiet: [{ name: 'target up', input_series: [up(flat(1))] }],
  },
  {
    alert: 'HighErrorRate',
    firing: [{
      name: '6 errors per 54 predictions: 10%',
      input_series: [predictions(54), errors(6)],
      trueFrom: '1m', // the first rate needs two samples
      exp_alerts: [{
        exp_labels: { job: 'iris-api', severity: 'warning', component: 'iris-api' },
        exp_annotations: {
          summary: 'iris-api error rate is 10%',
          description: 'errors / (predictions + errors), each a rate over 5m, has been above 5% for 5m.',
        },
      }],
    }, {
      // The predictions counter is labelled by class, so it has no series before the first prediction.
      name: 'only errors, never a prediction: 100%',
      input_series: [up(flat(1)), errors(10)],
      trueFrom: '1m',
      exp_alerts: [{
        exp_labels: { job: 'iris-api', severity: 'warning', component: 'iris-api' },
        exp_annotations: {
          summary: 'iris-api error rate is 100%',
          description: 'errors / (predictions + errors), each a rate over 5m, has been above 5% for 5m.',
        },
      }],
    }],
    quiet: [
      { name: '4 errors per 96 predictions: 4%', input_series: [predictions(96), errors(4)] },
      { name: 'no errors at all', input_series: [predictions(60), errors(0)] },
    ],
  },
  {
    alert: 'HighLatency',
    firing: [{
      // 95th of 100 requests lies in the (1s, 2s] bucket, halfway: 1.5s.
      name: 'p95 1.5s',
      input_series: latency({ '0.5': 80, '1': 90, '2': 100, '+Inf': 100 }),
      trueFrom: '1m',
      exp_alerts: [{
        exp_labels: { job: 'iris-api', severity: 'warning', component: 'iris-api' },
        exp_annotations: {
          summary: 'iris-api p95 latency is 1.5s',
          description: 'The 95th percentile of http_request_duration_seconds (over 5m) has been above 1s for 5m.',
        },
      }],
    }],
    // 4% of requests are slow (over 1s) but the 95th percentile is below 1s: no alert.
    quiet: [{ name: 'p95 below 1s, 4% slow requests', input_series: latency({ '0.5': 90, '1': 96, '2': 100, '+Inf': 100 }) }],
  },
  {
    alert: 'ModelNotLoaded',
    firing: [{
      name: 'model_loaded drops to 0 at 3m',
      input_series: [up(flat(1)), { series: series('model_loaded', IRIS), values: '1 1 1 0x37' }],
      trueFrom: '3m',
      exp_alerts: [{
        exp_labels: { ...IRIS, ...IRIS_ALERT },
        exp_annotations: {
          summary: 'iris-api has no model loaded',
          description: 'model_loaded has been 0 on 10.244.0.12:8000 for 1m: the API answers but cannot predict.',
        },
      }],
    }],
    quiet: [{ name: 'model loaded', input_series: [up(flat(1)), { series: series('model_loaded', IRIS), values: flat(1) }] }],
  },
  {
    alert: 'LowPredictionRate',
    firing: [{
      name: 'API up, no predictions',
      input_series: [up(flat(1)), predictions(0)],
      trueFrom: '0m', // before the first rate exists, the missing rate counts as 0
      exp_alerts: [lowPredictionRateAlert],
    }, {
      name: 'API up, never a prediction (no counter series at all)',
      input_series: [up(flat(1)), errors(10)],
      trueFrom: '0m',
      exp_alerts: [lowPredictionRateAlert],
    }],
    quiet: [
      { name: 'API up, one prediction a second', input_series: [up(flat(1)), predictions(60)] },
      // A down API is IrisAPIDown's business, not a traffic problem.
      { name: 'API down, no predictions', input_series: [up(flat(0)), predictions(0)] },
    ],
  },
  {
    alert: 'PodCrashLooping',
    firing: [{
      name: 'container waiting in CrashLoopBackOff',
      input_series: [waiting('CrashLoopBackOff', 1)],
      trueFrom: '0m',
      exp_alerts: [{
        exp_labels: { namespace: 'mlops', pod: 'iris-api-6c9f8d7b5-x2x7q', container: 'iris-api', ...INFRA_ALERT },
        exp_annotations: {
          summary: crashLoopSummary,
          description: 'kube-state-metrics reports the container waiting in CrashLoopBackOff for 5m: it keeps exiting and Kubernetes keeps backing off its restarts.',
        },
      }],
    }],
    quiet: [
      { name: 'not waiting', input_series: [waiting('CrashLoopBackOff', 0)] },
      { name: 'waiting for another reason', input_series: [waiting('ContainerCreating', 1)] },
      { name: 'crash-looping outside the watched namespace', input_series: [waiting('CrashLoopBackOff', 1, 'kube-system')] },
    ],
  },
  {
    alert: 'HighCPUUsage',
    firing: [{
      // The pod-level cgroup (container="") is ignored: only the container's own series count.
      name: '0.9 cores of a 1-core limit',
      input_series: [...cpu(0.9), cadvisor('container_cpu_usage_seconds_total', counter(60), { namespace: 'mlops', pod: CONTAINER.pod, container: '', cpu: 'total' })],
      // rate() divides by the whole 5m range: while the window is filling (the counter starts at 0m) the rate
      // is 0.18 cores per minute of data, and first exceeds 0.8 when the window is full.
      trueFrom: '5m',
      exp_alerts: [{
        exp_labels: { ...CONTAINER, ...INFRA_ALERT },
        exp_annotations: {
          summary: 'Container mlops/prometheus-5d8c7b9f4-q8w2z/prometheus uses 90% of its CPU limit',
          description: "CPU usage (cAdvisor, rate over 5m) above 80% of the container's CPU limit for 5m: it is being throttled or soon will be. Containers without a CPU limit are not watched.",
        },
      }],
    }],
    quiet: [
      { name: '0.5 cores of a 1-core limit', input_series: cpu(0.5) },
      { name: '4 cores without a CPU limit', input_series: cpu(4, CONTAINER, false) },
      { name: 'busy container in another namespace', input_series: cpu(0.95, { ...CONTAINER, namespace: 'kube-system' }) },
    ],
  },
  {
    alert: 'HighMemoryUsage',
    firing: [{
      name: 'working set 95% of the limit',
      input_series: memory(950_000_000, 1_000_000_000),
      trueFrom: '0m',
      exp_alerts: [{
        exp_labels: { ...CONTAINER, ...INFRA_ALERT },
        exp_annotations: {
          summary: 'Container mlops/prometheus-5d8c7b9f4-q8w2z/prometheus uses 95% of its memory limit',
          description: "Memory working set above 90% of the container's memory limit for 5m: it is close to being OOM-killed. Containers without a memory limit are not watched.",
        },
      }],
    }],
    quiet: [
      { name: 'working set 50% of the limit', input_series: memory(500_000_000, 1_000_000_000) },
      { name: 'no memory limit', input_series: memory(4_000_000_000, 0) },
    ],
  },
];
