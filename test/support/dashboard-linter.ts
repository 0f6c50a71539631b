import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { withTempDir } from './promtool';
import { run, RunResult } from './tools';

/** The wrapper module that pins Grafana's dashboard-linter, its install script and the lint configuration. */
const TOOL_DIR = path.join(__dirname, '..', '..', 'tools', 'dashboard-linter');

/** The lint configuration (exclusions, each with its reason) the stack's dashboards are linted with. */
export const LINT_CONFIG = fs.readFileSync(path.join(TOOL_DIR, 'lint.yml'), 'utf8');

/** The linter version pinned in tools/dashboard-linter/go.mod. */
export function dashboardLinterVersion(): string {
  const version = /^\s*github\.com\/grafana\/dashboard-linter (\S+)/m.exec(fs.readFileSync(path.join(TOOL_DIR, 'go.mod'), 'utf8'))?.[1];
  if (!version) throw new Error(`${TOOL_DIR}/go.mod does not require github.com/grafana/dashboard-linter`);
  return version;
}

/**
 * The linter binary where tools/dashboard-linter/install.sh builds it. A missing binary fails the test with
 * the install command: the suite is never skipped.
 */
export function requireDashboardLinter(): string {
  const version = dashboardLinterVersion();
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const binary = path.join(cache, 'cdk8s-mlops-monitoring', 'dashboard-linter', version, 'dashboard-linter');
  if (!fs.existsSync(binary)) {
    throw new Error(`dashboard-linter ${version} is not installed at ${binary}: bash tools/dashboard-linter/install.sh (see .ci/run)`);
  }
  return binary;
}

/**
 * `dashboard-linter lint --strict` (a warning fails too) on a dashboard JSON with a lint configuration; the
 * output without its terminal colours.
 */
export function lintDashboard(dashboardJson: string, config: string = LINT_CONFIG): RunResult {
  const linter = requireDashboardLinter();
  return withTempDir('dashboard-lint', (dir) => {
    const dashboard = path.join(dir, 'dashboard.json');
    const configFile = path.join(dir, 'lint.yml');
    fs.writeFileSync(dashboard, dashboardJson);
    fs.writeFileSync(configFile, config);
    const result = run(linter, ['lint', '--strict', '--config', configFile, dashboard]);
    return { status: result.status, output: result.output.replace(/\x1b\[[0-9;]*m/g, '') };
  });
}
