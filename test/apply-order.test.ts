/*
 * `kubectl apply -f <folder>` applies the files in alphabetical order, and the objects of a file in order. A pod
 * created before an object it needs waits: no ServiceAccount refuses the pod (FailedCreate), no ConfigMap or
 * Secret of a volume or environment variable holds it (FailedMount, CreateContainerConfigError), no PVC leaves it
 * unscheduled, each until a retry. So in every file of the layout, every object a pod template needs comes
 * earlier: in a file sorted before, or before it in its file. The only exceptions are the Secrets the user
 * creates before applying, which README.md must say so, and volumes marked optional.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { AlertSeverity, Dashboard, MonitoringStack, MonitoringStackProps, RemoteWrite, RuleGroup } from '../src';
import { Manifest, synthStack } from './support/synth';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const POD_CONTROLLERS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet', 'Pod'];

/** What a pod needs from the API before it can start: `Kind/name` of each non-optional reference. */
function needsOf(controller: Manifest): string[] {
  const template = controller.kind === 'Pod' ? controller : controller.kind === 'CronJob' ? controller.spec.jobTemplate.spec.template : controller.spec.template;
  const pod = template.spec;
  // A StatefulSet creates the PVCs of its volumeClaimTemplates itself.
  const claimed = new Set<string>((controller.spec.volumeClaimTemplates ?? []).map((t: Manifest) => t.metadata.name));
  const needs = [`ServiceAccount/${pod.serviceAccountName ?? 'default'}`];
  for (const volume of pod.volumes ?? []) {
    if (volume.configMap && !volume.configMap.optional) needs.push(`ConfigMap/${volume.configMap.name}`);
    if (volume.secret && !volume.secret.optional) needs.push(`Secret/${volume.secret.secretName}`);
    if (volume.persistentVolumeClaim && !claimed.has(volume.name)) needs.push(`PersistentVolumeClaim/${volume.persistentVolumeClaim.claimName}`);
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap && !source.configMap.optional) needs.push(`ConfigMap/${source.configMap.name}`);
      if (source.secret && !source.secret.optional) needs.push(`Secret/${source.secret.name}`);
    }
  }
  for (const container of [...pod.initContainers ?? [], ...pod.containers]) {
    for (const env of container.env ?? []) {
      const from = env.valueFrom ?? {};
      if (from.configMapKeyRef && !from.configMapKeyRef.optional) needs.push(`ConfigMap/${from.configMapKeyRef.name}`);
      if (from.secretKeyRef && !from.secretKeyRef.optional) needs.push(`Secret/${from.secretKeyRef.name}`);
    }
    for (const source of container.envFrom ?? []) {
      if (source.configMapRef && !source.configMapRef.optional) needs.push(`ConfigMap/${source.configMapRef.name}`);
      if (source.secretRef && !source.secretRef.optional) needs.push(`Secret/${source.secretRef.name}`);
    }
  }
  return [...new Set(needs)];
}

/**
 * Applies the files as `kubectl apply -f <folder>` does and lists what a pod template needs before it exists:
 * `<file>: <Kind>/<name> needs <Kind>/<name>`. The namespace's `default` ServiceAccount always exists, and a
 * Secret the README tells the user to create before applying counts as created.
 */
function missingAtApply(files: Map<string, string>): string[] {
  const created = new Set(['ServiceAccount/default']);
  const missing: string[] = [];
  for (const file of [...files.keys()].sort()) {
    for (const object of files.get(file)!.split(/^---$/m).map((doc) => parse(doc) as Manifest)) {
      if (POD_CONTROLLERS.includes(object.kind)) {
        for (const need of needsOf(object).filter((n) => !created.has(n) && !createdByUser(n))) {
          missing.push(`${file}: ${object.kind}/${object.metadata.name} needs ${need}`);
        }
      }
      created.add(`${object.kind}/${object.metadata.name}`);
    }
  }
  return missing;
}

/** The README's list of the Secrets to create before deploying. */
const USER_SECRETS = /^Before deploying, create the Secrets[^]*?\n\n/m.exec(README)?.[0] ?? '';

/** A Secret the README tells the user to create before deploying. */
function createdByUser(need: string): boolean {
  const [kind, name] = need.split('/');
  return kind === 'Secret' && USER_SECRETS.includes(`\`${name}\``);
}

/** A rule group of `rules` alerts, ~300 bytes each: enough of them outgrow one rules ConfigMap. */
const teamGroup = (team: number, rules: number): RuleGroup => ({
  name: `team-${team}`,
  rules: Array.from({ length: rules }, (_, j) => ({
    alert: `Team${team}Alert${j}`, expr: `sum(rate(team_${team}_errors_total[5m])) > ${j}`, forDuration: '5m', severity: AlertSeverity.WARNING,
    component: `team-${team}`, summary: `team ${team} alert ${j}`, description: 'An alert whose rule file makes the rules ConfigMap grow.',
  })),
});
const monitorWithAlert = (stack: MonitoringStack, name: string) => stack.monitorApplication({ name, serviceName: name }, {
  alerts: [{ name: `${name}-alerts`, rules: [{ alert: `${name.replace(/-/g, '')}Down`, expr: `absent(up{job="${name}"} == 1)`, severity: AlertSeverity.CRITICAL, component: name, summary: `${name} is down`, description: `No ${name} target is up.` }] }],
});
const store = RemoteWrite.mimir({ url: 'http://mimir.example:8080/api/v1/push', queryUrl: 'http://mimir.example:8080/prometheus', bearerTokenSecretKey: 'mimir-token' });

const STACKS: [string, MonitoringStackProps, ((stack: MonitoringStack) => void)?][] = [
  ['the default stack (dist/k8s/monitoring)', {}],
  ['rules and dashboards that outgrow one ConfigMap (prometheus-rules-2, grafana-dashboards-2)', {}, (stack) => {
    const overview = JSON.parse(stack.grafana.dashboardFiles.data()['iris-api-overview.json']);
    for (let i = 0; i < 40; i++) stack.grafana.addDashboard(Dashboard.fromJson({ ...overview, uid: `copy-${i}`, title: `Copy ${i}` }));
    for (let i = 0; i < 120; i++) stack.prometheus.addRuleGroup(teamGroup(i, 8), `team-${i}.yml`);
  }],
  ['300 applications (scrape job files in prometheus-scrape-configs ConfigMaps)', {}, (stack) => {
    for (let i = 0; i < 300; i++) stack.monitorApplication({ name: `service-${i}`, serviceName: `service-${i}` });
  }],
  ['three shards, each with rule files of its own', { prometheus: { shards: 3, remoteWrite: [store] } }, (stack) => {
    for (let i = 0; i < 20; i++) monitorWithAlert(stack, `app-${i}`);
  }],
  ['replicas, persistence and credentials in Secrets', {
    prometheus: { replicas: 2, persistence: { size: '50Gi' }, remoteWrite: [store] },
    alertmanager: { replicas: 2, persistence: {}, receivers: [{ name: 'default' }, { name: 'critical', slack: [{ channel: '#oncall', apiUrlSecretKey: 'slack-webhook-url' }] }, { name: 'warning' }] },
    grafana: { persistence: {} },
  }],
  ['one replica of each, with persistence', { prometheus: { persistence: {} }, alertmanager: { persistence: {} }, grafana: { persistence: {} } }],
];

describe.each(STACKS)('%s', (_name, props, customize) => {
  const { files } = synthStack(props, customize);

  test('every object a pod template needs is applied before it, or created by the user as the README says', () => {
    expect(missingAtApply(files)).toEqual([]);
  });
});

test('the README lists the Secrets to create before deploying', () => {
  expect(USER_SECRETS.match(/`[a-z0-9-]+`/g)).toEqual(['`grafana-secrets`', '`alertmanager-secrets`', '`prometheus-remote-write`']);
});

describe('the check can fail', () => {
  test('a Deployment before the ConfigMap it mounts, and an undocumented Secret, are reported', () => {
    const deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app' },
      spec: { template: { spec: {
        serviceAccountName: 'app',
        containers: [{ name: 'app', env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'app-token', key: 'token' } } }] }],
        volumes: [{ name: 'config', configMap: { name: 'app-config' } }, { name: 'extra', configMap: { name: 'app-extra', optional: true } }],
      } } },
    };
    const files = new Map([
      ['a-deployment.yaml', [JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app' } }), JSON.stringify(deployment)].join('\n---\n')],
      ['b-configmap.yaml', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config' } })],
    ]);
    expect(missingAtApply(files)).toEqual(['a-deployment.yaml: Deployment/app needs ConfigMap/app-config', 'a-deployment.yaml: Deployment/app needs Secret/app-token']);
  });

  test('the rules ConfigMaps, read after prometheus-deployment.yaml, are mounted as optional volumes', () => {
    const { files } = synthStack();
    const prometheus = files.get('prometheus-deployment.yaml')!.split(/^---$/m).map((doc) => parse(doc) as Manifest).find((o) => o.kind === 'Deployment')!;
    expect(prometheus.spec.template.spec.volumes.find((v: any) => v.name === 'rules')).toEqual({ name: 'rules', configMap: { name: 'prometheus-rules', optional: true } });
  });
});
