/*
 * The stack's alerts replayed against realistic incidents (test/support/incident-scenarios.ts) through
 * `promtool test rules` on the synthesized rule files: exactly the expected alerts fire, each within its
 * window, and every alert fires in some incident and stays silent in another.
 */
import { expectFirings, firstFiring, replayIncidents, Timeline } from './support/incident-runner';
import { incidentOf, SCENARIOS } from './support/incident-scenarios';
import { alertRulesOf, synthesizedRuleFiles } from './support/promtool';
import { synthStack } from './support/synth';

// Without the SLO burn-rate alerts and the model-health alerts: their long windows need days of history,
// which these short incidents do not have (test/slo.test.ts and test/model-health.test.ts replay them after a
// day of traffic).
const ruleFiles = synthesizedRuleFiles(synthStack({ irisApiSlos: [], irisApi: { modelHealth: { enabled: false } } }).objects);
const alerts = [...alertRulesOf(ruleFiles).keys()];
let timelines: Map<string, Timeline>;

beforeAll(() => {
  timelines = replayIncidents(ruleFiles, SCENARIOS.map(incidentOf));
});

describe('incidents replayed through promtool against the synthesized rules', () => {
  test.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    const timeline = timelines.get(scenario.name)!;
    const { Watchdog, ...fired } = firstFiring(timeline);
    expect(Watchdog).toBe(0);
    expectFirings(fired, scenario.fires);
  });

  test('every alert fires in some incident and stays silent in another', () => {
    const firedIn = (alert: string) => SCENARIOS.filter((s) => alert in s.fires).length;
    const silentIn = (alert: string) => SCENARIOS.filter((s) => !(alert in s.fires)).length;
    for (const alert of alerts.filter((a) => a !== 'Watchdog')) {
      expect({ alert, fires: firedIn(alert) > 0, silent: silentIn(alert) > 0 }).toEqual({ alert, fires: true, silent: true });
    }
  });

  test('every alert about the Iris API carries the job and namespace that inhibition keys on', () => {
    const irisAlerts = [...timelines.values()].flatMap((t) => t.firing.flat()).filter((a) => a.component === 'iris-api' || a.job === 'iris-api');
    expect(new Set(irisAlerts.map((a) => a.alertname))).toEqual(new Set(['IrisAPIDown', 'HighErrorRate', 'HighLatency', 'ModelNotLoaded', 'LowPredictionRate', 'TargetDown']));
    for (const a of irisAlerts) {
      expect({ alertname: a.alertname, job: a.job, namespace: a.namespace }).toEqual({ alertname: a.alertname, job: 'iris-api', namespace: 'mlops' });
    }
  });
});
