import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { expectSuccess, synthesizedRuleFiles, withTempDir } from './support/promtool';
import { configMapData, find, Manifest, synthStack } from './support/synth';
import { requireBinary, run, withLocalFiles, writeRuleFiles } from './support/tools';
import { RelabelAction, RemoteWrite } from '../src';

const targets = [
  RemoteWrite.mimir({
    url: 'http://mimir-distributor.mimir.svc:8080/api/v1/push', tenant: 'team-ml',
    basicAuthUsername: 'prometheus', passwordSecretKey: 'mimir-password',
    queue: { capacity: 20000, maxShards: 20, minShards: 2, maxSamplesPerSend: 5000, batchSendDeadline: '10s', minBackoff: '100ms', maxBackoff: '10s' },
    writeRelabelConfigs: [{ sourceLabels: ['__name__'], regex: 'go_gc_.*', action: RelabelAction.DROP }],
    queryUrl: 'http://mimir-query-frontend.mimir.svc:8080/prometheus',
  }),
  RemoteWrite.thanosReceive({ url: 'https://thanos-receive.thanos.svc:19291/api/v1/receive', tenant: 'ml', bearerTokenSecretKey: 'thanos-token' }),
  RemoteWrite.victoriaMetrics({ url: 'http://vminsert.vm.svc:8480/insert/0/prometheus/api/v1/write' }),
];

/** promtool check config, with the credential files pointed at a local file. */
function checkConfig(objects: Manifest[], yml: string) {
  return withTempDir('remote-write', (dir) => {
    const rulesDir = path.join(dir, 'rules');
    writeRuleFiles(synthesizedRuleFiles(objects), rulesDir);
    const config = parse(withLocalFiles(yml, dir, rulesDir));
    for (const rw of config.remote_write ?? []) {
      if (rw.basic_auth) rw.basic_auth.password_file = path.join(dir, 'token');
      if (rw.authorization) rw.authorization.credentials_file = path.join(dir, 'token');
    }
    const file = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(file, stringify(config));
    return run(requireBinary('promtool'), ['check', 'config', file]);
  });
}

describe('remote_write to long-term stores', () => {
  const { objects } = synthStack({ prometheus: { remoteWrite: targets } });
  const yml = configMapData(objects, 'prometheus-config')['prometheus.yml'];
  const config = parse(yml);

  test('renders each store with its tenant header and credentials as files', () => {
    expect(config.remote_write).toEqual([
      {
        url: 'http://mimir-distributor.mimir.svc:8080/api/v1/push', name: 'mimir',
        headers: { 'X-Scope-OrgID': 'team-ml' },
        basic_auth: { username: 'prometheus', password_file: '/etc/prometheus/secrets/mimir-password' },
        queue_config: { capacity: 20000, max_shards: 20, min_shards: 2, max_samples_per_send: 5000, batch_send_deadline: '10s', min_backoff: '100ms', max_backoff: '10s' },
        write_relabel_configs: [{ source_labels: ['__name__'], regex: 'go_gc_.*', action: 'drop' }],
      },
      {
        url: 'https://thanos-receive.thanos.svc:19291/api/v1/receive', name: 'thanos-receive',
        headers: { 'THANOS-TENANT': 'ml' },
        authorization: { type: 'Bearer', credentials_file: '/etc/prometheus/secrets/thanos-token' },
      },
      { url: 'http://vminsert.vm.svc:8480/insert/0/prometheus/api/v1/write', name: 'victoria-metrics' },
    ]);
  });

  test('passes promtool check config', () => {
    expectSuccess(checkConfig(objects, yml), 'promtool check config');
  });

  test('mounts the credentials Secret read-only; no secret value anywhere in the manifests', () => {
    const pod = find(objects, 'Deployment', 'prometheus').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'remote-write-secrets', secret: { secretName: 'prometheus-remote-write' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'remote-write-secrets', mountPath: '/etc/prometheus/secrets', readOnly: true });
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
  });

  test('Grafana queries the long-term store', () => {
    const grafana = configMapData(objects, 'grafana-config');
    expect(Object.values(grafana).join('\n')).toContain('http://mimir-query-frontend.mimir.svc:8080/prometheus');
  });

  test('no targets, no remote_write and no Secret volume', () => {
    const plain = synthStack().objects;
    expect(parse(configMapData(plain, 'prometheus-config')['prometheus.yml']).remote_write).toBeUndefined();
  });

  test.each([
    [{ remoteWrite: [RemoteWrite.mimir({ url: 'mimir:8080' })] }, /remoteWrite\[0\]\.url/],
    [{ remoteWrite: [RemoteWrite.victoriaMetrics({ url: 'http://vm:8428/api/v1/write', tenant: '1' })] }, /remoteWrite\[0\]\.tenant/],
    [{ remoteWrite: [RemoteWrite.mimir({ url: 'http://m/api/v1/push', passwordSecretKey: 'p' })] }, /basicAuthUsername and passwordSecretKey/],
    [{ remoteWrite: [RemoteWrite.mimir({ url: 'http://m/api/v1/push', queue: { maxShards: 0 } })] }, /remoteWrite\[0\]\.queue\.maxShards/],
    [{ remoteWrite: [RemoteWrite.mimir({ url: 'http://m/api/v1/push', queue: { batchSendDeadline: '5x' } })] }, /batchSendDeadline/],
    [{ remoteWrite: [RemoteWrite.mimir({ url: 'http://a/api/v1/push', name: 'x' }), RemoteWrite.mimir({ url: 'http://b/api/v1/push', name: 'x' })] }, /remoteWrite\[1\]\.name/],
  ])('bad input fails at synth, naming the field (%#)', (prometheus, error) => {
    expect(() => synthStack({ prometheus })).toThrow(error);
  });
});
