/*
 * The model-health rules of the Iris API, as the default stack synthesizes them (api-alerts.yml: the API's
 * alerts and its model-health group), replayed through `promtool test rules` against days of a model's
 * series: a healthy model stays quiet, a fresh Prometheus stays quiet before its baseline exists, and a
 * class shift or a confidence collapse after a day of baseline fires its alert, and only it, in bounded time.
 */
import { ModelHealth } from '../src';
import { ruleFileYaml, ruleGroupYaml } from '../src/prometheus/rules';
import { expectFirings, firstFiring, Incident, replayIncidents, Timeline } from './support/incident-runner';
import { CONFIDENT, DAY_MINUTES, GUESSING, HEALTHY_SHARES, mix, ModelBehaviour, modelSeries } from './support/model-health-series';
import { synthesizedRuleFiles } from './support/promtool';
import { synthStack } from './support/synth';

/** A model-health incident, and the alerts (first firing minute window) it must raise; nothing else may fire. */
interface Scenario {
  readonly name: string;
  readonly minutes: number;
  readonly behaviour: ModelBehaviour;
  readonly fires: Record<string, [number, number]>;
}

const BREAK = DAY_MINUTES + 60; // an hour after the default 1d baseline age
const broken = (from: number, to = Infinity) => (m: number) => m >= from && m < to;
const collapsed = (from: number, to?: number) => (m: number) => (broken(from, to)(m) ? GUESSING : CONFIDENT);

/*
 * When each alert should fire, from the defaults. A model answering setosa 80% of the time (10% each other
 * class) is a total variation distance of 0.467 from a third each; the hourly share moves linearly into it,
 * so it crosses 0.25 after 0.25 / 0.467 h = 32 min, then holds for 15m: about minute 47 after the break.
 * The confidence median (0.979 healthy) falls under 0.829 once 52% of the hour guesses (31 min), + 15m.
 */
const SCENARIOS: Scenario[] = [
  {
    name: 'a healthy model for 26 hours: daily rhythm of traffic (+-50%) and class mix (+-5 points)',
    minutes: BREAK + 60,
    behaviour: {},
    fires: {},
  },
  {
    name: 'a fresh Prometheus: the model predicts setosa for 80% and guesses from minute 30 to 180; no baseline yet',
    minutes: DAY_MINUTES - 1,
    behaviour: {
      classShares: (m) => (broken(30, 180)(m) ? { setosa: 0.8, versicolor: 0.1, virginica: 0.1 } : HEALTHY_SHARES(m)),
      confidence: collapsed(30, 180),
    },
    fires: {},
  },
  {
    name: 'after a day of baseline, the model predicts setosa for 80% of its inputs (confidence unchanged)',
    minutes: BREAK + 75,
    behaviour: { classShares: (m) => (broken(BREAK)(m) ? { setosa: 0.8, versicolor: 0.1, virginica: 0.1 } : HEALTHY_SHARES(m)) },
    fires: { PredictionDistributionShift: [BREAK + 42, BREAK + 52] },
  },
  {
    name: 'after a day of baseline, confidence collapses (the model guesses; class mix unchanged)',
    minutes: BREAK + 75,
    behaviour: { confidence: collapsed(BREAK) },
    fires: { ModelConfidenceCollapse: [BREAK + 42, BREAK + 52] },
  },
  {
    name: 'after a day of baseline, half the inputs become low-confidence (a quarter guessing): below the threshold',
    minutes: BREAK + 75,
    behaviour: { confidence: (m) => (broken(BREAK)(m) ? mix(CONFIDENT, GUESSING, 0.25) : CONFIDENT) },
    fires: {},
  },
  {
    name: 'after a day of baseline, traffic falls to 40 predictions an hour and they are all setosa: too few to judge',
    minutes: BREAK + 75,
    behaviour: {
      predictionsPerSecond: (m) => (broken(BREAK - 60)(m) ? 20 / 3600 : 1),
      classShares: (m) => (broken(BREAK)(m) ? { setosa: 1, versicolor: 0, virginica: 0 } : HEALTHY_SHARES(m)),
    },
    fires: {},
  },
];

const ruleFiles = synthesizedRuleFiles(synthStack().objects);
const FRESH = SCENARIOS[1];
let timelines: Map<string, Timeline>;
let withoutBaselineGate: Timeline;

beforeAll(() => {
  const incidents: Incident[] = SCENARIOS.map((s) => ({ name: s.name, minutes: s.minutes, series: modelSeries(s.behaviour, s.minutes) }));
  timelines = replayIncidents({ 'api-alerts.yml': ruleFiles['api-alerts.yml'] }, incidents, 60);
  // The control: the same fresh Prometheus, with rules that trust a baseline of 20 minutes.
  const hasty = ruleFileYaml([ruleGroupYaml(ModelHealth.rules({ job: 'iris-api', minBaselineAge: '20m' }))]);
  withoutBaselineGate = replayIncidents({ 'hasty.yml': hasty }, [{ name: FRESH.name, minutes: 240, series: modelSeries(FRESH.behaviour, 240) }], 60).get(FRESH.name)!;
}, 600_000);

describe('model health replayed through promtool against the synthesized api-alerts.yml', () => {
  test.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    const fired = firstFiring(timelines.get(scenario.name)!);
    expectFirings(fired, scenario.fires);
  });

  test('the fresh Prometheus is quiet because of the baseline age: trusting a 20-minute baseline, the same incident fires', () => {
    expect(Object.keys(firstFiring(withoutBaselineGate)).sort()).toEqual(['ModelConfidenceCollapse', 'PredictionDistributionShift']);
  });

  test('the alerts carry the job and namespace that inhibition keys on', () => {
    const alerts = [...timelines.values()].flatMap((t) => t.firing.flat());
    expect(new Set(alerts.map((a) => a.alertname))).toEqual(new Set(['PredictionDistributionShift', 'ModelConfidenceCollapse']));
    for (const a of alerts) expect({ job: a.job, namespace: a.namespace, severity: a.severity }).toEqual({ job: 'iris-api', namespace: 'mlops', severity: 'warning' });
  });
});

describe('model-health options', () => {
  test('the stack leaves the rules and the dashboard row out when told', () => {
    const { objects } = synthStack({ irisApi: { modelHealth: { enabled: false } } });
    expect(synthesizedRuleFiles(objects)['api-alerts.yml']).not.toContain('model-health');
    const dashboards = JSON.stringify(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.data));
    expect(dashboards).not.toContain('share_rate1h');
  });

  test('thresholds reach the rules', () => {
    const group = ModelHealth.rules({ job: 'fraud-model', maxClassShift: 0.4, confidenceQuantile: 0.1, maxConfidenceDrop: 0.05, minBaselineAge: '3d', minPredictionsPerHour: 500 });
    const exprs = Object.fromEntries(group.rules.map((r) => [(r as { alert?: string }).alert ?? (r as { record: string }).record, r.expr]));
    expect(exprs.PredictionDistributionShift).toContain('> 0.4 and');
    expect(exprs.PredictionDistributionShift).toContain('offset 3d');
    expect(exprs.PredictionDistributionShift).toContain('>= 500');
    expect(exprs.ModelConfidenceCollapse).toContain('- 0.05 and');
    expect(exprs['job:model_confidence:quantile_rate1h']).toContain('histogram_quantile(0.1,');
  });

  test.each([
    [{ maxClassShift: 1 }, 'maxClassShift'],
    [{ confidenceQuantile: 0 }, 'confidenceQuantile'],
    [{ maxConfidenceDrop: Number.NaN }, 'maxConfidenceDrop'],
    [{ minPredictionsPerHour: -1 }, 'minPredictionsPerHour'],
    [{ minBaselineAge: '8d' }, 'minBaselineAge'],
    [{ minBaselineAge: 'a day' }, 'minBaselineAge'],
    [{ forDuration: '15 minutes' }, 'forDuration'],
  ])('bad input %j is one clear error naming the construct path and the field', (modelHealth, field) => {
    expect(() => synthStack({ irisApi: { modelHealth } })).toThrow(`[monitoring/stack] irisApi.modelHealth.${field}:`);
    expect(() => ModelHealth.rules({ job: 'x', ...modelHealth })).toThrow(`[ModelHealth.rules] options.${field}:`);
  });

  test('a prefix tells the alerts of two models apart', () => {
    const group = ModelHealth.rules({ job: 'fraud-api', alertPrefix: 'Fraud' });
    expect(group.rules.map((r) => (r as { alert?: string }).alert).filter(Boolean)).toEqual(['FraudPredictionDistributionShift', 'FraudModelConfidenceCollapse']);
    expect(() => synthStack({}, (stack) => stack.monitorApplication({ name: 'fraud-api', serviceName: 'fraud-api' }, { alerts: [group] }))).not.toThrow();
    expect(() => ModelHealth.rules({ job: 'x', alertPrefix: 'fraud-' })).toThrow('[ModelHealth.rules] options.alertPrefix:');
  });

  test('any application\'s content takes them (`modelHealth`): the same group as ModelHealth.rules, in both deliveries; bad input named at the content', () => {
    const rules = synthesizedRuleFiles(synthStack({}, (stack) => stack.monitorApplication({ name: 'fraud-api', serviceName: 'fraud-api' }, {
      modelHealth: { alertPrefix: 'Fraud', maxClassShift: 0.3 },
    })).objects);
    expect(rules['fraud-api-alerts.yml']).toBe(ruleFileYaml([ruleGroupYaml(ModelHealth.rules({ job: 'fraud-api', namespace: 'mlops', alertPrefix: 'Fraud', maxClassShift: 0.3 }))]));
    expect(() => synthStack({}, (stack) => stack.monitorApplication({ name: 'fraud-api', serviceName: 'fraud-api' }, { modelHealth: { alertPrefix: 'fraud-' } })))
      .toThrow('[monitoring/stack/Monitoring-fraud-api] modelHealth.alertPrefix: "fraud-" must start an alert name: letters, digits and _');
    expect(() => synthStack({}, (stack) => stack.monitorApplication({ name: 'fraud-api', serviceName: 'fraud-api' }, { modelHealth: { maxClassShift: 30 } })))
      .toThrow('[monitoring/stack/Monitoring-fraud-api] modelHealth.maxClassShift:');
  });

  test('bad metric names and a missing job are one clear error', () => {
    expect(() => ModelHealth.rules({ job: 'x', metrics: { confidence: 'model_confidence_bucket' } })).toThrow('[ModelHealth.rules] options.metrics.confidence:');
    expect(() => ModelHealth.rules({ job: 'x', metrics: { classLabel: '__class' } })).toThrow('[ModelHealth.rules] options.metrics.classLabel:');
    expect(() => ModelHealth.rules(undefined as any)).toThrow('[ModelHealth.rules] options:');
    expect(() => synthStack({ irisApi: { modelHealth: 'on' as any } })).toThrow('[monitoring/stack] irisApi.modelHealth:');
  });
});
