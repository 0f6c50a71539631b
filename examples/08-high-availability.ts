import { App, Chart } from 'cdk8s';
import { MonitoringStack, RemoteWrite } from 'cdk8s-mlops-monitoring';

/** Grafana Mimir, run by another team: the tenant and a token (a key of Secret `prometheus-remote-write`). */
const mimir = RemoteWrite.mimir({
  url: 'http://mimir-distributor.mimir.svc:8080/api/v1/push',
  tenant: 'mlops',
  bearerTokenSecretKey: 'mimir-token',
  queue: { maxShards: 30, maxSamplesPerSend: 5000 },
  // Grafana queries Mimir: one view over every replica (and shard), deduplicated by the store.
  queryUrl: 'http://mimir-query-frontend.mimir.svc:8080/prometheus',
});

/**
 * Two Prometheus replicas (each its own PVC, external label `replica`), a 3-member Alertmanager cluster that
 * both send every alert to, and remote write to Mimir.
 */
export function highAvailability(app: App): MonitoringStack {
  const chart = new Chart(app, 'monitoring');
  return new MonitoringStack(chart, 'monitoring', {
    prometheus: { replicas: 2, persistence: { size: '100Gi' }, remoteWrite: [mimir] },
    alertmanager: { replicas: 3, persistence: { size: '1Gi' } },
  });
}

/**
 * Too many applications for one Prometheus: 4 shards of 2 replicas. Each job (an application) is scraped by the
 * shard its name's hashmod picks, which also evaluates the alerts that read it; every shard writes to Mimir,
 * which Grafana queries.
 */
export function shardedStack(app: App): MonitoringStack {
  const chart = new Chart(app, 'monitoring-sharded');
  return new MonitoringStack(chart, 'monitoring', {
    prometheus: { shards: 4, replicas: 2, remoteWrite: [mimir] },
    alertmanager: { replicas: 3 },
  });
}

if (require.main === module) {
  // Two alternatives, not two stacks of one cluster (both are `monitoring` in namespace mlops): one app each.
  const ha = new App({ outdir: 'dist/high-availability' });
  highAvailability(ha);
  ha.synth();
  const sharded = new App({ outdir: 'dist/sharded' });
  shardedStack(sharded);
  sharded.synth();
}
