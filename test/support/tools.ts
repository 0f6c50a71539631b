import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { Versions } from '../../src/common/versions';

/** The programs tools/install.sh builds, and the release each is built from. */
const PROGRAMS = {
  promtool: { release: 'prometheus', version: Versions.PROMETHEUS },
  prometheus: { release: 'prometheus', version: Versions.PROMETHEUS },
  amtool: { release: 'alertmanager', version: Versions.ALERTMANAGER },
  alertmanager: { release: 'alertmanager', version: Versions.ALERTMANAGER },
} as const;

export type ToolName = keyof typeof PROGRAMS;

/** Where tools/install.sh puts a release's binaries: a per-version folder of the user's cache. */
function toolsBinDir(release: string, version: string): string {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'cdk8s-mlops-monitoring', 'tools', `${release}-${version}`, 'bin');
}

// Binaries whose version was checked: promtool runs hundreds of times in a suite, `--version` once.
const checked = new Map<ToolName, string>();

/**
 * A program built by tools/install.sh at the version the library deploys (src/common/versions.ts), never one
 * found on the PATH. A missing binary, or one of another version, fails the test with the install command:
 * suites are never skipped.
 */
export function requireBinary(name: ToolName): string {
  const known = checked.get(name);
  if (known) return known;
  const { release, version } = PROGRAMS[name];
  const binary = path.join(toolsBinDir(release, version), name);
  if (!fs.existsSync(binary)) {
    throw new Error(`${name} ${version} is not built (no ${binary}): run tools/install.sh (see .ci/run)`);
  }
  const reported = run(binary, ['--version']);
  const found = /version (\S+)/.exec(reported.output)?.[1];
  if (reported.status !== 0 || found !== version) {
    throw new Error(`${binary} reports version ${found ?? '(none)'}, not ${version}: run tools/install.sh\n${reported.output}`);
  }
  checked.set(name, binary);
  return binary;
}

/** Result of a command: exit status and combined output. */
export interface RunResult {
  readonly status: number;
  readonly output: string;
}

/** Runs a binary with arguments (no shell), in `cwd`, killing it after `timeoutMs`. */
export function run(binary: string, args: string[], cwd?: string, timeoutMs = 60_000): RunResult {
  const result = spawnSync(binary, args, { cwd, encoding: 'utf8', timeout: timeoutMs });
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
 * Points the files a synthesized prometheus.yml reads in the pod at local ones, so that `promtool check config`
 * can open them: credential and CA files at a file that exists, rule files at those extracted into `rulesDir`.
 * Everything else (Kubernetes service discovery included) is checked as synthesized.
 */
export function withLocalFiles(prometheusYml: string, workDir: string, rulesDir: string): string {
  const config = parse(prometheusYml);
  const credentials = path.join(workDir, 'token');
  fs.writeFileSync(credentials, 'test-token\n');
  for (const job of config.scrape_configs ?? []) useLocalCredentials(job, credentials);
  config.rule_files = [path.join(rulesDir, '*.yml')];
  return stringify(config);
}

/** Points a scrape job's credential and CA files (paths in the pod) at `file`, which exists here. */
export function useLocalCredentials(job: { authorization?: { credentials_file?: string }; tls_config?: { ca_file?: string } }, file: string): void {
  if (job.authorization?.credentials_file) job.authorization.credentials_file = file;
  if (job.tls_config?.ca_file) job.tls_config.ca_file = file;
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
