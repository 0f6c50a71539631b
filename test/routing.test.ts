import { alertmanagerConfig, amtoolRoutesTest, inhibits, synthesizedAlertmanagerYml } from './support/alertmanager';
import { expectSuccess } from './support/promtool';
import { synthStack } from './support/synth';

const { objects } = synthStack();
const yml = synthesizedAlertmanagerYml(objects);
const config = alertmanagerConfig(objects);

/** An alert's labels and the one receiver Alertmanager must route it to. */
interface RouteCase {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly receiver: 'default' | 'critical' | 'warning';
}

const ROUTE_CASES: RouteCase[] = [
  { name: 'critical', labels: { alertname: 'IrisAPIDown', severity: 'critical', component: 'iris-api' }, receiver: 'critical' },
  { name: 'critical, infrastructure', labels: { alertname: 'NodeDown', severity: 'critical', component: 'infrastructure' }, receiver: 'critical' },
  { name: 'warning', labels: { alertname: 'HighErrorRate', severity: 'warning', component: 'iris-api' }, receiver: 'warning' },
  { name: 'warning, infrastructure', labels: { alertname: 'HighCPUUsage', severity: 'warning', component: 'infrastructure' }, receiver: 'warning' },
  { name: 'info', labels: { alertname: 'LowPredictionRate', severity: 'info', component: 'iris-api' }, receiver: 'default' },
  { name: 'no severity label', labels: { alertname: 'Watchdog' }, receiver: 'default' },
  // Matchers are exact: a differently spelled severity is not critical.
  { name: 'severity in upper case', labels: { alertname: 'Custom', severity: 'CRITICAL' }, receiver: 'default' },
  { name: 'unknown severity', labels: { alertname: 'Custom', severity: 'page', component: 'team' }, receiver: 'default' },
];

describe('amtool config routes test', () => {
  test.each(ROUTE_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectSuccess(amtoolRoutesTest(yml, c.labels, [c.receiver]), `amtool config routes test ${JSON.stringify(c.labels)} → ${c.receiver}`);
  });

  test('a wrong expectation fails (the gate can fail)', () => {
    const result = amtoolRoutesTest(yml, { alertname: 'IrisAPIDown', severity: 'critical' }, ['default']);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('Expected receivers did not match resolved receivers');
  });

  test('every receiver is reached by some case', () => {
    expect(new Set(ROUTE_CASES.map((c) => c.receiver))).toEqual(new Set(config.receivers.map((r) => r.name)));
  });
});

/** A firing alert, the alert it may mute, and whether it does. */
interface InhibitCase {
  readonly name: string;
  readonly source: Record<string, string>;
  readonly target: Record<string, string>;
  readonly muted: boolean;
}

const critical = { alertname: 'IrisAPIDown', severity: 'critical', component: 'iris-api' };
const INHIBIT_CASES: InhibitCase[] = [
  { name: 'critical mutes the warning of the same alertname and component', source: critical, target: { ...critical, severity: 'warning' }, muted: true },
  { name: 'other labels may differ', source: { ...critical, instance: 'a' }, target: { ...critical, severity: 'warning', instance: 'b' }, muted: true },
  { name: 'not a warning of another component', source: critical, target: { ...critical, severity: 'warning', component: 'infrastructure' }, muted: false },
  { name: 'not a warning of another alertname', source: critical, target: { ...critical, severity: 'warning', alertname: 'HighErrorRate' }, muted: false },
  { name: 'not an info alert', source: critical, target: { ...critical, severity: 'info' }, muted: false },
  { name: 'not another critical alert', source: critical, target: { ...critical, instance: 'b' }, muted: false },
  { name: 'a warning mutes nothing', source: { ...critical, severity: 'warning' }, target: { ...critical, severity: 'warning', instance: 'b' }, muted: false },
];

describe('inhibit rule (amtool cannot test it: evaluated from the parsed config)', () => {
  test('is the one rule of the SPEC', () => {
    expect(config.inhibit_rules).toEqual([{
      source_matchers: ['severity="critical"'],
      target_matchers: ['severity="warning"'],
      equal: ['alertname', 'component'],
    }]);
  });

  test.each(INHIBIT_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(inhibits(config, c.source, c.target)).toBe(c.muted);
  });
});
