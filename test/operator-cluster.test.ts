/*
 * The real Prometheus Operator (v0.93.0, the CRDs' version, built from the Go module proxy) in the real test
 * cluster, set up as kube-prometheus-stack sets it up for release `kps` (tools/cluster/operator/). Proves the
 * infrastructure the Operator delivery is judged on: a ServiceMonitor and a PrometheusRule labelled
 * `release: kps` for the Iris API stand-in, in the stand-in's own namespace, become a target that is up and a
 * rule group Prometheus loaded; the same objects labelled `release: other` are ignored, as the chart's
 * selectors ignore them. po-lint judges the objects.
 *
 * This suite and test/cluster.test.ts share the one cluster of tools/cluster/cluster.sh (a fixed network
 * namespace), each in namespaces of its own: the sequencer runs this one last, so that it attaches to the cluster
 * while the other suite watches its stack for false alarms, and the last of the two to finish stops it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { parse, stringify } from 'yaml';
import {
  AlertSeverity, ApplicationMonitoring, IrisApiMonitoring, MonitorKind, OperatorAlertmanager, OperatorPrometheus, OperatorTarget, PrometheusOperatorDelivery,
} from '../src';
import { durationSeconds } from '../src/common/validation';
import { eventually, IRIS_API_MANIFEST, RealCluster } from './support/cluster/real-cluster';
import { OPERATOR_MANIFESTS, PrometheusOperatorStack, poLint, startPrometheusOperator } from './support/cluster/prometheus-operator';
import { note } from './support/notes';

const MINUTE = 60_000;
const NS = 'iris-kps';

jest.setTimeout(15 * MINUTE);

let cluster: RealCluster;
let kps: PrometheusOperatorStack;
const timings: string[] = [];
/** Polled from the apply on, side by side, so that each one's time is its own. */
let targetUp: Promise<any[]>;
let ruleLoaded: Promise<any[]>;

/** `wait`, with how long it took after `since` noted as `what`; a failure waits for the test that awaits it. */
function timed<T>(what: string, since: number, wait: Promise<T>): Promise<T> {
  const done = wait.then((value) => {
    timings.push(`${what} ${Math.round((Date.now() - since) / 1000)} s after the apply`);
    return value;
  });
  done.catch(() => undefined);
  return done;
}

/** A ServiceMonitor and a PrometheusRule for the Iris API stand-in, labelled `release: <release>`. */
function irisApiObjects(name: string, release: string): object[] {
  const labels = { release };
  return [
    {
      apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor',
      metadata: { name, namespace: NS, labels },
      spec: {
        selector: { matchLabels: { app: 'iris-api' } },
        endpoints: [{ port: 'http', path: '/metrics', interval: '5s' }],
      },
    },
    {
      apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule',
      metadata: { name, namespace: NS, labels },
      spec: {
        groups: [{
          name: `${name}.rules`,
          rules: [
            { record: 'job:http_requests:rate5m', expr: 'sum by (job) (rate(http_requests_total[5m]))' },
            { alert: 'IrisApiDown', expr: 'up{job="iris-api-service"} == 0', for: '1m', labels: { severity: 'critical' } },
          ],
        }],
      },
    },
  ];
}

function yamlOf(objects: object[]): string {
  return objects.map((o) => stringify(o)).join('---\n');
}

function writeTemp(name: string, text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'operator-cluster-')), name);
  fs.writeFileSync(file, text);
  return file;
}

/** The webhook sink inside the cluster (tools/cluster/manifests/alert-webhook.yaml): notifications by path. */
const SINK = 'http://alert-webhook.alert-sink.svc.cluster.local:8080';
/** Namespaces of the library's Operator delivery: the Iris API, and a second application through a PodMonitor. */
const IRIS_NS = 'iris-op';
const RECO_NS = 'reco-op';
const KPS = OperatorTarget.kubePrometheusStack('kps');
/** The library's own Prometheus and Alertmanager run by the Operator, and the application delivered to them. */
const OWN_NS = 'mlops-op';
const OWN_APP_NS = 'iris-own';

/**
 * The library's Operator delivery, as a user's cdk8s app writes it: the Iris API (ServiceMonitor, its alerts and
 * SLOs, dashboards, an AlertmanagerConfig paging `ml-oncall` on critical alerts) and a second application, the
 * "recommender", whose pods are found by a PodMonitor and whose alert goes to its own receiver.
 */
function libraryDelivery(): string {
  const app = new App();
  const iris = new Chart(app, 'iris', { namespace: IRIS_NS });
  new PrometheusOperatorDelivery(iris, 'Kps', {
    monitoring: new IrisApiMonitoring(iris, 'IrisApi', {
      receivers: [{ name: 'ml-oncall', webhook: [{ urlSecretKey: 'ml-oncall-url' }] }],
      routes: [{ receiver: 'ml-oncall', match: { severity: 'critical' } }],
    }),
    target: KPS,
  });
  const reco = new Chart(app, 'reco', { namespace: RECO_NS });
  new PrometheusOperatorDelivery(reco, 'Kps', {
    monitoring: new ApplicationMonitoring(reco, 'Recommender', {
      application: { name: 'recommender', serviceName: 'iris-api-service', portName: 'http' },
      alerts: [{
        name: 'recommender-alerts',
        rules: [{
          alert: 'RecommenderServing', expr: 'sum by (job) (up{job="recommender"}) > 0', severity: AlertSeverity.WARNING, component: 'recommender',
          summary: 'The recommender is up', description: 'A test alert that fires while the recommender serves.', labels: { namespace: RECO_NS },
          runbookUrl: 'https://runbooks.example.com/RecommenderServing.md',
        }],
      }],
      receivers: [{ name: 'reco-team', webhook: [{ urlSecretKey: 'reco-url' }] }],
      routes: [{ receiver: 'reco-team' }],
    }),
    target: KPS,
    monitorKind: MonitorKind.POD_MONITOR,
    podLabels: { app: 'iris-api' },
  });
  return app.synthYaml();
}

/**
 * The library's own stack through the Operator: an OperatorAlertmanager and an OperatorPrometheus (their custom
 * resources, RBAC, Services and NetworkPolicies) selecting `prometheus: own` objects in the application's
 * namespace, and the Iris API delivered for them by `operatorTarget()`, paging `own-oncall` on critical alerts.
 */
function ownStackDelivery(): string {
  const app = new App();
  const monitoring = new Chart(app, 'own', { namespace: OWN_NS });
  const own = { matchLabels: { prometheus: 'own' }, namespaces: [OWN_APP_NS] };
  const alertmanager = new OperatorAlertmanager(monitoring, 'Alertmanager', { alertmanagerConfigs: own });
  // A small request, as on a small node: the test node's two cores are shared with the other cluster suite's stacks.
  const prometheus = new OperatorPrometheus(monitoring, 'Prometheus', {
    serviceMonitors: own, podMonitors: own, rules: own, alertmanagers: [alertmanager],
    resources: { cpuRequestMillis: 100, cpuLimitMillis: 1000, memoryRequestMebibytes: 256, memoryLimitMebibytes: 1024 },
  });
  const iris = new Chart(app, 'iris-own', { namespace: OWN_APP_NS });
  new PrometheusOperatorDelivery(iris, 'Own', {
    monitoring: new IrisApiMonitoring(iris, 'IrisApi', {
      receivers: [{ name: 'own-oncall', webhook: [{ urlSecretKey: 'own-oncall-url' }] }],
      routes: [{ receiver: 'own-oncall', match: { severity: 'critical' } }],
    }),
    target: prometheus.operatorTarget(alertmanager),
  });
  return app.synthYaml();
}

/**
 * The notifications the webhook sink received on `/<receiverPath>` since `since` (a reused cluster's sink still
 * holds earlier runs'), each with its alerts' names.
 */
async function notifications(receiverPath: string, since: number): Promise<{ alertnames: string[]; namespaces: string[] }[]> {
  const all = JSON.parse(await cluster.http(`${await cluster.serviceUrl('alert-sink', 'alert-webhook', 8080)}/notifications`));
  return (all as any[]).filter((n) => n.path === `/${receiverPath}` && Date.parse(n.receivedAt) >= since).map((n) => ({
    alertnames: (n.body.alerts as any[]).map((a) => a.labels.alertname),
    namespaces: (n.body.alerts as any[]).map((a) => a.labels.namespace),
  }));
}

const selected = irisApiObjects('iris-api', 'kps');
const ignored = irisApiObjects('iris-api-other', 'other');

beforeAll(async () => {
  const start = Date.now();
  cluster = await RealCluster.start();
  timings.push(`cluster up ${Math.round((Date.now() - start) / 1000)} s after asking`);
  await cluster.kubectlOk(['delete', 'namespace', '--ignore-not-found', '--wait=true', NS, IRIS_NS, RECO_NS, OWN_NS, OWN_APP_NS, 'monitoring'], undefined, 5 * MINUTE);
  kps = await startPrometheusOperator(cluster);
  const t = kps.timings;
  timings.push(`after apply: Operator Ready ${t.operatorReadySeconds} s, Prometheus Ready ${t.prometheusReadySeconds} s, Alertmanager Ready ${t.alertmanagerReadySeconds} s`);

  for (const namespace of [NS, IRIS_NS, RECO_NS, OWN_NS, OWN_APP_NS]) {
    await cluster.kubectlOk(['apply', '-f', '-'], stringify({
      apiVersion: 'v1', kind: 'Namespace',
      metadata: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    }));
    if (namespace !== OWN_NS) await cluster.kubectlOk(['apply', '-n', namespace, '-f', IRIS_API_MANIFEST]);
  }
  await cluster.kubectlOk(['create', 'secret', 'generic', '-n', OWN_APP_NS, 'iris-api-alertmanager-receivers', `--from-literal=own-oncall-url=${SINK}/own-oncall`]);
  // The receivers' Secrets, created out of band as the guide says: the webhook URLs of the sink.
  await cluster.kubectlOk(['create', 'secret', 'generic', '-n', IRIS_NS, 'iris-api-alertmanager-receivers', `--from-literal=ml-oncall-url=${SINK}/operator-ml-oncall`]);
  await cluster.kubectlOk(['create', 'secret', 'generic', '-n', RECO_NS, 'recommender-alertmanager-receivers', `--from-literal=reco-url=${SINK}/operator-reco-team`]);
  const applied = Date.now();
  // The ignored objects first: one watch per kind delivers them in order, so once the Operator has written the
  // selected ServiceMonitor or PrometheusRule into Prometheus, it had seen the ignored one of that kind.
  await cluster.kubectlOk(['apply', '-f', '-'], yamlOf([...ignored, ...selected]));
  targetUp = timed('target up', applied, eventually('the Iris API target up', 5 * MINUTE, async () => {
    const active = await kps.activeTargets();
    return active.some((t: any) => t.scrapePool === `serviceMonitor/${NS}/iris-api/0` && t.health === 'up') ? active : undefined;
  }));
  ruleLoaded = timed('rule group loaded', applied, eventually('the Iris API rule group loaded', 5 * MINUTE, async () => {
    const loaded = await kps.ruleGroups();
    return loaded.some((g: any) => g.name === 'iris-api.rules') ? loaded : undefined;
  }));
}, 120 * MINUTE);

afterAll(async () => {
  note(`operator-cluster timings: ${timings.join('; ')}`);
  await cluster?.stop();
}, 10 * MINUTE);

describe('kube-prometheus-stack (release kps) run by the real Prometheus Operator v0.93.0', () => {
  test('po-lint accepts the stack and the monitors, and refuses a bad rule and a misspelled field', async () => {
    const files = fs.readdirSync(OPERATOR_MANIFESTS).map((f) => path.join(OPERATOR_MANIFESTS, f));
    const good = await poLint([...files, writeTemp('iris-api.yaml', yamlOf([...selected, ...ignored]))]);
    expect({ status: good.status, stderr: good.stderr }).toEqual({ status: 0, stderr: '' });

    const [monitor, rule] = irisApiObjects('broken', 'kps') as any[];
    monitor.spec.endpoint = monitor.spec.endpoints; // a typo the API server would prune in silence
    delete monitor.spec.endpoints;
    rule.spec.groups[0].rules[0].expr = 'sum by (job) (rate(http_requests_total[5m])'; // unbalanced
    const bad = await poLint([writeTemp('broken.yaml', yamlOf([monitor, rule]))]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/ServiceMonitor "broken": .*unknown field "endpoint"/);
    expect(bad.stderr).toMatch(/PrometheusRule "broken": .*could not parse expression/);
  });

  test('Prometheus sends to the Operator-managed Alertmanager, which serves the configuration the Operator wrote', async () => {
    const alertmanagers = await eventually('Prometheus to discover the Alertmanager', 3 * MINUTE, async () => {
      const active = (await kps.prometheusApi('/api/v1/alertmanagers')).activeAlertmanagers;
      return active.length > 0 ? active : undefined;
    });
    expect(alertmanagers.map((a: any) => a.url)).toEqual([expect.stringMatching(/^http:\/\/[\d.]+:9093\/api\/v2\/alerts$/)]);
    const status = await kps.alertmanagerApi('/status');
    expect(status.versionInfo.version).toBe('0.35.0');
    expect(status.config.original).toMatch(/receiver: "?null"?/);
  });

  test('the release: kps ServiceMonitor becomes a target that is up; the release: other one is ignored', async () => {
    const targets = await targetUp;
    const ours = targets.filter((t: any) => t.scrapePool.startsWith(`serviceMonitor/${NS}/`));
    expect(ours.map((t: any) => ({ pool: t.scrapePool, job: t.labels.job, namespace: t.labels.namespace, health: t.health })))
      .toEqual([{ pool: `serviceMonitor/${NS}/iris-api/0`, job: 'iris-api-service', namespace: NS, health: 'up' }]);
  });

  test('the release: kps PrometheusRule is loaded; the release: other one is not', async () => {
    const groups = await ruleLoaded;
    const ours = groups.filter((g: any) => g.file.includes(`/${NS}-`));
    expect(ours.map((g: any) => ({ name: g.name, rules: g.rules.map((r: any) => r.name) })))
      .toEqual([{ name: 'iris-api.rules', rules: ['job:http_requests:rate5m', 'IrisApiDown'] }]);
    // The chart leaves enforcedNamespaceLabel empty: the Operator adds no namespace label to the alert.
    const alert = ours[0].rules.find((r: any) => r.name === 'IrisApiDown');
    expect(alert.labels).toEqual({ severity: 'critical' });
  });
});

describe('the library\'s Operator delivery, applied as synthesized, on the real Operator', () => {
  let applied = 0;
  const manifest = libraryDelivery();

  beforeAll(async () => {
    await targetUp; // the hand-written objects' checks above are done with the Operator's first reconciliations
    applied = Date.now();
    await cluster.kubectlOk(['apply', '-f', '-'], manifest);
  }, 10 * MINUTE);

  test('po-lint accepts every object (no unknown field; rules and AlertmanagerConfigs pass the admission checks)', async () => {
    const result = await poLint([writeTemp('delivery.yaml', manifest)]);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });

  test('a second `kubectl apply` leaves every object unchanged', async () => {
    const again = await cluster.kubectlOk(['apply', '-f', '-'], manifest);
    expect(again.trim().split('\n').filter((line) => !line.endsWith(' unchanged'))).toEqual([]);
  });

  test('a delivery whose label the chart\'s selector does not match is refused at synth, not ignored in the cluster', () => {
    const app = new App();
    const chart = new Chart(app, 'wrong', { namespace: IRIS_NS });
    expect(() => new PrometheusOperatorDelivery(chart, 'Kps', {
      monitoring: new IrisApiMonitoring(chart, 'IrisApi'), target: KPS, labels: { release: 'kube-prometheus-stack' },
    })).toThrow('[wrong/Kps] labels.release: is "kube-prometheus-stack", but the target\'s monitor selector selects release: "kps"');
  });

  test('the ServiceMonitor and the PodMonitor become targets that are up, each job named after its application', async () => {
    const targets = await eventually('both targets up', 5 * MINUTE, async () => {
      const active = (await kps.activeTargets()).filter((t: any) => [IRIS_NS, RECO_NS].includes(t.labels.namespace));
      return active.length === 2 && active.every((t: any) => t.health === 'up') ? active : undefined;
    });
    timings.push(`library delivery: targets up ${Math.round((Date.now() - applied) / 1000)} s after its apply`);
    expect(targets.map((t: any) => ({ pool: t.scrapePool, job: t.labels.job, namespace: t.labels.namespace })).sort((a: any, b: any) => a.pool.localeCompare(b.pool))).toEqual([
      { pool: `podMonitor/${RECO_NS}/recommender/0`, job: 'recommender', namespace: RECO_NS },
      { pool: `serviceMonitor/${IRIS_NS}/iris-api/0`, job: 'iris-api', namespace: IRIS_NS },
    ]);
  });

  test('every rule group of both PrometheusRules is loaded and evaluates without error (with the extra target labels a ServiceMonitor adds)', async () => {
    const expected = manifest.split(/^---$/m).map((doc) => parse(doc)).filter((o) => o.kind === 'PrometheusRule').flatMap((o) => o.spec.groups.map((g: any) => g.name)).sort();
    expect(expected).toEqual(expect.arrayContaining(['iris-api-alerts', 'iris-api-slos', 'recommender-alerts']));
    const groups = await eventually('the rule groups loaded and evaluated', 5 * MINUTE, async () => {
      const ours = (await kps.ruleGroups()).filter((g: any) => g.file.includes(`/${IRIS_NS}-`) || g.file.includes(`/${RECO_NS}-`));
      const names = ours.map((g: any) => g.name).sort();
      return JSON.stringify(names) === JSON.stringify(expected) && ours.every((g: any) => g.rules.every((r: any) => r.health !== 'unknown')) ? ours : undefined;
    });
    const failing = groups.flatMap((g: any) => g.rules.filter((r: any) => r.health !== 'ok').map((r: any) => `${g.name}/${r.name}: ${r.lastError}`));
    expect(failing).toEqual([]);
    timings.push(`library delivery: rules loaded and evaluated ${Math.round((Date.now() - applied) / 1000)} s after its apply`);
    const alerts = groups.flatMap((g: any) => g.rules).filter((r: any) => r.type === 'alerting');
    expect(alerts.length).toBeGreaterThan(8);
    for (const alert of alerts) expect(alert.annotations.runbook_url).toMatch(/^https:\/\//);
  });

  test('Alertmanager\'s merged configuration has both AlertmanagerConfigs, each scoped to its namespace by the Operator', async () => {
    const original = await eventually('the AlertmanagerConfigs merged', 5 * MINUTE, async () => {
      const config: string = (await kps.alertmanagerApi('/status')).config.original;
      return config.includes(`${IRIS_NS}/iris-api/ml-oncall`) && config.includes(`${RECO_NS}/recommender/reco-team`) ? config : undefined;
    });
    // The receivers are namespaced by the Operator, and each top route matches its AlertmanagerConfig's namespace.
    expect(original).toMatch(new RegExp(`namespace="${IRIS_NS}"`));
    expect(original).toMatch(new RegExp(`namespace="${RECO_NS}"`));
    expect(original).toContain(`receiver: ${IRIS_NS}/iris-api/ml-oncall`);
    // The webhook URL came from the Secret; Alertmanager's status masks it as it masks every secret.
    expect(original).not.toContain('/operator-ml-oncall');
  });

  test('an incident: the model unloads; ModelNotLoaded reaches ml-oncall through the AlertmanagerConfig, and only it', async () => {
    const start = Date.now();
    await cluster.http(`${await cluster.serviceUrl(IRIS_NS, 'iris-api-service', 8000)}/admin/incident?model_loaded=0`, { post: true });
    const delivered = await eventually('ModelNotLoaded at ml-oncall', 6 * MINUTE, async () => {
      const received = await notifications('operator-ml-oncall', start);
      return received.some((n) => n.alertnames.includes('ModelNotLoaded')) ? received : undefined;
    }, 5_000);
    timings.push(`library delivery: ModelNotLoaded delivered ${Math.round((Date.now() - start) / 1000)} s after the model unloaded`);
    // Only critical alerts of the Iris API's namespace reach ml-oncall; the recommender's go to its own team.
    for (const n of delivered) expect(new Set(n.namespaces)).toEqual(new Set([IRIS_NS]));
    const reco = await eventually('the recommender\'s alert at reco-team', 5 * MINUTE, async () => {
      const received = await notifications('operator-reco-team', applied);
      return received.length ? received : undefined;
    }, 5_000);
    for (const n of reco) expect(new Set(n.namespaces)).toEqual(new Set([RECO_NS]));
    expect(reco.flatMap((n) => n.alertnames)).not.toContain('ModelNotLoaded');
  }, 15 * MINUTE);
});

describe('the library\'s own Prometheus and Alertmanager run by the real Operator (OperatorPrometheus, OperatorAlertmanager)', () => {
  const manifest = ownStackDelivery();
  const own = (service: string, port: number, apiPath: string) => cluster.serviceUrl(OWN_NS, service, port).then((url) => cluster.http(`${url}${apiPath}`)).then((text) => JSON.parse(text));
  let applied = 0;

  beforeAll(async () => {
    applied = Date.now();
    await cluster.kubectlOk(['apply', '-f', '-'], manifest);
  }, 10 * MINUTE);

  test('po-lint accepts every object', async () => {
    const result = await poLint([writeTemp('own.yaml', manifest)]);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });

  test('the Operator makes their pods, admitted under "restricted", Ready with no restart', async () => {
    // Up to the other cluster suite's end: until it deletes its stacks, the node may have no CPU left to request.
    const pods = await eventually('the Prometheus and Alertmanager pods Ready', 25 * MINUTE, async () => {
      const items = (await cluster.getJson(['pods', '-n', OWN_NS])).items;
      const ready = items.filter((p: any) => (p.status.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'));
      return items.length === 2 && ready.length === 2 ? items : undefined;
    });
    timings.push(`own stack: Prometheus and Alertmanager Ready ${Math.round((Date.now() - applied) / 1000)} s after the apply`);
    expect(pods.map((p: any) => p.metadata.name).sort()).toEqual(['alertmanager-alertmanager-0', 'prometheus-prometheus-0']);
    for (const pod of pods) expect(pod.status.containerStatuses.map((c: any) => c.restartCount)).toEqual(pod.status.containerStatuses.map(() => 0));
    // A pod waiting for the node's CPU (FailedScheduling) is the shared node's capacity, not the manifests'.
    const warnings = (await cluster.getJson(['events', '-n', OWN_NS, '--field-selector', 'type=Warning'])).items.filter((e: any) => e.reason !== 'FailedScheduling');
    expect(warnings.map((e: any) => `${e.reason}: ${e.message}`)).toEqual([]);
  }, 30 * MINUTE);

  test('its Prometheus scrapes the Iris API delivered for it, loads its rules and keeps 28d; kube-prometheus-stack\'s does not pick them up', async () => {
    const target = await eventually('the Iris API target up in the own Prometheus', 5 * MINUTE, async () => {
      const active = (await own('prometheus-service', 9090, '/api/v1/targets?state=active')).data.activeTargets;
      return active.find((t: any) => t.labels.namespace === OWN_APP_NS && t.health === 'up');
    });
    expect({ pool: target.scrapePool, job: target.labels.job }).toEqual({ pool: `serviceMonitor/${OWN_APP_NS}/iris-api/0`, job: 'iris-api' });
    const groups = await eventually('the Iris API rules loaded', 5 * MINUTE, async () => {
      const loaded = (await own('prometheus-service', 9090, '/api/v1/rules')).data.groups;
      return loaded.some((g: any) => g.name === 'iris-api-slos') ? loaded : undefined;
    });
    expect(groups.map((g: any) => g.name)).toEqual(expect.arrayContaining(['iris-api-alerts', 'iris-api-slos']));
    const flags = (await own('prometheus-service', 9090, '/api/v1/status/flags')).data;
    // Prometheus prints its retention in its own units: 28d is 4w.
    expect(durationSeconds(flags['storage.tsdb.retention.time'])).toBe(durationSeconds('28d'));
    const kpsTargets = (await kps.activeTargets()).filter((t: any) => t.labels.namespace === OWN_APP_NS);
    expect(kpsTargets).toEqual([]);
  });

  test('its Prometheus sends to its Alertmanager, which routes ModelNotLoaded to own-oncall through the delivered AlertmanagerConfig', async () => {
    const start = Date.now();
    await cluster.http(`${await cluster.serviceUrl(OWN_APP_NS, 'iris-api-service', 8000)}/admin/incident?model_loaded=0`, { post: true });
    const delivered = await eventually('ModelNotLoaded at own-oncall', 6 * MINUTE, async () => {
      const received = await notifications('own-oncall', start);
      return received.some((n) => n.alertnames.includes('ModelNotLoaded')) ? received : undefined;
    }, 5_000);
    timings.push(`own stack: ModelNotLoaded delivered ${Math.round((Date.now() - start) / 1000)} s after the model unloaded`);
    for (const n of delivered) expect(new Set(n.namespaces)).toEqual(new Set([OWN_APP_NS]));
  }, 10 * MINUTE);
});
