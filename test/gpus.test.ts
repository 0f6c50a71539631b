/*
 * The DCGM exporter's GPU alerts, and a Triton server's GpuIdleWhileQueued, as the stack delivers them
 * (GpuMonitoring.dcgmExporter and ModelServers.triton({ gpu: true }) through monitorApplication), replayed
 * through `promtool test rules` against the exporter's series (exported_pod mapping each GPU to the pod that
 * holds it) and Triton's: exactly the expected alerts fire, in bounded time.
 */
import { parse } from 'yaml';
import { GpuMonitoring, ModelServers } from '../src';
import { between, from } from './support/incidents';
import { expectFirings, firstFiring, Incident, replayIncidents, Timeline } from './support/incident-runner';
import { dcgmSeries, GpuBehaviour, ServerBehaviour, serverSeries } from './support/model-server-series';
import { synthesizedRuleFiles } from './support/promtool';
import { synthStack } from './support/synth';

interface Scenario {
  readonly name: string;
  readonly gpus: Partial<GpuBehaviour>[];
  readonly triton?: ServerBehaviour;
  readonly fires: Record<string, [number, number]>;
}

const MINUTES = 30;
const INCIDENT = from(10);
const when = (value: number, otherwise: number) => (t: number) => (INCIDENT(t) ? value : otherwise);
// Triton's two replicas hold two GPUs each.
const PODS = ['triton-6b7c9d-r0', 'triton-6b7c9d-r0', 'triton-6b7c9d-r1', 'triton-6b7c9d-r1'];
const gpus = (changes: Partial<GpuBehaviour>[] = []): GpuBehaviour[] => PODS.map((pod, i) => ({ pod, ...changes[i] }));

const SCENARIOS: Scenario[] = [
  { name: 'busy, healthy GPUs (60%, 70% memory, 64 C) under a healthy Triton', gpus: [], fires: {} },
  { name: 'one GPU runs out of memory (97%) from minute 10', gpus: [{}, { memory: when(0.97, 0.7) }], fires: { GpuMemoryNearlyFull: [15, 16] } },
  { name: 'one GPU reports XID 79 (fallen off the bus) at minute 12 for a minute', gpus: [{}, {}, { xid: (t) => (between(12, 13)(t) ? 79 : 0) }], fires: { GpuXidError: [12, 13] } },
  { name: 'one GPU at 91 C from minute 10', gpus: [{ temperature: when(91, 64) }], fires: { GpuThermalThrottling: [15, 16] } },
  { name: 'one GPU thermally throttled 40% of the time from minute 10 (violation counter exported), at 83 C', gpus: [{ throttled: when(0.4, 0), temperature: () => 83 }], fires: { GpuThermalThrottling: [15, 17] } },
  {
    name: 'Triton replica r1 hangs from minute 10: its queue grows while its GPUs idle',
    gpus: [{}, {}, { util: when(0, 60) }, { util: when(0, 60) }],
    triton: { queue: when(6, 0) },
    fires: { TritonGpuIdleWhileQueued: [15, 16] },
  },
  {
    name: 'Triton saturated from minute 10: a long queue, GPUs at 98%',
    gpus: gpus().map(() => ({ util: when(98, 60) })),
    triton: { queue: when(40, 1) },
    fires: { TritonQueueSaturated: [15, 16] },
  },
  { name: 'quiet night: no requests queued, GPUs idle', gpus: gpus().map(() => ({ util: () => 0 })), triton: { queue: () => 0, rps: () => 0.05 }, fires: {} },
];

let ruleFiles: Record<string, string>;
let timelines: Map<string, Timeline>;

beforeAll(() => {
  const dcgm = GpuMonitoring.dcgmExporter({ namespace: 'gpu-operator' });
  const triton = ModelServers.triton({ name: 'triton', gpu: true });
  const files = synthesizedRuleFiles(synthStack({}, (stack) => stack
    .monitorApplication(dcgm.application, dcgm.monitoring)
    .monitorApplication(triton.application, triton.monitoring)).objects);
  ruleFiles = { 'dcgm-exporter-alerts.yml': files['dcgm-exporter-alerts.yml'], 'triton-alerts.yml': files['triton-alerts.yml'] };
  const incidents: Incident[] = SCENARIOS.map((s) => ({
    name: s.name,
    minutes: MINUTES,
    series: [...dcgmSeries(gpus(s.gpus), MINUTES), ...serverSeries('triton', 'triton', s.triton ?? {}, MINUTES)],
  }));
  timelines = replayIncidents(ruleFiles, incidents);
}, 600_000);

describe('GPU incidents replayed through promtool', () => {
  test.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    const fired = firstFiring(timelines.get(scenario.name)!);
    expectFirings(fired, scenario.fires);
  });

  test('GpuIdleWhileQueued names the hung pod, and only it', () => {
    const alerts = timelines.get(SCENARIOS[5].name)!.firing.flat().filter((a) => a.alertname === 'TritonGpuIdleWhileQueued');
    expect(new Set(alerts.map((a) => `${a.namespace}/${a.pod}`))).toEqual(new Set(['mlops/triton-6b7c9d-r1']));
  });

  test('the exporter down is its own alert', () => {
    const rules = parse(ruleFiles['dcgm-exporter-alerts.yml']).groups[0].rules.map((r: any) => r.alert);
    expect(rules).toEqual(['GpuExporterDown', 'GpuMemoryNearlyFull', 'GpuXidError', 'GpuThermalThrottling']);
  });
});

describe('GPU panels beside the server\'s', () => {
  test('a preset with gpu: true gets GPU utilization and memory panels; without, none', () => {
    const panelTitles = (gpu: boolean) => ModelServers.vllm({ name: 'llm', gpu }).monitoring.dashboards![0].toJson().panels.map((p: any) => p.title);
    expect(panelTitles(true)).toEqual(expect.arrayContaining(['GPU utilization', 'GPU memory used']));
    expect(panelTitles(false)).not.toContain('GPU utilization');
  });
});

describe('bad input', () => {
  test.each([
    [{ maxMemoryUsage: 95 }, 'maxMemoryUsage'],
    [{ maxThrottledRatio: 0 }, 'maxThrottledRatio'],
    [{ maxTemperatureCelsius: 185 }, 'maxTemperatureCelsius'],
    [{ degradedFor: '5 min' }, 'degradedFor'],
    [{ runbookBaseUrl: 'ftp://x' }, 'runbookBaseUrl'],
    [{ namespace: 'GPU' }, 'namespace'],
    [{ portName: 'metrics_port_name_too_long' }, 'portName'],
  ])('%j: one clear error naming the factory and the field', (options, field) => {
    expect(() => GpuMonitoring.dcgmExporter(options)).toThrow(`[GpuMonitoring.dcgmExporter] options.${field}:`);
  });

  test('gpu must be a boolean', () => {
    expect(() => ModelServers.triton({ name: 't', gpu: 'yes' as any })).toThrow('[ModelServers.triton] options.gpu:');
  });
});
