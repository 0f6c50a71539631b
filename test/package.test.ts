import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { consumerManifests } from './support/offline-lockfile';

// The proof that the package works for someone else: `npm pack` (of the lib/ that the test task's
// `tsc --build` just compiled), then a fresh cdk8s app outside the repository installs the tarball offline,
// compiles a consumer main.ts against the package's declarations, runs it and reads what it wrote.

const ROOT = path.join(__dirname, '..');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** The environment without the npm_* variables of an enclosing `npm test` (npm_config_local_prefix...). */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, env: cleanEnv(), encoding: 'utf8', stdio: 'pipe' });
  } catch (e: any) {
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

const CONSUMER_MAIN = `
import * as fs from 'fs';
import { App, Chart } from 'cdk8s';
import {
  AlertRouter, Dashboard, GrafanaWithDashboards, MonitoringStack, MonitoringStackLayout, PrometheusServer,
} from 'cdk8s-mlops-monitoring';

// 1. The whole stack, in another namespace, monitoring one more application, in the ten-file layout.
const app = new App();
const chart = new Chart(app, 'monitoring');
const stack = new MonitoringStack(chart, 'monitoring', {
  namespace: 'observability',
  grafana: { image: 'grafana/grafana:11.4.0' },
});
stack.monitorApplication({ name: 'shop', namespace: 'shop', serviceName: 'shop-service', portName: 'metrics' }, {
  alerts: [{ name: 'shop', rules: [{
    alert: 'ShopDown', expr: 'up{job="shop"} == 0', for: '1m', severity: 'critical', component: 'shop',
    summary: 'shop is down', description: 'no scrape for 1m',
  }] }],
});
stack.prometheus.addRuleGroup({ name: 'shop-recording', rules: [{ record: 'job:up:sum', expr: 'sum by (job) (up)' }] });
stack.grafana.addDashboard(Dashboard.fromJson({ uid: 'shop', title: 'Shop', panels: [] }));
stack.alertRouter.addReceiver({ name: 'shop-team', webhook: [{ url: 'http://hooks.example/shop' }] });
const written = new MonitoringStackLayout(stack).write(app, 'manifests/monitoring');

// 2. Constructs alone, through cdk8s's own synth (one file per chart).
const alone = new App({ outdir: 'dist' });
new AlertRouter(new Chart(alone, 'alerting'), 'alertmanager');
new GrafanaWithDashboards(new Chart(alone, 'grafana'), 'grafana', {
  prometheus: PrometheusServer.fromUrl('http://prometheus.elsewhere:9090'),
});
alone.synth();

fs.writeFileSync('result.json', JSON.stringify({ written, exports: Object.keys(require('cdk8s-mlops-monitoring')).sort() }));
`;

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    module: 'Node16', moduleResolution: 'node16', target: 'ES2022', lib: ['es2022'], types: ['node'],
    strict: true, skipLibCheck: true, outDir: 'out', rootDir: '.',
  },
  files: ['main.ts'],
};

test('npm pack: the tarball installs offline into a fresh cdk8s app and synthesizes there', () => {
  const work = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'cdk8s-mlops-monitoring-pack-'));
  expect(path.relative(ROOT, work).startsWith('..')).toBe(true); // outside the repository
  try {
    const timings: Record<string, number> = {};
    const timed = <T>(what: string, fn: () => T): T => {
      const start = Date.now();
      try { return fn(); } finally { timings[what] = Date.now() - start; }
    };

    // --- the tarball ---
    const [pack] = timed('pack', () => JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], ROOT))) as PackResult[];
    const files = pack.files.map((f) => f.path).sort();
    expect(files).toEqual(expect.arrayContaining([
      'package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'API.md',
      'lib/src/index.js', 'lib/src/index.d.ts', 'lib/src/stack.js', 'lib/src/stack.d.ts',
      'lib/imports/monitoring.coreos.com.js', 'lib/imports/monitoring.coreos.com.d.ts',
    ]));
    const unwanted = files.filter((f) =>
      /^(test|src|examples|dist|imports|bench|projenrc|node_modules|\.projen)\//.test(f)
      || /\.tsbuildinfo$|\.map$|(^|\/)[^/]*(?<!\.d)\.ts$|\.test\.|^lib\/src\/main\./.test(f)
      || /^(\.projenrc\.ts|tsconfig.*\.json|typedoc\.json|cdk8s\.yaml|package-lock\.json|\.npmrc)$/.test(f));
    expect(unwanted).toEqual([]);
    // Every compiled module has its declarations, and every file is JS, a declaration, a top-level doc or the jsii assembly.
    for (const js of files.filter((f) => f.endsWith('.js'))) expect(files).toContain(js.replace(/\.js$/, '.d.ts'));
    expect(files.filter((f) => !/^lib\/.*\.(js|d\.ts)$/.test(f))).toEqual(['.jsii', 'API.md', 'CHANGELOG.md', 'LICENSE', 'README.md', 'package.json']);
    console.log(`tarball ${pack.filename}: ${pack.files.length} files, ${(pack.size / 1024).toFixed(1)} KiB packed, ${(pack.unpackedSize / 1024).toFixed(1)} KiB unpacked`);

    // --- a fresh consumer app ---
    const appDir = path.join(work, 'consumer-app');
    fs.mkdirSync(appDir);
    // Offline: every package comes from the local npm cache, filled when this repository was installed.
    const manifests = consumerManifests(ROOT, path.join(work, pack.filename), appDir, ['cdk8s', 'cdk8s-plus-28', 'constructs', '@types/node']);
    fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify(manifests.packageJson, undefined, 2));
    fs.writeFileSync(path.join(appDir, 'package-lock.json'), JSON.stringify(manifests.packageLock, undefined, 2));
    timed('install', () => run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], appDir));
    const installed = JSON.parse(fs.readFileSync(path.join(appDir, 'node_modules', 'cdk8s-mlops-monitoring', 'package.json'), 'utf8'));
    expect(installed.version).toBe(PKG.version);
    expect(fs.existsSync(path.join(appDir, 'node_modules', 'cdk8s-mlops-monitoring', 'src'))).toBe(false);

    // The consumer's TypeScript, compiled against the package's declarations (found through `exports`).
    fs.writeFileSync(path.join(appDir, 'main.ts'), CONSUMER_MAIN);
    fs.writeFileSync(path.join(appDir, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG));
    timed('tsc', () => run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], appDir));
    timed('synth', () => run(process.execPath, ['out/main.js'], appDir));

    // Only the public entry points resolve: deep imports are closed by `exports`.
    const probe = `try { require('cdk8s-mlops-monitoring/lib/src/stack'); console.log('open') } catch (e) { console.log(e.code) }`
      + `; console.log(require('cdk8s-mlops-monitoring/package.json').version)`;
    expect(run(process.execPath, ['-e', probe], appDir).trim().split('\n')).toEqual(['ERR_PACKAGE_PATH_NOT_EXPORTED', PKG.version]);

    // --- what the consumer's app wrote ---
    const result = JSON.parse(fs.readFileSync(path.join(appDir, 'result.json'), 'utf8'));
    const layoutDir = path.join(appDir, 'manifests', 'monitoring');
    // The YAML files, and the list of what the app wrote (so a later synth removes only its own files).
    const yamlFiles = fs.readdirSync(layoutDir).filter((f) => f.endsWith('.yaml')).sort();
    expect(fs.readdirSync(layoutDir).filter((f) => !f.endsWith('.yaml'))).toEqual(['.written-files']);
    expect(yamlFiles).toEqual([
      'alertmanager-configmap.yaml', 'alertmanager-deployment.yaml', 'grafana-configmap.yaml',
      'grafana-dashboards-configmap.yaml', 'grafana-deployment.yaml', 'prometheus-configmap.yaml',
      'prometheus-deployment.yaml', 'prometheus-rbac.yaml', 'prometheus-rules.yaml',
      'servicemonitor-iris-api.yaml', 'servicemonitor-shop.yaml',
    ]);
    expect([...result.written].sort()).toEqual(yamlFiles);
    const objects = yamlFiles.flatMap((f) =>
      parseAllDocuments(fs.readFileSync(path.join(layoutDir, f), 'utf8')).map((d) => d.toJSON()));
    const namespaces = new Set(objects.filter((o) => !o.kind.startsWith('Cluster')).map((o) => o.metadata.namespace));
    // The shop ServiceMonitor lives with its app; Roles let Prometheus discover in shop and kube-system.
    expect(namespaces).toEqual(new Set(['observability', 'shop', 'kube-system']));
    const byName = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
    expect(byName('Deployment', 'grafana').spec.template.spec.containers[0].image).toBe('grafana/grafana:11.4.0');
    expect(byName('ConfigMap', 'prometheus-config').data['prometheus.yml']).toContain('job_name: shop');
    expect(Object.keys(byName('ConfigMap', 'prometheus-rules').data)).toEqual(expect.arrayContaining(['shop-alerts.yml', 'custom-rules.yml', 'api-alerts.yml']));
    expect(Object.keys(byName('ConfigMap', 'grafana-dashboards').data)).toContain('shop.json');
    expect(byName('ConfigMap', 'alertmanager-config').data['alertmanager.yml']).toContain('http://hooks.example/shop');
    expect(byName('ServiceMonitor', 'shop').metadata.namespace).toBe('shop');

    expect(fs.readdirSync(path.join(appDir, 'dist')).sort()).toEqual(['alerting.k8s.yaml', 'grafana.k8s.yaml']);
    const grafanaAlone = fs.readFileSync(path.join(appDir, 'dist', 'grafana.k8s.yaml'), 'utf8');
    expect(grafanaAlone).toContain('http://prometheus.elsewhere:9090');
    expect(grafanaAlone).not.toMatch(/name: prometheus/);

    // The installed package exports what lib/src/index.js exports here.
    expect(result.exports).toEqual(Object.keys(require(path.join(ROOT, 'lib', 'src', 'index.js'))).sort());
    expect(result.exports).toEqual(expect.arrayContaining(['MonitoringStack', 'PrometheusServer', 'AlertRouter',
      'GrafanaWithDashboards', 'ApplicationServiceMonitor', 'ScrapeJobs', 'Dashboards', 'FileLayout', 'MonitoringStackLayout']));
    console.log(`timings (ms): ${JSON.stringify(timings)}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}, 90_000);
