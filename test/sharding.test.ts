import * as fs from 'fs';
import { parse } from 'yaml';
import { expectSuccess, withTempDir } from './support/promtool';
import { loadedByConfig, materializePod } from './support/pod-files';
import { configMapData, find, Manifest, synthStack } from './support/synth';
import { requireBinary, run } from './support/tools';
import { AlertSeverity, MonitoringStack, MonitoringStackProps, RemoteWrite, ShardBy, Sharding, ShardRuleEvaluation } from '../src';

const mimir = RemoteWrite.mimir({ url: 'http://mimir-distributor.mimir.svc:8080/api/v1/push', queryUrl: 'http://mimir-query-frontend.mimir.svc:8080/prometheus' });
const SHARDS = 3;
const APPS = Array.from({ length: 40 }, (_, i) => `app-${i}`);

/** A sharded stack monitoring the Iris API and APPS, each with an absent()-based alert of its own. */
function shardedStack(prometheus: MonitoringStackProps['prometheus'] = {}) {
  return synthStack({ prometheus: { shards: SHARDS, remoteWrite: [mimir], ...prometheus } }, (stack) => APPS.forEach((name) => monitorWithAlert(stack, name)));
}

function monitorWithAlert(stack: MonitoringStack, name: string): void {
  stack.monitorApplication({ name, serviceName: name }, {
    alerts: [{
      name: `${name}-alerts`,
      rules: [{
        alert: `${name.replace(/-/g, '')}Down`, expr: `absent(up{job="${name}"} == 1)`, forDuration: '5m',
        severity: AlertSeverity.CRITICAL, component: name, summary: `${name} is down`, description: `No ${name} target is up.`,
      }],
    }],
  });
}

const workloadsOf = (objects: Manifest[]) => Array.from({ length: SHARDS }, (_, i) => objects.find((o) => ['Deployment', 'StatefulSet'].includes(o.kind) && o.metadata.name === `prometheus-shard-${i}`)!);

/** What each shard's pod loads (jobs, rule groups), from its mounted files, after promtool check config passed. */
function loadedPerShard(objects: Manifest[]): { jobs: string[]; groups: string[] }[] {
  return workloadsOf(objects).map((workload, i) => withTempDir(`shard-${i}`, (root) => {
    const config = materializePod(objects, workload, root);
    expectSuccess(run(requireBinary('promtool'), ['check', 'config', config]), `promtool check config (shard ${i})`);
    return loadedByConfig(config);
  }));
}

describe('sharding by job (the default): each job and its rules on one shard', () => {
  const { stack, objects } = shardedStack();
  const prometheus = stack.prometheus;
  const loaded = loadedPerShard(objects);
  const selfJob = prometheus.name;

  test('one workload per shard, each with its own file of one ConfigMap, all labelled app: prometheus', () => {
    expect(Object.keys(configMapData(objects, 'prometheus-config'))).toEqual(['prometheus-shard-0.yml', 'prometheus-shard-1.yml', 'prometheus-shard-2.yml']);
    workloadsOf(objects).forEach((d, i) => {
      expect(d.spec.selector.matchLabels).toEqual({ app: 'prometheus', component: 'monitoring', shard: `${i}` });
      expect(d.spec.template.spec.containers[0].args).toContain(`--config.file=/etc/prometheus/config/prometheus-shard-${i}.yml`);
    });
    // The Alertmanager admits every shard.
    const policy = find(objects, 'NetworkPolicy', 'alertmanager');
    expect(policy.spec.ingress[0].from).toContainEqual({ podSelector: { matchLabels: { app: 'prometheus', component: 'monitoring' } } });
  });

  test('the shards partition the jobs: each job on the shard of its name\'s hashmod, the cluster\'s on shard 0, the self-scrape on all', () => {
    const jobs = prometheus.scrapeJobs.map((j) => j.jobName);
    expect(jobs).toEqual(expect.arrayContaining(['iris-api', 'kubernetes-cadvisor', 'kube-state-metrics', ...APPS]));
    for (const job of jobs) {
      const holders = loaded.flatMap((l, i) => (l.jobs.includes(job) ? [i] : []));
      if (job === selfJob) expect(holders).toEqual([0, 1, 2]);
      else if (['kubernetes-cadvisor', 'kube-state-metrics'].includes(job)) expect(holders).toEqual([0]);
      else expect(holders).toEqual([Sharding.hashmod(job, SHARDS)]);
    }
    expect(loaded.reduce((n, l) => n + l.jobs.length, 0)).toBe(jobs.length + SHARDS - 1); // no job twice but the self-scrape
    loaded.forEach((l) => expect(l.jobs.length).toBeGreaterThan(APPS.length / SHARDS / 2)); // roughly even
    // No hashmod relabeling: a shard's file holds only its jobs.
    expect(Object.values(configMapData(objects, 'prometheus-config')).join('\n')).not.toContain('hashmod');
  });

  test('each rule group runs on the shard holding the jobs it names, groups naming none on every shard', () => {
    const groups = Object.values(prometheus.ruleGroupsByFile).flat().map((g) => g.name);
    const expected = (group: string): number[] => {
      if (group === 'monitoring-self-alerts') return [0, 1, 2]; // Watchdog, TargetDown, the server's own health
      if (group === 'infrastructure-alerts') return [0]; // cAdvisor and kube-state-metrics
      if (group === 'alertmanager-alerts') return [Sharding.hashmod('alertmanager', SHARDS)];
      const app = APPS.find((a) => group === `${a}-alerts`) ?? 'iris-api';
      return [Sharding.hashmod(app, SHARDS)];
    };
    for (const group of groups) {
      expect([group, loaded.flatMap((l, i) => (l.groups.includes(group) ? [i] : []))]).toEqual([group, expected(group)]);
    }
    // IrisAPIDown (an absent()) is on the shard that scrapes the Iris API, and only there.
    const iris = Sharding.hashmod('iris-api', SHARDS);
    expect(loaded[iris].jobs).toContain('iris-api');
    expect(loaded[iris].groups).toContain('iris-api-alerts');
  });

  test('every shard labels its series and remote-writes', () => {
    Array.from({ length: SHARDS }, (_, i) => parse(configMapData(objects, 'prometheus-config')[`prometheus-shard-${i}.yml`])).forEach((config, i) => {
      expect(config.global.external_labels).toEqual({ shard: `${i}` });
      expect(config.remote_write[0].url).toBe('http://mimir-distributor.mimir.svc:8080/api/v1/push');
    });
  });

  test('Grafana queries the long-term store', () => {
    expect(Object.values(configMapData(objects, 'grafana-config')).join('\n')).toContain('http://mimir-query-frontend.mimir.svc:8080/prometheus');
  });

  test('with LONG_TERM_STORE, the shards load no rules and <name>-rules holds every group, for the store\'s ruler', () => {
    const { stack: s, objects: objs } = shardedStack({ shardRuleEvaluation: ShardRuleEvaluation.LONG_TERM_STORE });
    loadedPerShard(objs).forEach((l) => expect(l.groups).toEqual([]));
    const all = Object.values(s.prometheus.ruleGroupsByFile).flat().map((g) => g.name).sort();
    expect(Object.values(configMapData(objs, 'prometheus-rules')).flatMap((f) => parse(f).groups.map((g: any) => g.name)).sort()).toEqual(all);
    expect(objs.filter((o) => o.kind === 'ConfigMap' && /shard-\d+-rules/.test(o.metadata.name))).toEqual([]);
  });
});

describe('sharding by target: every shard keeps its hashmod share of every job', () => {
  const { objects } = shardedStack({ shardBy: ShardBy.TARGET });
  const loaded = loadedPerShard(objects);

  test('each shard holds every job, with the hashmod of __address__ kept when it is the shard\'s number', () => {
    loaded.forEach((l) => expect(l.groups).toEqual([])); // the long-term store's ruler runs them
    Array.from({ length: SHARDS }, (_, i) => workloadsOf(objects)[i]).forEach((workload, i) => withTempDir(`target-shard-${i}`, (root) => {
      const config = parse(fs.readFileSync(materializePod(objects, workload, root), 'utf8'));
      const [self, ...others] = config.scrape_configs;
      expect(self.relabel_configs).toBeUndefined();
      expect(others.length).toBeGreaterThan(APPS.length);
      for (const job of others) {
        expect(job.relabel_configs.slice(-2)).toEqual([
          { source_labels: ['__address__'], modulus: SHARDS, target_label: '__tmp_hashmod', action: 'hashmod' },
          { source_labels: ['__tmp_hashmod'], regex: `${i}`, action: 'keep' },
        ]);
      }
    }));
  });
});

describe('scrape jobs that outgrow prometheus.yml: a file per job, in ConfigMaps of at most 200 KiB', () => {
  const many = Array.from({ length: 300 }, (_, i) => `service-${i}`);
  const { stack, objects } = synthStack({}, (s) => many.forEach((name) => s.monitorApplication({ name, serviceName: name })));
  const workload = find(objects, 'Deployment', 'prometheus');

  test('every job is loaded once, from prometheus.yml or a file, and promtool accepts the mounted files', () => withTempDir('many-jobs', (root) => {
    const config = materializePod(objects, workload, root);
    expectSuccess(run(requireBinary('promtool'), ['check', 'config', config]), 'promtool check config');
    expect(loadedByConfig(config).jobs.sort()).toEqual(stack.prometheus.scrapeJobs.map((j) => j.jobName).sort());
    expect(parse(configMapData(objects, 'prometheus-config')['prometheus.yml']).scrape_config_files).toEqual(
      stack.prometheus.scrapeConfigFiles[0].shards.map((s) => `${s.mountPath}/*.yml`));
  }));

  test('each ConfigMap stays under 200 KiB of data (client-side kubectl apply copies it into a 256 KiB annotation)', () => {
    const configMaps = objects.filter((o) => o.kind === 'ConfigMap');
    expect(configMaps.filter((o) => o.metadata.name.startsWith('prometheus-scrape-configs')).length).toBeGreaterThan(1);
    for (const cm of configMaps) {
      const bytes = Object.entries(cm.data as Record<string, string>).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
      expect([cm.metadata.name, bytes <= 200 * 1024]).toEqual([cm.metadata.name, true]);
    }
  });
});

describe('bad input fails at synth with the construct path and the field', () => {
  test.each([
    [{ shards: 2, shardRuleEvaluation: ShardRuleEvaluation.OWNING_SHARD }, /remoteWrite.*queryUrl/],
    [{ shards: 0 }, /Prometheus.*shards/],
    [{ shards: 2, remoteWrite: [mimir], shardBy: ShardBy.TARGET, shardRuleEvaluation: ShardRuleEvaluation.OWNING_SHARD }, /shardRuleEvaluation.*LONG_TERM_STORE/],
  ])('props %#', (prometheus, error) => {
    expect(() => synthStack({ prometheus })).toThrow(error);
  });

  const alert = (expr: string) => ({
    alert: 'Custom', expr, severity: AlertSeverity.WARNING, component: 'custom', summary: 's', description: 'd',
  });
  // Two jobs on different shards, by the library's hash (the same as Prometheus's: see ha-e2e.test.ts).
  const a = APPS[0];
  const b = APPS.find((job) => Sharding.hashmod(job, SHARDS) !== Sharding.hashmod(a, SHARDS))!;

  test.each([
    [`a group reading jobs of two shards (${a}, ${b})`, `sum(up{job="${a}"}) + sum(up{job="${b}"}) < 1`, /Prometheus.*ruleGroups\[custom\].*several shards/],
    ['an absent() no job matcher places, on every shard', 'absent(some_metric{namespace="mlops"})', /Prometheus.*ruleGroups\[custom\].*absent\(\)/],
  ])('%s', (_, expr, error) => {
    expect(() => shardedStack().stack.prometheus.addRuleGroup({ name: 'custom', rules: [alert(expr)] })).toThrow(error);
  });

  test('the same groups are fine unsharded, or with the long-term store\'s ruler', () => {
    const group = { name: 'custom', rules: [alert(`absent(some_metric{namespace="mlops"}) or sum(up{job="${a}"}) + sum(up{job="${b}"}) < 1`)] };
    expect(() => synthStack({}, (s) => s.prometheus.addRuleGroup(group))).not.toThrow();
    expect(() => shardedStack({ shardRuleEvaluation: ShardRuleEvaluation.LONG_TERM_STORE }).stack.prometheus.addRuleGroup(group)).not.toThrow();
  });
});
