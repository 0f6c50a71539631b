/*
 * Inhibition, live: the real Alertmanager runs the synthesized alertmanager.yml on loopback, receives the
 * label sets that the synthesized rules really produce in the replayed incidents (read back from
 * promtool), and says which alerts it suppresses. amtool has no inhibition command; the API does.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Daemon } from './support/e2e/daemon';
import { freePort, LOOPBACK, waitFor } from './support/e2e/loopback';
import { AlertLabels, replayIncidents, Timeline } from './support/incident-runner';
import { incidentOf, SCENARIOS } from './support/incident-scenarios';
import { synthesizedRuleFiles } from './support/promtool';
import { configMapData, synthStack } from './support/synth';
import { removeDir, requireBinary, tempDir } from './support/tools';

// The SLO alerts need days of history (test/slo.test.ts); the incidents here are short.
const { objects } = synthStack({ irisApiSlos: [] });
let timelines: Map<string, Timeline>;
let daemon: Daemon | undefined;
let workDir: string | undefined;
let url: string;

beforeAll(async () => {
  const binary = requireBinary('alertmanager');
  const wanted = ['every replica down', 'fails to load on every replica', 'crash loop', 'Prometheus side'];
  timelines = replayIncidents(synthesizedRuleFiles(objects), SCENARIOS.filter((s) => wanted.some((w) => s.name.includes(w))).map(incidentOf));
  workDir = tempDir('inhibition');
  const config = path.join(workDir, 'alertmanager.yml');
  fs.writeFileSync(config, configMapData(objects, 'alertmanager-config')['alertmanager.yml']);
  const address = `${LOOPBACK}:${await freePort()}`;
  url = `http://${address}`;
  daemon = await Daemon.start({
    name: 'alertmanager',
    binary,
    args: [`--config.file=${config}`, `--storage.path=${path.join(workDir, 'data')}`, `--web.listen-address=${address}`, '--cluster.listen-address='],
    cwd: workDir,
    readyUrl: `${url}/-/ready`,
    readyTimeoutMs: 15_000,
  });
}, 40_000);

afterAll(async () => {
  await daemon?.stop();
  if (workDir) removeDir(workDir);
});

/** The alerts firing at the last minute of the incident whose name contains `name`. */
function firingAtEnd(name: string): AlertLabels[] {
  const [, timeline] = [...timelines].find(([n]) => n.includes(name))!;
  return timeline.firing[timeline.firing.length - 1].filter((a) => a.alertname !== 'Watchdog');
}

/** Posts `alerts` (with a marker label, so each case sees only its own) and returns alertname → state once settled. */
async function states(marker: string, alerts: AlertLabels[], expectedSuppressed: number): Promise<Record<string, string>> {
  const now = new Date();
  const body = alerts.map((labels) => ({
    labels: { ...labels, test_case: marker },
    annotations: {},
    startsAt: now.toISOString(),
    endsAt: new Date(now.getTime() + 10 * 60_000).toISOString(),
  }));
  const posted = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(posted.status).toBe(200);
  // The inhibitor learns of new source alerts asynchronously: wait until the expected count is reached, then read.
  const read = async () => {
    const response = await fetch(`${url}/api/v2/alerts?filter=${encodeURIComponent(`test_case="${marker}"`)}`);
    return (await response.json()) as { labels: AlertLabels; status: { state: string } }[];
  };
  await waitFor(`${marker}: ${expectedSuppressed} suppressed`, async () => {
    const got = await read();
    return got.length === alerts.length && got.filter((a) => a.status.state === 'suppressed').length >= expectedSuppressed ? true : undefined;
  }, { timeoutMs: 10_000, diagnostics: async () => JSON.stringify(await read(), null, 1) }).catch(() => undefined);
  const result: Record<string, string> = {};
  for (const a of await read()) result[`${a.labels.alertname}{job=${a.labels.job ?? ''}}`] = a.status.state;
  return result;
}

describe('the real Alertmanager mutes symptoms of the same application, never across applications or namespaces', () => {
  test('no model loaded: ModelNotLoaded pages, its HighErrorRate and LowPredictionRate are suppressed', async () => {
    const alerts = firingAtEnd('fails to load on every replica');
    expect(alerts.map((a) => a.alertname).sort()).toEqual(['HighErrorRate', 'LowPredictionRate', 'ModelNotLoaded']);
    expect(await states('model', alerts, 2)).toEqual({
      'ModelNotLoaded{job=iris-api}': 'active',
      'HighErrorRate{job=iris-api}': 'suppressed',
      'LowPredictionRate{job=iris-api}': 'suppressed',
    });
  });

  test('every replica down: IrisAPIDown pages, the TargetDown warning of its job is suppressed', async () => {
    const alerts = firingAtEnd('every replica down');
    expect(alerts.map((a) => a.alertname).sort()).toEqual(['IrisAPIDown', 'TargetDown']);
    expect(await states('down', alerts, 1)).toEqual({ 'IrisAPIDown{job=iris-api}': 'active', 'TargetDown{job=iris-api}': 'suppressed' });
  });

  test('the same warnings of another application, or of the same one in another namespace, stay active', async () => {
    const alerts = firingAtEnd('fails to load on every replica');
    const critical = alerts.find((a) => a.alertname === 'ModelNotLoaded')!;
    const warning = alerts.find((a) => a.alertname === 'HighErrorRate')!;
    const otherApp = { ...warning, job: 'fraud-api', component: 'fraud-api' };
    const otherNamespace = { ...warning, alertname: 'HighErrorRateStaging', namespace: 'staging' };
    expect(await states('apart', [critical, otherApp, otherNamespace], 0)).toEqual({
      'ModelNotLoaded{job=iris-api}': 'active',
      'HighErrorRate{job=fraud-api}': 'active',
      'HighErrorRateStaging{job=iris-api}': 'active',
    });
  });

  test('a crash loop (no job label) is not muted by the outage it may cause', async () => {
    const crashLoop = firingAtEnd('crash loop');
    expect(crashLoop.map((a) => a.alertname)).toEqual(['PodCrashLooping']);
    const outage = firingAtEnd('every replica down').filter((a) => a.alertname === 'IrisAPIDown');
    expect(await states('crash', [...outage, ...crashLoop], 0)).toEqual({ 'IrisAPIDown{job=iris-api}': 'active', 'PodCrashLooping{job=}': 'active' });
  });

  test('a broken Prometheus mutes its own warnings, not those of Grafana', async () => {
    const alerts = firingAtEnd('Prometheus side');
    const result = await states('pipeline', alerts, 0);
    expect(result['TargetDown{job=grafana}']).toBe('active');
    expect(Object.values(result).filter((s) => s === 'suppressed')).toEqual([]);
  });
});
