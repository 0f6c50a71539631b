import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { parse, parseAllDocuments } from 'yaml';
import { Sharding, Versions } from '../src';
import { wholeStack } from '../examples/01-whole-stack';
import { namespaceAndImages } from '../examples/02-namespace-and-images';
import { anotherApplication } from '../examples/03-another-application';
import { rulesDashboardsReceivers } from '../examples/04-rules-dashboards-receivers';
import { alertRouterAlone, grafanaAlone } from '../examples/05-one-construct-alone';
import { tenFileLayout } from '../examples/06-ten-file-layout';
import { slosForAnotherApplication } from '../examples/07-slos-for-another-application';
import { highAvailability, shardedStack } from '../examples/08-high-availability';
import { kubePrometheusStack } from '../examples/09-kube-prometheus-stack';
import { amtoolRoutesTest } from './support/alertmanager';
import { checkRules, expectSuccess } from './support/promtool';
import { tempDir } from './support/tools';

/** amtool routes an alert with these labels to exactly `receiver`. */
function expectRoute(yml: string, labels: Record<string, string>, receiver: string): void {
  expectSuccess(amtoolRoutesTest(yml, labels, [receiver]), `amtool config routes test ${JSON.stringify(labels)} → ${receiver}`);
}

// The examples import 'cdk8s-mlops-monitoring' by name, as a consumer does: it resolves through the package's
// own `exports` to the compiled lib/ (the test task runs `tsc --build` first).

const ROOT = path.join(__dirname, '..');
const EXAMPLES = path.join(ROOT, 'examples');

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: any;
}

function get(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

function images(objects: K8sObject[]): Record<string, string> {
  return Object.fromEntries(objects.filter((o) => o.kind === 'Deployment')
    .map((d) => [d.metadata.name, d.spec.template.spec.containers[0].image]));
}

const CLUSTER_SCOPED = new Set(['ClusterRole', 'ClusterRoleBinding', 'Namespace']);

test('the examples type-check (tsc --noEmit -p examples/tsconfig.json)', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '--noEmit', '-p', path.join(EXAMPLES, 'tsconfig.json')], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
  } catch (e: any) {
    throw new Error(`examples do not compile:\n${e.stdout}${e.stderr}`);
  }
});

/** Every YAML file under `dir`, relative to it. */
function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')).sort();
}

// The README says each example "also runs on its own": exactly so, with ts-node, in an empty folder.
const EXAMPLE_FILES = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.ts')).sort();
test.each(EXAMPLE_FILES)('%s runs on its own (npx ts-node examples/<file>) and writes manifests', (file) => {
  const cwd = tempDir(`example-main-${file}`);
  try {
    try {
      execFileSync(process.execPath, [require.resolve('ts-node/dist/bin'), path.join(EXAMPLES, file)], { cwd, encoding: 'utf8', stdio: 'pipe' });
    } catch (e: any) {
      throw new Error(`npx ts-node examples/${file} failed:\n${e.stdout}${e.stderr}`);
    }
    const written = yamlFiles(cwd);
    expect(written.length).toBeGreaterThan(0);
    const objects = written.flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(cwd, f), 'utf8')).map((d) => d.toJSON() as K8sObject));
    expect(objects.filter((o) => !o?.kind || !o.metadata?.name)).toEqual([]);
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
});

test('README: every ```ts block of the usage section is (an excerpt of) an examples/ file', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const usage = readme.slice(readme.indexOf('<!-- usage:start -->'), readme.indexOf('<!-- usage:end -->'));
  const blocks = [...usage.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1].trimEnd());
  // A block may show lines from inside a function without their indentation.
  const shown = (text: string, block: string) => ['', '  ', '    '].some((indent) => text.includes(block.replace(/^(?=.)/gm, indent)));
  const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.ts')).map((f) => ({ f, text: fs.readFileSync(path.join(EXAMPLES, f), 'utf8') }));
  expect(blocks.length).toBeGreaterThanOrEqual(7);
  for (const block of blocks) {
    const home = files.find(({ text }) => shown(text, block));
    if (!home) throw new Error(`README code block is in no examples/*.ts file (edit the example, then copy it):\n${block}`);
  }
  // Every use case 01-08 is shown.
  for (const { f, text } of files) {
    expect({ f, shown: blocks.some((b) => shown(text, b)) }).toEqual({ f, shown: true });
  }
});

test('1. the whole stack in one line, in its own chart, synthesized as one file', () => {
  const outdir = tempDir('example-01');
  try {
    const app = new App({ outdir });
    wholeStack(app);
    app.synth();
    expect(fs.readdirSync(outdir)).toEqual(['monitoring.k8s.yaml']);
    const objects = parseAllDocuments(fs.readFileSync(path.join(outdir, 'monitoring.k8s.yaml'), 'utf8')).map((d) => d.toJSON() as K8sObject);
    expect(Object.keys(images(objects)).sort()).toEqual(['alertmanager', 'grafana', 'prometheus']);
    expect(get(objects, 'ServiceMonitor', 'iris-api').spec.namespaceSelector).toEqual({ matchNames: ['mlops'] });
    const prometheusYml = parse(get(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']);
    expect(prometheusYml.scrape_configs.map((j: any) => j.job_name)).toContain('iris-api');
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

test('2. another namespace and images from other registries', () => {
  const app = Testing.app();
  const objects = Testing.synth(namespaceAndImages(app)) as K8sObject[];
  // Everything in the stack's namespace, but the Role and RoleBinding that discover kube-state-metrics in kube-system.
  const namespaced = objects.filter((o) => !CLUSTER_SCOPED.has(o.kind) && o.metadata.namespace !== 'kube-system');
  expect(namespaced.length).toBeGreaterThan(10);
  expect(new Set(namespaced.map((o) => o.metadata.namespace))).toEqual(new Set(['observability']));
  expect(objects.filter((o) => o.metadata.namespace === 'kube-system').map((o) => `${o.kind}/${o.metadata.name}`))
    .toEqual(['Role/prometheus-observability', 'RoleBinding/prometheus-observability']);
  expect(images(objects)).toEqual({
    prometheus: `quay.io/prometheus/prometheus:v${Versions.PROMETHEUS}`,
    alertmanager: `quay.io/prometheus/alertmanager:v${Versions.ALERTMANAGER}`,
    grafana: `docker.io/grafana/grafana:${Versions.GRAFANA}`,
  });
  const prometheusYml = parse(get(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']);
  expect(prometheusYml.global).toMatchObject({ scrape_interval: '30s', external_labels: { cluster: 'prod-eu' } });
  expect(prometheusYml.storage.tsdb.retention.time).toBe('30d');
  const grafanaEnv = get(objects, 'Deployment', 'grafana').spec.template.spec.containers[0].env;
  expect(grafanaEnv.map((e: any) => e.valueFrom?.secretKeyRef?.name)).toContain('grafana-admin');
  // Alertmanager and Grafana find Prometheus in the new namespace, and it scrapes the Iris API there.
  expect(get(objects, 'ServiceMonitor', 'iris-api').spec.namespaceSelector).toEqual({ matchNames: ['observability'] });
});

test('3. another application: its scrape job, alert rules and ServiceMonitor, without the Iris API', () => {
  const app = Testing.app();
  const stack = anotherApplication(app);
  const objects = Testing.synth(stack.node.scope as any) as K8sObject[];
  const prometheusYml = parse(get(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']);
  const jobs = prometheusYml.scrape_configs.map((j: any) => j.job_name);
  expect(jobs).toContain('checkout');
  expect(jobs).not.toContain('iris-api');
  const checkout = prometheusYml.scrape_configs.find((j: any) => j.job_name === 'checkout');
  expect(checkout).toMatchObject({
    scrape_interval: '30s',
    metrics_path: '/prometheus',
    kubernetes_sd_configs: [{ role: 'endpointslice', namespaces: { names: ['shop'] } }],
  });
  expect(checkout.relabel_configs).toEqual(expect.arrayContaining([
    { source_labels: ['__meta_kubernetes_service_name'], regex: 'checkout-service', action: 'keep' },
    { source_labels: ['__meta_kubernetes_endpointslice_port_name'], regex: 'metrics', action: 'keep' },
  ]));
  const rules = get(objects, 'ConfigMap', 'prometheus-rules').data;
  expect(Object.keys(rules)).toContain('checkout-alerts.yml');
  expect(Object.keys(rules)).not.toContain('api-alerts.yml');
  const alerts = parse(rules['checkout-alerts.yml']).groups[0].rules.map((r: any) => r.alert);
  expect(alerts).toEqual(['CheckoutDown', 'CheckoutSlow']);
  const monitor = get(objects, 'ServiceMonitor', 'checkout');
  expect(monitor.metadata.namespace).toBe('shop');
  expect(monitor.spec).toMatchObject({
    selector: { matchLabels: { app: 'checkout' } },
    namespaceSelector: { matchNames: ['shop'] },
    endpoints: [{ port: 'metrics', path: '/prometheus', interval: '30s' }],
  });
  expect(objects.filter((o) => o.kind === 'ServiceMonitor').map((o) => o.metadata.name)).toEqual(['checkout']);
  // Prometheus may discover endpoint slices in the other namespace: a Role there grants it, nothing cluster-wide.
  const shopRole = objects.find((o) => o.kind === 'Role' && o.metadata.namespace === 'shop')!;
  expect(shopRole.rules.flatMap((r: any) => r.resources).sort()).toEqual(['endpointslices', 'pods', 'services']);
});

test('4. added alert rules, recording rules, dashboards (typed panels and JSON) and receivers', () => {
  const app = Testing.app();
  const stack = rulesDashboardsReceivers(app);
  const objects = Testing.synth(stack.node.scope as any) as K8sObject[];
  const rules = get(objects, 'ConfigMap', 'prometheus-rules').data;
  expect(parse(rules['recording-rules.yml']).groups[0]).toMatchObject({
    name: 'iris-api-recording', interval: '1m',
    rules: [{ record: 'job:model_predictions:rate5m', expr: 'sum by (job) (rate(model_predictions_total[5m]))' }],
  });
  expect(parse(rules['custom-rules.yml']).groups[0].rules[0]).toMatchObject({ alert: 'NoPredictions', labels: { severity: 'warning', team: 'ml' } });
  expect(Object.keys(rules)).toContain('api-alerts.yml'); // the built-in ones stay

  const dashboards = get(objects, 'ConfigMap', 'grafana-dashboards').data;
  expect(Object.keys(dashboards)).toEqual(expect.arrayContaining(['predictions-recorded.json', 'scrape-health.json']));
  expect(Object.keys(dashboards)).toHaveLength(5); // with the three built-in ones
  const recorded = JSON.parse(dashboards['predictions-recorded.json']);
  expect(recorded.title).toBe('Predictions (recorded)');
  expect(recorded.panels[0]).toMatchObject({ id: 1, targets: [{ expr: 'job:model_predictions:rate5m', refId: 'A' }] });
  const health = JSON.parse(dashboards['scrape-health.json']);
  expect(health.panels[0]).toMatchObject({ id: 1, datasource: { type: 'prometheus', uid: 'prometheus' }, targets: [{ refId: 'A' }] });

  const alertmanagerYml = parse(get(objects, 'ConfigMap', 'alertmanager-config').data['alertmanager.yml']);
  expect(alertmanagerYml.receivers.find((r: any) => r.name === 'ml-team')).toMatchObject({
    slack_configs: [{ channel: '#ml-alerts', api_url_file: '/etc/alertmanager/secrets/slack-ml-webhook-url' }],
  });
  expect(alertmanagerYml.route.routes).toContainEqual({ receiver: 'ml-team', matchers: ['team="ml"'] });
  expect(alertmanagerYml.receivers.find((r: any) => r.name === 'oncall')).toMatchObject({
    pagerduty_configs: [{ routing_key_file: '/etc/alertmanager/secrets/pagerduty-routing-key' }],
  });
  expect(JSON.stringify(alertmanagerYml)).not.toContain('hooks.slack.com');
  // The real router decides: the example's alert reaches the team, the built-in ones their severity's receiver.
  const yml = get(objects, 'ConfigMap', 'alertmanager-config').data['alertmanager.yml'];
  const noPredictions = parse(rules['custom-rules.yml']).groups[0].rules[0];
  expectRoute(yml, { alertname: 'NoPredictions', ...noPredictions.labels }, 'ml-team');
  expectRoute(yml, { alertname: 'IrisAPIDown', severity: 'critical', component: 'iris-api', job: 'iris-api' }, 'oncall');
  expectRoute(yml, { alertname: 'HighErrorRate', severity: 'warning', component: 'iris-api', job: 'iris-api' }, 'warning');
});

test('5. one construct alone: only AlertRouter, only Grafana on an existing Prometheus', () => {
  const alerting = Testing.synth(alertRouterAlone(Testing.app())) as K8sObject[];
  expect(new Set(alerting.map((o) => o.metadata.name.split('-')[0]))).toEqual(new Set(['alertmanager']));
  expect(new Set(alerting.map((o) => o.metadata.namespace))).toEqual(new Set(['alerting']));
  expect(alerting.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'NetworkPolicy', 'Service']);
  const alertmanagerYml = parse(get(alerting, 'ConfigMap', 'alertmanager-config').data['alertmanager.yml']);
  expect(alertmanagerYml.receivers.map((r: any) => r.name)).toEqual(['default', 'oncall', 'watchdog']);
  expect(alertmanagerYml.route.routes.map((r: any) => r.receiver)).toEqual(['watchdog', 'oncall']);
  const yml = get(alerting, 'ConfigMap', 'alertmanager-config').data['alertmanager.yml'];
  expectRoute(yml, { alertname: 'IrisAPIDown', severity: 'critical' }, 'oncall');
  expectRoute(yml, { alertname: 'HighErrorRate', severity: 'warning' }, 'default');
  expectRoute(yml, { alertname: 'Watchdog', severity: 'none' }, 'watchdog');

  const dashboards = Testing.synth(grafanaAlone(Testing.app())) as K8sObject[];
  expect(new Set(dashboards.map((o) => o.metadata.name.split('-')[0]))).toEqual(new Set(['grafana']));
  expect(dashboards.some((o) => /prometheus|alertmanager/.test(JSON.stringify(o.metadata)))).toBe(false);
  const datasources = parse(get(dashboards, 'ConfigMap', 'grafana-config').data['datasources.yaml']);
  expect(datasources.datasources[0]).toMatchObject({ type: 'prometheus', url: 'http://prometheus-operated.monitoring.svc:9090' });
});

test('6. the ten-file layout, written into any folder', () => {
  const outdir = path.join(tempDir('example-06'), 'deploy', 'monitoring');
  try {
    const written = tenFileLayout(outdir);
    const expected = [
      'alertmanager-configmap.yaml', 'alertmanager-deployment.yaml', 'grafana-configmap.yaml',
      'grafana-dashboards-configmap.yaml', 'grafana-deployment.yaml', 'prometheus-configmap.yaml',
      'prometheus-deployment.yaml', 'prometheus-rbac.yaml', 'prometheus-rules.yaml', 'servicemonitor-iris-api.yaml',
    ];
    expect([...written].sort()).toEqual(expected);
    expect(fs.readdirSync(outdir).sort()).toEqual(['.written-files', ...expected]);
    const kinds = (file: string) => parseAllDocuments(fs.readFileSync(path.join(outdir, file), 'utf8')).map((d) => d.get('kind'));
    expect(kinds('prometheus-rbac.yaml')).toEqual(expect.arrayContaining(['ClusterRole', 'ClusterRoleBinding']));
    expect(kinds('prometheus-rbac.yaml')).not.toContain('ServiceAccount');
    expect(kinds('prometheus-deployment.yaml')).toEqual(expect.arrayContaining(['ServiceAccount', 'Deployment', 'Service']));
    expect(kinds('servicemonitor-iris-api.yaml')).toEqual(['ServiceMonitor']);
    expect(kinds('grafana-deployment.yaml')).toEqual(expect.arrayContaining(['Deployment', 'Service']));
  } finally {
    fs.rmSync(path.dirname(path.dirname(outdir)), { recursive: true, force: true });
  }
});

test('7. SLOs for another application: recording rules, burn-rate alerts and a dashboard', () => {
  const app = Testing.app();
  const stack = slosForAnotherApplication(app);
  const objects = Testing.synth(stack.node.scope as any) as K8sObject[];
  const rules = get(objects, 'ConfigMap', 'prometheus-rules').data;
  expect(Object.keys(rules)).toEqual(expect.arrayContaining(['iris-api-slos.yml', 'checkout-slos.yml']));
  expectSuccess(checkRules({ 'checkout-slos.yml': rules['checkout-slos.yml'] }), 'promtool check rules checkout-slos.yml');
  const checkout = parse(rules['checkout-slos.yml']).groups.flatMap((g: any) => g.rules);
  expect(checkout.filter((r: any) => r.alert).map((r: any) => [r.alert, r.labels])).toEqual([
    ['CheckoutAvailabilityFastBurn', { severity: 'critical', component: 'checkout', job: 'checkout', namespace: 'shop', slo: 'availability' }],
    ['CheckoutAvailabilitySlowBurn', { severity: 'warning', component: 'checkout', job: 'checkout', namespace: 'shop', slo: 'availability' }],
    ['CheckoutLatencyFastBurn', { severity: 'critical', component: 'checkout', job: 'checkout', namespace: 'shop', slo: 'latency' }],
    ['CheckoutLatencySlowBurn', { severity: 'warning', component: 'checkout', job: 'checkout', namespace: 'shop', slo: 'latency' }],
  ]);
  expect(checkout.find((r: any) => r.record === 'job:slo_errors_per_request:ratio_rate30d' && r.labels.slo === 'availability').expr)
    .toBe('((sum(rate(http_requests_total{job="checkout", code=~"5.."}[30d])) or vector(0)) / (sum(rate(http_requests_total{job="checkout"}[30d])) > 0))'
      + ' * on() (clamp_max((time() - min_over_time(job:slo_last_scrape:timestamp{job="checkout", slo="availability"}[30d5m])) / 2592000, 1) or on() vector(1))');
  // Prometheus keeps the longest SLO window: checkout's 30d, beyond the Iris API's 28d.
  expect(parse(get(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']).storage.tsdb.retention.time).toBe('30d');
  const dashboard = JSON.parse(get(objects, 'ConfigMap', 'grafana-dashboards').data['checkout-slos.json']);
  expect(dashboard.panels.map((p: any) => p.title)).toEqual([
    'availability: SLI over 30d', 'availability: error budget left', 'availability: burn rate',
    'latency: SLI over 30d', 'latency: error budget left', 'latency: burn rate',
  ]);
});

test('8. highly available: Prometheus replicas, an Alertmanager cluster, remote write to Mimir; and shards', () => {
  const app = Testing.app();
  const objects = Testing.synth(highAvailability(app).node.scope as any) as K8sObject[];
  const prometheus = get(objects, 'StatefulSet', 'prometheus');
  expect(prometheus.spec.replicas).toBe(2);
  expect(prometheus.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('100Gi');
  expect(get(objects, 'StatefulSet', 'alertmanager').spec.replicas).toBe(3);
  const prometheusYml = parse(get(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']);
  expect(prometheusYml.global.external_labels).toEqual({ replica: '${POD_NAME}' });
  expect(prometheusYml.alerting.alertmanagers[0].static_configs[0].targets).toEqual([0, 1, 2].map((i) => `alertmanager-${i}.alertmanager-cluster.mlops.svc:9093`));
  expect(prometheusYml.remote_write).toEqual([{
    url: 'http://mimir-distributor.mimir.svc:8080/api/v1/push', name: 'mimir', headers: { 'X-Scope-OrgID': 'mlops' },
    authorization: { type: 'Bearer', credentials_file: '/etc/prometheus/secrets/mimir-token' },
    queue_config: { max_shards: 30, max_samples_per_send: 5000 },
  }]);
  expect(Object.values(get(objects, 'ConfigMap', 'grafana-config').data).join('\n')).toContain('http://mimir-query-frontend.mimir.svc:8080/prometheus');

  const sharded = Testing.synth(shardedStack(Testing.app()).node.scope as any) as K8sObject[];
  expect(sharded.filter((o) => o.kind === 'StatefulSet').map((o) => o.metadata.name).sort())
    .toEqual(['alertmanager', 'prometheus-shard-0', 'prometheus-shard-1', 'prometheus-shard-2', 'prometheus-shard-3']);
  expect(Object.keys(get(sharded, 'ConfigMap', 'prometheus-config').data)).toHaveLength(4);
  // The Iris API's job and its alerts (IrisAPIDown's absent() among them) are on the same shard, and only there.
  const iris = Sharding.hashmod('iris-api', 4);
  const shardsWith = (test: (config: any, rules: string[]) => boolean) => [0, 1, 2, 3].filter((i) => {
    const config = parse(get(sharded, 'ConfigMap', 'prometheus-config').data[`prometheus-shard-${i}.yml`]);
    const own = sharded.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `prometheus-shard-${i}-rules`);
    return test(config, Object.values(own?.data ?? {}) as string[]);
  });
  expect(shardsWith((config) => config.scrape_configs.some((j: any) => j.job_name === 'iris-api'))).toEqual([iris]);
  expect(shardsWith((_, rules) => rules.some((r) => r.includes('alert: IrisAPIDown')))).toEqual([iris]);
});

test('9. the Iris API added to an existing kube-prometheus-stack: selected by its release label, rules promtool accepts', () => {
  const delivery = kubePrometheusStack(Testing.app());
  const objects = Testing.synth(delivery.node.scope as any) as K8sObject[];
  expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
    'ServiceMonitor/iris/iris-api', 'PrometheusRule/iris/iris-api',
    'ConfigMap/iris/iris-api-dashboard-iris-api-overview', 'ConfigMap/iris/iris-api-dashboard-iris-api-slos',
    'AlertmanagerConfig/iris/iris-api',
  ]);
  for (const kind of ['ServiceMonitor', 'PrometheusRule']) expect(get(objects, kind, 'iris-api').metadata.labels!.release).toBe('kube-prometheus-stack');
  const groups = get(objects, 'PrometheusRule', 'iris-api').spec.groups;
  expectSuccess(checkRules({ 'iris-api.yml': JSON.stringify({ groups }) }), 'promtool check rules');
  const config = get(objects, 'AlertmanagerConfig', 'iris-api').spec;
  expect(config.route.routes).toEqual([{ receiver: 'ml-oncall', matchers: [{ name: 'severity', value: 'critical', matchType: '=' }] }]);
  expect(config.receivers[1].webhookConfigs[0].urlSecret).toEqual({ name: 'iris-api-alertmanager-receivers', key: 'ml-oncall-url' });
  expect(delivery.namespaceMatcher).toBe('namespace="iris"');
});
