import { RelabelAction, RelabelConfig, ScrapeConfig } from './config-model';

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

/** Target sharding over several Prometheus servers (see `PrometheusServerOptions.shards`). */
export class Sharding {
  /** Temporary label holding a target's hash; `__tmp_` labels are Prometheus's documented scratch space. */
  public static readonly HASH_LABEL = SHARD_HASH_LABEL;

  /**
   * The relabeling that keeps a shard's share of a job's targets: the hash of `__address__` (after the job's own
   * relabeling, which may rewrite it) modulo `shards`, kept when it equals `shard`. The shares are disjoint and
   * cover every target.
   * @param shard the shard's number, from 0
   * @param shards the number of shards
   */
  public static relabeling(shard: number, shards: number): RelabelConfig[] {
    return [
      { sourceLabels: ['__address__'], modulus: shards, targetLabel: SHARD_HASH_LABEL, action: RelabelAction.HASHMOD },
      { sourceLabels: [SHARD_HASH_LABEL], regex: `${shard}`, action: RelabelAction.KEEP },
    ];
  }

  /**
   * `job` scraping only its share on shard `shard` of `shards`: its relabeling followed by {@link Sharding.relabeling}.
   * @param job the scrape job
   * @param shard the shard's number, from 0
   * @param shards the number of shards
   */
  public static scrapeJob(job: ScrapeConfig, shard: number, shards: number): ScrapeConfig {
    return { ...job, relabelConfigs: [...job.relabelConfigs ?? [], ...Sharding.relabeling(shard, shards)] };
  }

  private constructor() {}
}
