/*
 * The library's own Prometheus and Alertmanager as Prometheus Operator resources (OperatorPrometheus,
 * OperatorAlertmanager): what they synthesize, what they refuse, and what a real kube-apiserver makes of them
 * with the Operator's real CRDs (v0.93.0, from the Go module: never committed) installed: strict server-side
 * dry-run, Pod Security "restricted" admission of the pods the Operator would build from them, and their RBAC as
 * the API server evaluates it. The Operator itself does not run here (the cluster suite proves that).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { parse, stringify } from 'yaml';
import {
  AlertmanagerConfigMatcherStrategy, IrisApiMonitoring, OperatorAlertmanager, OperatorAlertmanagerProps, OperatorPrometheus, OperatorPrometheusProps, RemoteWrite,
  PrometheusOperatorDelivery, ScrapeJobs, Versions,
} from '../src';
import { MonitoringValidationError } from '../src/common/errors';
import { KubeBinaries, requireKubeBinaries } from './support/kube/binaries';
import { KubectlResult, LocalCluster } from './support/kube/cluster';
import { operatorCrdDir, operatorVersion } from './support/kube/operator-crds';
import { Manifest } from './support/synth';
import { note } from './support/notes';
import { removeDir, requireBinary, run, tempDir, useLocalCredentials } from './support/tools';

const NAMESPACE = 'monitoring';
/** Cases of the property test (a fixed seed: the same cases each run, FC_SEED to vary them). */
const PROPERTY_RUNS = Number(process.env.FC_RUNS ?? 400);
const PROPERTY_SEED = Number(process.env.FC_SEED ?? 20261206);
/** At most this many accepted outputs go to the API server (one kubectl run each). */
const DRY_RUNS = 40;
/** A namespace of the monitored applications. */
const APPS = 'mlops';

interface Built {
  readonly prometheus?: OperatorPrometheus;
  readonly alertmanager?: OperatorAlertmanager;
  readonly objects: Manifest[];
}

/** Builds the two constructs in a chart of namespace `monitoring` (one may be left out) and synthesizes them. */
function build(promProps: OperatorPrometheusProps | undefined, amProps?: OperatorAlertmanagerProps, then?: (p: OperatorPrometheus) => void): Built {
  const chart = new Chart(Testing.app(), 'operator-stack', { namespace: NAMESPACE });
  const alertmanager = amProps ? new OperatorAlertmanager(chart, 'Alertmanager', amProps) : undefined;
  const prometheus = promProps ? new OperatorPrometheus(chart, 'Prometheus', { ...promProps, alertmanagers: alertmanager ? [alertmanager] : [] }) : undefined;
  if (prometheus) then?.(prometheus);
  return { prometheus, alertmanager, objects: Testing.synth(chart) as Manifest[] };
}

function find(objects: Manifest[], kind: string, name: string): Manifest {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

/** Every option the constructs take, as a team running the stack through the Operator would set them. */
const FULL_PROMETHEUS: OperatorPrometheusProps = {
  replicas: 2,
  retention: '30d',
  persistence: { size: '50Gi', storageClassName: 'fast-ssd' },
  externalLabels: { cluster: 'prod-eu-1' },
  resources: { cpuRequestMillis: 500, cpuLimitMillis: 2000, memoryRequestMebibytes: 1536, memoryLimitMebibytes: 4096 },
  remoteWrite: [
    RemoteWrite.mimir({ url: 'http://mimir-distributor.mimir.svc:8080/api/v1/push', tenant: 'ml-platform', basicAuthUsername: 'prometheus', passwordSecretKey: 'mimir-password', queue: { maxShards: 20, minBackoff: '50ms' }, writeRelabelConfigs: [{ sourceLabels: ['__name__'], regex: 'go_gc_.*', action: 'drop' as any }] }),
    RemoteWrite.thanosReceive({ url: 'http://thanos-receive.thanos.svc:19291/api/v1/receive', bearerTokenSecretKey: 'thanos-token' }),
  ],
  serviceMonitors: { matchLabels: { release: 'monitoring' }, namespaces: [APPS, NAMESPACE] },
  podMonitors: { matchLabels: { release: 'monitoring' }, namespaces: [APPS] },
  rules: { matchLabels: { release: 'monitoring' }, namespaces: [APPS, NAMESPACE] },
  scrapeJobs: [ScrapeJobs.kubeStateMetrics(['kube-system'])],
};
const FULL_ALERTMANAGER: OperatorAlertmanagerProps = {
  replicas: 3,
  retention: '240h',
  persistence: { size: '2Gi' },
  globalConfigName: 'global',
  alertmanagerConfigs: { matchLabels: { alertmanager: 'main' }, allNamespaces: true },
  matcherStrategy: AlertmanagerConfigMatcherStrategy.ON_NAMESPACE_EXCEPT_FOR_ALERTMANAGER_NAMESPACE,
};

describe('synthesized', () => {
  test('defaults: snapshot', () => {
    expect(build({}, {}).objects).toMatchSnapshot();
  });

  test('every option: snapshot', () => {
    expect(build(FULL_PROMETHEUS, FULL_ALERTMANAGER).objects).toMatchSnapshot();
  });

  test('images and versions are the library\'s pinned ones', () => {
    const { objects } = build({}, {});
    const prometheus = find(objects, 'Prometheus', 'prometheus');
    const alertmanager = find(objects, 'Alertmanager', 'alertmanager');
    expect(prometheus.spec.image).toBe(Versions.PROMETHEUS_IMAGE);
    expect(prometheus.spec.version).toBe(`v${Versions.PROMETHEUS}`);
    expect(alertmanager.spec.image).toBe(Versions.ALERTMANAGER_IMAGE);
  });

  test('retention: 15d by default, grown to the longest SLO window the rules need, and the TSDB bounded to 85% of its volume', () => {
    const plain = find(build({}).objects, 'Prometheus', 'prometheus').spec;
    expect([plain.retention, plain.retentionSize, plain.storage]).toEqual(['15d', `${Math.floor(10 * 1024 * 0.85)}MB`, { emptyDir: { sizeLimit: '10Gi' } }]);
    // An SLO's rules ask for their window after the Prometheus exists (as ApplicationSlos does): the CR follows.
    const grown = find(build({}, undefined, (p) => {
      p._requireRetention('3d', 'the burn-rate alerts of iris-api', false);
      p._requireRetention('28d', 'SLO "availability" of iris-api', true);
    }).objects, 'Prometheus', 'prometheus').spec;
    expect(grown.retention).toBe('28d');
    const persisted = find(build(FULL_PROMETHEUS).objects, 'Prometheus', 'prometheus').spec;
    expect(persisted.retentionSize).toBe(`${Math.floor(50 * 1024 * 0.85)}MB`);
    expect(persisted.storage.volumeClaimTemplate.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '50Gi' } } });
  });

  test('a short retention is accepted for an SLO\'s budget only with acceptShortRetention, never below an alert\'s window', () => {
    const slo = (p: OperatorPrometheus) => p._requireRetention('28d', 'SLO "availability" of iris-api', true);
    expect(find(build({ retention: '7d', acceptShortRetention: true }, undefined, slo).objects, 'Prometheus', 'prometheus').spec.retention).toBe('7d');
    expect(() => build({ retention: '7d' }, undefined, slo)).toThrow('[operator-stack/Prometheus] retention: "7d" is shorter than the 28d window of SLO "availability" of iris-api');
    expect(() => build({ retention: '2d', acceptShortRetention: true }, undefined, (p) => p._requireRetention('3d', 'the burn-rate alerts of iris-api', false)))
      .toThrow('[operator-stack/Prometheus] retention: "2d" is shorter than 3d, the longest window of the burn-rate alerts of iris-api');
  });

  test('selectors: the given labels, and the namespaces by name (own namespace by default, {} for all)', () => {
    const def = find(build({}, {}).objects, 'Prometheus', 'prometheus').spec;
    const own = { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [NAMESPACE] }] };
    for (const kind of ['serviceMonitor', 'podMonitor', 'rule']) {
      expect([def[`${kind}Selector`], def[`${kind}NamespaceSelector`]]).toEqual([{ matchLabels: {} }, own]);
    }
    const full = build(FULL_PROMETHEUS, FULL_ALERTMANAGER).objects;
    const spec = find(full, 'Prometheus', 'prometheus').spec;
    expect(spec.serviceMonitorSelector).toEqual({ matchLabels: { release: 'monitoring' } });
    expect(spec.serviceMonitorNamespaceSelector.matchExpressions[0].values).toEqual([NAMESPACE, APPS].sort());
    const am = find(full, 'Alertmanager', 'alertmanager').spec;
    expect([am.alertmanagerConfigSelector, am.alertmanagerConfigNamespaceSelector, am.alertmanagerConfigMatcherStrategy, am.alertmanagerConfiguration])
      .toEqual([{ matchLabels: { alertmanager: 'main' } }, {}, { type: 'OnNamespaceExceptForAlertmanagerNamespace' }, { name: 'global' }]);
  });

  test('alerting goes to the Alertmanager\'s Service, whose selector is the labels the Operator puts on its pods', () => {
    const { objects, alertmanager } = build({}, {});
    expect(find(objects, 'Prometheus', 'prometheus').spec.alerting).toEqual({ alertmanagers: [{ namespace: NAMESPACE, name: alertmanager!.serviceName, port: 'web', apiVersion: 'v2' }] });
    const service = find(objects, 'Service', alertmanager!.serviceName);
    // The Operator v0.93 labels Alertmanager pods with app.kubernetes.io/name=alertmanager and alertmanager=<name>
    // (pkg/alertmanager/operator.go makeSelectorLabels) and names the container port `web`.
    expect(service.spec).toEqual({ selector: { 'alertmanager': 'alertmanager', 'app.kubernetes.io/name': 'alertmanager' }, ports: [{ name: 'web', port: 9093, targetPort: 'web' }] });
    expect(alertmanager!.targetsFrom('elsewhere')).toEqual([`alertmanager-service.${NAMESPACE}.svc:9093`]);
  });

  test('remote write: credentials are SecretKeySelectors of the out-of-band Secret, no password or token in the output', () => {
    const { objects } = build(FULL_PROMETHEUS);
    const [mimir, thanos] = find(objects, 'Prometheus', 'prometheus').spec.remoteWrite;
    expect(mimir).toEqual({
      url: 'http://mimir-distributor.mimir.svc:8080/api/v1/push',
      name: 'mimir',
      headers: { 'X-Scope-OrgID': 'ml-platform' },
      basicAuth: { username: { name: 'prometheus-remote-write-users', key: 'username-0' }, password: { name: 'prometheus-remote-write', key: 'mimir-password' } },
      queueConfig: { maxShards: 20, minBackoff: '50ms' },
      writeRelabelConfigs: [{ sourceLabels: ['__name__'], regex: 'go_gc_.*', action: 'drop' }],
    });
    expect(thanos).toEqual({ url: 'http://thanos-receive.thanos.svc:19291/api/v1/receive', name: 'thanos-receive', authorization: { type: 'Bearer', credentials: { name: 'prometheus-remote-write', key: 'thanos-token' } } });
    expect(find(objects, 'Secret', 'prometheus-remote-write-users').stringData).toEqual({ 'username-0': 'prometheus' });
    expect(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name).sort()).toEqual(['prometheus-additional-scrape-configs', 'prometheus-remote-write-users']);
  });

  test('extra scrape jobs go to additionalScrapeConfigs as Prometheus\'s own YAML, and only then', () => {
    expect(find(build({}).objects, 'Prometheus', 'prometheus').spec.additionalScrapeConfigs).toBeUndefined();
    const { objects } = build({}, undefined, (p) => p.addScrapeJob(ScrapeJobs.cadvisor()));
    expect(find(objects, 'Prometheus', 'prometheus').spec.additionalScrapeConfigs).toEqual({ name: 'prometheus-additional-scrape-configs', key: 'scrape-configs.yaml' });
    const jobs = parse(find(objects, 'Secret', 'prometheus-additional-scrape-configs').stringData['scrape-configs.yaml']);
    expect(jobs.map((j: any) => [j.job_name, j.kubernetes_sd_configs[0].role])).toEqual([['kubernetes-cadvisor', 'node']]);
    // The Operator appends them to its generated scrape_configs: promtool takes them there (the pod's files local).
    const dir = tempDir('operator-scrape-configs');
    try {
      const token = path.join(dir, 'token');
      fs.writeFileSync(token, 'test-token\n');
      jobs.forEach((job: any) => useLocalCredentials(job, token));
      fs.writeFileSync(path.join(dir, 'prometheus.yml'), stringify({ scrape_configs: jobs }));
      const result = run(requireBinary('promtool'), ['check', 'config', path.join(dir, 'prometheus.yml')]);
      expect(result).toMatchObject({ status: 0 });
    } finally {
      removeDir(dir);
    }
  });

  test('least-privilege RBAC: Roles in the namespaces searched, a ClusterRole only for what is cluster-wide, no secrets', () => {
    const scoped = build({ serviceMonitors: { namespaces: [APPS] } }, {}).objects;
    expect(scoped.filter((o) => o.kind === 'ClusterRole')).toEqual([]);
    expect(scoped.filter((o) => o.kind === 'Role').map((o) => o.metadata.namespace).sort()).toEqual([NAMESPACE, APPS].sort());
    const everywhere = build({ serviceMonitors: { allNamespaces: true } }).objects;
    expect(find(everywhere, 'ClusterRole', 'prometheus-monitoring').rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'services'], verbs: ['list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
    ]);
    const rules = everywhere.concat(scoped).filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole').flatMap((o) => o.rules);
    expect(rules.flatMap((r: any) => [...r.resources, ...r.verbs]).filter((x: string) => x === 'secrets' || x.includes('*'))).toEqual([]);
  });

  test('NetworkPolicies: Prometheus reached only by its own pods and its clients; Alertmanager by the Prometheus that sends to it, and its peers\' gossip', () => {
    const grafana = { podLabels: { app: 'grafana' } };
    const { objects } = build({ allowedClients: [grafana] }, { replicas: 3 });
    const prometheus = find(objects, 'NetworkPolicy', 'prometheus').spec;
    const operatorPrometheusPods = { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'prometheus': 'prometheus' } };
    const operatorAlertmanagerPods = { matchLabels: { 'alertmanager': 'alertmanager', 'app.kubernetes.io/name': 'alertmanager' } };
    expect(prometheus).toEqual({
      podSelector: operatorPrometheusPods,
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: operatorPrometheusPods }, { podSelector: { matchLabels: grafana.podLabels } }], ports: [{ protocol: 'TCP', port: 9090 }] }],
    });
    const alertmanager = find(objects, 'NetworkPolicy', 'alertmanager').spec;
    expect(alertmanager.podSelector).toEqual(operatorAlertmanagerPods);
    expect(alertmanager.ingress).toEqual([
      { from: [{ podSelector: operatorAlertmanagerPods }, { podSelector: operatorPrometheusPods }], ports: [{ protocol: 'TCP', port: 9093 }] },
      { from: [{ podSelector: operatorAlertmanagerPods }], ports: [{ protocol: 'TCP', port: 9094 }, { protocol: 'UDP', port: 9094 }] },
    ]);
    expect(build({ networkPolicy: false }, { networkPolicy: false }).objects.filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('operatorTarget(): what PrometheusOperatorDelivery delivers for it, this Prometheus and Alertmanager select; what they would not read, it refuses', () => {
    const app = Testing.app();
    const monitoringChart = new Chart(app, 'operator-stack', { namespace: NAMESPACE });
    const alertmanager = new OperatorAlertmanager(monitoringChart, 'Alertmanager', { alertmanagerConfigs: { matchLabels: { alertmanager: 'main' }, allNamespaces: true } });
    const prometheus = new OperatorPrometheus(monitoringChart, 'Prometheus', {
      serviceMonitors: { matchLabels: { release: 'ml' }, namespaces: [APPS, 'iris'] },
      podMonitors: { matchLabels: { release: 'ml', team: 'ml' }, namespaces: [APPS] },
      rules: { matchLabels: { role: 'alert-rules' }, namespaces: [APPS, NAMESPACE] },
      alertmanagers: [alertmanager],
    });
    const target = prometheus.operatorTarget(alertmanager);
    expect([target.monitorSelector, target.ruleSelector, target.alertmanagerConfigSelector, target.namespaces])
      .toEqual([{ release: 'ml', team: 'ml' }, { 'role': 'alert-rules' }, { alertmanager: 'main' }, [APPS]]);
    const appChart = new Chart(app, 'iris-api', { namespace: APPS });
    new PrometheusOperatorDelivery(appChart, 'Delivery', { monitoring: new IrisApiMonitoring(appChart, 'IrisApi'), target });
    const delivered = Testing.synth(appChart) as Manifest[];
    const spec = find(Testing.synth(monitoringChart) as Manifest[], 'Prometheus', 'prometheus').spec;
    const selects = (selector: { matchLabels: Record<string, string> }, namespaceSelector: any, object: Manifest) =>
      Object.entries(selector.matchLabels).every(([k, v]) => object.metadata.labels?.[k] === v) && namespaceSelector.matchExpressions[0].values.includes(object.metadata.namespace);
    const monitor = delivered.find((o) => o.kind === 'ServiceMonitor')!;
    const rule = delivered.find((o) => o.kind === 'PrometheusRule')!;
    expect([selects(spec.serviceMonitorSelector, spec.serviceMonitorNamespaceSelector, monitor), selects(spec.ruleSelector, spec.ruleNamespaceSelector, rule)]).toEqual([true, true]);
    // The Iris API's SLOs count their budget over 28d: this Prometheus keeps that long (its default is 15d).
    expect(spec.retention).toBe('28d');
    // The same application in a namespace the rules selector does not read: the delivery refuses it at synth.
    const elsewhere = new Chart(app, 'iris-elsewhere', { namespace: 'iris' });
    expect(() => new PrometheusOperatorDelivery(elsewhere, 'Delivery', { monitoring: new IrisApiMonitoring(elsewhere, 'IrisApi'), target })).toThrow('[iris-elsewhere/Delivery] monitoring.namespace: "iris" is not among the namespaces the target reads (mlops)');
  });

  test('restricted pod security context, token-less Alertmanager, EndpointSlice discovery', () => {
    const { objects } = build({}, {});
    const restricted = { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } };
    const prometheus = find(objects, 'Prometheus', 'prometheus').spec;
    const alertmanager = find(objects, 'Alertmanager', 'alertmanager').spec;
    expect([prometheus.securityContext, alertmanager.securityContext]).toEqual([restricted, restricted]);
    expect([prometheus.automountServiceAccountToken, alertmanager.automountServiceAccountToken, prometheus.serviceDiscoveryRole]).toEqual([true, false, 'EndpointSlice']);
  });
});

/** Builds, expecting one MonitoringValidationError; returns it. */
function refusal(promProps: OperatorPrometheusProps | undefined, amProps?: OperatorAlertmanagerProps, then?: (p: OperatorPrometheus) => void): MonitoringValidationError {
  try {
    build(promProps, amProps, then);
  } catch (error) {
    if (error instanceof MonitoringValidationError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('bad input: one error naming the construct path and the field', () => {
  const P = 'operator-stack/Prometheus';
  const A = 'operator-stack/Alertmanager';
  const cases: [string, () => MonitoringValidationError, string, string, RegExp][] = [
    ['replicas 0', () => refusal({ replicas: 0 }), P, 'replicas', /0 must be an integer >= 1/],
    ['an unpinned image', () => refusal({ image: 'prom/prometheus:latest' }), P, 'image', /must be pinned/],
    ['a retention that is no duration', () => refusal({ retention: 'two weeks' }), P, 'retention', /not a Prometheus duration/],
    ['a data volume too small for the WAL', () => refusal({ dataSizeLimit: '100Mi' }), P, 'dataSizeLimit', /smaller than 512Mi/],
    ['an external label that is no label name', () => refusal({ externalLabels: { 'cluster-name': 'x' } }), P, 'externalLabels', /not a valid Prometheus label name/],
    ['a replica label the series carry', () => refusal({ replicaLabel: 'instance' }), P, 'replicaLabel', /already carry/],
    ['a remote-write target not made by RemoteWrite', () => refusal({ remoteWrite: [{ url: 'http://x' } as any] }), P, 'remoteWrite[0]', /must be made by RemoteWrite.mimir/],
    ['a remote-write URL carrying a password', () => refusal({ remoteWrite: [RemoteWrite.mimir({ url: 'http://u:pw@mimir:8080/api/v1/push' })] }), P, 'remoteWrite[0].url', /user name or password/],
    ['an empty namespace list', () => refusal({ serviceMonitors: { namespaces: [] } }), P, 'serviceMonitors.namespaces', /at least one namespace/],
    ['namespaces and allNamespaces', () => refusal({ rules: { namespaces: [APPS], allNamespaces: true } }), P, 'rules.namespaces', /not both/],
    ['a namespace that is no DNS label', () => refusal({ podMonitors: { namespaces: ['ML_Ops'] } }), P, 'podMonitors.namespaces[0]', /not a valid DNS-1123 label/],
    ['a selector label key that is invalid', () => refusal({ serviceMonitors: { matchLabels: { 'bad key': 'x' } } }), P, 'serviceMonitors.matchLabels', /not a valid Kubernetes label key/],
    ['resources with a limit below the request', () => refusal({ resources: { cpuRequestMillis: 500, cpuLimitMillis: 100, memoryRequestMebibytes: 64, memoryLimitMebibytes: 64 } }), P, 'resources.cpuLimitMillis', /must be an integer >= 500/],
    ['an Alertmanager that is not an OperatorAlertmanager', () => refusal({}, undefined, (p) => p.addAlertmanager({ address: 'am:9093' } as any)), P, 'alertmanagers[0]', /must be an OperatorAlertmanager/],
    ['a duplicate scrape job', () => refusal({ scrapeJobs: [ScrapeJobs.cadvisor(), ScrapeJobs.cadvisor()] }), P, 'scrapeJobs', /duplicate scrape job name "kubernetes-cadvisor"/],
    ['Alertmanager: a matcher strategy outside the enum', () => refusal(undefined, { matcherStrategy: 'OnTeam' as any }), A, 'matcherStrategy', /"OnTeam" is not an AlertmanagerConfigMatcherStrategy/],
    ['Alertmanager: a global config name that is no object name', () => refusal(undefined, { globalConfigName: 'Global Config' }), A, 'globalConfigName', /not a valid DNS-1123 subdomain/],
    ['Alertmanager: a retention that is no duration', () => refusal(undefined, { retention: '5 days' }), A, 'retention', /not a Prometheus duration/],
    ['Alertmanager: a retention in days, which Alertmanager does not parse (found by the property test)', () => refusal(undefined, { retention: '5d' }), A, 'retention', /"5d" has days, weeks or years, which Alertmanager does not take: give hours \(e.g. 120h\)/],
    ['a client whose empty pod labels would admit every pod', () => refusal({ allowedClients: [{ podLabels: {} }] }), P, 'allowedClients[0].podLabels', /an empty label selector selects every object/],
    ['operatorTarget: monitor selectors that disagree', () => refusal({ serviceMonitors: { matchLabels: { release: 'a' } }, podMonitors: { matchLabels: { release: 'b' } } }, undefined, (p) => p.operatorTarget()), P, 'podMonitors.matchLabels', /"release" is "b" here and "a" for serviceMonitors/],
    ['operatorTarget: no namespace read by every selector', () => refusal({ serviceMonitors: { namespaces: [APPS] }, rules: { namespaces: [NAMESPACE] } }, undefined, (p) => p.operatorTarget()), P, 'rules.namespaces', /no namespace is read for monitors, rules alike/],
    ['Alertmanager: persistence of no size', () => refusal(undefined, { persistence: { size: 'big' } }), A, 'persistence.size', /not a Kubernetes quantity/],
    ['Alertmanager: replicas as a string (from Python or JavaScript)', () => refusal(undefined, { replicas: '3' as any }), A, 'replicas', /must be a number/],
  ];
  test.each(cases)('%s', (_name, run, constructPath, field, message) => {
    const error = run();
    expect([error.constructPath, error.field]).toEqual([constructPath, field]);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`[${constructPath}] ${field}: `)).toBe(true);
  });
});

/** How synth ended for one generated case: one clear refusal, or objects for the API server to judge. */
type Outcome = { readonly kind: 'refused'; readonly message: string } | { readonly kind: 'accepted'; readonly objects: Manifest[] };

/**
 * Synthesizes a generated case; a refusal must be one MonitoringValidationError, or the collected validation
 * errors of synth (`Validation failed:`), each naming its construct path once and then the field. Anything else
 * (a TypeError) is rethrown: a bug.
 */
function outcome(promProps: OperatorPrometheusProps, amProps: OperatorAlertmanagerProps): Outcome {
  try {
    return { kind: 'accepted', objects: build(promProps, amProps).objects };
  } catch (error) {
    const messages = error instanceof MonitoringValidationError ? [error.message]
      : error instanceof Error && error.message.startsWith('Validation failed')
        ? error.message.split('\n').slice(1).map((line) => line.replace(/^\s*- /, '')).filter((line) => line)
        : undefined;
    if (!messages) throw new Error(`synth threw something other than a MonitoringValidationError: ${(error as Error)?.stack ?? String(error)}`);
    for (const message of messages) {
      const headed = /^\[(operator-stack\/[^\]]+)\] ([^\n]+?): \S/.exec(message);
      if (!headed) throw new Error(`the error does not start with "[construct path] field: ": ${message}`);
      if (message.split(`[${headed[1]}]`).length !== 2) throw new Error(`the construct path appears more than once: ${message}`);
    }
    return { kind: 'refused', message: messages.join('\n') };
  }
}

/** A value as careless users write it: mostly good ones, sometimes one of `bad` (wrong format, wrong type). */
const careless = <T>(good: fc.Arbitrary<T>, ...bad: unknown[]): fc.Arbitrary<T> => fc.oneof({ weight: 40, arbitrary: good }, { weight: 1, arbitrary: fc.constantFrom(...bad) as fc.Arbitrary<T> });
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const duration = careless(fc.constantFrom('15d', '30d', '1h30m', '2w', '1y', '90m', '120h'), '0s', '15 d', '15D', '-1d', '', 15, null);
const size = careless(fc.constantFrom('10Gi', '512Mi', '1.5Gi', '10G', '2Gi', '600M'), '100Mi', 'abc', '0', '1Ki', 10);
const labelKey = careless(fc.constantFrom('release', 'team', 'app.kubernetes.io/part-of', 'example.com/tier'), 'bad key', '-x', 'a/b/c', '');
const labelValue = careless(fc.constantFrom('monitoring', 'kps', 'ml-platform', '1.0'), 'a b', 'x'.repeat(64), '-x', 3);
/** Namespaces that exist on the test API server (a Role in another would be refused for that alone), and bad names. */
const namespaceList = careless(fc.uniqueArray(fc.constantFrom(NAMESPACE, APPS, 'kube-system', 'default'), { minLength: 1, maxLength: 3 }), [], ['ML_Ops'], [''], 'mlops');
const matchLabels = optional(careless(fc.dictionary(labelKey, labelValue, { maxKeys: 2 }), ['release'], null));
const selection = optional(careless(fc.oneof(
  fc.record({ matchLabels, namespaces: optional(namespaceList) }, { requiredKeys: [] }),
  fc.record({ matchLabels, allNamespaces: optional(fc.boolean()) }, { requiredKeys: [] }),
), { namespaces: [APPS], allNamespaces: true }, { allNamespaces: 'yes' }));
const persistence = optional(careless(fc.record({ size: optional(size), storageClassName: optional(careless(fc.constantFrom('fast-ssd', 'standard', ''), 'Fast_SSD')) }, { requiredKeys: [] }), 'yes'));
const resources = optional(careless(fc.tuple(fc.integer({ min: 1, max: 4000 }), fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 1, max: 8192 }), fc.integer({ min: 0, max: 8192 }))
  .map(([cpu, cpuHeadroom, memory, memoryHeadroom]) => ({ cpuRequestMillis: cpu, cpuLimitMillis: cpu + cpuHeadroom, memoryRequestMebibytes: memory, memoryLimitMebibytes: memory + memoryHeadroom })),
{ cpuRequestMillis: 500, cpuLimitMillis: 100, memoryRequestMebibytes: 64, memoryLimitMebibytes: 64 }, { cpuRequestMillis: '500m' }, { cpuRequestMillis: 0, cpuLimitMillis: 0, memoryRequestMebibytes: 1, memoryLimitMebibytes: 1 }));
const image = (good: string) => optional(careless(fc.constant(good), 'prom/prometheus', 'prom/prometheus:latest', 'Prom/Prometheus:v3', 'registry.local:5000/prom/prometheus@sha256:' + 'a'.repeat(64)));
const replicas = optional(careless(fc.integer({ min: 1, max: 5 }), 0, -1, 1.5, '2'));
const remoteWrite = optional(fc.array(fc.record({
  url: careless(fc.constantFrom('http://mimir-distributor.mimir.svc:8080/api/v1/push', 'https://mimir.example.com/api/v1/push'), 'mimir:8080', 'http://u:p@mimir/api/v1/push', 'http://mimir/push?token=x'),
  tenant: optional(careless(fc.constantFrom('ml-platform', 'team_a'), 'a b', '')),
  auth: careless(fc.constantFrom<string>('none', 'basic', 'bearer'), 'both', 'half'),
}).map(({ url, tenant, auth }) => RemoteWrite.mimir({
  url, tenant,
  ...(auth === 'basic' || auth === 'both' ? { basicAuthUsername: 'prometheus', passwordSecretKey: 'password' } : {}),
  ...(auth === 'half' ? { basicAuthUsername: 'prometheus' } : {}),
  ...(auth === 'bearer' || auth === 'both' ? { bearerTokenSecretKey: 'token' } : {}),
})), { maxLength: 2 }));

const prometheusProps: fc.Arbitrary<OperatorPrometheusProps> = fc.record({
  name: optional(careless(fc.constantFrom('prometheus', 'prom-main', 'k8s'), 'Prometheus', 'prom_main', 'x'.repeat(64))),
  image: image(Versions.PROMETHEUS_IMAGE),
  replicas,
  replicaLabel: optional(careless(fc.constantFrom('replica', '__replica__', 'prometheus_replica'), 'instance', 'replica-name', 'cluster')),
  scrapeInterval: optional(careless(fc.constantFrom('15s', '30s', '1m'), '5m', 'x', '0s')),
  evaluationInterval: optional(careless(fc.constantFrom('15s', '30s', '1m'), '1 m')),
  retention: optional(duration),
  acceptShortRetention: optional(fc.boolean()),
  persistence,
  dataSizeLimit: optional(size),
  externalLabels: optional(careless(fc.dictionary(careless(fc.constantFrom('cluster', 'region', 'env'), 'cluster-name', '__x', 'replica'), careless(fc.constantFrom('prod', 'eu-1', '$$literal', '${POD_NAME}'), 7), { maxKeys: 2 }), ['cluster'])),
  resources,
  remoteWrite,
  serviceMonitors: selection,
  podMonitors: selection,
  rules: selection,
}, { requiredKeys: [] }) as fc.Arbitrary<OperatorPrometheusProps>;

const alertmanagerProps: fc.Arbitrary<OperatorAlertmanagerProps> = fc.record({
  name: optional(careless(fc.constantFrom('alertmanager', 'main', 'am-0'), 'Main', 'a.b')),
  image: image(Versions.ALERTMANAGER_IMAGE),
  replicas,
  // Alertmanager's retention is a Go duration: hours at most (days are refused at synth, as the CRD refuses them).
  retention: optional(careless(fc.constantFrom('120h', '240h', '1h30m', '72h'), '5d', '2w', '0s', '5 h')),
  persistence,
  dataSizeLimit: optional(size),
  resources,
  globalConfigName: optional(careless(fc.constantFrom('global', 'team-routes', 'a.b'), 'Global', '', 5)),
  alertmanagerConfigs: selection,
  matcherStrategy: optional(careless(fc.constantFrom(...Object.values(AlertmanagerConfigMatcherStrategy)), 'onNamespace', 'OnTeam', 1)),
}, { requiredKeys: [] }) as fc.Arbitrary<OperatorAlertmanagerProps>;

/** stdout and stderr of a kubectl run, for failure messages. */
function output(result: KubectlResult): string {
  return `exit ${result.status}\n${result.stdout}${result.stderr}`;
}

/**
 * The Pod the Operator v0.93 builds from a Prometheus or Alertmanager resource, as far as Pod Security admission
 * judges it: the resource's pod securityContext, and the containers with the security contexts the Operator's
 * source gives them (pkg/prometheus/server/statefulset.go, pkg/alertmanager/statefulset.go,
 * pkg/operator/config_reloader.go: no privilege escalation, ALL capabilities dropped, read-only root filesystem).
 */
function operatorPod(name: string, podSecurityContext: object, mainContainer: string, image: string): object {
  const containerSecurity = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };
  const reloader = `quay.io/prometheus-operator/prometheus-config-reloader:${operatorVersion()}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      securityContext: podSecurityContext,
      initContainers: [{ name: 'init-config-reloader', image: reloader, securityContext: containerSecurity }],
      containers: [
        { name: mainContainer, image, securityContext: containerSecurity },
        { name: 'config-reloader', image: reloader, securityContext: containerSecurity },
      ],
    },
  };
}

describe('on a real kube-apiserver with the Operator\'s CRDs', () => {
  const startedAt = Date.now();
  let binaries: KubeBinaries;
  let cluster: LocalCluster | undefined;
  const kubectl = (args: string[], input?: string) => cluster!.kubectl(args, input);
  const kubectlOk = (args: string[], input?: string) => cluster!.kubectlOk(args, input);
  const full = build(FULL_PROMETHEUS, FULL_ALERTMANAGER).objects;
  const yaml = (objects: object[]) => objects.map((o) => stringify(o)).join('---\n');

  beforeAll(async () => {
    binaries = requireKubeBinaries();
    const crds = operatorCrdDir();
    cluster = await LocalCluster.start(binaries);
    // The CRDs are too large for client-side apply's last-applied annotation.
    await kubectlOk(['apply', '--server-side', '-f', crds]);
    await kubectlOk(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
    const restricted = Object.fromEntries(['enforce', 'warn', 'audit'].flatMap((mode) => [[`pod-security.kubernetes.io/${mode}`, 'restricted'], [`pod-security.kubernetes.io/${mode}-version`, 'latest']]));
    await kubectlOk(['apply', '-f', '-'], yaml([NAMESPACE, APPS].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: restricted } }))));
    note(`operator-stack: ${fs.readdirSync(crds).length} CRDs of prometheus-operator ${operatorVersion()} installed in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  }, 900_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  test.each([
    ['defaults', build({}, {}).objects],
    ['every option', full],
  ])('%s: strict server-side dry run of every object, accepted without a warning', async (_name, objects) => {
    const result = await kubectl(['apply', '--server-side', '--dry-run=server', '--validate=strict', '-f', '-'], yaml(objects));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n').length).toBe(objects.length);
  });

  test('(the CRD schemas are really enforced: a retention the Operator\'s pattern refuses, an unknown field)', async () => {
    const prometheus = find(full, 'Prometheus', 'prometheus');
    const bad = { ...prometheus, spec: { ...prometheus.spec, retention: 'two weeks' } };
    const refused = await kubectl(['apply', '--server-side', '--dry-run=server', '--validate=strict', '-f', '-'], yaml([bad]));
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/spec\.retention/);
    const unknown = { ...prometheus, spec: { ...prometheus.spec, retentionTime: '15d' } };
    const strict = await kubectl(['apply', '--server-side', '--dry-run=server', '--validate=strict', '-f', '-'], yaml([unknown]));
    expect(output(strict)).toMatch(/^exit 1\n.*\.spec\.retentionTime: field not declared in schema/);
  });

  test('Pod Security "restricted" admits the pods the Operator would build from both resources, and refuses the Operator\'s own default', async () => {
    const prometheus = find(full, 'Prometheus', 'prometheus').spec;
    const alertmanager = find(full, 'Alertmanager', 'alertmanager').spec;
    for (const [name, spec, container] of [['prometheus-prometheus-0', prometheus, 'prometheus'], ['alertmanager-alertmanager-0', alertmanager, 'alertmanager']] as const) {
      const admitted = await kubectl(['create', '--dry-run=server', '-f', '-'], JSON.stringify(operatorPod(name, spec.securityContext, container, spec.image)));
      expect(output(admitted)).toBe(`exit 0\npod/${name} created (server dry run)\n`);
    }
    // The Operator's default pod securityContext (runAsUser 1000, runAsNonRoot, fsGroup 2000) lacks the seccomp profile.
    const operatorDefault = await kubectl(['create', '--dry-run=server', '-f', '-'], JSON.stringify(operatorPod('default-0', { runAsUser: 1000, runAsNonRoot: true, fsGroup: 2000 }, 'prometheus', prometheus.image)));
    expect(operatorDefault.status).not.toBe(0);
    expect(operatorDefault.stderr).toMatch(/violates PodSecurity "restricted:latest": seccompProfile/);
  });

  test('property: whatever synth accepts, the API server accepts against the real CRDs; whatever it refuses is one clear error', async () => {
    const accepted: Manifest[][] = [];
    const refusals = new Map<string, number>();
    fc.assert(fc.property(prometheusProps, alertmanagerProps, (p, a) => {
      const result = outcome(p, a);
      if (result.kind === 'accepted') accepted.push(result.objects);
      else {
        const field = /^\[[^\]]+\] ([^:]+):/.exec(result.message)![1];
        refusals.set(field, (refusals.get(field) ?? 0) + 1);
      }
    }), { numRuns: PROPERTY_RUNS, seed: PROPERTY_SEED });
    // Each accepted output (up to DRY_RUNS of them) on the API server, strictly.
    const complaints: string[] = [];
    for (const objects of accepted.slice(0, DRY_RUNS)) {
      const result = await kubectl(['apply', '--server-side', '--dry-run=server', '--validate=strict', '-f', '-'], yaml(objects));
      if (result.status !== 0 || result.stderr !== '') complaints.push(`${output(result)}\nfor:\n${yaml(objects.filter((o) => o.kind === 'Prometheus' || o.kind === 'Alertmanager'))}`);
    }
    note(`operator-stack property (seed ${PROPERTY_SEED}): ${PROPERTY_RUNS} cases, ${accepted.length} accepted (${Math.min(accepted.length, DRY_RUNS)} dry-run on the API server), refused by field: ${JSON.stringify(Object.fromEntries([...refusals].sort()))}`);
    expect(complaints).toEqual([]);
    // The generators reach both sides.
    expect(accepted.length).toBeGreaterThanOrEqual(DRY_RUNS);
    expect(refusals.size).toBeGreaterThan(10);
  }, 600_000);

  test('RBAC as the API server evaluates it: Prometheus lists what its selectors search, and nothing else', async () => {
    const rbacKinds = new Set(['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);
    await kubectlOk(['apply', '-f', '-'], yaml(full.filter((o) => rbacKinds.has(o.kind))));
    const can = async (...args: string[]) => (await kubectl(['auth', 'can-i', ...args, `--as=system:serviceaccount:${NAMESPACE}:prometheus`])).stdout.trim();
    const answers = {
      endpointslicesInApps: await can('list', 'endpointslices.discovery.k8s.io', '-n', APPS),
      podsInApps: await can('watch', 'pods', '-n', APPS),
      endpointslicesInOwn: await can('list', 'endpointslices.discovery.k8s.io', '-n', NAMESPACE),
      endpointslicesInKubeSystem: await can('list', 'endpointslices.discovery.k8s.io', '-n', 'kube-system'),
      // kube-state-metrics, an additional scrape job, is discovered in kube-system only.
      servicesInKubeSystem: await can('list', 'services', '-n', 'kube-system'),
      podsInDefault: await can('list', 'pods', '-n', 'default'),
      secretsInOwn: await can('get', 'secrets', '-n', NAMESPACE),
      configmapsInOwn: await can('get', 'configmaps', '-n', NAMESPACE),
    };
    expect(answers).toEqual({
      endpointslicesInApps: 'yes', podsInApps: 'yes', endpointslicesInOwn: 'yes', endpointslicesInKubeSystem: 'yes',
      servicesInKubeSystem: 'yes', podsInDefault: 'no', secretsInOwn: 'no', configmapsInOwn: 'no',
    });
    note(`operator-stack kube-apiserver suite: ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  });
});
