/*
 * The real Prometheus Operator (v0.93.0, the CRDs' version, built from the Go module proxy) in the real test
 * cluster, set up as kube-prometheus-stack sets it up for release `kps` (tools/cluster/operator/). Proves the
 * infrastructure the Operator delivery is judged on: a ServiceMonitor and a PrometheusRule labelled
 * `release: kps` for the Iris API stand-in, in the stand-in's own namespace, become a target that is up and a
 * rule group Prometheus loaded; the same objects labelled `release: other` are ignored, as the chart's
 * selectors ignore them. po-lint judges the objects.
 *
 * This suite and test/cluster.test.ts use the one cluster of tools/cluster/cluster.sh (a fixed network
 * namespace), one after the other: the sequencer runs this one last, and RealCluster.start waits for the
 * other suite's cluster to be stopped.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
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

const selected = irisApiObjects('iris-api', 'kps');
const ignored = irisApiObjects('iris-api-other', 'other');

beforeAll(async () => {
  const start = Date.now();
  // test/cluster.test.ts may hold the cluster for its whole run (~40 min with its soak).
  cluster = await RealCluster.start(90 * MINUTE);
  timings.push(`cluster up ${Math.round((Date.now() - start) / 1000)} s after asking`);
  await cluster.kubectlOk(['delete', 'namespace', '--ignore-not-found', '--wait=true', NS, 'monitoring'], undefined, 5 * MINUTE);
  kps = await startPrometheusOperator(cluster);
  const t = kps.timings;
  timings.push(`after apply: Operator Ready ${t.operatorReadySeconds} s, Prometheus Ready ${t.prometheusReadySeconds} s, Alertmanager Ready ${t.alertmanagerReadySeconds} s`);

  await cluster.kubectlOk(['apply', '-f', '-'], stringify({
    apiVersion: 'v1', kind: 'Namespace',
    metadata: { name: NS, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
  }));
  await cluster.kubectlOk(['apply', '-n', NS, '-f', IRIS_API_MANIFEST]);
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
