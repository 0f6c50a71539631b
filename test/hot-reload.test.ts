import { AlertSeverity } from '../src/index';
/*
 * Hot reload, with the real programs at the deployed versions on loopback: an edited rule file reaches a
 * running Prometheus through the auto-reload flags of the synthesized Deployment, and an edited route
 * reaches a running Alertmanager through the reload URL its config-reloader sidecar is given. Neither
 * program restarts, so the TSDB, pending alerts, silences and the notification log survive an edit.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { Daemon } from './support/e2e/daemon';
import { localPrometheusConfig } from './support/e2e/local-config';
import { freePort, httpGet, LOOPBACK, waitFor } from './support/e2e/loopback';
import { configMapData, find, synthStack } from './support/synth';
import { removeDir, requireBinary, tempDir, writeRuleFiles } from './support/tools';

const TIMEOUT_MS = 20_000;
const { objects } = synthStack();
const containerArgs = (deployment: string, container: string): string[] =>
  find(objects, 'Deployment', deployment).spec.template.spec.containers.find((c: { name: string }) => c.name === container).args;

let workDir: string;
const daemons: Daemon[] = [];

beforeAll(() => {
  workDir = tempDir('hot-reload');
});

afterAll(async () => {
  for (const daemon of daemons) await daemon.stop();
  removeDir(workDir);
});

test('Prometheus picks up an edited rule file by itself, with the synthesized auto-reload flags', async () => {
  const binary = requireBinary('prometheus');
  const rulesDir = path.join(workDir, 'rules');
  writeRuleFiles(configMapData(objects, 'prometheus-rules'), rulesDir);
  const address = `${LOOPBACK}:${await freePort()}`;
  const url = `http://${address}`;
  const config = path.join(workDir, 'prometheus.yml');
  fs.writeFileSync(config, localPrometheusConfig(configMapData(objects, 'prometheus-config')['prometheus.yml'], {
    rulesDir, alertmanager: `${LOOPBACK}:9`, targets: { prometheus: { address } },
  }).yaml);
  // The Deployment's own reload flags; only the interval is shortened so that the test takes seconds.
  const reloadFlags = containerArgs('prometheus', 'prometheus').filter((a) => a.startsWith('--config.auto-reload'));
  expect(reloadFlags).toEqual(['--config.auto-reload', '--config.auto-reload-interval=30s']);
  const prometheus = await Daemon.start({
    name: 'prometheus',
    binary,
    args: [
      `--config.file=${config}`, `--storage.tsdb.path=${path.join(workDir, 'tsdb')}`, `--web.listen-address=${address}`,
      ...reloadFlags.map((a) => a.replace(/interval=.*/, 'interval=1s')),
    ],
    cwd: workDir,
    readyUrl: `${url}/-/ready`,
    readyTimeoutMs: TIMEOUT_MS,
  });
  daemons.push(prometheus);
  const groups = async () => (JSON.parse((await httpGet(`${url}/api/v1/rules`)).body).data.groups as { name: string }[]).map((g) => g.name);
  expect(await groups()).toContain('iris-api-alerts');

  // The edit a user makes with `addRuleGroup`, as the kubelet would refresh the mounted ConfigMap.
  const edited = synthStack({}, (stack) => stack.prometheus.addRuleGroup({
    name: 'team-alerts', rules: [{ alert: 'TeamAlert', expr: 'up == 0', forDuration: '5m', severity: AlertSeverity.WARNING, component: 'team', summary: 's', description: 'd' }],
  }));
  writeRuleFiles(configMapData(edited.objects, 'prometheus-rules'), rulesDir);
  await waitFor('the new rule group to be loaded', async () => ((await groups()).includes('team-alerts') ? true : undefined), {
    timeoutMs: TIMEOUT_MS, diagnostics: async () => prometheus.logTail(),
  });
  // Reloaded, not restarted: the same process serves it.
  expect(prometheus.exited).toBe(false);
}, 3 * TIMEOUT_MS);

test('Alertmanager routes by an edited route after the reload its sidecar triggers, keeping its silences', async () => {
  const binary = requireBinary('alertmanager');
  const address = `${LOOPBACK}:${await freePort()}`;
  const url = `http://${address}`;
  const configDir = path.join(workDir, 'alertmanager-config');
  fs.mkdirSync(configDir);
  const configFile = path.join(configDir, 'alertmanager.yml');
  fs.writeFileSync(configFile, configMapData(objects, 'alertmanager-config')['alertmanager.yml']);
  // The sidecar watches the config folder and POSTs to its reload URL on a change.
  const reloaderArgs = containerArgs('alertmanager', 'config-reloader');
  expect(reloaderArgs).toContain('--watched-dir=/etc/alertmanager/config');
  expect(containerArgs('alertmanager', 'alertmanager')).toContain('--config.file=/etc/alertmanager/config/alertmanager.yml');
  const reloadUrl = new URL(reloaderArgs.find((a) => a.startsWith('--reload-url='))!.split('=')[1]);
  expect([reloadUrl.hostname, reloadUrl.port]).toEqual(['127.0.0.1', '9093']);

  const alertmanager = await Daemon.start({
    name: 'alertmanager',
    binary,
    args: [`--config.file=${configFile}`, `--storage.path=${path.join(workDir, 'alertmanager-data')}`, `--web.listen-address=${address}`, '--cluster.listen-address='],
    cwd: workDir,
    readyUrl: `${url}/-/ready`,
    readyTimeoutMs: TIMEOUT_MS,
  });
  daemons.push(alertmanager);
  const silence = await fetch(`${url}/api/v2/silences`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      matchers: [{ name: 'alertname', value: 'Noisy', isRegex: false, isEqual: true }],
      startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), createdBy: 'test', comment: 'kept across reloads',
    }),
  });
  expect(silence.status).toBe(200);
  const routes = async () => (parse(JSON.parse((await httpGet(`${url}/api/v2/status`)).body).config.original).route.routes as { receiver: string }[]).map((r) => r.receiver);
  expect(await routes()).not.toContain('ml-team');

  const edited = synthStack({}, (stack) => {
    stack.alertRouter.addReceiver({ name: 'ml-team' });
    stack.alertRouter.addRoute({ receiver: 'ml-team', match: { team: 'ml' } });
  });
  fs.writeFileSync(configFile, configMapData(edited.objects, 'alertmanager-config')['alertmanager.yml']);
  const reload = await fetch(`${url}${reloadUrl.pathname}`, { method: 'POST' });
  expect(reload.status).toBe(200);
  expect(await routes()).toContain('ml-team');
  const silences = JSON.parse((await httpGet(`${url}/api/v2/silences`)).body) as { comment: string; status: { state: string } }[];
  expect(silences.map((s) => [s.comment, s.status.state])).toEqual([['kept across reloads', 'active']]);
  expect(alertmanager.exited).toBe(false);
}, 3 * TIMEOUT_MS);
