import { createHash } from 'crypto';
import { RelabelAction, RelabelConfig, ScrapeConfig } from './config-model';
import { expectType, validateInteger } from '../common/validation';

/** How scrape targets are spread over several Prometheus servers (see `PrometheusServerOptions.shards`). */
export enum ShardBy {
  /**
   * Each scrape job whole on one shard: the one whose number is the `hashmod` of the job's name, the function
   * Prometheus's relabeling applies, worked out at synth. A shard's prometheus.yml holds only its jobs, and
   * every series of an application is on one shard, so its alerts (including `absent()`) run there
   * ({@link ShardRuleEvaluation.OWNING_SHARD}). Adding a job never moves another. One job's targets cannot
   * outgrow one shard.
   */
  JOB = 'job',
  /**
   * Each target on the shard given by the `hashmod` of its `__address__`: every shard carries every job and
   * keeps its share of the targets. Balances a few very large jobs; but no shard sees a whole job, so the rules
   * must run in the long-term store ({@link ShardRuleEvaluation.LONG_TERM_STORE}), and every shard's
   * configuration holds every job.
   */
  TARGET = 'target',
}

/** Where the rules run when targets are sharded over several Prometheus servers. */
export enum ShardRuleEvaluation {
  /**
   * In the long-term store's ruler (Mimir ruler, Thanos Ruler, vmalert), which sees every shard's series: the
   * shards load no rule files. Give the ruler the files of the `<name>-rules` ConfigMap and this Alertmanager.
   */
  LONG_TERM_STORE = 'long-term-store',
  /**
   * With {@link ShardBy.JOB}: each rule group runs on the shard that holds the jobs its expressions name
   * (`job="..."` matchers), and a group naming no job (such as Watchdog or TargetDown) on every shard. A group
   * naming jobs of two shards, or one running on every shard with an `absent()` of series no `job` matcher
   * places, fails at synth: no single shard could evaluate it.
   */
  OWNING_SHARD = 'owning-shard',
}

/** Temporary label holding a target's hash; `__tmp_` labels are Prometheus's documented scratch space. */
export const SHARD_HASH_LABEL = '__tmp_hashmod';

/** Target sharding over several Prometheus servers (see `PrometheusServerOptions.shards`). */
export class Sharding {
  /** Temporary label holding a target's hash; `__tmp_` labels are Prometheus's documented scratch space. */
  public static readonly HASH_LABEL = SHARD_HASH_LABEL;

  /**
   * What Prometheus's `hashmod` relabel action computes for `value`: the last 8 bytes of its MD5 sum, read as a
   * big-endian unsigned integer, modulo `modulus`. With {@link ShardBy.JOB}, the shard of the job named `value`.
   * @param value the source labels' values, joined by `;`
   * @param modulus the number of shards
   */
  public static hashmod(value: string, modulus: number): number {
    expectType('Sharding.hashmod', 'value', value, 'string');
    validateInteger('Sharding.hashmod', 'modulus', modulus, 1);
    const digest = createHash('md5').update(value, 'utf8').digest();
    return Number(digest.readBigUInt64BE(8) % BigInt(modulus));
  }

  /**
   * The relabeling that keeps a shard's share of a job's targets ({@link ShardBy.TARGET}): the hash of
   * `__address__` (after the job's own relabeling, which may rewrite it) modulo `shards`, kept when it equals
   * `shard`. The shares are disjoint and cover every target.
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
