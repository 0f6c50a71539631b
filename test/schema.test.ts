import { MonitoringStackProps, IngressAuthentication, RemoteWrite } from '../src';
import { SUPPORTED_KINDS, validateManifest } from './support/schema';
import { Manifest, synthStack } from './support/synth';

/** Every option that adds or changes objects: persistence, Ingress with TLS, receivers of every integration. */
const ALL_OPTIONS: MonitoringStackProps = {
  namespace: 'observability',
  prometheus: {
    retention: '30d',
    externalLabels: { cluster: 'prod-eu-1' },
    resources: { cpuRequestMillis: 500, cpuLimitMillis: 2000, memoryRequestMebibytes: 1024, memoryLimitMebibytes: 4096 },
    persistence: { size: '50Gi', storageClassName: 'fast-ssd' },
    ingress: { host: 'prometheus.mlops.example.com', tlsSecretName: 'prometheus-tls', ingressClassName: 'nginx', authentication: IngressAuthentication.ANNOTATIONS, annotations: { 'nginx.ingress.kubernetes.io/auth-url': 'https://oauth2-proxy.auth.svc/oauth2/auth' } },
  },
  alertmanager: {
    receivers: [
      { name: 'default', webhook: [{ url: 'https://hooks.example.com/alerts' }] },
      {
        name: 'critical',
        slack: [{ channel: '#mlops-critical', apiUrlSecretKey: 'slack-webhook-url' }],
        pagerDuty: [{ routingKeySecretKey: 'pagerduty-routing-key', severity: 'critical' }],
      },
      {
        name: 'warning',
        email: [{
          to: 'mlops@example.com',
          fromAddress: 'alertmanager@example.com',
          smarthost: 'smtp.example.com:587',
          authUsername: 'alertmanager',
          authPasswordSecretKey: 'smtp-password',
        }],
        webhook: [{ url: 'https://hooks.example.com/warnings', bearerTokenSecretKey: 'webhook-token', sendResolved: false }],
      },
    ],
    ingress: { host: 'alertmanager.mlops.example.com', tlsSecretName: 'alertmanager-tls', ingressClassName: 'nginx', authentication: IngressAuthentication.ANNOTATIONS, annotations: { 'nginx.ingress.kubernetes.io/auth-url': 'https://oauth2-proxy.auth.svc/oauth2/auth' } },
  },
  grafana: {
    anonymousAccess: true,
    persistence: { size: '5Gi', storageClassName: 'fast-ssd' },
    ingress: { host: 'grafana.mlops.example.com', tlsSecretName: 'grafana-tls', ingressClassName: 'nginx' },
  },
};

/** Beyond one Prometheus: an Alertmanager cluster, Prometheus replicas, remote write; and shards. */
const mimir = RemoteWrite.mimir({ url: 'http://mimir-distributor.mimir.svc:8080/api/v1/push', tenant: 'mlops', basicAuthUsername: 'prometheus', passwordSecretKey: 'mimir-password', queryUrl: 'http://mimir-query-frontend.mimir.svc:8080/prometheus' });
const HA_OPTIONS: MonitoringStackProps = {
  prometheus: { replicas: 2, persistence: { size: '50Gi' }, remoteWrite: [mimir] },
  alertmanager: { replicas: 3, persistence: { size: '1Gi' } },
};
const SHARDED_OPTIONS: MonitoringStackProps = {
  prometheus: { shards: 3, replicas: 2, remoteWrite: [mimir] },
  alertmanager: { replicas: 3 },
};

const STACKS: Record<string, Manifest[]> = {
  'default stack': synthStack().objects,
  'stack with all options': synthStack(ALL_OPTIONS).objects,
  'highly available stack': synthStack(HA_OPTIONS).objects,
  'sharded stack': synthStack(SHARDED_OPTIONS).objects,
};

const id = (o: Manifest) => `${o.kind}/${o.metadata.name}`;
const objectCases = Object.entries(STACKS).flatMap(([stack, objects]) => objects.map((o) => [stack, id(o), o] as const));

describe('every synthesized object validates strictly (Kubernetes 1.28, ServiceMonitor CRD)', () => {
  test.each(objectCases)('%s: %s', (_stack, _id, object) => {
    expect(validateManifest(object)).toEqual([]);
  });

  test('the stacks emit the kinds we expect, all of them covered by the validator', () => {
    const kinds = (objects: Manifest[]) => [...new Set(objects.map((o) => `${o.apiVersion}/${o.kind}`))].sort();
    expect(kinds(STACKS['default stack'])).toEqual([
      'apps/v1/Deployment',
      'monitoring.coreos.com/v1/ServiceMonitor',
      'networking.k8s.io/v1/NetworkPolicy',
      'rbac.authorization.k8s.io/v1/ClusterRole',
      'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
      'rbac.authorization.k8s.io/v1/Role',
      'rbac.authorization.k8s.io/v1/RoleBinding',
      'v1/ConfigMap',
      'v1/Service',
      'v1/ServiceAccount',
    ]);
    const all = kinds(STACKS['stack with all options']);
    expect(all).toEqual(expect.arrayContaining(['networking.k8s.io/v1/Ingress', 'v1/PersistentVolumeClaim']));
    expect(SUPPORTED_KINDS).toEqual(expect.arrayContaining(all));
    for (const stack of ['highly available stack', 'sharded stack']) {
      const ha = kinds(STACKS[stack]);
      expect(ha).toEqual(expect.arrayContaining(['apps/v1/StatefulSet', 'policy/v1/PodDisruptionBudget']));
      expect(SUPPORTED_KINDS).toEqual(expect.arrayContaining(ha));
    }
  });

  test('the options reach the objects (three TLS Ingresses, two claims)', () => {
    const objects = STACKS['stack with all options'];
    const ingresses = objects.filter((o) => o.kind === 'Ingress');
    expect(ingresses).toHaveLength(3);
    ingresses.forEach((ingress) => expect(ingress.spec.tls).toHaveLength(1));
    expect(objects.filter((o) => o.kind === 'PersistentVolumeClaim')).toHaveLength(2);
  });
});

/** A deep copy of the first object of a kind in the all-options stack, changed by `edit`. */
function broken(kind: string, edit: (o: any) => void): Manifest {
  const original = STACKS['stack with all options'].find((o) => o.kind === kind);
  if (!original) throw new Error(`no ${kind} in the stack`);
  const copy = structuredClone(original);
  edit(copy);
  return copy;
}

const BROKEN: Array<[string, Manifest, string]> = [
  [
    'unknown field in a Deployment container (imagePullPolcy)',
    broken('Deployment', (d) => { d.spec.template.spec.containers[0].imagePullPolcy = 'Always'; }),
    'spec.template.spec.containers[0].imagePullPolcy: unknown field "imagePullPolcy"',
  ],
  [
    'wrong type (replicas: "two")',
    broken('Deployment', (d) => { d.spec.replicas = 'two'; }),
    'spec.replicas: must be integer',
  ],
  [
    'unknown field in the ServiceMonitor spec',
    broken('ServiceMonitor', (m) => { m.spec.endpointz = m.spec.endpoints; }),
    'spec.endpointz: unknown field "endpointz"',
  ],
  [
    'unknown field in a ServiceMonitor endpoint',
    broken('ServiceMonitor', (m) => { m.spec.endpoints[0].scrapeInterval = '30s'; }),
    'spec.endpoints[0].scrapeInterval: unknown field "scrapeInterval"',
  ],
  [
    'missing required field (container name)',
    broken('Deployment', (d) => { delete d.spec.template.spec.containers[0].name; }),
    'spec.template.spec.containers[0].name: required field "name" is missing',
  ],
  [
    'missing required field (Deployment selector)',
    broken('Deployment', (d) => { delete d.spec.selector; }),
    'spec.selector: required field "selector" is missing',
  ],
  [
    'unknown top-level field (specs)',
    broken('Service', (s) => { s.specs = s.spec; }),
    'specs: unknown field "specs"',
  ],
  [
    'unknown field in metadata',
    broken('ConfigMap', (c) => { c.metadata.label = { app: 'x' }; }),
    'metadata.label: unknown field "label"',
  ],
  [
    'wrong type in a map (label value not a string)',
    broken('ConfigMap', (c) => { c.metadata.labels.version = 2; }),
    'metadata.labels.version: must be string',
  ],
  [
    'wrong enum value (imagePullPolicy)',
    broken('Deployment', (d) => { d.spec.template.spec.containers[0].imagePullPolicy = 'Sometimes'; }),
    'spec.template.spec.containers[0].imagePullPolicy: must be one of ["Always","IfNotPresent","Never"]',
  ],
  [
    'invalid quantity (PVC storage "10 GB")',
    broken('PersistentVolumeClaim', (p) => { p.spec.resources.requests.storage = '10 GB'; }),
    'spec.resources.requests.storage: must match format "quantity"',
  ],
  [
    'unknown field in an Ingress TLS entry',
    broken('Ingress', (i) => { i.spec.tls[0].secret = i.spec.tls[0].secretName; }),
    'spec.tls[0].secret: unknown field "secret"',
  ],
  [
    'unknown field in a PersistentVolumeClaim resources',
    broken('PersistentVolumeClaim', (p) => { p.spec.resources.request = { storage: '1Gi' }; }),
    'spec.resources.request: unknown field "request"',
  ],
  [
    'field newer than Kubernetes 1.28 (PVC volumeAttributesClassName, 1.29+)',
    broken('PersistentVolumeClaim', (p) => { p.spec.volumeAttributesClassName = 'gold'; }),
    'spec.volumeAttributesClassName: field "volumeAttributesClassName" does not exist in Kubernetes 1.28',
  ],
  [
    'field newer than Kubernetes 1.28 (Service trafficDistribution, 1.30+)',
    broken('Service', (s) => { s.spec.trafficDistribution = 'PreferClose'; }),
    'spec.trafficDistribution: field "trafficDistribution" does not exist in Kubernetes 1.28',
  ],
  [
    'field required by Kubernetes 1.28 only (StatefulSet serviceName, optional from 1.33)',
    (() => {
      const sts = structuredClone(STACKS['highly available stack'].find((o) => o.kind === 'StatefulSet')!);
      delete sts.spec.serviceName;
      return sts;
    })(),
    'spec.serviceName: required field "serviceName" is missing (required in Kubernetes 1.28',
  ],
  [
    'field required by Kubernetes 1.28 only (NetworkPolicy podSelector)',
    broken('NetworkPolicy', (n) => { delete n.spec.podSelector; }),
    'spec.podSelector: required field "podSelector" is missing',
  ],
  [
    'unknown kind',
    { apiVersion: 'v1', kind: 'Bogus', metadata: { name: 'x' } },
    'no schema for apiVersion "v1", kind "Bogus"',
  ],
  [
    'known kind with an unknown apiVersion',
    broken('Ingress', (i) => { i.apiVersion = 'extensions/v1beta1'; }),
    'no schema for apiVersion "extensions/v1beta1", kind "Ingress"',
  ],
];

describe('deliberately broken objects are rejected with the path and the reason', () => {
  test.each(BROKEN)('%s', (_name, object, expected) => {
    const errors = validateManifest(object);
    expect(errors).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });

  test('the errors name only the broken field', () => {
    const object = broken('Deployment', (d) => { d.spec.template.spec.containers[0].imagePullPolcy = 'Always'; });
    expect(validateManifest(object)).toEqual([
      'spec.template.spec.containers[0].imagePullPolcy: unknown field "imagePullPolcy" (not in IoK8sApiCoreV1Container)',
    ]);
  });

  test('every object node of every synthesized object rejects an unknown field, except the maps', () => {
    // Strictness everywhere, not only where a case above looks: add a key to each object node in turn.
    // Only maps (additionalProperties: labels, annotations, selectors, ConfigMap data, resource
    // quantities) may take any key.
    const isMap = (kind: string, keys: string[]) =>
      ['labels', 'annotations', 'matchLabels', 'data', 'limits', 'requests'].includes(keys[keys.length - 1])
      || (kind === 'Service' && keys.join('.') === 'spec.selector');
    const wrong: string[] = [];
    let checked = 0;
    for (const object of STACKS['stack with all options']) {
      const copy = structuredClone(object);
      const visit = (node: unknown, keys: string[]): void => {
        if (typeof node !== 'object' || node === null) return;
        if (Array.isArray(node)) return node.forEach((item, i) => visit(item, [...keys, `${i}`]));
        const record = node as Record<string, unknown>;
        record.zzUnknownField = 'x';
        const rejected = validateManifest(copy).some((e) => e.includes('unknown field "zzUnknownField"'));
        delete record.zzUnknownField;
        checked++;
        if (rejected === isMap(object.kind, keys.filter((k) => !/^\d+$/.test(k)))) wrong.push(`${id(object)} ${keys.join('.') || '(root)'}: ${rejected ? 'rejected' : 'accepted'}`);
        Object.entries(record).forEach(([key, child]) => visit(child, [...keys, key]));
      };
      visit(copy, []);
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(200);
  });
});
