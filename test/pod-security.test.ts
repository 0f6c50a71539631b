import { AlertSeverity } from '../src/index';
import { Dashboard, MonitoringStack, MonitoringStackProps, IngressAuthentication, RemoteWrite } from '../src';
import { checksumOf } from '../src/common/serialize';
import { APPARMOR_SUPPLEMENT, checkPodSecurity, podTemplateOwners } from './support/pod-security';
import { configMapData, find, Manifest, synthStack } from './support/synth';

/** Everything optional that touches the pods turned on: PVCs (Prometheus, Grafana) and Ingresses with TLS. */
const PERSISTENT_WITH_INGRESS: MonitoringStackProps = {
  prometheus: {
    persistence: { size: '50Gi', storageClassName: 'fast-ssd' },
    ingress: { host: 'prometheus.mlops.local', tlsSecretName: 'prometheus-tls', authentication: IngressAuthentication.ANNOTATIONS, annotations: { 'nginx.ingress.kubernetes.io/auth-url': 'https://oauth2-proxy.auth.svc/oauth2/auth' } },
  },
  alertmanager: { ingress: { host: 'alertmanager.mlops.local', tlsSecretName: 'alertmanager-tls', authentication: IngressAuthentication.ANNOTATIONS, annotations: { 'nginx.ingress.kubernetes.io/auth-url': 'https://oauth2-proxy.auth.svc/oauth2/auth' } } },
  grafana: {
    persistence: { size: '5Gi', storageClassName: 'standard' },
    ingress: { host: 'grafana.mlops.local', tlsSecretName: 'grafana-tls' },
  },
};

/** Beyond one Prometheus: StatefulSets with a PVC per pod, Alertmanager gossip, remote write; then shards. */
const mimir = RemoteWrite.mimir({ url: 'http://mimir-distributor.mimir.svc:8080/api/v1/push', bearerTokenSecretKey: 'mimir-token', queryUrl: 'http://mimir-query-frontend.mimir.svc:8080/prometheus' });
const HIGHLY_AVAILABLE: MonitoringStackProps = {
  prometheus: { replicas: 2, persistence: { size: '50Gi' }, remoteWrite: [mimir] },
  alertmanager: { replicas: 3, persistence: { size: '1Gi' } },
};
const SHARDED: MonitoringStackProps = {
  prometheus: { shards: 3, replicas: 2, remoteWrite: [mimir] },
  alertmanager: { replicas: 3 },
};

const STACKS: Record<string, Manifest[]> = {
  'default': synthStack().objects,
  'persistence + ingress': synthStack(PERSISTENT_WITH_INGRESS).objects,
  'highly available': synthStack(HIGHLY_AVAILABLE).objects,
  'sharded': synthStack(SHARDED).objects,
};
const STACK_NAMES = Object.keys(STACKS);
const PROGRAMS = ['alertmanager', 'grafana', 'prometheus'];

/** Containers of each program's pod: the program, and Alertmanager's config-reloader sidecar. */
const CONTAINERS: Record<string, string[]> = { prometheus: ['prometheus'], alertmanager: ['alertmanager', 'config-reloader'], grafana: ['grafana'] };

/** The pod spec, the program's container and all containers of a program's Deployment. */
function podOf(objects: Manifest[], program: string) {
  // A StatefulSet with replicas; with shards, shard 0 stands for the others (the same pod template).
  const deployment = objects.find((o) => ['Deployment', 'StatefulSet'].includes(o.kind) && [program, `${program}-shard-0`].includes(o.metadata.name))
    ?? find(objects, 'Deployment', program);
  const pod = deployment.spec.template.spec;
  expect(pod.containers.map((c: { name: string }) => c.name)).toEqual(CONTAINERS[program]);
  return { deployment, pod, container: pod.containers[0], containers: pod.containers as Record<string, any>[] };
}

describe('Pod Security Standard "restricted", checked by @monokle/validation (offline, every rule on)', () => {
  test('the checker runs every control of the baseline (PSS1xx) and restricted (PSS2xx) profiles', () => {
    // The upstream standard has 11 baseline controls and 6 more in restricted; Monokle maps each to a rule.
    const { rules } = checkPodSecurity([]);
    expect(rules.map((r) => r.id)).toEqual([
      'PSS101', 'PSS102', 'PSS103', 'PSS104', 'PSS105', 'PSS106', 'PSS107', 'PSS108', 'PSS109', 'PSS110', 'PSS111',
      'PSS201', 'PSS202', 'PSS203', 'PSS204', 'PSS205', 'PSS206',
    ]);
    expect(rules.filter((r) => !r.enabled)).toEqual([]);
  });

  describe('each control can fail: a compliant pod broken in one way is caught', () => {
    type Pod = Record<string, any>;
    const compliantPod = (): Pod => ({
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'main',
        image: 'example/app:1.0.0',
        securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      }],
      volumes: [{ name: 'scratch', emptyDir: {} }],
    });
    const deployment = (name: string, pod: Pod, annotations?: Record<string, string>): Manifest => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name }, annotations }, spec: pod } },
    });
    const container = (pod: Pod) => pod.containers[0];
    // [name, rules expected to fire, how the pod is broken, pod-template annotations]
    const BROKEN: [string, string[], (pod: Pod) => void, Record<string, string>?][] = [
      ['host-process', ['PSS101'], (p) => { p.securityContext.windowsOptions = { hostProcess: true }; }],
      ['host-namespaces', ['PSS102'], (p) => { p.hostPID = true; }],
      ['privileged', ['PSS103'], (p) => { container(p).securityContext.privileged = true; }],
      ['added capability', ['PSS104', 'PSS206'], (p) => { container(p).securityContext.capabilities.add = ['SYS_ADMIN']; }],
      ['hostPath volume', ['PSS105', 'PSS201'], (p) => { p.volumes.push({ name: 'host', hostPath: { path: '/' } }); }],
      ['host port', ['PSS106'], (p) => { container(p).ports = [{ containerPort: 80, hostPort: 80 }]; }],
      ['AppArmor, under the key Monokle reads', ['PSS107', APPARMOR_SUPPLEMENT], () => undefined, { 'container.apparmor.security.beta.kubernetes.io/*': 'unconfined' }],
      ['AppArmor, per-container annotation', [APPARMOR_SUPPLEMENT], () => undefined, { 'container.apparmor.security.beta.kubernetes.io/main': 'unconfined' }],
      ['AppArmor, appArmorProfile field', [APPARMOR_SUPPLEMENT], (p) => { container(p).securityContext.appArmorProfile = { type: 'Unconfined' }; }],
      ['SELinux type', ['PSS108'], (p) => { container(p).securityContext.seLinuxOptions = { type: 'spc_t' }; }],
      ['/proc mount', ['PSS109'], (p) => { container(p).securityContext.procMount = 'Unmasked'; }],
      ['unconfined seccomp', ['PSS110'], (p) => { container(p).securityContext.seccompProfile = { type: 'Unconfined' }; }],
      ['unsafe sysctl', ['PSS111'], (p) => { p.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }]; }],
      ['volume type', ['PSS201'], (p) => { p.volumes.push({ name: 'nfs', nfs: { server: 'nfs.local', path: '/' } }); }],
      ['privilege escalation', ['PSS202'], (p) => { container(p).securityContext.allowPrivilegeEscalation = true; }],
      ['runAsNonRoot false', ['PSS203'], (p) => { container(p).securityContext.runAsNonRoot = false; }],
      ['runAsUser 0', ['PSS204'], (p) => { container(p).securityContext.runAsUser = 0; }],
      ['no seccomp profile', ['PSS205'], (p) => { delete p.securityContext.seccompProfile; }],
      ['capabilities not dropped', ['PSS206'], (p) => { container(p).securityContext.capabilities.drop = []; }],
    ];
    const fixtures = [
      deployment('compliant', compliantPod()),
      ...BROKEN.map(([, , breakPod, annotations], i) => {
        const pod = compliantPod();
        breakPod(pod);
        return deployment(`broken-${i}`, pod, annotations);
      }),
    ];
    // One checker run for all fixtures (each is told apart by its name).
    const { findings } = checkPodSecurity(fixtures);
    const firedOn = (name: string) => [...new Set(findings.filter((f) => f.resource === `Deployment/${name}`).map((f) => f.ruleId))].sort();

    test('the compliant pod passes', () => {
      expect(firedOn('compliant')).toEqual([]);
    });
    test.each(BROKEN.map(([name, expected], i) => [name, expected, i] as const))('%s → %j', (_name, expected, i) => {
      expect(firedOn(`broken-${i}`)).toEqual(expected);
    });
  });

  test.each(STACK_NAMES)('every pod of the %s stack passes', (stackName) => {
    const workloads = podTemplateOwners(STACKS[stackName]);
    const EXPECTED: Record<string, string[]> = {
      'highly available': ['Deployment/grafana', 'StatefulSet/alertmanager', 'StatefulSet/prometheus'],
      'sharded': ['Deployment/grafana', 'StatefulSet/alertmanager', 'StatefulSet/prometheus-shard-0', 'StatefulSet/prometheus-shard-1', 'StatefulSet/prometheus-shard-2'],
    };
    expect(workloads.map((w) => `${w.kind}/${w.metadata.name}`).sort()).toEqual(EXPECTED[stackName] ?? PROGRAMS.map((p) => `Deployment/${p}`));
    expect(checkPodSecurity(workloads).findings).toEqual([]);
  });

  test('StatefulSets are checked too: a privileged container in one is caught', () => {
    const sts = structuredClone(find(STACKS['highly available'], 'StatefulSet', 'alertmanager'));
    sts.spec.template.spec.containers[0].securityContext.privileged = true;
    expect(checkPodSecurity([sts]).findings.length).toBeGreaterThan(0);
  });
});

describe('security context of each program', () => {
  // The users the official images run as, so the read-only image files and the volumes are theirs.
  const UIDS: Record<string, number> = { prometheus: 65534, alertmanager: 65534, grafana: 472 };
  // Where each program writes; everything else is the read-only root filesystem or a read-only ConfigMap/Secret.
  const WRITABLE: Record<string, string[]> = { prometheus: ['/prometheus'], alertmanager: ['/alertmanager'], grafana: ['/tmp', '/var/lib/grafana'] };

  describe.each(STACK_NAMES)('%s stack', (stackName) => {
    test.each(PROGRAMS)('%s runs as its image user, non-root, no privileges, RuntimeDefault seccomp (sidecars too)', (program) => {
      const { pod, containers } = podOf(STACKS[stackName], program);
      const uid = UIDS[program];
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid });
      for (const container of containers) expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsGroup: uid,
        runAsNonRoot: true,
        runAsUser: uid,
        seccompProfile: { type: 'RuntimeDefault' },
      });
    });

    test.each(PROGRAMS)('%s writes only to emptyDir or PVC mounts where it needs to', (program) => {
      const { deployment, pod, containers } = podOf(STACKS[stackName], program);
      const volumes = new Map<string, Record<string, unknown>>(pod.volumes.map((v: { name: string }) => [v.name, v]));
      // A StatefulSet's claim templates are PVCs too.
      for (const claim of deployment.spec.volumeClaimTemplates ?? []) volumes.set(claim.metadata.name, { persistentVolumeClaim: { claimName: claim.metadata.name } });
      const writable = containers.flatMap((c) => c.volumeMounts.filter((m: { readOnly?: boolean }) => !m.readOnly));
      expect(writable.map((m: { mountPath: string }) => m.mountPath).sort()).toEqual(WRITABLE[program]);
      for (const mount of writable) {
        const volume = volumes.get(mount.name)!;
        expect(volume.emptyDir ?? volume.persistentVolumeClaim).toBeDefined();
      }
    });
  });
});

describe('images, resources and probes', () => {
  const { objects } = synthStack();
  // Requests and limits sized per program: Prometheus holds the TSDB in memory, Alertmanager is small. Quantities
  // are written as the API server stores them (1000m is `1`, 2048Mi is `2Gi`), so a second apply changes nothing.
  const SIZES: Record<string, object> = {
    prometheus: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '2Gi' } },
    alertmanager: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
    grafana: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  };
  // The programs' own health endpoints: Prometheus and Alertmanager answer /-/ready only once they serve.
  const PROBES: Record<string, [liveness: string, readiness: string, port: number]> = {
    prometheus: ['/-/healthy', '/-/ready', 9090],
    alertmanager: ['/-/healthy', '/-/ready', 9093],
    grafana: ['/api/health', '/api/health', 3000],
  };

  test.each(PROGRAMS)('%s has a pinned image (a version tag, not latest)', (program) => {
    const { container } = podOf(objects, program);
    expect(container.image).toMatch(/^[a-z0-9./-]+:[A-Za-z0-9_.-]+$/);
    expect(container.image).not.toMatch(/:latest$/);
    expect(container.imagePullPolicy).toBe('IfNotPresent');
  });

  test.each(PROGRAMS)('%s has CPU and memory requests and limits', (program) => {
    expect(podOf(objects, program).container.resources).toEqual(SIZES[program]);
  });

  test.each(PROGRAMS)('%s has HTTP liveness and readiness probes on its health endpoints', (program) => {
    const { container } = podOf(objects, program);
    const [liveness, readiness, port] = PROBES[program];
    expect(container.ports).toEqual([{ containerPort: port, name: 'http' }]);
    expect(container.livenessProbe.httpGet).toEqual({ path: liveness, port, scheme: 'HTTP' });
    expect(container.readinessProbe.httpGet).toEqual({ path: readiness, port, scheme: 'HTTP' });
  });

  test('Prometheus reloads its files by itself: no lifecycle API (POST /-/quit) to expose', () => {
    const args: string[] = podOf(objects, 'prometheus').container.args;
    expect(args).toEqual(expect.arrayContaining(['--config.auto-reload', '--config.auto-reload-interval=30s']));
    expect(args.filter((a) => /lifecycle|admin-api/.test(a))).toEqual([]);
  });

  test('Alertmanager\'s reloader is small, pinned, and reloads over loopback only', () => {
    const [, reloader] = podOf(objects, 'alertmanager').containers;
    expect(reloader.image).toMatch(/^quay\.io\/prometheus-operator\/prometheus-config-reloader:v\d+\.\d+\.\d+$/);
    expect(reloader.resources).toEqual({ requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '50m', memory: '32Mi' } });
    expect(reloader.args).toEqual(expect.arrayContaining(['--reload-url=http://127.0.0.1:9093/-/reload', '--listen-address=127.0.0.1:8080']));
    expect(reloader.ports).toBeUndefined();
  });
});

describe('config changes: hot reload where the program can, a rollout (checksum/config) where it cannot', () => {
  const templates = (objects: Manifest[]) => Object.fromEntries(PROGRAMS.map((p) => [p, podOf(objects, p).deployment.spec.template]));
  const base = templates(synthStack().objects);

  test('only Grafana\'s start-up configuration (grafana.ini, datasources, providers) is checksummed', () => {
    const { objects } = synthStack();
    expect(base.grafana.metadata.annotations).toEqual({ 'checksum/config': checksumOf(configMapData(objects, 'grafana-config')) });
    expect(base.prometheus.metadata.annotations).toBeUndefined();
    expect(base.alertmanager.metadata.annotations).toBeUndefined();
  });

  test('the same input gives the same pods (no restarts on a no-op synth)', () => {
    expect(templates(synthStack().objects)).toEqual(base);
  });

  const RELOADED: { what: string; props?: MonitoringStackProps; customize?: (stack: MonitoringStack) => void }[] = [
    {
      what: 'a rule group',
      customize: (s) => s.prometheus.addRuleGroup({
        name: 'extra', rules: [{ alert: 'ExtraAlert', expr: 'up == 0', severity: AlertSeverity.INFO, component: 'extra', summary: 's', description: 'd' }],
      }),
    },
    { what: 'external labels', props: { prometheus: { externalLabels: { cluster: 'prod' } } } },
    { what: 'a retention', props: { prometheus: { retention: '30d' } } },
    { what: 'a receiver', customize: (s) => s.alertRouter.addReceiver({ name: 'ops', webhook: [{ url: 'http://hooks.local/alerts' }] }) },
    { what: 'a route', customize: (s) => s.alertRouter.addRoute({ receiver: 'warning', match: { team: 'ml' } }) },
    { what: 'a dashboard', customize: (s) => s.grafana.addDashboard(Dashboard.fromJson({ uid: 'extra', title: 'Extra', panels: [] })) },
  ];
  // An object per case: the test function then takes one argument (jest reads a longer one as a `done` callback).
  test.each(RELOADED)('adding $what is reloaded: no pod template changes', ({ props, customize }) => {
    expect(templates(synthStack(props, customize).objects)).toEqual(base);
  });

  test('what Grafana reads only at start-up rolls Grafana only', () => {
    const changed = templates(synthStack({ grafana: { anonymousAccess: true } }).objects);
    expect(changed.grafana.metadata.annotations['checksum/config']).not.toBe(base.grafana.metadata.annotations['checksum/config']);
    expect([changed.prometheus, changed.alertmanager]).toEqual([base.prometheus, base.alertmanager]);
  });

  test('the order a user writes a map in changes nothing', () => {
    const a = synthStack({ prometheus: { externalLabels: { cluster: 'prod', region: 'eu' } } });
    const b = synthStack({ prometheus: { externalLabels: { region: 'eu', cluster: 'prod' } } });
    expect([...b.files]).toEqual([...a.files]);
  });
});

describe('optional persistence', () => {
  const persistent = STACKS['persistence + ingress'];
  const defaults = STACKS.default;

  test.each([
    ['prometheus', '/prometheus', '50Gi', 'fast-ssd'],
    ['grafana', '/var/lib/grafana', '5Gi', 'standard'],
  ])('%s gets a ReadWriteOnce PVC with the given size and storage class, mounted at %s', (program, dataDir, size, storageClassName) => {
    expect(find(persistent, 'PersistentVolumeClaim', `${program}-data`).spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      storageClassName,
      resources: { requests: { storage: size } },
    });
    const { pod, container } = podOf(persistent, program);
    const mount = container.volumeMounts.find((m: { mountPath: string }) => m.mountPath === dataDir);
    const volume = pod.volumes.find((v: { name: string }) => v.name === mount.name);
    expect(volume.persistentVolumeClaim.claimName).toBe(`${program}-data`);
  });

  test.each(['prometheus', 'grafana'])('%s with a PVC uses the Recreate strategy and one replica: two pods never share the volume', (program) => {
    const { deployment } = podOf(persistent, program);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    expect(deployment.spec.replicas).toBe(1);
  });

  test('without a PVC, Grafana may run more than one replica, with rolling updates', () => {
    const { deployment } = podOf(synthStack({ grafana: { replicas: 2 } }).objects, 'grafana');
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.strategy.type).toBe('RollingUpdate');
  });

  test('the size defaults to 10Gi and the storage class to the cluster default', () => {
    const { objects } = synthStack({ prometheus: { persistence: {} } });
    expect(find(objects, 'PersistentVolumeClaim', 'prometheus-data').spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '10Gi' } },
    });
  });

  test('without persistence: no PVC, a bounded emptyDir (the node\'s disk never fills), and rolling updates', () => {
    expect(defaults.filter((o) => o.kind === 'PersistentVolumeClaim')).toEqual([]);
    const limits: Record<string, string> = { prometheus: '10Gi', alertmanager: '256Mi', grafana: '1Gi' };
    for (const program of PROGRAMS) {
      const { deployment, pod } = podOf(defaults, program);
      expect(deployment.spec.strategy.type).toBe('RollingUpdate');
      expect(pod.volumes.find((v: { name: string }) => v.name === 'data')).toEqual({ name: 'data', emptyDir: { sizeLimit: limits[program] } });
      // Every other emptyDir is bounded too.
      for (const volume of pod.volumes.filter((v: { emptyDir?: object }) => v.emptyDir)) expect(volume.emptyDir.sizeLimit).toBeDefined();
    }
  });

  test('Alertmanager can keep silences and the notification log in a PVC', () => {
    const { objects } = synthStack({ alertmanager: { persistence: { size: '1Gi' } } });
    expect(find(objects, 'PersistentVolumeClaim', 'alertmanager-data').spec.resources.requests.storage).toBe('1Gi');
    expect(podOf(objects, 'alertmanager').deployment.spec.strategy.type).toBe('Recreate');
  });
});
