/*
 * The model-server presets, delivered through MonitoringStack.monitorApplication, their synthesized
 * `<name>-alerts.yml` replayed through `promtool test rules` against each runtime's series shaped as it
 * exposes them (test/support/model-server-series.ts; the FastAPI service's written by Python's prometheus_client,
 * test/support/python-exposition.ts): a healthy server stays quiet; a saturated queue, a slow
 * model, a failing model, a model that is not loaded and a server that is down each fire their alert in a
 * bounded time, and nothing else fires.
 */
import { parse } from 'yaml';
import { ModelServerMonitoring, ModelServers } from '../src';
import { between, from, not } from './support/incidents';
import { expectFirings, firstFiring, Incident, replayIncidents, Timeline } from './support/incident-runner';
import { ServerBehaviour, serverSeries } from './support/model-server-series';
import { pythonFastApiSeries } from './support/python-exposition';

type Runtime = 'triton' | 'vllm' | 'kserve' | 'fastapi' | 'bentoml' | 'rayserve';
import { expectSuccess, synthesizedRuleFiles, testRules } from './support/promtool';
import { synthStack } from './support/synth';

interface Scenario {
  readonly name: string;
  readonly behaviour: ServerBehaviour;
  /** Alert name suffix (after the prefix) → [earliest, latest] minute of its first firing. Nothing else may fire. */
  readonly fires: Record<string, [number, number]>;
}

const PRESETS: Record<Runtime, { job: string; prefix: string; make: () => ModelServerMonitoring }> = {
  triton: { job: 'triton', prefix: 'Triton', make: () => ModelServers.triton({ name: 'triton' }) },
  vllm: { job: 'llm-chat', prefix: 'LlmChat', make: () => ModelServers.vllm({ name: 'llm-chat' }) },
  kserve: { job: 'sklearn-iris', prefix: 'SklearnIris', make: () => ModelServers.kserve({ name: 'sklearn-iris' }) },
  fastapi: { job: 'fraud-api', prefix: 'FraudApi', make: () => ModelServers.fastApi({ name: 'fraud-api', modelLoadedMetric: 'model_loaded' }) },
  bentoml: { job: 'iris-bento', prefix: 'IrisBento', make: () => ModelServers.bentoml({ name: 'iris-bento' }) },
  rayserve: { job: 'ray-iris', prefix: 'RayIris', make: () => ModelServers.rayServe({ name: 'ray-iris' }) },
};

const MINUTES = 30;
const INCIDENT = from(10);
const when = (value: number, otherwise: number) => (t: number) => (INCIDENT(t) ? value : otherwise);

/*
 * Windows: a condition true from minute 10 is seen by the 5m rates within a minute or two, then holds for
 * `degradedFor` (5m); a gauge is seen at once. Down: no target up for `downFor` (1m).
 */
const COMMON: Scenario[] = [
  { name: 'healthy: 5 requests/s per replica, 0.2% failures, fast answers', behaviour: {}, fires: {} },
  { name: 'every replica down from minute 10', behaviour: { serving: not(from(10)) }, fires: { Down: [11, 12] } },
  { name: 'a slow model from minute 10', behaviour: {}, fires: { HighLatency: [15, 17] } },
];
const SCENARIOS: Record<Runtime, Scenario[]> = {
  triton: [
    COMMON[0], COMMON[1],
    { ...COMMON[2], behaviour: { seconds: when(3, 0.04) }, fires: { HighLatency: [16, 18] } },
    { name: 'a failing model (backend errors on 30% of requests) from minute 10', behaviour: { errorRatio: when(0.3, 0.002) }, fires: { HighErrorRate: [15, 17] } },
    { name: 'a saturated queue (40 pending requests) from minute 10', behaviour: { queue: when(40, 1) }, fires: { QueueSaturated: [15, 16] } },
  ],
  vllm: [
    COMMON[0], COMMON[1],
    { ...COMMON[2], name: 'time to first token of 4s from minute 10', behaviour: { seconds: when(4, 0.18) } },
    { name: 'a failing engine (30% 5xx) from minute 10', behaviour: { errorRatio: when(0.3, 0.002) }, fires: { HighErrorRate: [15, 17] } },
    { name: 'a saturated queue (40 waiting requests) from minute 10', behaviour: { queue: when(40, 1) }, fires: { QueueSaturated: [15, 16] } },
    { name: 'a full KV cache (99%) from minute 10', behaviour: { kvCache: when(0.99, 0.6) }, fires: { KvCacheFull: [15, 16] } },
    { name: 'a busy but healthy engine: KV cache at 90%, 8 waiting', behaviour: { kvCache: () => 0.9, queue: () => 8 }, fires: {} },
  ],
  kserve: [
    COMMON[0], COMMON[1],
    { ...COMMON[2], behaviour: { seconds: when(2, 0.03) } },
  ],
  fastapi: [
    COMMON[0], COMMON[1],
    { ...COMMON[2], name: 'a slow model (3 s, beyond the instrumentator\'s last 1 s bucket) from minute 10', behaviour: { seconds: when(3, 0.12) } },
    { name: 'a failing model (30% 5xx) from minute 10', behaviour: { errorRatio: when(0.3, 0.002) }, fires: { HighErrorRate: [15, 17] } },
    // Every request fails while no model is loaded: the readiness page and the error ratio both tell.
    { name: 'the model fails to load on every replica from minute 10', behaviour: { loaded: not(between(10, 60)) }, fires: { ModelNotReady: [11, 12], HighErrorRate: [15, 17] } },
  ],
  bentoml: [
    COMMON[0], COMMON[1],
    { ...COMMON[2], behaviour: { seconds: when(3, 0.05) } },
    { name: 'a failing model (30% HTTP 500) from minute 10', behaviour: { errorRatio: when(0.3, 0.002) }, fires: { HighErrorRate: [15, 17] } },
    { name: '80 requests in progress on each replica from minute 10', behaviour: { queue: when(80, 4) }, fires: { QueueSaturated: [15, 16] } },
  ],
  rayserve: [
    COMMON[0], COMMON[1],
    { ...COMMON[2], behaviour: { seconds: when(3, 0.08) } },
    { name: 'a failing deployment (30% HTTP 500) from minute 10', behaviour: { errorRatio: when(0.3, 0.002) }, fires: { HighErrorRate: [15, 17] } },
    { name: '40 queued queries from minute 10', behaviour: { queue: when(40, 1) }, fires: { QueueSaturated: [15, 16] } },
    // Unhealthy replicas fail their requests: the readiness page and the error ratio both tell.
    { name: 'every replica of the deployment unhealthy from minute 10', behaviour: { loaded: not(between(10, 60)) }, fires: { ModelNotReady: [11, 12], HighErrorRate: [15, 17] } },
  ],
};

const runtimes = Object.keys(PRESETS) as Runtime[];
const timelines = new Map<Runtime, Map<string, Timeline>>();
const alertFiles = new Map<Runtime, string>();

beforeAll(() => {
  for (const runtime of runtimes) {
    const { job, make } = PRESETS[runtime];
    const m = make();
    const files = synthesizedRuleFiles(synthStack({}, (stack) => stack.monitorApplication(m.application, m.monitoring)).objects);
    alertFiles.set(runtime, files[`${job}-alerts.yml`]);
    // The FastAPI service's series are written by Python's prometheus_client itself.
    const seriesOf = (b: ServerBehaviour) => (runtime === 'fastapi' ? pythonFastApiSeries(job, b, MINUTES) : serverSeries(runtime, job, b, MINUTES));
    const incidents: Incident[] = SCENARIOS[runtime].map((s) => ({ name: s.name, minutes: MINUTES, series: seriesOf(s.behaviour) }));
    timelines.set(runtime, replayIncidents({ [`${job}-alerts.yml`]: files[`${job}-alerts.yml`] }, incidents));
  }
}, 600_000);

describe.each(runtimes)('%s preset replayed through promtool', (runtime) => {
  test.each(SCENARIOS[runtime].map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    const { prefix, job } = PRESETS[runtime];
    const fired = firstFiring(timelines.get(runtime)!.get(scenario.name)!);
    const expected = Object.fromEntries(Object.entries(scenario.fires).map(([suffix, w]) => [`${prefix}${suffix}`, w]));
    expectFirings(fired, expected);
    const alerts = timelines.get(runtime)!.get(scenario.name)!.firing.flat();
    for (const a of alerts) expect(a.job).toBe(job);
  });

  test('every alert links to a runbook page that exists', () => {
    const rules = parse(alertFiles.get(runtime)!).groups.flatMap((g: any) => g.rules);
    for (const rule of rules) {
      const page = /docs\/runbooks\/(model-servers\/\w+\.md)$/.exec(rule.annotations.runbook_url)?.[1];
      expect({ alert: rule.alert, page: page && require('fs').existsSync(`${__dirname}/../docs/runbooks/${page}`) }).toEqual({ alert: rule.alert, page: true });
    }
  });
});

describe('vLLM colon names in Prometheus 3.13.5', () => {
  test('a classic selector and the UTF-8 quoted one select the same series, and a recording rule keeps the colon', () => {
    const rules = { 'vllm.yml': 'groups:\n  - name: colon\n    rules:\n      - record: job:vllm:num_requests_waiting:max\n        expr: max by (job) (vllm:num_requests_waiting)\n' };
    const result = testRules(rules, [{
      name: 'colon names',
      interval: '15s',
      input_series: [{ series: 'vllm:num_requests_waiting{job="llm", model_name="m", engine="0"}', values: '3 3 3 3' }],
      promql_expr_test: [
        { expr: 'vllm:num_requests_waiting{job="llm"}', eval_time: '30s', exp_samples: [{ labels: 'vllm:num_requests_waiting{job="llm", model_name="m", engine="0"}', value: 3 }] },
        { expr: '{"vllm:num_requests_waiting", job="llm"}', eval_time: '30s', exp_samples: [{ labels: 'vllm:num_requests_waiting{job="llm", model_name="m", engine="0"}', value: 3 }] },
        { expr: 'job:vllm:num_requests_waiting:max', eval_time: '30s', exp_samples: [{ labels: 'job:vllm:num_requests_waiting:max{job="llm"}', value: 3 }] },
      ],
    }]);
    expectSuccess(result, 'promtool test rules');
  });
});

describe('the presets as the stack delivers them', () => {
  test.each(runtimes)('%s: scrape job, alerts, SLOs and dashboard', (runtime) => {
    const { job, make } = PRESETS[runtime];
    const m = make();
    const { objects } = synthStack({}, (stack) => stack.monitorApplication(m.application, m.monitoring));
    const prometheusYml = parse(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-config')!.data['prometheus.yml']);
    expect(prometheusYml.scrape_configs.map((c: any) => c.job_name)).toContain(job);
    const dashboards = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'grafana-dashboards')!.data;
    expect(Object.keys(dashboards)).toContain(`${job}-model-server.json`);
    const slos = (m.monitoring.slos ?? []).map((s) => s.name);
    // Triton has no latency histogram, KServe no failure counter: no SLO can be computed for them.
    // Ray Serve's latency histogram is in milliseconds, which LatencySlo (seconds) does not read.
    expect(slos).toEqual({
      triton: ['availability'], vllm: ['availability', 'latency'], kserve: ['latency'], fastapi: ['availability', 'latency'],
      bentoml: ['availability', 'latency'], rayserve: ['availability'],
    }[runtime]);
  });

  test('two servers of one runtime share a Prometheus: the alert names carry each one\'s prefix', () => {
    const a = ModelServers.triton({ name: 'triton-a' });
    const b = ModelServers.triton({ name: 'triton-b' });
    expect(() => synthStack({}, (stack) => stack.monitorApplication(a.application, a.monitoring).monitorApplication(b.application, b.monitoring))).not.toThrow();
  });
});

describe('bad input', () => {
  test.each([
    [() => ModelServers.triton({ name: 'Triton_Server' }), '[ModelServers.triton] options.name:'],
    [() => ModelServers.triton({ name: 't', maxQueuedRequests: -1 }), '[ModelServers.triton] options.maxQueuedRequests:'],
    [() => ModelServers.vllm({ name: 'v', maxKvCacheUsage: 95 }), '[ModelServers.vllm] options.maxKvCacheUsage:'],
    [() => ModelServers.vllm({ name: 'v', latencySeconds: 2500 }), '[ModelServers.vllm] options.latencySeconds:'],
    [() => ModelServers.kserve({ name: 'k', errorRatio: 5 }), '[ModelServers.kserve] options.errorRatio:'],
    [() => ModelServers.kserve({ name: 'k', slowRequestRatio: Number.NaN }), '[ModelServers.kserve] options.slowRequestRatio:'],
    [() => ModelServers.kserve({ name: 'k', downFor: '1 minute' }), '[ModelServers.kserve] options.downFor:'],
    [() => ModelServers.kserve({ name: 'k', degradedFor: '5' }), '[ModelServers.kserve] options.degradedFor:'],
    [() => ModelServers.kserve({ name: 'k', availabilityObjectivePercent: 100 }), '[ModelServers.kserve] options.availabilityObjectivePercent:'],
    [() => ModelServers.kserve({ name: 'k', latencyObjectivePercent: 0 }), '[ModelServers.kserve] options.latencyObjectivePercent:'],
    [() => ModelServers.kserve({ name: 'k', alertPrefix: 'my-model' }), '[ModelServers.kserve] options.alertPrefix:'],
    [() => ModelServers.kserve({ name: 'k', runbookBaseUrl: 'wiki/runbooks' }), '[ModelServers.kserve] options.runbookBaseUrl:'],
    [() => ModelServers.kserve({ name: 'k', port: 80800 }), '[ModelServers.kserve] options.port:'],
    [() => ModelServers.kserve({ name: 'k', portName: 'http', port: 8080 }), '[ModelServers.kserve] options.port:'],
    [() => ModelServers.kserve({ name: 'k', metricsPath: 'metrics' }), '[ModelServers.kserve] options.metricsPath:'],
    [() => ModelServers.kserve({ name: 'k', scrapeInterval: '15 s' }), '[ModelServers.kserve] options.scrapeInterval:'],
    [() => ModelServers.kserve({ name: 'k', namespace: 'ML' }), '[ModelServers.kserve] options.namespace:'],
    [() => ModelServers.kserve({ name: 'k', serviceName: 'k_svc' }), '[ModelServers.kserve] options.serviceName:'],
    [() => ModelServers.kserve({ name: 'k', serviceLabels: {} }), '[ModelServers.kserve] options.serviceLabels:'],
    [() => ModelServers.fastApi({ name: 'f', inferenceRoutes: [] }), '[ModelServers.fastApi] options.inferenceRoutes:'],
    [() => ModelServers.fastApi({ name: 'f', inferenceRoutes: [''] }), '[ModelServers.fastApi] options.inferenceRoutes[0]:'],
    [() => ModelServers.fastApi({ name: 'f', modelLoadedMetric: 'model_loaded{job="x"}' }), '[ModelServers.fastApi] options.modelLoadedMetric:'],
    [() => ModelServers.fastApi(undefined as any), '[ModelServers.fastApi] options:'],
    [() => ModelServers.vllm({} as any), '[ModelServers.vllm] options.name:'],
    [() => ModelServers.bentoml({ name: 'b', maxInProgressRequests: Number.POSITIVE_INFINITY }), '[ModelServers.bentoml] options.maxInProgressRequests:'],
    [() => ModelServers.rayServe({ name: 'r', maxQueuedRequests: -5 }), '[ModelServers.rayServe] options.maxQueuedRequests:'],
  ])('%#: one clear error naming the factory and the field', (call, message) => {
    expect(call).toThrow(message);
  });
});
