import { AlertSeverity } from '../src/index';
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { parse } from 'yaml';
import { ConfigMapShards, Dashboard, RuleGroup } from '../src';
import { configMapData, find, Manifest, synthStack } from './support/synth';

// Kubernetes caps an object at 1 MiB, and client-side `kubectl apply` copies it into an annotation capped at
// 256 KiB: files that outgrow one ConfigMap are spread over several, each mounted.
const APPLY_LIMIT = 256 * 1024;

describe('ConfigMapShards', () => {
  function shardsWithBudget(budgetBytes: number) {
    const chart = Testing.chart();
    const shards = new ConfigMapShards(chart, 'Files', {
      name: 'files', namespace: 'ns', labels: {}, mountPath: '/etc/files', volumeName: 'files', budgetBytes,
    });
    const deployment = new kplus.Deployment(chart, 'Deployment', { containers: [{ image: 'busybox:1.36' }] });
    return { chart, shards, container: deployment.containers[0] };
  }
  const objects = (chart: Chart) => Testing.synth(chart) as Manifest[];

  test('puts a key in the last ConfigMap while it fits, else in a new one', () => {
    const { chart, shards } = shardsWithBudget(100);
    shards.put('a.yml', 'x'.repeat(40));
    shards.put('b.yml', 'x'.repeat(40));
    shards.put('c.yml', 'x'.repeat(40));
    const maps = objects(chart).filter((o) => o.kind === 'ConfigMap');
    expect(maps.map((m) => [m.metadata.name, Object.keys(m.data)])).toEqual([['files', ['a.yml', 'b.yml']], ['files-2', ['c.yml']]]);
  });

  test('a new key too large for any budget still gets a ConfigMap of its own', () => {
    const { shards } = shardsWithBudget(10);
    shards.put('big.yml', 'x'.repeat(100));
    shards.put('next.yml', 'y');
    expect(shards.shards.map((s) => s.mountPath)).toEqual(['/etc/files', '/etc/files-2']);
  });

  test('updating a key keeps it in its ConfigMap; data() has every key', () => {
    const { shards } = shardsWithBudget(100);
    shards.put('a.yml', 'x'.repeat(60));
    shards.put('b.yml', 'x'.repeat(60));
    shards.put('a.yml', 'updated');
    expect(shards.shards).toHaveLength(2);
    expect(shards.data()).toEqual({ 'a.yml': 'updated', 'b.yml': 'x'.repeat(60) });
  });

  test('mounts every ConfigMap, including those added after mountInto', () => {
    const { chart, shards, container } = shardsWithBudget(100);
    shards.put('a.yml', 'x'.repeat(60));
    shards.mountInto(container);
    shards.put('b.yml', 'x'.repeat(60));
    const pod = objects(chart).find((o) => o.kind === 'Deployment')!.spec.template.spec;
    expect(pod.containers[0].volumeMounts).toEqual([
      { mountPath: '/etc/files', name: 'files', readOnly: true },
      { mountPath: '/etc/files-2', name: 'files-2', readOnly: true },
    ]);
    expect(pod.volumes).toEqual([{ name: 'files', configMap: { name: 'files' } }, { name: 'files-2', configMap: { name: 'files-2' } }]);
  });

  test('a ConfigMap over the 1 MiB Kubernetes allows fails validation, naming it and its largest file', () => {
    const { shards } = shardsWithBudget(100);
    shards.put('huge.json', 'x'.repeat(1024 * 1024));
    expect(shards.node.validate()).toEqual([expect.stringMatching(/files: \d+ bytes of data do not fit in one ConfigMap \(1 MiB\); split the largest file \(huge\.json\)/)]);
  });
});

describe('a stack that outgrows one ConfigMap', () => {
  // 40 inference dashboards (~8.6 KB each) and 120 rule groups (~2.4 KB each): both outgrow 200 KiB.
  const bigGroup = (i: number): RuleGroup => ({
    name: `team-${i}`,
    rules: Array.from({ length: 8 }, (_, j) => ({
      alert: `Team${i}Alert${j}`, expr: `sum(rate(team_${i}_errors_total[5m])) > ${j}`, forDuration: '5m', severity: AlertSeverity.WARNING as const,
      component: `team-${i}`, summary: `team ${i} alert ${j}`, description: 'An alert whose rule file makes the rules ConfigMap grow.',
    })),
  });
  const { files, objects, stack } = synthStack({}, (s) => {
    const overview = JSON.parse(s.grafana.dashboardFiles.data()['iris-api-overview.json']);
    for (let i = 0; i < 40; i++) s.grafana.addDashboard(Dashboard.fromJson({ ...overview, uid: `copy-${i}`, title: `Copy ${i}` }));
    for (let i = 0; i < 120; i++) s.prometheus.addRuleGroup(bigGroup(i), `team-${i}.yml`);
  });
  const pod = (name: string) => find(objects, 'Deployment', name).spec.template.spec;

  test('spreads dashboards and rules over several ConfigMaps, each small enough for kubectl apply', () => {
    const maps = objects.filter((o) => o.kind === 'ConfigMap');
    expect(maps.map((m) => m.metadata.name)).toEqual(expect.arrayContaining(['grafana-dashboards-2', 'prometheus-rules-2']));
    for (const m of maps) expect([m.metadata.name, JSON.stringify(m).length < APPLY_LIMIT]).toEqual([m.metadata.name, true]);
  });

  test('keeps the extra ConfigMaps in the same files of the layout', () => {
    expect(files.size).toBe(10);
    expect(files.get('grafana-dashboards-configmap.yaml')).toContain('name: grafana-dashboards-2');
    expect(files.get('prometheus-rules.yaml')).toContain('name: prometheus-rules-2');
  });

  test('Grafana mounts each dashboards ConfigMap and provisions each folder', () => {
    const mounts = pod('grafana').containers[0].volumeMounts.map((m: any) => m.mountPath);
    expect(mounts).toEqual(expect.arrayContaining(['/var/lib/grafana/dashboards', '/var/lib/grafana/dashboards-2']));
    const providers = parse(configMapData(objects, 'grafana-config')['dashboards.yaml']).providers;
    const shards = stack.grafana.dashboardFiles.shards.length;
    expect(providers.map((p: any) => p.options.path)).toEqual(Array.from({ length: shards }, (_, i) => `/var/lib/grafana/dashboards${i ? `-${i + 1}` : ''}`));
    const uids = objects.filter((o) => o.metadata.name.startsWith('grafana-dashboards')).flatMap((m) => Object.keys(m.data));
    expect(uids).toHaveLength(43); // the 40 copies and the three built-in dashboards
  });

  test('Prometheus mounts each rules ConfigMap and loads each folder', () => {
    const mounts = pod('prometheus').containers[0].volumeMounts.map((m: any) => m.mountPath);
    const config = parse(configMapData(objects, 'prometheus-config')['prometheus.yml']);
    const folders = stack.prometheus.rules.shards.map((s) => s.mountPath);
    expect(folders.length).toBeGreaterThan(1);
    expect(mounts).toEqual(expect.arrayContaining(folders));
    expect(config.rule_files).toEqual(folders.map((f) => `${f}/*.yml`));
  });

  test('dashboards reload without a rollout; a new dashboards ConfigMap is a new volume, which rolls the pod', () => {
    const grafanaPod = (dashboards: number) => {
      const s = synthStack({}, (st) => {
        for (let i = 0; i < dashboards; i++) st.grafana.addDashboard(Dashboard.fromJson({ uid: `d-${i}`, title: `D ${i}`, panels: [], padding: 'x'.repeat(8000) }));
      });
      return { shards: s.stack.grafana.dashboardFiles.shards.length, template: find(s.objects, 'Deployment', 'grafana').spec.template };
    };
    const [forty, fortyOne, hundred] = [grafanaPod(40), grafanaPod(41), grafanaPod(100)];
    expect([forty.shards, fortyOne.shards]).toEqual([2, 2]);
    // Grafana re-reads the dashboard files itself: the checksum covers grafana.ini and provisioning only.
    expect(fortyOne.template).toEqual(forty.template);
    expect(hundred.shards).toBeGreaterThan(2);
    expect(hundred.template.spec.volumes.length).toBeGreaterThan(forty.template.spec.volumes.length);
  });
});
