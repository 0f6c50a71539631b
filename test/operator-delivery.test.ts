import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { parse, stringify } from 'yaml';
import {
  AlertmanagerConfigMatcherStrategy, AlertSeverity, ApplicationMonitoring, Dashboard, IrisApiMonitoring, IrisApiMonitoringProps, ModelServers, MonitorKind,
  OperatorTarget, PrometheusOperatorDelivery, PrometheusOperatorDeliveryProps,
} from '../src';
import { carelessDelivery, synthDelivery } from './support/careless-operator-props';
import { checkRules, expectSuccess, RuleFile } from './support/promtool';
import { configMapData, Manifest, synthStack } from './support/synth';

/** The Operator delivery of the Iris API in namespace `iris`, synthesized: its objects, parsed. */
function deliver(props: Partial<PrometheusOperatorDeliveryProps> = {}, iris: IrisApiMonitoringProps = {}, extra?: (chart: Chart) => void): Manifest[] {
  const app = new App();
  const chart = new Chart(app, 'iris', { namespace: 'iris' });
  extra?.(chart);
  new PrometheusOperatorDelivery(chart, 'Kps', {
    monitoring: new IrisApiMonitoring(chart, 'IrisApi', iris),
    target: OperatorTarget.kubePrometheusStack('kps'),
    ...props,
  });
  return app.synthYaml().split(/^---$/m).map((doc) => parse(doc) as Manifest).filter((o) => o.kind !== 'Service');
}

const byKind = (objects: Manifest[], kind: string) => objects.filter((o) => o.kind === kind);
const ONCALL = { name: 'oncall', webhook: [{ urlSecretKey: 'oncall-url', bearerTokenSecretKey: 'oncall-token' }], slack: [{ channel: '#ml', apiUrlSecretKey: 'slack-url' }] };

describe('the Iris API delivered to kube-prometheus-stack (release "kps")', () => {
  const objects = deliver({}, { receivers: [ONCALL], routes: [{ receiver: 'oncall', match: { severity: 'critical' } }] });
  // The same content delivered to the stack's own Prometheus and Grafana, in the same namespace.
  const stack = synthStack({ namespace: 'iris' }).objects;

  test('matches its snapshot', () => {
    expect(objects.map((o) => stringify(o)).join('---\n')).toMatchSnapshot();
  });

  test('one object of each kind, all in the application\'s namespace', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'ServiceMonitor/iris/iris-api', 'PrometheusRule/iris/iris-api',
      'ConfigMap/iris/iris-api-dashboard-iris-api-overview', 'ConfigMap/iris/iris-api-dashboard-iris-api-slos',
      'AlertmanagerConfig/iris/iris-api',
    ]);
  });

  test('the monitor and the rules carry `release: kps`, which the chart\'s Prometheus selects them by', () => {
    for (const o of [...byKind(objects, 'ServiceMonitor'), ...byKind(objects, 'PrometheusRule')]) expect(o.metadata.labels!.release).toBe('kps');
  });

  test('the PrometheusRule holds exactly the rule groups the stack\'s own Prometheus loads for the Iris API', () => {
    const rules = byKind(objects, 'PrometheusRule')[0].spec.groups;
    const stackFiles = configMapData(stack, 'prometheus-rules');
    const stackGroups = ['api-alerts.yml', 'iris-api-slos.yml'].flatMap((file) => (parse(stackFiles[file]) as RuleFile).groups);
    expect(rules).toEqual(stackGroups);
  });

  test('every alert has a runbook_url, and promtool accepts the groups as a rule file', () => {
    const groups = byKind(objects, 'PrometheusRule')[0].spec.groups as RuleFile['groups'];
    const alerts = groups.flatMap((g) => g.rules).filter((r) => r.alert);
    expect(alerts.length).toBeGreaterThan(5);
    for (const alert of alerts) expect(alert.annotations?.runbook_url).toMatch(/^https:\/\/.+\.md$/);
    expectSuccess(checkRules({ 'iris-api.yml': stringify({ groups }) }), 'promtool check rules');
  });

  test('the dashboard ConfigMaps: the sidecar\'s label, the same JSON as the stack\'s Grafana provisions', () => {
    const stackDashboards = configMapData(stack, 'grafana-dashboards');
    for (const configMap of byKind(objects, 'ConfigMap')) {
      expect(configMap.metadata.labels!.grafana_dashboard).toBe('1');
      const [[key, json]] = Object.entries(configMap.data as Record<string, string>);
      expect(JSON.parse(json)).toEqual(JSON.parse(stackDashboards[key]));
      expect(json).not.toContain('__inputs');
    }
  });

  test('the AlertmanagerConfig: credentials are SecretKeySelectors on the receivers Secret, never inline', () => {
    const spec = byKind(objects, 'AlertmanagerConfig')[0].spec;
    const oncall = spec.receivers.find((r: { name: string }) => r.name === 'oncall');
    const secret = (key: string) => ({ name: 'iris-api-alertmanager-receivers', key });
    expect(oncall.webhookConfigs[0].urlSecret).toEqual(secret('oncall-url'));
    expect(oncall.webhookConfigs[0].httpConfig.authorization).toEqual({ type: 'Bearer', credentials: secret('oncall-token') });
    expect(oncall.slackConfigs[0].apiURL).toEqual(secret('slack-url'));
    expect(spec.route).toEqual({
      receiver: 'unrouted',
      routes: [{ receiver: 'oncall', matchers: [{ name: 'severity', value: 'critical', matchType: '=' }] }],
    });
    expect(spec.inhibitRules[0].equal).toEqual(['namespace', 'job']);
  });
});

describe('the delivery follows the target', () => {
  test('a custom Operator setup: its selector labels, a datasource uid of its own everywhere the dashboards name one', () => {
    const target = OperatorTarget.custom({ monitorSelector: { team: 'ml' }, ruleSelector: { prometheus: 'main' }, datasourceUid: 'mimir', dashboardLabel: { dashboards: 'ml' } });
    const objects = deliver({ target, dashboardFolder: 'ML' });
    expect(byKind(objects, 'ServiceMonitor')[0].metadata.labels!.team).toBe('ml');
    expect(byKind(objects, 'PrometheusRule')[0].metadata.labels!.prometheus).toBe('main');
    for (const configMap of byKind(objects, 'ConfigMap')) {
      expect(configMap.metadata.labels!.dashboards).toBe('ml');
      expect(configMap.metadata.annotations).toEqual({ 'k8s-sidecar-target-directory': 'ML' });
      const json = Object.values(configMap.data as Record<string, string>)[0];
      const uids = [...json.matchAll(/"(?:uid|value)": "([^"]*)"/g)].map((m) => m[1]).filter((u) => u === 'prometheus' || u === 'mimir');
      expect(uids.length).toBeGreaterThan(0);
      expect(new Set(uids)).toEqual(new Set(['mimir']));
    }
  });

  test('a dashboard exported "for sharing externally": `__inputs` dropped, `${DS_PROMETHEUS}` replaced by the datasource uid', () => {
    const exported = Dashboard.fromJson({
      __inputs: [{ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }],
      __requires: [{ type: 'datasource', id: 'prometheus' }],
      uid: 'exported', title: 'Exported',
      panels: [{ type: 'timeseries', datasource: { type: 'prometheus', uid: '${DS_PROMETHEUS}' }, targets: [{ expr: 'up', datasource: { uid: '${DS_PROMETHEUS}' } }] }],
    });
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'ml' });
    const monitoring = new ApplicationMonitoring(chart, 'App', { application: { name: 'app', serviceName: 'app' }, dashboards: [exported] });
    new PrometheusOperatorDelivery(chart, 'Kps', { monitoring, target: OperatorTarget.kubePrometheusStack('kps') });
    const json = parse(app.synthYaml().split(/^---$/m).find((d) => d.includes('kind: ConfigMap'))!).data['exported.json'];
    expect(json).not.toMatch(/__inputs|__requires|DS_PROMETHEUS/);
    expect(JSON.parse(json).panels[0].targets[0].datasource.uid).toBe('prometheus');
  });

  test('a PodMonitor for pods without a Service: their labels, the job named after the application', () => {
    const podMonitor = byKind(deliver({ monitorKind: MonitorKind.POD_MONITOR, podLabels: { 'app.kubernetes.io/name': 'iris' } }), 'PodMonitor')[0];
    expect(podMonitor.metadata.labels!.release).toBe('kps');
    expect(podMonitor.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'iris' } });
    expect(podMonitor.spec.podMetricsEndpoints[0]).toMatchObject({ port: 'http', path: '/metrics', relabelings: [{ action: 'replace', targetLabel: 'job', replacement: 'iris-api' }] });
  });

  test('no receivers and no routes: no AlertmanagerConfig; the namespace matcher the Operator adds is stated', () => {
    const app = new App();
    const chart = new Chart(app, 'iris', { namespace: 'iris' });
    const delivery = new PrometheusOperatorDelivery(chart, 'Kps', { monitoring: new IrisApiMonitoring(chart, 'IrisApi'), target: OperatorTarget.kubePrometheusStack('kps') });
    expect(delivery.alertmanagerConfig).toBeUndefined();
    expect(delivery.namespaceMatcher).toBe('namespace="iris"');
    const none = new PrometheusOperatorDelivery(chart, 'None', {
      monitoring: new IrisApiMonitoring(chart, 'Other', { application: { name: 'other' } }),
      target: OperatorTarget.custom({ matcherStrategy: AlertmanagerConfigMatcherStrategy.NONE }),
    });
    expect(none.namespaceMatcher).toBeUndefined();
  });
});

describe('what the Operator would silently ignore or refuse fails at synth, with one clear error', () => {
  const critical = (namespace: string) => [{
    name: 'custom', rules: [{ alert: 'Custom', expr: 'up == 0', severity: AlertSeverity.CRITICAL, component: 'x', summary: 's', description: 'd', labels: { namespace } }],
  }];
  const CASES: [string, () => unknown, string | RegExp][] = [
    ['a label the selector needs with another value', () => deliver({ labels: { release: 'other' } }),
      '[iris/Kps] labels.release: is "other", but the target\'s monitor selector selects release: "kps": the Operator would ignore this ServiceMonitor without a word'],
    ['a namespace the target does not read', () => deliver({ target: OperatorTarget.custom({ namespaces: ['monitoring'] }) }),
      '[iris/Kps] monitoring.namespace: "iris" is not among the namespaces the target reads (monitoring): the Operator would ignore every object here'],
    ['a route to a receiver the application does not have', () => deliver({}, { routes: [{ receiver: 'pager' }] }),
      '[iris/Kps] monitoring.routes[0].receiver: "pager" is not a receiver of this application (unrouted): the Operator refuses an AlertmanagerConfig routing to it'],
    ['a route matching another namespace, which the Operator\'s matcher excludes', () => deliver({}, { receivers: [ONCALL], routes: [{ receiver: 'oncall', match: { namespace: 'prod' } }] }),
      '[iris/Kps] monitoring.routes[0].matchers: matches namespace = "prod", but the Operator adds namespace="iris" to the AlertmanagerConfig\'s routes: this route could only see alerts of namespace "iris"'],
    ['a receiver named like the AlertmanagerConfig\'s own', () => deliver({}, { receivers: [{ name: 'unrouted' }], routes: [{ receiver: 'unrouted' }] }),
      '[iris/Kps] monitoring.receivers[0].name: "unrouted" is the AlertmanagerConfig\'s own receiver of unrouted alerts: choose another name'],
    ['pod labels on a ServiceMonitor delivery', () => deliver({ podLabels: { app: 'x' } }),
      '[iris/Kps] podLabels: selects the pods of a PodMonitor: set monitorKind: MonitorKind.POD_MONITOR, or leave it out'],
    ['a release name that is no DNS label', () => OperatorTarget.kubePrometheusStack('Kube_Prometheus'),
      '[OperatorTarget.kubePrometheusStack] releaseName: "Kube_Prometheus" is not a valid DNS-1123 label (lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters)'],
    ['an alert whose namespace label the AlertmanagerConfig never sees', () => {
      const app = new App();
      const chart = new Chart(app, 'c', { namespace: 'ml' });
      const monitoring = new ApplicationMonitoring(chart, 'App', {
        application: { name: 'app', serviceName: 'app' }, alerts: critical('other'), receivers: [{ name: 'oncall' }], routes: [{ receiver: 'oncall' }],
      });
      new PrometheusOperatorDelivery(chart, 'Kps', { monitoring, target: OperatorTarget.kubePrometheusStack('kps') });
    }, '[c/Kps] monitoring.alerts[custom].Custom.labels.namespace: is "other", but the Operator adds namespace="ml" to the AlertmanagerConfig\'s routes: its notifications would never be routed here'],
    ['a dashboard too big for kubectl apply', () => {
      const app = new App();
      const chart = new Chart(app, 'c', { namespace: 'ml' });
      const panels = Array.from({ length: 800 }, (_, i) => ({ type: 'text', title: `note ${i}`, options: { content: 'x'.repeat(400) } }));
      const monitoring = new ApplicationMonitoring(chart, 'App', { application: { name: 'app', serviceName: 'app' }, dashboards: [Dashboard.fromJson({ uid: 'big', title: 'Big', panels })] });
      new PrometheusOperatorDelivery(chart, 'Kps', { monitoring, target: OperatorTarget.kubePrometheusStack('kps') });
    }, /^\[c\/Kps\] monitoring\.dashboards\[Big\]: its ConfigMap is \d+ bytes: over the 262144 bytes kubectl apply can record in its last-applied annotation/],
  ];
  test.each(CASES)('%s', (_name, build, message) => {
    expect(build).toThrow(typeof message === 'string' ? message : undefined);
    try {
      build();
    } catch (error) {
      expect((error as Error).name).toBe('MonitoringValidationError');
      if (message instanceof RegExp) expect((error as Error).message).toMatch(message);
      else expect((error as Error).message).toBe(message);
    }
  });

  const service = (ports: k8s.ServicePort[], labels: Record<string, string> = { app: 'iris-api' }) => (chart: Chart) => {
    new k8s.KubeService(chart, 'Service', { metadata: { name: 'iris-api-service', labels }, spec: { ports, selector: { app: 'iris-api' } } });
  };
  test('the application\'s Service in the same app without the monitor\'s port: refused at synth, naming the ports it has', () => {
    expect(() => deliver({}, {}, service([{ name: 'web', port: 8000 }]))).toThrow(
      '[iris/Kps] monitoring.application.portName: Service iris-api-service has no port named "http" (its ports: web (8000)): the ServiceMonitor would find no target');
  });
  test('the application\'s Service without the labels the monitor selects by: refused at synth', () => {
    expect(() => deliver({}, {}, service([{ name: 'http', port: 8000 }], { team: 'ml' }))).toThrow(
      '[iris/Kps] monitoring.application.serviceLabels: Service iris-api-service in iris lacks app: iris-api: the ServiceMonitor would select no Service and find no target');
  });
  test('the application\'s Service with the port and labels: accepted', () => {
    expect(byKind(deliver({}, {}, service([{ name: 'http', port: 8000 }])), 'ServiceMonitor')).toHaveLength(1);
  });
});

describe('generated deliveries (fast-check, seed 20261206, 200 runs): refused with one clear error, or accepted by promtool and selected', () => {
  test('synth and the tools agree', () => {
    let refused = 0;
    fc.assert(fc.property(carelessDelivery, (input) => {
      let objects: Manifest[];
      try {
        objects = synthDelivery(input);
      } catch (error) {
        // One MonitoringValidationError, its construct path once at the start: never a TypeError.
        expect((error as Error).name).toBe('MonitoringValidationError');
        expect((error as Error).message).toMatch(/^\[[^\]]+\] \S+: /);
        refused++;
        return;
      }
      const target = input.releaseName !== undefined ? OperatorTarget.kubePrometheusStack(input.releaseName) : OperatorTarget.custom(input.target);
      const rule = objects.find((o) => o.kind === 'PrometheusRule')!;
      const monitor = objects.find((o) => o.kind === (input.monitorKind ?? 'ServiceMonitor'))!;
      for (const [key, value] of Object.entries(target.ruleSelector)) expect(rule.metadata.labels![key]).toBe(value);
      for (const [key, value] of Object.entries(target.monitorSelector)) expect(monitor.metadata.labels![key]).toBe(value);
      expectSuccess(checkRules({ 'rules.yml': stringify({ groups: rule.spec.groups }) }), 'promtool check rules');
      expect(objects.some((o) => o.kind === 'AlertmanagerConfig')).toBe(!!(input.receivers?.length || input.routes?.length));
    }), { seed: 20261206, numRuns: 200, endOnFailure: true });
    // Both outcomes are exercised: the generator is neither all mistakes nor all valid.
    expect(refused).toBeGreaterThan(20);
    expect(refused).toBeLessThan(180);
  }, 300_000);
});

test('a Service whose `app` label is not the application\'s name: the job is still the name (a relabeling), as the rules select it', () => {
  const app = new App();
  const chart = new Chart(app, 'c', { namespace: 'ml' });
  const monitoring = new ApplicationMonitoring(chart, 'App', { application: { name: 'recommender', serviceName: 'reco', serviceLabels: { 'app.kubernetes.io/name': 'reco' } } });
  new PrometheusOperatorDelivery(chart, 'Kps', { monitoring, target: OperatorTarget.kubePrometheusStack('kps') });
  const monitor = parse(app.synthYaml()).spec;
  expect(monitor.jobLabel).toBeUndefined();
  expect(monitor.endpoints[0].relabelings).toEqual([{ action: 'replace', targetLabel: 'job', replacement: 'recommender' }]);
});

test.each([
  ['vLLM', () => ModelServers.vllm({ name: 'llm-chat', namespace: 'llm' })],
  ['Triton', () => ModelServers.triton({ name: 'triton', namespace: 'llm' })],
  ['KServe', () => ModelServers.kserve({ name: 'sklearn-iris', namespace: 'llm' })],
])('a model-server preset (%s) through the Operator delivery: the same rule groups as in the stack, accepted by promtool', (_name, preset) => {
  const server = preset();
  const app = new App();
  const chart = new Chart(app, 'llm', { namespace: 'llm' });
  new PrometheusOperatorDelivery(chart, 'Kps', {
    monitoring: new ApplicationMonitoring(chart, 'Server', { application: server.application, ...server.monitoring }),
    target: OperatorTarget.kubePrometheusStack('kps'),
  });
  const objects = app.synthYaml().split(/^---$/m).map((doc) => parse(doc) as Manifest);
  const groups = byKind(objects, 'PrometheusRule')[0].spec.groups;
  expectSuccess(checkRules({ 'server.yml': stringify({ groups }) }), 'promtool check rules');
  const stackRules = configMapData(synthStack({ irisApi: { enabled: false } }, (stack) => stack.monitorApplication(server.application, server.monitoring)).objects, 'prometheus-rules');
  const stackGroups = Object.entries(stackRules).filter(([file]) => file.startsWith(server.application.name)).flatMap(([, text]) => (parse(text) as RuleFile).groups);
  expect(groups).toEqual(stackGroups);
  expect(byKind(objects, 'ServiceMonitor')[0].metadata.labels!.release).toBe('kps');
});
