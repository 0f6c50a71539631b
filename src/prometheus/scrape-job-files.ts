import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ConfigMapShards, OnDemandConfigMapShards } from '../common/config-map-shards';
import { toYaml } from '../common/serialize';
import { ScrapeConfig } from './config-model';
import { renderScrapeConfigFile } from './config-render';

/** Where a {@link ScrapeJobFiles} puts its ConfigMaps once its jobs outgrow prometheus.yml. */
export interface ScrapeJobFilesProps {
  /** Name of the first ConfigMap (see {@link ConfigMapShards}). */
  readonly name: string;
  /** Namespace of the ConfigMaps. */
  readonly namespace: string;
  /** Labels of the ConfigMaps. */
  readonly labels: Record<string, string>;
  /** Where the first ConfigMap is mounted. */
  readonly mountPath: string;
  /** YAML bytes of jobs prometheus.yml holds itself; beyond, every job moves to a file. */
  readonly inlineBudgetBytes: number;
}

/**
 * The scrape jobs of one prometheus.yml. While they are few they are written in it (`scrape_configs`); once
 * their YAML outgrows `inlineBudgetBytes`, each job is a file of its own (`<job>.yml`, loaded through
 * `scrape_config_files`) in ConfigMaps of at most 200 KiB: a ConfigMap holds 1 MiB, and client-side
 * `kubectl apply` copies it into a 256 KiB annotation. A thousand applications' jobs take about 1 MB.
 */
export class ScrapeJobFiles {
  private readonly inlineJobs: ScrapeConfig[] = [];
  private readonly fileNames = new Set<string>();
  private readonly files: OnDemandConfigMapShards;
  private readonly inlineBudgetBytes: number;
  private inlineBytes = 0;

  constructor(scope: Construct, id: string, props: ScrapeJobFilesProps) {
    this.inlineBudgetBytes = props.inlineBudgetBytes;
    this.files = new OnDemandConfigMapShards(scope, id, {
      name: props.name, namespace: props.namespace, labels: props.labels, mountPath: props.mountPath, volumeName: 'scrape-configs',
    });
  }

  /** Adds a job: to prometheus.yml, or to a file once they are many. */
  public add(job: ScrapeConfig): void {
    if (this.files.configMaps) return this.putFile(job);
    this.inlineJobs.push(job);
    this.inlineBytes += Buffer.byteLength(toYaml(renderScrapeConfigFile([job])));
    if (this.inlineBytes > this.inlineBudgetBytes) this.inlineJobs.splice(0).forEach((j) => this.putFile(j));
  }

  /** The jobs prometheus.yml lists itself. */
  public get jobs(): ScrapeConfig[] {
    return [...this.inlineJobs];
  }

  /** The `scrape_config_files` globs: one per ConfigMap, none while the jobs are inline. */
  public get globs(): string[] {
    return this.files.configMaps?.shards.map((shard) => `${shard.mountPath}/*.yml`) ?? [];
  }

  /** The ConfigMaps of the job files (none while the jobs are inline). */
  public get configMaps(): ConfigMapShards | undefined {
    return this.files.configMaps;
  }

  /** Mounts the job files, now and when they appear, into `container`. */
  public mountInto(container: kplus.Container): void {
    this.files.mountInto(container);
  }

  private putFile(job: ScrapeConfig): void {
    // ConfigMap keys allow [-._a-zA-Z0-9]; job names rarely need more, and a clash gets a number.
    const base = job.jobName.replace(/[^-._a-zA-Z0-9]/g, '_');
    let key = `${base}.yml`;
    for (let n = 2; this.fileNames.has(key); n++) key = `${base}-${n}.yml`;
    this.fileNames.add(key);
    this.files.put(key, toYaml(renderScrapeConfigFile([job])));
  }
}
