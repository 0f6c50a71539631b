/*
 * End to end, on loopback only: the real Prometheus and Alertmanager, at the versions the library deploys
 * (built by tools/install.sh), run the synthesized prometheus.yml, alert rules and alertmanager.yml against
 * a simulated Iris API, and a local webhook server records what Alertmanager sends. It proves that the
 * stack's alerts fire, are routed by severity to the right receiver, and resolve, and that the public
 * construct API is enough to tune the stack for a run that lasts seconds instead of minutes.
 *
 * The only rewrite outside the public API is localPrometheusConfig (see there): there is no cluster to
 * discover targets in, so the Iris API job gets a static target.
 */
import * as fs from 'fs';
import * as path from 'path';
import { configMapData, synthStack } from './support/synth';
import { removeDir, requireBinary, tempDir, writeRuleFiles } from './support/tools';
import { Daemon } from './support/e2e/daemon';
import { IrisApiSimulator } from './support/e2e/iris-api-simulator';
import { listeningAddresses } from './support/e2e/listening-sockets';
import { localPrometheusConfig } from './support/e2e/local-config';
import { freePort, httpGet, LOOPBACK, waitFor } from './support/e2e/loopback';
import { Notification, WebhookRecorder } from './support/e2e/webhook-recorder';
import { note } from './support/notes';

/** Bound of each wait for notifications; the observed time is a few seconds. */
const PHASE_TIMEOUT_MS = 30_000;
/** Bound of each program's start-up. */
const READY_TIMEOUT_MS = 15_000;
const IRIS_JOB = 'iris-api';
const NAMESPACE = 'mlops';

describe('end to end: the synthesized stack alerts on a live Iris API through real Prometheus and Alertmanager', () => {
  const startedAt = Date.now();
  const daemons: Daemon[] = [];
  let workDir: string | undefined;
  let iris: IrisApiSimulator | undefined;
  let webhooks: WebhookRecorder;
  let prometheusAddress: string;
  let alertmanagerAddress: string;
  let prometheusUrl: string;
  let alertmanagerUrl: string;
  let droppedJobs: string[];

  beforeAll(async () => {
    // Missing binaries fail the suite with the install command; the test is never skipped.
    const prometheusBinary = requireBinary('prometheus');
    const alertmanagerBinary = requireBinary('alertmanager');
    workDir = tempDir('iris-e2e');
    iris = await IrisApiSimulator.start('model-not-loaded');
    webhooks = await WebhookRecorder.start();
    prometheusAddress = `${LOOPBACK}:${await freePort()}`;
    alertmanagerAddress = `${LOOPBACK}:${await freePort()}`;
    prometheusUrl = `http://${prometheusAddress}`;
    alertmanagerUrl = `http://${alertmanagerAddress}`;

    // Everything below is tuned through the public props of MonitoringStack: short intervals, alerts that
    // fire on the first evaluation, notifications sent at once, and webhook receivers. The Kubernetes
    // monitoring stays on (its default), so the real Prometheus also loads the infrastructure rules.
    const { objects } = synthStack({
      prometheus: { scrapeInterval: '1s', evaluationInterval: '1s' },
      // As in production, the cause (ModelNotLoaded, downFor) fires before its symptom (HighErrorRate,
      // degradedFor), so Alertmanager already knows the cause when the symptom arrives.
      irisApi: { downFor: '0s', degradedFor: '5s' },
      alertmanager: {
        groupWait: '1s',
        groupInterval: '1s',
        receivers: ['default', 'critical', 'warning'].map((name) => ({ name, webhook: [{ url: webhooks.url(`/${name}`) }] })),
        watchdog: { receiver: { name: 'watchdog', webhook: [{ url: webhooks.url('/watchdog') }] }, repeatInterval: '1s' },
      },
    });

    const rulesDir = path.join(workDir, 'rules');
    writeRuleFiles(configMapData(objects, 'prometheus-rules'), rulesDir);
    const local = localPrometheusConfig(configMapData(objects, 'prometheus-config')['prometheus.yml'], {
      rulesDir,
      alertmanager: alertmanagerAddress,
      targets: {
        prometheus: { address: prometheusAddress },
        alertmanager: { address: alertmanagerAddress },
        // The labels the job's Kubernetes relabeling gives each series.
        [IRIS_JOB]: { address: iris.address, labels: { namespace: NAMESPACE, service: 'iris-api-service', pod: 'iris-api-local' } },
      },
    });
    droppedJobs = local.droppedJobs;
    const prometheusConfig = path.join(workDir, 'prometheus.yml');
    fs.writeFileSync(prometheusConfig, local.yaml);
    // alertmanager.yml runs as synthesized: the webhook URLs came in through the receivers prop.
    const alertmanagerConfig = path.join(workDir, 'alertmanager.yml');
    fs.writeFileSync(alertmanagerConfig, configMapData(objects, 'alertmanager-config')['alertmanager.yml']);

    daemons.push(await Daemon.start({
      name: 'alertmanager',
      binary: alertmanagerBinary,
      args: [
        `--config.file=${alertmanagerConfig}`,
        `--storage.path=${path.join(workDir, 'alertmanager-data')}`,
        `--web.listen-address=${alertmanagerAddress}`,
        `--web.external-url=${alertmanagerUrl}`, // else links in notifications name this host
        '--cluster.listen-address=', // no gossip: nothing listens beyond the web port
      ],
      cwd: workDir,
      readyUrl: `${alertmanagerUrl}/-/ready`,
      readyTimeoutMs: READY_TIMEOUT_MS,
    }));
    daemons.push(await Daemon.start({
      name: 'prometheus',
      binary: prometheusBinary,
      args: [
        `--config.file=${prometheusConfig}`,
        `--storage.tsdb.path=${path.join(workDir, 'prometheus-data')}`,
        `--web.listen-address=${prometheusAddress}`,
        `--web.external-url=${prometheusUrl}`, // else alerts' generatorURL names this host
        // Alerts that fire before the Alertmanager is discovered (Watchdog, at once) are sent again after
        // this delay, 1m by default.
        '--rules.alert.resend-delay=1s',
      ],
      cwd: workDir,
      readyUrl: `${prometheusUrl}/-/ready`,
      readyTimeoutMs: READY_TIMEOUT_MS,
    }));
  }, 2 * READY_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    // Prometheus first, so it sends nothing to a stopped Alertmanager; each by its own pid.
    for (const daemon of [...daemons].reverse()) await daemon.stop();
    await iris?.close();
    await webhooks?.close();
    if (workDir) removeDir(workDir);
    note(`e2e: total ${seconds(Date.now() - startedAt)} (start-up, both phases and shutdown)`);
  }, 30_000);

  /** What the servers say, for a wait that timed out. */
  async function diagnostics(): Promise<string> {
    const alerts = await httpGet(`${prometheusUrl}/api/v1/alerts`);
    const targets = await httpGet(`${prometheusUrl}/api/v1/targets?state=active`);
    const routed = await httpGet(`${alertmanagerUrl}/api/v2/alerts`);
    return [
      `webhooks received:\n${webhooks.summary()}`,
      `iris-api scrapes served: ${iris?.scrapes}`,
      `prometheus alerts: ${alerts.body.slice(0, 3_000)}`,
      `prometheus targets: ${targets.body.slice(0, 3_000)}`,
      `alertmanager alerts: ${routed.body.slice(0, 3_000)}`,
      ...daemons.map((d) => `${d.name} output (tail):\n${d.logTail().slice(-2_000)}`),
    ].join('\n\n');
  }

  /** Waits for a notification of `alertname` with group status `status` on receiver path `path`. */
  function notification(path: string, status: 'firing' | 'resolved', alertname: string, since = 0): Promise<Notification> {
    return waitFor(`${status} ${alertname} on ${path}`, () => webhooks.find(path, status, alertname, since), {
      timeoutMs: PHASE_TIMEOUT_MS,
      diagnostics,
    });
  }

  test('only the Iris API, Prometheus and Alertmanager jobs run locally; the others need a cluster', () => {
    // Pins what localPrometheusConfig leaves out: a new synthesized job must be looked at here.
    expect(droppedJobs).toEqual(['kubernetes-cadvisor', 'kube-state-metrics', 'grafana']);
  });

  test('Prometheus and Alertmanager listen on their loopback web address and nowhere else', () => {
    // Also proves that `--cluster.listen-address=` turned Alertmanager's gossip port (TCP and UDP 9094) off.
    const [alertmanager, prometheus] = daemons;
    expect(listeningAddresses(alertmanager.pid)).toEqual([alertmanagerAddress]);
    expect(listeningAddresses(prometheus.pid)).toEqual([prometheusAddress]);
  });

  test('ModelNotLoaded pages the critical receiver and mutes HighErrorRate; the Watchdog pings its own receiver; all resolve when the API recovers', async () => {
    const phaseStart = Date.now();
    const [modelNotLoaded, watchdog] = await Promise.all([
      notification('/critical', 'firing', 'ModelNotLoaded'),
      notification('/watchdog', 'firing', 'Watchdog'),
    ]);
    const firedAfter = Date.now() - phaseStart;

    expect(iris!.scrapes).toBeGreaterThan(0);
    // The receiver named in the payload is the one whose URL was called: routing by severity worked.
    expect(modelNotLoaded.payload.receiver).toBe('critical');
    expect(modelNotLoaded.payload.alerts).toHaveLength(1);
    expect(modelNotLoaded.payload.alerts[0]).toMatchObject({
      status: 'firing',
      // The rule's labels (namespace included: inhibition keys on it) plus the job of the scraped series.
      labels: { alertname: 'ModelNotLoaded', severity: 'critical', component: IRIS_JOB, job: IRIS_JOB, namespace: NAMESPACE },
      annotations: { summary: 'iris-api has no model loaded on any replica' },
    });
    // Sent by this Alertmanager, for an alert of this Prometheus.
    expect(modelNotLoaded.payload.externalURL).toBe(alertmanagerUrl);
    const generator = new URL(modelNotLoaded.payload.alerts[0].generatorURL);
    expect(generator.origin).toBe(prometheusUrl);
    expect(generator.searchParams.get('g0.expr')).toBe(`max by (job) (model_loaded{job="${IRIS_JOB}"}) == 0`);
    expect(watchdog.payload.receiver).toBe('watchdog');

    // Every request fails while no model is loaded: HighErrorRate fires in Prometheus, and Alertmanager
    // holds it back as a symptom of ModelNotLoaded (same job and namespace).
    const highErrorRate = await waitFor('HighErrorRate suppressed in Alertmanager', async () => {
      const response = await httpGet(`${alertmanagerUrl}/api/v2/alerts?filter=${encodeURIComponent('alertname="HighErrorRate"')}`);
      const [alert] = JSON.parse(response.body) as { labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }[];
      return alert?.status.state === 'suppressed' ? alert : undefined;
    }, { timeoutMs: PHASE_TIMEOUT_MS, diagnostics });
    expect(highErrorRate.labels).toMatchObject({ severity: 'warning', job: IRIS_JOB, namespace: NAMESPACE });
    expect(highErrorRate.status.inhibitedBy).toHaveLength(1);

    iris!.setHealth('healthy');
    const recoveredAt = Date.now();
    const modelLoaded = await notification('/critical', 'resolved', 'ModelNotLoaded', recoveredAt);
    const resolvedAfter = Date.now() - recoveredAt;
    expect(modelLoaded.payload.receiver).toBe('critical');
    expect(modelLoaded.payload.alerts.map((a) => a.status)).toEqual(['resolved']);
    // A resolved alert carries when it ended, after it started.
    const alert = modelLoaded.payload.alerts[0];
    expect(Date.parse(alert.endsAt)).toBeGreaterThan(Date.parse(alert.startsAt));

    // Over everything received: the muted warning never went out, nothing fell through to `default`, the
    // critical receiver got only criticals and the watchdog receiver only the Watchdog; every body was a
    // well-formed webhook payload. (IrisAPIDown may be among the criticals: `absent(up)` holds until the first scrape.)
    expect(webhooks.malformed).toEqual([]);
    expect(webhooks.notifications.filter((n) => n.path === '/default' || n.path === '/warning')).toEqual([]);
    const alertsOn = (path: string) => webhooks.notifications.filter((n) => n.path === path).flatMap((n) => n.payload.alerts);
    expect(new Set(alertsOn('/critical').map((a) => a.labels.severity))).toEqual(new Set(['critical']));
    expect(new Set(alertsOn('/watchdog').map((a) => a.labels.alertname))).toEqual(new Set(['Watchdog']));

    note(`e2e: alerts fired ${seconds(firedAfter)} after start-up, resolved ${seconds(resolvedAfter)} after recovery`);
  }, 2 * PHASE_TIMEOUT_MS + 10_000);
});

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
