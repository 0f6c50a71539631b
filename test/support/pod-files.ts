import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { Manifest } from './synth';
import { useLocalCredentials } from './tools';

/**
 * The files a Prometheus pod sees, laid out under `root` as the kubelet would mount them: every ConfigMap
 * volume of `workload`'s `prometheus` container written to `<root><mountPath>/<key>`. Returns the path of the
 * configuration file (from `--config.file`), rewritten so its absolute paths (rule files, scrape job files,
 * credentials) point under `root`.
 */
export function materializePod(objects: Manifest[], workload: Manifest, root: string): string {
  const pod = workload.spec.template.spec;
  const container = pod.containers.find((c: any) => c.name === 'prometheus');
  for (const mount of container.volumeMounts ?? []) {
    // A StatefulSet's data volume comes from its claim template, not from the pod's volumes.
    const volume = (pod.volumes ?? []).find((v: any) => v.name === mount.name);
    const dir = path.join(root, mount.mountPath);
    fs.mkdirSync(dir, { recursive: true });
    if (volume?.configMap) {
      const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap.name);
      if (!configMap) throw new Error(`${workload.metadata.name} mounts the missing ConfigMap ${volume.configMap.name}`);
      for (const [key, value] of Object.entries(configMap.data ?? {})) fs.writeFileSync(path.join(dir, key), value as string);
    }
  }
  const configArg: string = container.args.find((a: string) => a.startsWith('--config.file='));
  const configFile = path.join(root, configArg.slice('--config.file='.length));
  const config = parse(fs.readFileSync(configFile, 'utf8'));
  const credentials = path.join(root, 'token');
  fs.writeFileSync(credentials, 'test-token\n');
  const local = (file: string) => path.join(root, file);
  const localJob = (job: any) => useLocalCredentials(job, credentials);
  (config.scrape_configs ?? []).forEach(localJob);
  for (const file of (config.scrape_config_files ?? []).flatMap((glob: string) => globFiles(local(glob)))) {
    const jobs = parse(fs.readFileSync(file, 'utf8'));
    jobs.scrape_configs.forEach(localJob);
    fs.writeFileSync(file, stringify(jobs));
  }
  if (config.rule_files) config.rule_files = config.rule_files.map(local);
  if (config.scrape_config_files) config.scrape_config_files = config.scrape_config_files.map(local);
  const localConfig = path.join(root, 'prometheus.local.yml');
  fs.writeFileSync(localConfig, stringify(config));
  return localConfig;
}

/** The files matching `<dir>/*.yml`, the only glob shape the library writes. */
export function globFiles(glob: string): string[] {
  const dir = path.dirname(glob);
  if (path.basename(glob) !== '*.yml') throw new Error(`unexpected glob ${glob}`);
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.yml')).sort().map((f) => path.join(dir, f)) : [];
}

/** What a materialized configuration loads, inline and from its globs. */
export interface LoadedConfig {
  /** The scrape jobs' names. */
  readonly jobs: string[];
  /** The rule groups' names. */
  readonly groups: string[];
  /** Every rule's expression, with its group's name. */
  readonly rules: { readonly group: string; readonly expr: string }[];
}

/** The jobs and rule groups a materialized configuration loads: inline and from its globs. */
export function loadedByConfig(localConfig: string): LoadedConfig {
  const config = parse(fs.readFileSync(localConfig, 'utf8'));
  const files = (globs: string[] | undefined) => (globs ?? []).flatMap(globFiles).map((f) => parse(fs.readFileSync(f, 'utf8')));
  const groups = files(config.rule_files).flatMap((f) => f.groups);
  return {
    jobs: [...(config.scrape_configs ?? []), ...files(config.scrape_config_files).flatMap((f) => f.scrape_configs)].map((j: any) => j.job_name),
    groups: groups.map((g: any) => g.name),
    rules: groups.flatMap((g: any) => g.rules.map((r: any) => ({ group: g.name, expr: r.expr }))),
  };
}

/** The Prometheus workloads (Deployments or StatefulSets with a `prometheus` container): one, or one per shard. */
export function prometheusWorkloads(objects: Manifest[]): Manifest[] {
  return objects.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind) && o.spec.template.spec.containers.some((c: any) => c.name === 'prometheus'));
}
