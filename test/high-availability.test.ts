import { parse } from 'yaml';
import { configMapData, find, Manifest, synthStack } from './support/synth';

const container = (o: Manifest, name: string) => o.spec.template.spec.containers.find((c: any) => c.name === name);

describe('an Alertmanager cluster (alertmanager.replicas: 3)', () => {
  const { objects } = synthStack({ alertmanager: { replicas: 3, persistence: { size: '1Gi' } } });
  const sts = find(objects, 'StatefulSet', 'alertmanager');
  const members = [0, 1, 2].map((i) => `alertmanager-${i}.alertmanager-cluster.mlops.svc`);

  test('is a StatefulSet of three behind a headless Service that publishes starting pods', () => {
    expect(objects.some((o) => o.kind === 'Deployment' && o.metadata.name === 'alertmanager')).toBe(false);
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.serviceName).toBe('alertmanager-cluster');
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    const headless = find(objects, 'Service', 'alertmanager-cluster');
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.publishNotReadyAddresses).toBe(true);
    expect(headless.spec.selector).toEqual(sts.spec.selector.matchLabels);
    expect(find(objects, 'Service', 'alertmanager-service').spec.selector).toEqual(sts.spec.selector.matchLabels);
  });

  test('gossips on 9094 with every member as a peer, advertising the pod IP', () => {
    const args: string[] = container(sts, 'alertmanager').args;
    expect(args).toContain('--cluster.listen-address=0.0.0.0:9094');
    expect(args).toContain('--cluster.advertise-address=$(POD_IP):9094');
    expect(args.filter((a) => a.startsWith('--cluster.peer='))).toEqual(members.map((m) => `--cluster.peer=${m}:9094`));
    expect(container(sts, 'alertmanager').env).toEqual([{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }]);
  });

  test('keeps one volume per member (volumeClaimTemplates), a PodDisruptionBudget and topology spread', () => {
    expect(sts.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('1Gi');
    expect(sts.spec.template.spec.volumes.map((v: any) => v.name)).not.toContain('data');
    expect(objects.some((o) => o.kind === 'PersistentVolumeClaim')).toBe(false);
    const pdb = find(objects, 'PodDisruptionBudget', 'alertmanager');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: sts.spec.selector });
    expect(sts.spec.template.spec.topologySpreadConstraints.map((c: any) => c.topologyKey)).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
  });

  test('opens 9094 (TCP and UDP) to the members only', () => {
    const policy = find(objects, 'NetworkPolicy', 'alertmanager');
    const gossip = policy.spec.ingress.find((rule: any) => rule.ports.some((p: any) => p.port === 9094));
    expect(gossip.from).toEqual([{ podSelector: { matchLabels: sts.spec.selector.matchLabels } }]);
    expect(gossip.ports).toEqual([{ protocol: 'TCP', port: 9094 }, { protocol: 'UDP', port: 9094 }]);
  });

  test('Prometheus sends to, and scrapes, every member by its stable name', () => {
    const config = parse(find(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']);
    expect(config.alerting.alertmanagers).toEqual([{ static_configs: [{ targets: members.map((m) => `${m}:9093`) }] }]);
    const job = config.scrape_configs.find((j: any) => j.job_name === 'alertmanager');
    expect(job.static_configs[0].targets).toEqual(members.map((m) => `${m}:9093`));
  });

  test('one replica stays a Deployment with gossip off', () => {
    const single = synthStack().objects;
    const deployment = find(single, 'Deployment', 'alertmanager');
    expect(container(deployment, 'alertmanager').args).toContain('--cluster.listen-address=');
    expect(single.some((o) => o.kind === 'StatefulSet' || o.kind === 'PodDisruptionBudget')).toBe(false);
  });

  test.each([0, -1, 1.5])('replicas %p fails at synth, naming the field', (replicas) => {
    expect(() => synthStack({ alertmanager: { replicas } })).toThrow(/Alertmanager.*replicas/);
  });
});

describe('highly available Prometheus (prometheus.replicas: 2)', () => {
  const { objects } = synthStack({ prometheus: { replicas: 2, externalLabels: { cluster: 'prod' } } });
  const sts = find(objects, 'StatefulSet', 'prometheus');

  test('is a StatefulSet of two, each pod with its own emptyDir, a PDB and topology spread', () => {
    expect(objects.some((o) => o.kind === 'Deployment' && o.metadata.name === 'prometheus')).toBe(false);
    expect(sts.spec.replicas).toBe(2);
    expect(sts.spec.serviceName).toBe('prometheus-headless');
    expect(sts.spec.template.spec.volumes[0]).toEqual({ name: 'data', emptyDir: { sizeLimit: '10Gi' } });
    expect(find(objects, 'PodDisruptionBudget', 'prometheus').spec.maxUnavailable).toBe(1);
    expect(sts.spec.template.spec.topologySpreadConstraints).toHaveLength(2);
    expect(sts.spec.template.spec.serviceAccountName).toBe('prometheus');
    expect(sts.spec.template.spec.automountServiceAccountToken).toBe(true);
  });

  test('labels each replica with its pod name, from the downward API', () => {
    const config = parse(find(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']);
    expect(config.global.external_labels).toEqual({ cluster: 'prod', replica: '${POD_NAME}' });
    // The replicas' alerts are identical once the replica label is dropped: Alertmanager notifies once.
    expect(config.alerting.alert_relabel_configs).toEqual([{ regex: 'replica', action: 'labeldrop' }]);
    expect(container(sts, 'prometheus').env).toEqual([{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]);
  });

  test('with persistence, one PVC per replica', () => {
    const persistent = synthStack({ prometheus: { replicas: 2, persistence: { size: '20Gi', storageClassName: 'fast' } } }).objects;
    const set = find(persistent, 'StatefulSet', 'prometheus');
    // As the API server stores it, so a second `kubectl apply` leaves the StatefulSet unchanged.
    expect(set.spec.volumeClaimTemplates[0]).toMatchObject({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', status: { phase: 'Pending' } });
    expect(set.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '20Gi' } }, volumeMode: 'Filesystem' });
    expect(persistent.some((o) => o.kind === 'PersistentVolumeClaim')).toBe(false);
  });

  test('storageClassName \'\' (no dynamic provisioning) is kept in the claim template, as in a single PVC', () => {
    const classless = synthStack({ prometheus: { replicas: 2, persistence: { storageClassName: '' } }, grafana: { persistence: { storageClassName: '' } } }).objects;
    expect(find(classless, 'StatefulSet', 'prometheus').spec.volumeClaimTemplates[0].spec.storageClassName).toBe('');
    expect(find(classless, 'PersistentVolumeClaim', 'grafana-data').spec.storageClassName).toBe('');
  });

  test('Mimir\'s replica label __replica__ (dropped on ingestion) is an external label and is dropped from alerts', () => {
    const config = parse(configMapData(synthStack({ prometheus: { replicas: 2, replicaLabel: '__replica__' } }).objects, 'prometheus-config')['prometheus.yml']);
    expect(config.global.external_labels).toEqual({ __replica__: '${POD_NAME}' });
    expect(config.alerting.alert_relabel_configs).toEqual([{ regex: '__replica__', action: 'labeldrop' }]);
  });

  test('RBAC is the same as with one replica', () => {
    const rbac = (objs: Manifest[]) => objs.filter((o) => /Role/.test(o.kind)).map((o) => JSON.stringify(o));
    expect(rbac(objects)).toEqual(rbac(synthStack().objects));
  });

  test('the replica label cannot also be a user external label', () => {
    expect(() => synthStack({ prometheus: { replicas: 2, externalLabels: { replica: 'x' } } })).toThrow(/Prometheus.*externalLabels/);
    expect(() => synthStack({ prometheus: { replicas: 0 } })).toThrow(/Prometheus.*replicas/);
  });
});
