import { AlertSeverity } from '../src/index';
/*
 * Beyond one Prometheus, with the real binaries on loopback (the versions the library deploys):
 *
 * 1. Three Alertmanagers started with the synthesized cluster arguments (the ports remapped to 127.0.0.1 and
 *    the peers' DNS names rewritten to their loopback addresses), and two Prometheus replicas firing the same
 *    alert to every member: exactly one notification reaches the webhook, and still one after the member that
 *    sent it is stopped.
 * 2. Each Prometheus replica remote-writes (the synthesized remote_write) to a receiving Prometheus
 *    (`--web.enable-remote-write-receiver`): the series arrive with their `replica` label, which Prometheus
 *    expanded from the downward API's POD_NAME.
 * 3. Sharding by target: the shards' synthesized hashmod relabeling, run by a real Prometheus over a file-SD
 *    list of generated targets: every target is active in exactly one shard.
 * 4. Sharding by job: the shard each synthesized shard's files give a job is the one a real Prometheus's
 *    `hashmod` of the job's name picks, for every job of a generated fleet.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { find, Manifest, synthStack } from './support/synth';
import { removeDir, requireBinary, tempDir } from './support/tools';
import { Daemon } from './support/e2e/daemon';
import { localPrometheusConfig } from './support/e2e/local-config';
import { freePort, httpGet, LOOPBACK, sleep, waitFor } from './support/e2e/loopback';
import { WebhookRecorder } from './support/e2e/webhook-recorder';
import { RemoteWrite, ShardBy } from '../src';
import { loadedByConfig, materializePod } from './support/pod-files';
import { note } from './support/notes';

const READY_TIMEOUT_MS = 20_000;
const ALERT = 'HaDedupTest';
const PEER_TIMEOUT_S = 15; // Alertmanager's --cluster.peer-timeout default: member i waits i × this before notifying

const container = (o: Manifest, name: string) => o.spec.template.spec.containers.find((c: any) => c.name === name);

/** Rewrites synthesized arguments: every one must be known, so a new flag cannot slip through untested. */
function rewriteArgs(args: string[], rewrite: (flag: string, value: string) => string | undefined): string[] {
  return args.map((arg) => {
    const [flag, ...rest] = arg.split('=');
    const local = rewrite(flag, rest.join('='));
    if (local === undefined) throw new Error(`no local rewrite for the synthesized argument ${arg}`);
    return local;
  });
}

async function getJson(url: string): Promise<any> {
  const response = await httpGet(url);
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${response.body}`);
  return JSON.parse(response.body);
}

describe('an Alertmanager cluster and Prometheus replicas, on loopback', () => {
  const daemons: Daemon[] = [];
  const alertmanagers: Daemon[] = [];
  let workDir: string;
  let webhooks: WebhookRecorder;
  let amWeb: string[];
  let receiverUrl: string;

  beforeAll(async () => {
    const prometheusBinary = requireBinary('prometheus');
    const alertmanagerBinary = requireBinary('alertmanager');
    workDir = tempDir('ha-e2e');
    webhooks = await WebhookRecorder.start();
    amWeb = [];
    const amGossip: string[] = [];
    for (let i = 0; i < 3; i++) {
      amWeb.push(`${LOOPBACK}:${await freePort()}`);
      amGossip.push(`${LOOPBACK}:${await freePort()}`);
    }
    const promWeb = [`${LOOPBACK}:${await freePort()}`, `${LOOPBACK}:${await freePort()}`];
    const receiver = `${LOOPBACK}:${await freePort()}`;
    receiverUrl = `http://${receiver}`;

    const { objects } = synthStack({
      irisApi: { enabled: false },
      prometheus: {
        replicas: 2, scrapeInterval: '1s', evaluationInterval: '1s', kubernetesMonitoring: false, selfMonitoringAlerts: false,
        ruleGroups: [{ name: 'ha', rules: [{ alert: ALERT, expr: 'vector(1)', severity: AlertSeverity.WARNING, component: 'ha-test', summary: 'HA test', description: 'Fires at once on every replica.' }] }],
        remoteWrite: [RemoteWrite.mimir({ url: `${receiverUrl}/api/v1/write`, tenant: 'ha-test', queue: { batchSendDeadline: '1s' } })],
      },
      alertmanager: {
        replicas: 3, groupWait: '1s', groupInterval: '1s',
        receivers: ['default', 'critical', 'warning'].map((name) => ({ name, webhook: [{ url: webhooks.url(`/${name}`) }] })),
      },
    });

    // Three Alertmanagers with the synthesized arguments.
    const amSet = find(objects, 'StatefulSet', 'alertmanager');
    const amArgs: string[] = container(amSet, 'alertmanager').args;
    const memberHost = (host: string) => {
      const match = /^alertmanager-(\d)\.alertmanager-cluster\.mlops\.svc:(9093|9094)$/.exec(host);
      if (!match) throw new Error(`unexpected member address ${host}`);
      return (match[2] === '9094' ? amGossip : amWeb)[Number(match[1])];
    };
    const amConfig = path.join(workDir, 'alertmanager.yml');
    fs.writeFileSync(amConfig, find(objects, 'ConfigMap', 'alertmanager-config').data['alertmanager.yml']);
    for (let i = 0; i < 3; i++) {
      const args = rewriteArgs(amArgs, (flag, value) => ({
        '--config.file': () => `--config.file=${amConfig}`,
        '--storage.path': () => `--storage.path=${path.join(workDir, `alertmanager-${i}`)}`,
        '--web.listen-address': () => `--web.listen-address=${amWeb[i]}`,
        '--cluster.listen-address': () => (value === '0.0.0.0:9094' ? `--cluster.listen-address=${amGossip[i]}` : undefined),
        '--cluster.advertise-address': () => (value === '$(POD_IP):9094' ? `--cluster.advertise-address=${amGossip[i]}` : undefined),
        '--cluster.peer': () => `--cluster.peer=${memberHost(value)}`,
      } as Record<string, () => string | undefined>)[flag]?.());
      const daemon = await Daemon.start({
        name: `alertmanager-${i}`, binary: alertmanagerBinary, args: [...args, `--web.external-url=http://${amWeb[i]}`],
        cwd: workDir, readyUrl: `http://${amWeb[i]}/-/ready`, readyTimeoutMs: READY_TIMEOUT_MS,
      });
      daemons.push(daemon);
      alertmanagers.push(daemon);
    }
    // They found each other before any alert arrives.
    await waitFor('a 3-member Alertmanager cluster', async () => {
      const statuses = await Promise.all(amWeb.map((a) => getJson(`http://${a}/api/v2/status`)));
      return statuses.every((s) => s.cluster.status === 'ready' && s.cluster.peers.length === 3) ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });

    // The receiving Prometheus.
    const receiverConfig = path.join(workDir, 'receiver.yml');
    fs.writeFileSync(receiverConfig, stringify({ global: { scrape_interval: '1h' } }));
    daemons.push(await Daemon.start({
      name: 'receiver', binary: prometheusBinary, cwd: workDir, readyUrl: `${receiverUrl}/-/ready`, readyTimeoutMs: READY_TIMEOUT_MS,
      args: [`--config.file=${receiverConfig}`, `--storage.tsdb.path=${path.join(workDir, 'receiver')}`, `--web.listen-address=${receiver}`, '--web.enable-remote-write-receiver'],
    }));

    // Two Prometheus replicas, from the StatefulSet's arguments and env, each sending to every member.
    const promSet = find(objects, 'StatefulSet', 'prometheus');
    const synthesized = parse(find(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']);
    const rulesDir = path.join(workDir, 'rules');
    fs.mkdirSync(rulesDir);
    for (const [key, content] of Object.entries(find(objects, 'ConfigMap', 'prometheus-rules').data as Record<string, string>)) {
      fs.writeFileSync(path.join(rulesDir, key), content);
    }
    expect(container(promSet, 'prometheus').env).toEqual([{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]);
    for (let i = 0; i < 2; i++) {
      const local = parse(localPrometheusConfig(stringify(synthesized), {
        rulesDir, alertmanager: amWeb[0], targets: { prometheus: { address: promWeb[i] } },
      }).yaml);
      // Every member, by the synthesized list; the replica label dropped as synthesized.
      local.alerting = {
        ...synthesized.alerting,
        alertmanagers: [{ static_configs: [{ targets: synthesized.alerting.alertmanagers[0].static_configs[0].targets.map(memberHost) }] }],
      };
      const file = path.join(workDir, `prometheus-${i}.yml`);
      fs.writeFileSync(file, stringify(local));
      const args = rewriteArgs(container(promSet, 'prometheus').args, (flag, value) => ({
        '--config.file': `--config.file=${file}`,
        '--storage.tsdb.path': `--storage.tsdb.path=${path.join(workDir, `prometheus-${i}`)}`,
        '--config.auto-reload': '--config.auto-reload',
        '--config.auto-reload-interval': `--config.auto-reload-interval=${value}`,
        '--web.listen-address': `--web.listen-address=${promWeb[i]}`,
      } as Record<string, string | undefined>)[flag]);
      daemons.push(await Daemon.start({
        name: `prometheus-${i}`, binary: prometheusBinary, cwd: workDir, env: { POD_NAME: `prometheus-${i}` },
        args: [...args, `--web.external-url=http://${promWeb[i]}`, '--rules.alert.resend-delay=1s'],
        readyUrl: `http://${promWeb[i]}/-/ready`, readyTimeoutMs: READY_TIMEOUT_MS,
      }));
    }
  }, 180_000);

  afterAll(async () => {
    for (const daemon of [...daemons].reverse()) await daemon.stop();
    await webhooks?.close();
    if (workDir) removeDir(workDir);
  });

  test('two replicas fire the same alert to three Alertmanagers: one notification, and still one after its sender stops', async () => {
    const ours = () => webhooks.notifications.filter((n) => n.payload.groupLabels.alertname === ALERT);
    await waitFor(`a notification of ${ALERT}`, () => (ours().length ? true : undefined), { timeoutMs: 60_000, diagnostics: async () => webhooks.summary() });
    // Every member received the alert from both replicas...
    for (const address of amWeb) {
      const alerts = await getJson(`http://${address}/api/v2/alerts?filter=alertname%3D%22${ALERT}%22`);
      expect(alerts).toHaveLength(1);
      expect(alerts[0].labels.replica).toBeUndefined();
    }
    // ...and the others waited their turn (position × peer timeout) and found it in the gossiped notification log.
    await sleep((2 * PEER_TIMEOUT_S + 10) * 1000);
    expect(ours()).toHaveLength(1);
    const [first] = ours();
    expect(first.payload.alerts).toHaveLength(1);
    expect(first.payload.alerts[0].labels.replica).toBeUndefined();

    // Stop the member that notified: the two left know it was sent and do not send it again.
    const sender = amWeb.findIndex((a) => first.payload.externalURL === `http://${a}`);
    expect(sender).toBeGreaterThanOrEqual(0);
    const before = ours().length;
    await alertmanagers[sender].stop();
    await sleep((2 * PEER_TIMEOUT_S + 10) * 1000);
    expect(ours()).toHaveLength(1);
    for (const address of amWeb.filter((_, i) => i !== sender)) {
      const status = await getJson(`http://${address}/api/v2/status`);
      expect(status.cluster.peers.length).toBe(2);
      expect(await getJson(`http://${address}/api/v2/alerts?filter=alertname%3D%22${ALERT}%22`)).toHaveLength(1);
    }
    note(`HA dedup: 2 Prometheus replicas × 3 Alertmanagers, ${ALERT} fired on both replicas; notifications received: ${before} (sent by alertmanager-${sender}); after stopping it and waiting ${2 * PEER_TIMEOUT_S + 10}s: ${ours().length}`);
  }, 180_000);

  test('each replica remote-writes its series to the receiver, labelled with its pod name', async () => {
    const result = await waitFor('both replicas\' series in the receiver', async () => {
      const body = await getJson(`${receiverUrl}/api/v1/query?query=${encodeURIComponent('count by (replica) (up{job="prometheus"})')}`);
      const replicas = body.data.result.map((r: any) => r.metric.replica).sort();
      return replicas.length === 2 ? replicas : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    expect(result).toEqual(['prometheus-0', 'prometheus-1']);
    const series = await getJson(`${receiverUrl}/api/v1/series?match[]=${encodeURIComponent('prometheus_build_info')}`);
    expect(series.data.map((s: any) => s.replica).sort()).toEqual(['prometheus-0', 'prometheus-1']);
    const names = await getJson(`${receiverUrl}/api/v1/label/__name__/values`);
    note(`remote write: ${names.data.length} metric names received from replicas ${result.join(', ')}`);
  }, 90_000);
});

describe('sharding, run by a real Prometheus over file-discovered targets', () => {
  const daemons: Daemon[] = [];
  const workDirs: string[] = [];

  afterAll(async () => {
    for (const daemon of daemons) await daemon.stop();
    workDirs.forEach(removeDir);
  });

  /** A real Prometheus whose `jobs` discover targets from files, hourly: relabeled at once, scraped never. */
  async function prometheusWith(name: string, workDir: string, jobs: object[]): Promise<string> {
    const config = path.join(workDir, 'prometheus.yml');
    fs.writeFileSync(config, stringify({ global: { scrape_interval: '1h' }, scrape_configs: jobs }));
    const address = `${LOOPBACK}:${await freePort()}`;
    daemons.push(await Daemon.start({
      name, binary: requireBinary('prometheus'), cwd: workDir, readyUrl: `http://${address}/-/ready`, readyTimeoutMs: READY_TIMEOUT_MS,
      args: [`--config.file=${config}`, `--storage.tsdb.path=${path.join(workDir, 'data')}`, `--web.listen-address=${address}`],
    }));
    return address;
  }

  /** The active targets of the Prometheus at `address`, once there are `count`. */
  function activeTargets(address: string, count: number): Promise<any[]> {
    return waitFor(`${count} targets discovered`, async () => {
      const targets = (await getJson(`http://${address}/api/v1/targets?state=active`)).data.activeTargets;
      return targets.length === count ? targets : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500 });
  }

  test('by target: 600 generated targets over 3 shards, each target in exactly one shard', async () => {
    const SHARDS = 3;
    const TARGETS = 600;
    const workDir = tempDir('shard-e2e');
    workDirs.push(workDir);
    const { objects } = synthStack({
      prometheus: {
        shards: SHARDS, shardBy: ShardBy.TARGET,
        remoteWrite: [RemoteWrite.mimir({ url: 'http://mimir/api/v1/push', queryUrl: 'http://mimir/prometheus' })],
      },
    });
    const data = find(objects, 'ConfigMap', 'prometheus-config').data as Record<string, string>;
    // Targets on closed loopback ports: discovered and relabeled, never reachable.
    const targets = Array.from({ length: TARGETS }, (_, i) => `${LOOPBACK}:${20000 + i}`);
    fs.writeFileSync(path.join(workDir, 'targets.json'), JSON.stringify([{ targets }]));
    // One job per shard: the shard's synthesized iris-api job, discovered from the file instead of Kubernetes,
    // with the relabel steps that read no Kubernetes metadata (the shard's hashmod and keep among them).
    const jobs = Array.from({ length: SHARDS }, (_, shard) => {
      const job = parse(data[`prometheus-shard-${shard}.yml`]).scrape_configs.find((j: any) => j.job_name === 'iris-api');
      const steps = job.relabel_configs.filter((s: any) => !(s.source_labels ?? []).some((l: string) => l.startsWith('__meta_kubernetes_')) && !String(s.regex ?? '').startsWith('__meta_kubernetes_'));
      expect(steps.some((s: any) => s.action === 'hashmod' && s.modulus === SHARDS)).toBe(true);
      return { job_name: `shard-${shard}`, scrape_interval: '1h', file_sd_configs: [{ files: [path.join(workDir, 'targets.json')] }], relabel_configs: steps };
    });
    const address = await prometheusWith('prometheus-shards', workDir, jobs);
    const perShard = new Map<string, string[]>();
    for (const t of await activeTargets(address, TARGETS)) perShard.set(t.scrapePool, [...perShard.get(t.scrapePool) ?? [], t.discoveredLabels.__address__]);
    const all = [...perShard.values()].flat();
    expect(new Set(all).size).toBe(TARGETS); // no overlap (and, with the count, no loss)
    expect(new Set(all)).toEqual(new Set(targets));
    const sizes = Array.from({ length: SHARDS }, (_, i) => perShard.get(`shard-${i}`)?.length ?? 0);
    sizes.forEach((n) => expect(n).toBeGreaterThan(TARGETS / SHARDS / 2)); // roughly even
    note(`sharding by target: ${TARGETS} targets over ${SHARDS} shards → ${sizes.join(' + ')} = ${sizes.reduce((a, b) => a + b, 0)}, no overlap`);
  }, 60_000);

  test('by job: for 400 generated applications over 4 shards, the shard the synthesized files give each is the one Prometheus\'s hashmod of its name picks', async () => {
    const SHARDS = 4;
    const APPLICATIONS = 400;
    const workDir = tempDir('shard-job-e2e');
    workDirs.push(workDir);
    const names = Array.from({ length: APPLICATIONS }, (_, i) => `svc-${(i * 7919).toString(36)}-${i}`);
    const { objects } = synthStack({
      irisApi: { enabled: false },
      prometheus: { shards: SHARDS, remoteWrite: [RemoteWrite.mimir({ url: 'http://mimir/api/v1/push', queryUrl: 'http://mimir/prometheus' })] },
    }, (stack) => names.forEach((name) => stack.monitorApplication({ name, serviceName: name })));
    // Where the synthesized files put each application: read from each shard pod's mounted files.
    const synthesized = new Map<string, number>();
    Array.from({ length: SHARDS }, (_, shard) => {
      const workload = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === `prometheus-shard-${shard}`)!;
      const root = path.join(workDir, `pod-${shard}`);
      loadedByConfig(materializePod(objects, workload, root)).jobs.filter((job) => names.includes(job)).forEach((job) => {
        expect([job, synthesized.get(job)]).toEqual([job, undefined]); // on one shard only
        synthesized.set(job, shard);
      });
    });
    expect(synthesized.size).toBe(APPLICATIONS);
    // Where Prometheus's own hashmod puts them: one target per application, labelled with its name.
    fs.writeFileSync(path.join(workDir, 'targets.json'), JSON.stringify(names.map((name, i) => ({ targets: [`${LOOPBACK}:${20000 + i}`], labels: { application: name } }))));
    const jobs = Array.from({ length: SHARDS }, (_, shard) => ({
      job_name: `shard-${shard}`, scrape_interval: '1h', file_sd_configs: [{ files: [path.join(workDir, 'targets.json')] }],
      relabel_configs: [
        { source_labels: ['application'], modulus: SHARDS, target_label: '__tmp_hashmod', action: 'hashmod' },
        { source_labels: ['__tmp_hashmod'], regex: `${shard}`, action: 'keep' },
      ],
    }));
    const address = await prometheusWith('prometheus-job-shards', workDir, jobs);
    const byPrometheus = new Map<string, number>();
    for (const t of await activeTargets(address, APPLICATIONS)) byPrometheus.set(t.labels.application, Number(t.scrapePool.slice('shard-'.length)));
    expect(names.filter((name) => byPrometheus.get(name) !== synthesized.get(name))).toEqual([]);
    const sizes = Array.from({ length: SHARDS }, (_, i) => names.filter((n) => synthesized.get(n) === i).length);
    note(`sharding by job: ${APPLICATIONS} applications over ${SHARDS} shards → ${sizes.join(' + ')}, as Prometheus's hashmod places them`);
  }, 60_000);
});
