import { alertmanagerConfig, amtoolRoutesTest, synthesizedAlertmanagerYml } from './support/alertmanager';
import { expectSuccess } from './support/promtool';
import { synthStack } from './support/synth';
import { MatchOperator } from '../src';

/** An alert's labels and the one receiver Alertmanager must route it to. */
interface RouteCase {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly receiver: string;
}

function expectRoutes(yml: string, cases: RouteCase[]): void {
  for (const c of cases) {
    expectSuccess(amtoolRoutesTest(yml, c.labels, [c.receiver]), `amtool config routes test (${c.name}) ${JSON.stringify(c.labels)} → ${c.receiver}`);
  }
}

describe('amtool config routes test, default stack', () => {
  const { objects } = synthStack();
  const yml = synthesizedAlertmanagerYml(objects);
  const config = alertmanagerConfig(objects);
  const iris = { component: 'iris-api', job: 'iris-api', namespace: 'mlops' };
  const CASES: RouteCase[] = [
    { name: 'critical', labels: { alertname: 'IrisAPIDown', severity: 'critical', ...iris }, receiver: 'critical' },
    { name: 'critical, monitoring', labels: { alertname: 'PrometheusConfigReloadFailed', severity: 'critical', component: 'monitoring', job: 'prometheus' }, receiver: 'critical' },
    { name: 'warning', labels: { alertname: 'HighErrorRate', severity: 'warning', ...iris }, receiver: 'warning' },
    { name: 'warning, infrastructure', labels: { alertname: 'CPUThrottlingHigh', severity: 'warning', component: 'infrastructure' }, receiver: 'warning' },
    { name: 'info', labels: { alertname: 'LowPredictionRate', severity: 'info', ...iris }, receiver: 'default' },
    { name: 'the dead man\'s switch', labels: { alertname: 'Watchdog', severity: 'none', component: 'monitoring' }, receiver: 'watchdog' },
    // Matchers are exact: a differently spelled severity is not critical.
    { name: 'severity in upper case', labels: { alertname: 'Custom', severity: 'CRITICAL' }, receiver: 'default' },
    { name: 'unknown severity', labels: { alertname: 'Custom', severity: 'page', component: 'team' }, receiver: 'default' },
  ];

  test('each alert reaches its receiver', () => expectRoutes(yml, CASES));

  test('a wrong expectation fails (the gate can fail)', () => {
    const result = amtoolRoutesTest(yml, { alertname: 'IrisAPIDown', severity: 'critical' }, ['default']);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('Expected receivers did not match resolved receivers');
  });

  test('every receiver is reached by some case', () => {
    expect(new Set(CASES.map((c) => c.receiver))).toEqual(new Set(config.receivers.map((r) => r.name)));
  });
});

describe('routes that users add take precedence over the built-in severity routes', () => {
  const { objects } = synthStack({
    alertmanager: {
      receivers: [
        { name: 'default' }, { name: 'critical' }, { name: 'warning' },
        { name: 'ml-slack', slack: [{ channel: '#ml', apiUrlSecretKey: 'slack-url' }] },
        { name: 'pager', pagerDuty: [{ routingKeySecretKey: 'pd-key' }] },
      ],
      routes: [
        { receiver: 'ml-slack', match: { team: 'ml' }, matchers: [{ label: 'severity', operator: MatchOperator.NOT_EQUAL, value: 'critical' }] },
        { receiver: 'pager', match: { severity: 'critical' } },
      ],
    },
  }, (stack) => stack.alertRouter.addRoute({ receiver: 'ml-slack', matchers: [{ label: 'component', operator: MatchOperator.REGEX, value: 'iris-.*' }] }));
  const yml = synthesizedAlertmanagerYml(objects);
  const config = alertmanagerConfig(objects);

  test('criticals page through the user route, the built-in critical route it shadows is left out', () => {
    expect(config.route.routes!.map((r) => r.receiver)).toEqual(['watchdog', 'ml-slack', 'pager', 'ml-slack', 'warning']);
    expectRoutes(yml, [
      { name: 'a critical', labels: { alertname: 'IrisAPIDown', severity: 'critical', component: 'iris-api' }, receiver: 'pager' },
      { name: 'a warning of the ML team', labels: { alertname: 'NoPredictions', severity: 'warning', team: 'ml' }, receiver: 'ml-slack' },
      { name: 'a critical of the ML team', labels: { alertname: 'ModelGone', severity: 'critical', team: 'ml' }, receiver: 'pager' },
      { name: 'an Iris warning, added with addRoute', labels: { alertname: 'HighLatency', severity: 'warning', component: 'iris-api' }, receiver: 'ml-slack' },
      { name: 'another warning still reaches the built-in route', labels: { alertname: 'HighCPUUsage', severity: 'warning', component: 'infrastructure' }, receiver: 'warning' },
      { name: 'the Watchdog is never caught by a user route', labels: { alertname: 'Watchdog', severity: 'none', team: 'ml' }, receiver: 'watchdog' },
    ]);
  });

  test('a heartbeat receiver for the Watchdog, repeated at the heartbeat period', () => {
    const { objects: heartbeat } = synthStack({
      alertmanager: { watchdog: { receiver: { name: 'heartbeat', webhook: [{ url: 'https://heartbeat.example.com/ping' }] }, repeatInterval: '5m' } },
    });
    const watchdog = alertmanagerConfig(heartbeat).route.routes![0];
    expect(watchdog).toEqual({ receiver: 'heartbeat', matchers: ['alertname="Watchdog"'], group_wait: '0s', group_interval: '5m', repeat_interval: '5m' });
    expectRoutes(synthesizedAlertmanagerYml(heartbeat), [{ name: 'heartbeat', labels: { alertname: 'Watchdog', severity: 'none' }, receiver: 'heartbeat' }]);
  });
});
