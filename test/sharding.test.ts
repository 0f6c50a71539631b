import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { expectSuccess, synthesizedRuleFiles, withTempDir } from './support/promtool';
import { configMapData, find, Manifest, synthStack } from './support/synth';
import { requireBinary, run, withLocalFiles, writeRuleFiles } from './support/tools';
import { RemoteWrite, ShardRuleEvaluation } from '../src';

const mimir = RemoteWrite.mimir({ url: 'http://mimir-distributor.mimir.svc:8080/api/v1/push', queryUrl: 'http://mimir-query-frontend.mimir.svc:8080/prometheus' });
const sharded = (shardRuleEvaluation = ShardRuleEvaluation.LONG_TERM_STORE) =>
  synthStack({ prometheus: { shards: 3, shardRuleEvaluation, remoteWrite: [mimir] } }).objects;

describe('sharding (prometheus.shards: 3)', () => {
  const objects = sharded();
  const data = configMapData(objects, 'prometheus-config');

  test('one workload per shard, each with its own file of one ConfigMap, all labelled app: prometheus', () => {
    expect(Object.keys(data)).toEqual(['prometheus-shard-0.yml', 'prometheus-shard-1.yml', 'prometheus-shard-2.yml']);
    [0, 1, 2].forEach((i) => {
      const d = find(objects, 'Deployment', `prometheus-shard-${i}`);
      expect(d.spec.selector.matchLabels).toEqual({ app: 'prometheus', component: 'monitoring', shard: `${i}` });
      expect(d.spec.template.spec.containers[0].args).toContain(`--config.file=/etc/prometheus/config/prometheus-shard-${i}.yml`);
    });
    // The Alertmanager admits every shard.
    const policy = find(objects, 'NetworkPolicy', 'alertmanager');
    expect(policy.spec.ingress[0].from).toContainEqual({ podSelector: { matchLabels: { app: 'prometheus', component: 'monitoring' } } });
  });

  test('each shard keeps its hashmod share of every job but its own self-scrape, labels its series, remote-writes', () => {
    [0, 1, 2].forEach((i) => {
      const config = parse(data[`prometheus-shard-${i}.yml`]);
      expect(config.global.external_labels).toEqual({ shard: `${i}` });
      expect(config.rule_files).toBeUndefined();
      expect(config.remote_write[0].url).toBe('http://mimir-distributor.mimir.svc:8080/api/v1/push');
      const [self, ...others] = config.scrape_configs;
      expect(self.relabel_configs).toBeUndefined();
      for (const job of others) {
        expect(job.relabel_configs.slice(-2)).toEqual([
          { source_labels: ['__address__'], modulus: 3, target_label: '__tmp_hashmod', action: 'hashmod' },
          { source_labels: ['__tmp_hashmod'], regex: `${i}`, action: 'keep' },
        ]);
      }
    });
  });

  test('Grafana queries the long-term store', () => {
    expect(Object.values(configMapData(objects, 'grafana-config')).join('\n')).toContain('http://mimir-query-frontend.mimir.svc:8080/prometheus');
  });

  test.each([ShardRuleEvaluation.LONG_TERM_STORE, ShardRuleEvaluation.EVERY_SHARD])('every shard file passes promtool check config (%s)', (evaluation) => {
    const objs: Manifest[] = sharded(evaluation);
    for (const [file, yml] of Object.entries(configMapData(objs, 'prometheus-config'))) {
      expect(parse(yml).rule_files === undefined).toBe(evaluation === ShardRuleEvaluation.LONG_TERM_STORE);
      withTempDir('shard-config', (dir) => {
        const rulesDir = path.join(dir, 'rules');
        writeRuleFiles(synthesizedRuleFiles(objs), rulesDir);
        const config = parse(withLocalFiles(yml, dir, rulesDir));
        if (evaluation === ShardRuleEvaluation.LONG_TERM_STORE) delete config.rule_files;
        const configFile = path.join(dir, file);
        fs.writeFileSync(configFile, stringify(config));
        expectSuccess(run(requireBinary('promtool'), ['check', 'config', configFile]), `promtool check config ${file}`);
      });
    }
  });

  test.each([
    [{ shards: 2, remoteWrite: [mimir] }, /shardRuleEvaluation/],
    [{ shards: 2, shardRuleEvaluation: ShardRuleEvaluation.EVERY_SHARD }, /remoteWrite.*queryUrl/],
    [{ shards: 0 }, /Prometheus.*shards/],
  ])('bad input fails at synth (%#)', (prometheus, error) => {
    expect(() => synthStack({ prometheus })).toThrow(error);
  });
});
