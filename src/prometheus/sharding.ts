import { RelabelConfig, ScrapeConfig } from './config-model';

/** Where the rules run when targets are sharded over several Prometheus servers. */
export enum ShardRuleEvaluation {
  /**
   * In the long-term store's ruler (Mimir ruler, Thanos Ruler, vmalert), which sees every shard's series: the
   * shards load no rule files. Give the ruler the files of the `<name>-rules` ConfigMap and this Alertmanager.
   */
  LONG_TERM_STORE = 'long-term-store',
  /**
   * Every shard evaluates every rule on its share only. Rules that need the whole picture misfire: `absent()`
   * (IrisAPIDown, KubeStateMetricsAbsent) fires on each shard that does not scrape the target. Only for rules
   * that hold per target.
   */
  EVERY_SHARD = 'every-shard',
}

/** Temporary label holding a target's hash; `__tmp_` labels are Prometheus's documented scratch space. */
export const SHARD_HASH_LABEL = '__tmp_hashmod';

/**
 * The relabeling that keeps a shard's share of a job's targets: the hash of `__address__` (after the job's own
 * relabeling, which may rewrite it) modulo `shards`, kept when it equals `shard`. The shares are disjoint and
 * cover every target.
 */
export function shardRelabeling(shard: number, shards: number): RelabelConfig[] {
  return [
    { source_labels: ['__address__'], modulus: shards, target_label: SHARD_HASH_LABEL, action: 'hashmod' },
    { source_labels: [SHARD_HASH_LABEL], regex: `${shard}`, action: 'keep' },
  ];
}

/** `job` scraping only its share on shard `shard` of `shards`. */
export function shardScrapeJob(job: ScrapeConfig, shard: number, shards: number): ScrapeConfig {
  return { ...job, relabel_configs: [...job.relabel_configs ?? [], ...shardRelabeling(shard, shards)] };
}
