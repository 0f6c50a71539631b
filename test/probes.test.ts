/*
 * The probes of the stack's programs, sent as the kubelet sends them to the real Prometheus and Alertmanager
 * (built by tools/install.sh at the deployed versions), each started with its container's synthesized
 * arguments and mounted files: a normal start logs no failed probe (every failure is an `Unhealthy` event of
 * the pod), and a slow start is waited for rather than killed by the liveness probe.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Daemon } from './support/e2e/daemon';
import { freePort, httpGet, LOOPBACK, sleep } from './support/e2e/loopback';
import { note } from './support/notes';
import { materializePod } from './support/pod-files';
import { find, synthStack } from './support/synth';
import { removeDir, requireBinary, tempDir, ToolName } from './support/tools';

const { objects } = synthStack();
const PROGRAMS = ['prometheus', 'alertmanager', 'grafana'] as const;
type Program = typeof PROGRAMS[number];
const containerOf = (program: Program) => find(objects, 'Deployment', program).spec.template.spec.containers.find((c: any) => c.name === program);

/** Seconds from the container's start to the startup probe's last try, after which the kubelet restarts it. */
const startupBudget = (probe: any): number => (probe.initialDelaySeconds ?? 0) + probe.periodSeconds * (probe.failureThreshold - 1);

describe.each(PROGRAMS)('%s', (program) => {
  const container = containerOf(program);

  test('a startup probe asks the readiness path; the liveness and readiness probes wait for it, with no delay of their own', () => {
    expect(container.startupProbe.httpGet).toEqual(container.readinessProbe.httpGet);
    expect(container.startupProbe.initialDelaySeconds).toBeGreaterThan(0);
    expect([container.readinessProbe.initialDelaySeconds, container.livenessProbe.initialDelaySeconds]).toEqual([undefined, undefined]);
  });
});

test('a slow start is waited for: a WAL replay of 15 minutes for Prometheus, a database migration of 10 for Grafana, 5 for Alertmanager', () => {
  expect(PROGRAMS.map((program) => startupBudget(containerOf(program).startupProbe) >= { prometheus: 900, grafana: 600, alertmanager: 300 }[program]))
    .toEqual([true, true, true]);
});

/** The program's command line in a pod, on this machine: its files under `root`, its port on loopback. */
function localArgs(program: Program, root: string, address: string): string[] {
  const workload = find(objects, 'Deployment', program);
  const container = containerOf(program);
  const config = program === 'prometheus' ? materializePod(objects, workload, root) : undefined;
  if (!config) {
    // The ConfigMap volumes, as the kubelet mounts them (Alertmanager's config has no paths of its own).
    for (const mount of container.volumeMounts) {
      const volume = workload.spec.template.spec.volumes.find((v: any) => v.name === mount.name);
      if (!volume.configMap) continue;
      const data = find(objects, 'ConfigMap', volume.configMap.name).data as Record<string, string>;
      fs.mkdirSync(path.join(root, mount.mountPath), { recursive: true });
      for (const [key, value] of Object.entries(data)) fs.writeFileSync(path.join(root, mount.mountPath, key), value);
    }
  }
  return (container.args as string[]).map((arg) => {
    const [flag, value] = arg.split(/=(.*)/s, 2);
    if (flag === '--config.file' && config) return `${flag}=${config}`;
    if (flag === '--web.listen-address') return `${flag}=${address}`;
    return value?.startsWith('/') ? `${flag}=${path.join(root, value)}` : arg;
  });
}

describe.each(['prometheus', 'alertmanager'] as const)('%s, started as its pod starts it', (program) => {
  let root: string;
  let daemon: Daemon | undefined;
  beforeEach(() => { root = tempDir(`probes-${program}`); });
  afterEach(async () => {
    await daemon?.stop();
    removeDir(root);
  });

  test('the kubelet\'s first probe (the startup probe, after its initial delay) finds it ready, where one at the container\'s start would not', async () => {
    const container = containerOf(program);
    const address = `${LOOPBACK}:${await freePort()}`;
    const url = (probe: any) => `http://${address}${probe.httpGet.path}`;
    const args = localArgs(program, root, address);
    const startedAt = Date.now();
    daemon = Daemon.spawn({ name: program, binary: requireBinary(program as ToolName), args, cwd: root });
    // What the readiness probe, without a delay, used to ask as the container started.
    const atStart = await httpGet(url(container.readinessProbe), 1_000);
    // When it is ready, for the record (every 50 ms).
    let readyAfterMs: number | undefined;
    const watch = (async () => {
      while (readyAfterMs === undefined && Date.now() - startedAt < 60_000 && !daemon!.exited) {
        if ((await httpGet(url(container.readinessProbe), 1_000)).status === 200) readyAfterMs = Date.now() - startedAt;
        else await sleep(50);
      }
    })();
    // The kubelet's first probes: the startup probe alone if there is one, else readiness and liveness, each
    // after its initial delay and with its timeout (1s by default).
    const firstProbes: any[] = container.startupProbe ? [container.startupProbe] : [container.readinessProbe, container.livenessProbe];
    const first = await Promise.all(firstProbes.map(async (probe) => {
      await sleep((probe.initialDelaySeconds ?? 0) * 1000 - (Date.now() - startedAt));
      return (await httpGet(url(probe), (probe.timeoutSeconds ?? 1) * 1000)).status;
    }));
    // Once it has started, the readiness and liveness probes.
    const then = await Promise.all([container.readinessProbe, container.livenessProbe].map(async (probe) => (await httpGet(url(probe), 1_000)).status));
    await watch;
    note(`${program}: ready ${readyAfterMs} ms after its start; first probe at ${firstProbes[0].initialDelaySeconds ?? 0}s`);
    expect({ atStart: atStart.status === 200, first, then, log: first.every((status) => status === 200) ? '' : daemon.logTail() })
      .toEqual({ atStart: false, first: first.map(() => 200), then: [200, 200], log: '' });
  }, 30_000);
});
