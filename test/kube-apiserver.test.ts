/*
 * The committed manifests (dist/k8s/monitoring, a fresh synth by app.test.ts) on a real Kubernetes control
 * plane: etcd, kube-apiserver and kube-controller-manager built from the Kubernetes release that
 * tools/kubernetes/go.mod pins, on 127.0.0.1 only. No scheduler, no kubelet: Pods are created and admitted,
 * never run. What the users' commands do is what is tested: `kubectl apply -f dist/k8s/monitoring` into a
 * namespace that enforces Pod Security "restricted", a second apply that must change nothing, RBAC as the
 * API server evaluates it for Prometheus's ServiceAccount, and `kubectl delete -f`.
 *
 * The binaries come from `tools/kubernetes/install.sh` (and Debian's etcd-server); a missing one fails the
 * suite with that command. The suite is never skipped.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { ServiceMonitor } from '../imports/monitoring.coreos.com';
import { IngressAuthentication, MonitoringStackProps, RemoteWrite } from '../src';
import { canonicalQuantity } from '../src/common/quantity';
import { waitFor } from './support/e2e/loopback';
import { KubeBinaries, requireKubeBinaries } from './support/kube/binaries';
import { KubectlResult, LocalCluster } from './support/kube/cluster';
import { Manifest, synthStack } from './support/synth';
import { removeDir, tempDir } from './support/tools';
import { note } from './support/notes';

const MANIFESTS = path.resolve(__dirname, '..', 'dist', 'k8s', 'monitoring');
const FILES = fs.readdirSync(MANIFESTS).filter((f) => f.endsWith('.yaml')).sort();
const OBJECTS: { file: string; object: Manifest }[] = FILES.flatMap((file) => fs.readFileSync(path.join(MANIFESTS, file), 'utf8')
  .split(/^---$/m).map((doc) => ({ file, object: parse(doc) as Manifest })));
const NAMESPACE = 'mlops';
const SERVICE_MONITOR_FILE = 'servicemonitor-iris-api.yaml';
/** Bound of each wait on the controllers (a few seconds on an idle machine). */
const WAIT_MS = 60_000;

/** The optional objects the default stack lacks: PVCs (with sizes to canonicalize), Ingresses with TLS. */
const WITH_OPTIONS: MonitoringStackProps = {
  prometheus: {
    persistence: { size: '51200Mi', storageClassName: 'fast-ssd' },
    resources: { cpuRequestMillis: 500, cpuLimitMillis: 2000, memoryRequestMebibytes: 1024, memoryLimitMebibytes: 3072 },
    ingress: {
      host: 'prometheus.mlops.local', tlsSecretName: 'prometheus-tls', authentication: IngressAuthentication.ANNOTATIONS,
      annotations: { 'nginx.ingress.kubernetes.io/auth-url': 'https://oauth2-proxy.auth.svc/oauth2/auth' },
    },
  },
  grafana: { persistence: { size: '5Gi', storageClassName: 'standard' }, ingress: { host: 'grafana.mlops.local', tlsSecretName: 'grafana-tls' } },
};

/** How kubectl names an object in its output: `deployment.apps/prometheus`, `service/prometheus-service`. */
function kubectlName(object: Manifest): string {
  const group = object.apiVersion.includes('/') ? `.${object.apiVersion.split('/')[0]}` : '';
  return `${object.kind.toLowerCase()}${group}/${object.metadata.name}`;
}

/** `kubectl auth can-i` arguments for one resource of a policy rule (`nodes/metrics` → `nodes --subresource=metrics`). */
function canIArgs(verb: string, apiGroup: string, resource: string): string[] {
  const [name, subresource] = resource.split('/');
  return [verb, apiGroup ? `${name}.${apiGroup}` : name, ...(subresource ? [`--subresource=${subresource}`] : [])];
}

/** stdout and stderr of a kubectl run, for failure messages. */
function output(result: KubectlResult): string {
  return `exit ${result.status}\n${result.stdout}${result.stderr}`;
}

/**
 * A CustomResourceDefinition for the ServiceMonitor kind, made from what the library's generated code in
 * imports/ knows (its group, version and kind); no CRD file is committed. Its schema only requires a `spec`
 * object: the ServiceMonitor's fields are checked strictly against the prometheus-operator v0.93.0 schema in
 * schema.test.ts, not here.
 */
function minimalServiceMonitorCrd(): object {
  const [group, version] = ServiceMonitor.GVK.apiVersion.split('/');
  const kind = ServiceMonitor.GVK.kind;
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      versions: [{
        name: version,
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            required: ['spec'],
            properties: { spec: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        },
      }],
    },
  };
}

describe(`the committed manifests on a real kube-apiserver (${FILES.length} files in dist/k8s/monitoring)`, () => {
  const startedAt = Date.now();
  let binaries: KubeBinaries;
  let cluster: LocalCluster | undefined;

  /** kubectl as the admin (never throws: the tests compare exit status and output). */
  const kubectl = (args: string[], input?: string) => cluster!.kubectl(args, input);
  const kubectlOk = (args: string[], input?: string) => cluster!.kubectlOk(args, input);
  const getJson = async (args: string[]) => JSON.parse((await kubectlOk(['get', ...args, '-o', 'json'])).stdout);

  beforeAll(async () => {
    binaries = requireKubeBinaries();
    cluster = await LocalCluster.start(binaries);
    // The namespace the README tells users to create, enforcing (and warning and auditing) "restricted".
    await kubectlOk(['apply', '-f', '-'], stringify({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: NAMESPACE,
        labels: Object.fromEntries(['enforce', 'warn', 'audit'].flatMap((mode) => [
          [`pod-security.kubernetes.io/${mode}`, 'restricted'], [`pod-security.kubernetes.io/${mode}-version`, 'latest'],
        ])),
      },
    }));
    const crd = minimalServiceMonitorCrd() as { metadata: { name: string } };
    await kubectlOk(['apply', '-f', '-'], stringify(crd));
    await kubectlOk(['wait', '--for=condition=Established', `crd/${crd.metadata.name}`, '--timeout=60s']);
  }, 600_000);

  afterAll(async () => {
    await cluster?.stop();
    note(`kube-apiserver suite: ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  }, 60_000);

  test('the control plane is the pinned Kubernetes release, listening on 127.0.0.1 only', async () => {
    const version = JSON.parse((await cluster!.apiGet('/version')).body);
    expect(version.gitVersion).toBe(binaries.version);
    const addresses = cluster!.listeningAddresses();
    expect(addresses.length).toBeGreaterThanOrEqual(3); // etcd's client and peer ports, the API server's
    expect(addresses.filter((a) => !a.startsWith('127.0.0.1:'))).toEqual([]);
  });

  test('canonicalQuantity writes quantities exactly as the API server stores them', async () => {
    const quantities = [
      '1000m', '1500m', '250m', '0.5', '1', '2', '100m', '1m', '0.1m', '1n', '0.25', '2.5', '1e3', '12e2', '1.5e-3',
      '1k', '1000k', '1.5G', '1536', '1024', '512Mi', '1024Mi', '1536Mi', '2048Mi', '10240Mi', '1Gi', '0.5Gi',
      '1.5Gi', '100Ki', '1Ki', '0.5Ki', '1048576Ki', '1023Ki', '3Mi', '1Ti', '1024Ti', '0', '0Mi', '.5', '5.',
      '+1', '01', '00', '0.0', '1.0', '1.000', '1000000m', '1E', '2e0', '1.5Mi', '0.1Ki', '123456789012345678', '1.5k',
    ];
    // A Pod accepts any non-negative quantity as a CPU limit; the server-side dry run returns it as stored.
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'quantities', namespace: 'default' },
      spec: {
        containers: quantities.map((q, i) => ({ name: `c${i}`, image: 'example.invalid/none:1', resources: { limits: { cpu: q } } })),
      },
    };
    const stored = JSON.parse((await kubectlOk(['create', '--dry-run=server', '-o', 'json', '-f', '-'], JSON.stringify(pod))).stdout);
    const serverForm = Object.fromEntries(quantities.map((q, i) => [q, stored.spec.containers[i].resources.limits.cpu]));
    expect(Object.fromEntries(quantities.map((q) => [q, canonicalQuantity(q)]))).toEqual(serverForm);
  });

  describe('strict server-side dry run of each file (`kubectl apply --server-side --dry-run=server --validate=strict`): accepted, no warning', () => {
    test.each(FILES.filter((f) => f !== SERVICE_MONITOR_FILE))('%s', async (file) => {
      const result = await kubectl(['apply', '--server-side', '--dry-run=server', '--validate=strict', '-f', path.join(MANIFESTS, file)]);
      expect(output(result)).toBe(`exit 0\n${OBJECTS.filter((o) => o.file === file).map((o) => `${kubectlName(o.object)} serverside-applied (server dry run)\n`).join('')}`);
    });

    test(`${SERVICE_MONITOR_FILE}, against a minimal ServiceMonitor CRD (only group, version, kind and a spec object: schema.test.ts checks its fields)`, async () => {
      const result = await kubectl(['apply', '--server-side', '--dry-run=server', '--validate=strict', '-f', path.join(MANIFESTS, SERVICE_MONITOR_FILE)]);
      expect(output(result)).toBe('exit 0\nservicemonitor.monitoring.coreos.com/iris-api serverside-applied (server dry run)\n');
    });
  });

  describe('`kubectl apply -f dist/k8s/monitoring`, as the README says', () => {
    test('(the namespace really enforces "restricted": a Pod without a seccomp profile is refused)', async () => {
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'not-restricted', namespace: NAMESPACE },
        spec: { containers: [{ name: 'main', image: 'example.invalid/none:1', securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }] },
      };
      const result = await kubectl(['create', '--dry-run=server', '-f', '-'], JSON.stringify(pod));
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/violates PodSecurity "restricted:latest": seccompProfile/);
    });

    test('creates every object, with no warning', async () => {
      const result = await kubectl(['apply', '-f', MANIFESTS]);
      expect(output(result)).toBe(`exit 0\n${OBJECTS.map((o) => `${kubectlName(o.object)} created\n`).join('')}`);
    });

    const deployments = OBJECTS.map((o) => o.object).filter((o) => o.kind === 'Deployment');
    test(`the Pods of every Deployment (${deployments.map((d) => d.metadata.name).join(', ')}) are admitted under "restricted", none refused`, async () => {
      for (const deployment of deployments) {
        const selector = Object.entries(deployment.spec.selector.matchLabels as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',');
        const pods = await waitFor(`${deployment.spec.replicas} Pod(s) of Deployment ${deployment.metadata.name}`, async () => {
          const list = await getJson(['pods', '-n', NAMESPACE, '-l', selector]);
          return list.items.length === deployment.spec.replicas ? list.items : undefined;
        }, {
          timeoutMs: WAIT_MS,
          intervalMs: 500,
          diagnostics: async () => `${(await kubectl(['get', 'deployments,replicasets,pods,events', '-n', NAMESPACE])).stdout}\n${cluster!.logs()}`,
        });
        expect(pods.map((p: any) => p.metadata.ownerReferences[0].kind)).toEqual(pods.map(() => 'ReplicaSet'));
      }
      // The ReplicaSet controller reports each refused Pod as a FailedCreate event (a missing ServiceAccount,
      // a Pod Security violation): none may exist, not even one that a retry got past.
      const events = await getJson(['events', '-n', NAMESPACE]);
      const refused = events.items.filter((e: any) => e.reason === 'FailedCreate').map((e: any) => `${e.involvedObject.name}: ${e.message}`);
      expect(refused).toEqual([]);
      const replicaSets = await getJson(['replicasets', '-n', NAMESPACE]);
      expect(replicaSets.items.flatMap((rs: any) => (rs.status.conditions ?? []).map((c: any) => `${rs.metadata.name}: ${c.type} ${c.message}`))).toEqual([]);
    }, 4 * WAIT_MS);

    test('a second `kubectl apply -f` changes nothing: every object `unchanged`, and `kubectl diff` finds no difference', async () => {
      const result = await kubectl(['apply', '-f', MANIFESTS]);
      if (result.stdout.split('\n').some((line) => line && !line.endsWith(' unchanged'))) {
        const diff = await kubectl(['diff', '-f', MANIFESTS]);
        throw new Error(`the second apply changed objects:\n${result.stdout}\nkubectl diff:\n${diff.stdout}${diff.stderr}`);
      }
      expect(output(result)).toBe(`exit 0\n${OBJECTS.map((o) => `${kubectlName(o.object)} unchanged\n`).join('')}`);
      const diff = await kubectl(['diff', '-f', MANIFESTS]);
      expect(output(diff)).toBe('exit 0\n');
    }, 2 * WAIT_MS);
  });

  describe('RBAC, as the API server evaluates it for the ServiceAccounts the manifests bind', () => {
    const objects = OBJECTS.map((o) => o.object);
    const roles = new Map(objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role')
      .map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
    // Every (subject, namespace or cluster-wide, verb, resource) that a binding in the manifests grants.
    const grants = objects.filter((o) => o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding').flatMap((binding) => {
      const namespace = binding.kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
      const roleKey = `${binding.roleRef.kind}/${binding.roleRef.kind === 'Role' ? namespace : ''}/${binding.roleRef.name}`;
      const role = roles.get(roleKey);
      if (!role) throw new Error(`${binding.kind} ${binding.metadata.name} refers to ${roleKey}, not in the manifests`);
      return (binding.subjects as any[]).filter((s) => s.kind === 'ServiceAccount').flatMap((subject) =>
        (role.rules as any[]).flatMap((rule) => (rule.apiGroups as string[]).flatMap((apiGroup) =>
          (rule.resources as string[]).flatMap((resource) => (rule.verbs as string[]).map((verb) => ({
            user: `system:serviceaccount:${subject.namespace}:${subject.name}`, namespace, args: canIArgs(verb, apiGroup, resource),
          }))))));
    });
    const prometheus = `system:serviceaccount:${NAMESPACE}:prometheus`;

    test('the manifests grant Prometheus something (the checks below are not vacuous)', () => {
      expect(grants.filter((g) => g.user === prometheus).length).toBeGreaterThan(0);
    });

    test.each(grants.map((g) => [`${g.user} may ${g.args.join(' ')} ${g.namespace ? `in ${g.namespace}` : 'cluster-wide'}`, g] as const))('%s', async (_name, grant) => {
      const scope = grant.namespace ? ['-n', grant.namespace] : ['--all-namespaces'];
      const result = await kubectl(['auth', 'can-i', ...grant.args, ...scope, `--as=${grant.user}`]);
      expect(output(result)).toBe('exit 0\nyes\n');
    });

    // What Prometheus's service discovery needs (SPEC: EndpointSlices, nodes/metrics; namespaced Roles where
    // discovery is namespaced) and what it must never have. A request without `-n` is asked cluster-wide.
    const canI = (request: string) => {
      const args = request.split(' ');
      return kubectl(['auth', 'can-i', ...args, ...(args.includes('-n') ? [] : ['--all-namespaces']), `--as=${prometheus}`]);
    };
    test.each([
      'list endpointslices.discovery.k8s.io -n mlops', 'watch endpointslices.discovery.k8s.io -n mlops',
      'list pods -n mlops', 'watch services -n mlops', 'list nodes', 'watch nodes', 'get nodes --subresource=metrics',
    ])(`${prometheus} may %s (discovery, the kubelets' cAdvisor)`, async (request) => {
      expect(output(await canI(request))).toBe('exit 0\nyes\n');
    });

    test.each([
      'get secrets', 'list secrets', 'get secrets -n mlops', 'watch secrets -n mlops',
      'get nodes --subresource=proxy', 'create nodes --subresource=proxy', 'get services --subresource=proxy -n mlops',
      'list endpointslices.discovery.k8s.io', 'list endpointslices.discovery.k8s.io -n default', 'list pods', 'list endpoints -n mlops',
      'create pods --subresource=exec -n mlops', 'create pods -n mlops', 'delete pods -n mlops', 'update configmaps -n mlops',
      'patch deployments.apps -n mlops', 'create serviceaccounts --subresource=token -n mlops', 'impersonate users',
      'escalate clusterroles.rbac.authorization.k8s.io', '* *',
    ])(`${prometheus} may NOT %s`, async (request) => {
      expect(output(await canI(request))).toBe('exit 1\nno\n');
    });
  });

  test('`kubectl delete -f dist/k8s/monitoring` leaves nothing behind (the controllers\' ReplicaSets and Pods included)', async () => {
    const result = await kubectl(['delete', '-f', MANIFESTS]);
    const deleted = (o: Manifest) => {
      const [type, name] = kubectlName(o).split('/');
      return `${type} "${name}" deleted${o.metadata.namespace ? ` from ${o.metadata.namespace} namespace` : ''}\n`;
    };
    expect(output(result)).toBe(`exit 0\n${OBJECTS.map((o) => deleted(o.object)).join('')}`);
    const leftovers = () => kubectlOk(['get', 'all,configmaps,secrets,serviceaccounts,roles,rolebindings,networkpolicies,ingresses,persistentvolumeclaims,endpointslices,servicemonitors', '-n', NAMESPACE, '-o', 'name']);
    // What Kubernetes itself puts in every namespace.
    const builtIn = 'configmap/kube-root-ca.crt\nserviceaccount/default\n';
    await waitFor('the garbage collector to remove the ReplicaSets and Pods', async () => ((await leftovers()).stdout === builtIn ? true : undefined), {
      timeoutMs: WAIT_MS, intervalMs: 500, diagnostics: async () => (await leftovers()).stdout,
    });
    const clusterWide = OBJECTS.map((o) => o.object).filter((o) => !o.metadata.namespace).map(kubectlName);
    expect(clusterWide.length).toBeGreaterThan(0);
    expect(output(await kubectl(['get', ...clusterWide, '--ignore-not-found', '-o', 'name']))).toBe('exit 0\n');
  }, 2 * WAIT_MS);

  test('with PVCs, Ingresses and other resources, too: created, then `unchanged` on a second apply, then deleted', async () => {
    const { files, objects } = synthStack(WITH_OPTIONS);
    const kinds = new Set(objects.map((o) => o.kind));
    expect(['PersistentVolumeClaim', 'Ingress'].filter((k) => kinds.has(k))).toEqual(['PersistentVolumeClaim', 'Ingress']);
    const dir = tempDir('kube-options');
    try {
      for (const [file, yaml] of files) fs.writeFileSync(path.join(dir, file), yaml);
      const names = objects.map(kubectlName);
      expect(output(await kubectl(['apply', '-f', dir]))).toBe(`exit 0\n${names.map((n) => `${n} created\n`).join('')}`);
      const second = await kubectl(['apply', '-f', dir]);
      if (second.stdout.split('\n').some((line) => line && !line.endsWith(' unchanged'))) {
        const diff = await kubectl(['diff', '-f', dir]);
        throw new Error(`the second apply changed objects:\n${second.stdout}\nkubectl diff:\n${diff.stdout}${diff.stderr}`);
      }
      expect(output(second)).toBe(`exit 0\n${names.map((n) => `${n} unchanged\n`).join('')}`);
      // The PVCs' protection finalizer goes once the garbage collector has removed the Pods that use them.
      await kubectlOk(['delete', '-f', dir, '--timeout=60s']);
      expect(output(await kubectl(['get', '-f', dir, '--ignore-not-found', '-o', 'name']))).toBe('exit 0\n');
    } finally {
      removeDir(dir);
    }
  }, 3 * WAIT_MS);
  // Client-side `kubectl apply` stores each object in its last-applied annotation, and annotations may take
  // 256 KiB in all: why the library splits scrape jobs, rules and dashboards into ConfigMaps of 200 KiB.
  test('1,000 applications: every ConfigMap fits client-side apply; one ConfigMap of 300 KiB would not', async () => {
    const { files, objects } = synthStack({ serviceMonitors: false }, (stack) => {
      for (let i = 0; i < 1000; i++) stack.monitorApplication({ name: `app-${i}`, serviceName: `app-${i}` });
    });
    expect(objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('prometheus-scrape-configs')).length).toBeGreaterThan(3);
    const dir = tempDir('kube-many');
    try {
      for (const [file, yaml] of files) fs.writeFileSync(path.join(dir, file), yaml);
      const names = objects.map(kubectlName);
      expect(output(await kubectl(['apply', '-f', dir]))).toBe(`exit 0\n${names.map((n) => `${n} created\n`).join('')}`);
      await kubectlOk(['delete', '-f', dir, '--timeout=60s']);
      const big = path.join(dir, 'big.yaml');
      fs.writeFileSync(big, stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: NAMESPACE }, data: { 'prometheus.yml': 'x'.repeat(300 * 1024) } }));
      const refused = await kubectl(['apply', '-f', big]);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/metadata.annotations: Too long: may not be more than 262144 bytes|must have at most 262144 bytes/);
    } finally {
      removeDir(dir);
    }
  }, 3 * WAIT_MS);

  // Beyond one Prometheus: StatefulSets (with claim templates), headless Services, PodDisruptionBudgets, gossip
  // ports in the NetworkPolicy; then shards.
  const mimir = RemoteWrite.mimir({ url: 'http://mimir-distributor.mimir.svc:8080/api/v1/push', tenant: 'mlops', bearerTokenSecretKey: 'mimir-token', queryUrl: 'http://mimir-query-frontend.mimir.svc:8080/prometheus' });
  test.each([
    ['highly available', { prometheus: { replicas: 2, persistence: { size: '50Gi' }, remoteWrite: [mimir] }, alertmanager: { replicas: 3, persistence: { size: '1Gi' } } }],
    ['sharded', { prometheus: { shards: 3, replicas: 2, remoteWrite: [mimir] }, alertmanager: { replicas: 3 } }],
  ] as Array<[string, MonitoringStackProps]>)('the %s stack: created, its StatefulSets\' Pods admitted under "restricted", `unchanged` on a second apply, deleted', async (_name, props) => {
    const { files, objects } = synthStack(props);
    const sets = objects.filter((o) => o.kind === 'StatefulSet');
    expect(sets.length).toBeGreaterThanOrEqual(2);
    expect(objects.some((o) => o.kind === 'PodDisruptionBudget')).toBe(true);
    const dir = tempDir('kube-ha');
    try {
      for (const [file, yaml] of files) fs.writeFileSync(path.join(dir, file), yaml);
      const names = objects.map(kubectlName);
      expect(output(await kubectl(['apply', '-f', dir]))).toBe(`exit 0\n${names.map((n) => `${n} created\n`).join('')}`);
      for (const set of sets) {
        const selector = Object.entries(set.spec.selector.matchLabels as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',');
        await waitFor(`${set.spec.replicas} Pods of StatefulSet ${set.metadata.name}`, async () => {
          const list = await getJson(['pods', '-n', NAMESPACE, '-l', selector]);
          return list.items.length === set.spec.replicas ? true : undefined;
        }, {
          timeoutMs: WAIT_MS, intervalMs: 500,
          diagnostics: async () => `${(await kubectl(['get', 'statefulsets,pods,events', '-n', NAMESPACE])).stdout}\n${cluster!.logs()}`,
        });
      }
      const events = await getJson(['events', '-n', NAMESPACE]);
      expect(events.items.filter((e: any) => e.reason === 'FailedCreate').map((e: any) => `${e.involvedObject.name}: ${e.message}`)).toEqual([]);
      // Client-side kubectl (v1.37.2) sends a PodDisruptionBudget's selector again on every apply (its patch is
      // `{"spec":{"selector":...}}`, seen with -v=8) and says `configured`, though nothing changes: kubectl diff is
      // empty and the generation stays 1. The selector's patch strategy is `replace` (k8s.io/api policy/v1), and
      // strategicpatch's handleMapDiff copies a `replace` field into the patch without comparing it.
      const second = await kubectl(['apply', '-f', dir]);
      const expected = (n: string) => `${n} ${n.startsWith('poddisruptionbudget') ? 'configured' : 'unchanged'}\n`;
      if (output(second) !== `exit 0\n${names.map(expected).join('')}`) {
        const diff = await kubectl(['diff', '-f', dir]);
        throw new Error(`the second apply changed objects:\n${second.stdout}\nkubectl diff:\n${diff.stdout}${diff.stderr}`);
      }
      expect(output(await kubectl(['diff', '-f', dir]))).toBe('exit 0\n');
      for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
        expect((await getJson(['pdb', pdb.metadata.name, '-n', NAMESPACE])).metadata.generation).toBe(1);
      }
      await kubectlOk(['delete', '-f', dir, '--timeout=60s']);
      expect(output(await kubectl(['get', '-f', dir, '--ignore-not-found', '-o', 'name']))).toBe('exit 0\n');
      // Claim templates' PVCs outlive their StatefulSet (Kubernetes keeps data by default): remove them here.
      await kubectlOk(['delete', 'pvc', '--all', '-n', NAMESPACE, '--wait=false']);
    } finally {
      removeDir(dir);
    }
  }, 4 * WAIT_MS);
});
