import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';

/**
 * The Prometheus and Alertmanager binaries from Debian's `prometheus` and `prometheus-alertmanager`
 * packages. A missing binary fails the test with the install command: suites are never skipped.
 */
export function requireBinary(name: 'promtool' | 'amtool' | 'prometheus' | 'prometheus-alertmanager'): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const binary = found.stdout.trim();
  if (found.status !== 0 || !binary) {
    throw new Error(`${name} is not installed: apt-get install -y --no-install-recommends prometheus prometheus-alertmanager (see .ci/run)`);
  }
  return binary;
}

/** Result of a command: exit status and combined output. */
export interface RunResult {
  readonly status: number;
  readonly output: string;
}

/** Runs a binary with arguments (no shell), in `cwd`. */
export function run(binary: string, args: string[], cwd?: string): RunResult {
  const result = spawnSync(binary, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status ?? -1, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

/** A fresh temporary folder, removed by the caller with {@link removeDir}. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Makes a synthesized prometheus.yml checkable by Debian's promtool, which is built without Kubernetes
 * service discovery: `kubernetes_sd_configs` become `file_sd_configs` (relabeling is kept and still
 * checked), credential files point at files that exist, and rule files are read from `rulesDir`.
 */
export function promtoolFriendlyConfig(prometheusYml: string, workDir: string, rulesDir: string): string {
  const config = parse(prometheusYml);
  const credentials = path.join(workDir, 'token');
  fs.writeFileSync(credentials, 'test-token\n');
  for (const job of config.scrape_configs ?? []) {
    if (job.kubernetes_sd_configs) {
      delete job.kubernetes_sd_configs;
      job.file_sd_configs = [{ files: [path.join(workDir, 'sd', '*.json')] }];
    }
    if (job.authorization?.credentials_file) job.authorization.credentials_file = credentials;
    if (job.tls_config?.ca_file) job.tls_config.ca_file = credentials;
  }
  config.rule_files = [path.join(rulesDir, '*.yml')];
  return stringify(config);
}

/** Writes each rule file (ConfigMap key → content) into `dir`. */
export function writeRuleFiles(rules: Record<string, string>, dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return Object.entries(rules).map(([name, content]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  });
}
