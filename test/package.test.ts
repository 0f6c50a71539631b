import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { freshCopy } from './support/fresh-copy';
import { consumerManifests } from './support/offline-lockfile';

// The proof that the package works for someone else: `npm pack` in a fresh copy of the repository (its files as a
// clone has them: no lib/, no .jsii), whose `prepack` compiles with jsii first; then fresh cdk8s apps outside the
// repository install the tarball offline, compile a consumer main.ts against the package's declarations, run it
// and read what it wrote:
// - an app with a Node16 tsconfig (what `exports` and current TypeScript projects use), exercising the API;
// - an app exactly as `cdk8s init typescript-app` makes it: the CLI template's main.ts and stock tsconfig.json
//   (module CommonJS, so classic node resolution; no skipLibCheck, so every declaration the package ships is
//   type-checked), which must produce the objects this repository's own app produces.

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
  AlertRouter, AlertSeverity, Dashboard, GrafanaWithDashboards, MonitoringStack, MonitoringStackLayout, PrometheusServer,
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
    alert: 'ShopDown', expr: 'up{job="shop"} == 0', forDuration: '1m', severity: AlertSeverity.CRITICAL, component: 'shop',
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

/** The consumers' work folder, the fresh copy packed in it, the tarball, and what `npm pack` reported: made once. */
let work: string;
let clone: string;
let pack: PackResult;
const timings: Record<string, number> = {};
function timed<T>(what: string, fn: () => T): T {
  const start = Date.now();
  try { return fn(); } finally { timings[what] = Date.now() - start; }
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'cdk8s-mlops-monitoring-pack-'));
  clone = path.join(work, 'clone');
  timed('fresh copy', () => freshCopy(ROOT, clone));
  expect(['lib', '.jsii'].filter((f) => fs.existsSync(path.join(clone, f)))).toEqual([]);
  [pack] = timed('pack (prepack compiles)', () => JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], clone))) as PackResult[];
}, 240_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/**
 * A fresh app folder with the packed tarball and cdk8s installed offline: every package comes from the local
 * npm cache, filled when this repository was installed.
 */
function installConsumer(name: string): string {
  const appDir = path.join(work, name);
  fs.mkdirSync(appDir);
  const manifests = consumerManifests(ROOT, path.join(work, pack.filename), appDir, ['cdk8s', 'cdk8s-plus-28', 'constructs', '@types/node']);
  fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify(manifests.packageJson, undefined, 2));
  fs.writeFileSync(path.join(appDir, 'package-lock.json'), JSON.stringify(manifests.packageLock, undefined, 2));
  timed(`install ${name}`, () => run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], appDir));
  const installed = JSON.parse(fs.readFileSync(path.join(appDir, 'node_modules', 'cdk8s-mlops-monitoring', 'package.json'), 'utf8'));
  expect(installed.version).toBe(PKG.version);
  return appDir;
}

/** The consumer's TypeScript, compiled with the repository's TypeScript against the package's declarations. */
function compile(appDir: string): void {
  timed(`tsc ${path.basename(appDir)}`, () => run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], appDir));
}

function readObjects(files: string[]): any[] {
  return files.flatMap((f) => parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJSON()));
}

/** The bundled dependencies and what they depend on, as the lockfile has them (npm packs the whole closure). */
function bundledClosure(bundled: string[]): Set<string> {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
  const closure = new Set<string>();
  const queue = [...bundled];
  while (queue.length) {
    const name = queue.pop()!;
    if (closure.has(name)) continue;
    closure.add(name);
    queue.push(...Object.keys(lock.packages[`node_modules/${name}`]?.dependencies ?? {}));
  }
  return closure;
}

test('npm pack in a fresh clone: the tarball holds the compiled library, its declarations, the jsii assembly and the docs only', () => {
  const files = pack.files.map((f) => f.path).sort();
  expect(files).toEqual(expect.arrayContaining([
    'package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'API.md', '.jsii',
    'lib/src/index.js', 'lib/src/index.d.ts', 'lib/src/stack.js', 'lib/src/stack.d.ts',
    'lib/imports/monitoring.coreos.com.js', 'lib/imports/monitoring.coreos.com.d.ts',
  ]));
  // The assembly packed is the one of this version, compiled from these sources.
  const assembly = JSON.parse(fs.readFileSync(path.join(clone, '.jsii'), 'utf8'));
  expect({ name: assembly.name, version: assembly.version }).toEqual({ name: PKG.name, version: PKG.version });
  expect(Object.keys(assembly.types)).toContain(`${PKG.name}.MonitoringStack`);
  // The dependencies that are not jsii assemblies travel inside the package (bundledDependencies), and nothing
  // else of node_modules does.
  const bundled: string[] = PKG.bundledDependencies ?? [];
  const [fromNodeModules, ours] = [files.filter((f) => f.startsWith('node_modules/')), files.filter((f) => !f.startsWith('node_modules/'))];
  const closure = bundledClosure(bundled);
  expect(fromNodeModules.filter((f) => ![...closure].some((dep) => f.startsWith(`node_modules/${dep}/`)))).toEqual([]);
  expect(bundled.filter((dep) => !files.includes(`node_modules/${dep}/package.json`))).toEqual([]);
  const unwanted = ours.filter((f) =>
    /^(test|src|examples|dist|imports|bench|projenrc|\.projen)\//.test(f)
    || /\.tsbuildinfo$|\.map$|(^|\/)[^/]*(?<!\.d)\.ts$|\.test\.|^lib\/src\/main\./.test(f)
    || /^(\.projenrc\.ts|tsconfig.*\.json|typedoc\.json|cdk8s\.yaml|package-lock\.json|\.npmrc)$/.test(f));
  expect(unwanted).toEqual([]);
  // Every compiled module has its declarations, and every file is JS, a declaration, the assembly or a top-level doc.
  for (const js of ours.filter((f) => f.endsWith('.js'))) expect(ours).toContain(js.replace(/\.js$/, '.d.ts'));
  expect(ours.filter((f) => !/^lib\/.*\.(js|d\.ts)$/.test(f) && f !== '.jsii'))
    .toEqual(['API.md', 'CHANGELOG.md', 'LICENSE', 'README.md', 'package.json']);
});

test('a fresh cdk8s app with a Node16 tsconfig installs the tarball offline, compiles against it and synthesizes', () => {
  expect(path.relative(ROOT, work).startsWith('..')).toBe(true); // outside the repository
  const appDir = installConsumer('consumer-app');
  expect(fs.existsSync(path.join(appDir, 'node_modules', 'cdk8s-mlops-monitoring', 'src'))).toBe(false);

  // The consumer's TypeScript, compiled against the package's declarations (found through `exports`).
  fs.writeFileSync(path.join(appDir, 'main.ts'), CONSUMER_MAIN);
  fs.writeFileSync(path.join(appDir, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG));
  compile(appDir);
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
  const objects = readObjects(yamlFiles.map((f) => path.join(layoutDir, f)));
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

  // The installed package exports what the compiled lib/src/index.js exports.
  expect(result.exports).toEqual(Object.keys(require(path.join(clone, 'lib', 'src', 'index.js'))).sort());
  expect(result.exports).toEqual(expect.arrayContaining(['MonitoringStack', 'PrometheusServer', 'AlertRouter',
    'GrafanaWithDashboards', 'ApplicationServiceMonitor', 'ScrapeJobs', 'Dashboards', 'FileLayout', 'MonitoringStackLayout']));
}, 90_000);

// What the stock app adds to the template's chart: the stack as the README shows it, plus one more application
// (in its own namespace, so that Prometheus also gets a Role there).
const STOCK_CHART_BODY = `
    const stack = new MonitoringStack(this, 'monitoring');
    stack.monitorApplication({ name: 'shop', namespace: 'shop', serviceName: 'shop-service', portName: 'metrics' });
`;

test('an app made by `cdk8s init typescript-app` (stock tsconfig: CommonJS, no skipLibCheck) compiles and synthesizes what the repository\'s app does', () => {
  const template = path.join(path.dirname(require.resolve('cdk8s-cli/package.json')), 'templates', 'typescript-app');
  const appDir = installConsumer('stock-app');
  // The template's tsconfig.json as it is, and its main.ts with the stack in the chart (`cdk8s init` names the
  // chart after the folder).
  fs.copyFileSync(path.join(template, 'tsconfig.json'), path.join(appDir, 'tsconfig.json'));
  const stockMain = fs.readFileSync(path.join(template, 'main.ts'), 'utf8');
  const marker = '// define resources here';
  expect(stockMain).toContain(marker);
  const main = `import { MonitoringStack } from 'cdk8s-mlops-monitoring';\n${stockMain}`
    .replace(marker, STOCK_CHART_BODY.trim())
    .replace('{{ $base }}', 'stock-app');
  fs.writeFileSync(path.join(appDir, 'main.ts'), main);
  compile(appDir);
  timed('synth stock-app', () => run(process.execPath, ['main.js'], appDir));

  // cdk8s's own synth: one file for the chart.
  expect(fs.readdirSync(path.join(appDir, 'dist'))).toEqual(['stock-app.k8s.yaml']);
  const objects = readObjects([path.join(appDir, 'dist', 'stock-app.k8s.yaml')]);

  // The same objects as the compiled library gives for the same chart, in this process...
  const { App, Chart } = require('cdk8s') as typeof import('cdk8s');
  const { MonitoringStack } = require(path.join(clone, 'lib', 'src', 'index.js'));
  const chart = new Chart(new App(), 'stock-app');
  new MonitoringStack(chart, 'monitoring').monitorApplication({ name: 'shop', namespace: 'shop', serviceName: 'shop-service', portName: 'metrics' });
  expect(objects).toEqual(chart.toJson());

  // ...and what the repository's own app writes (dist/k8s/monitoring, kept current by the drift test), plus the
  // application: a ServiceMonitor, a Role and RoleBinding in its namespace, a scrape job. Nothing else changes.
  const key = (o: any) => `${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`;
  const repoDir = path.join(ROOT, 'dist', 'k8s', 'monitoring');
  const repoObjects = readObjects(fs.readdirSync(repoDir).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(repoDir, f)));
  const repoKeys = new Set(repoObjects.map(key));
  expect(objects.map(key).filter((k) => !repoKeys.has(k)).sort()).toEqual(['Role shop/prometheus', 'RoleBinding shop/prometheus', 'ServiceMonitor shop/shop']);
  const prometheusYml = (list: any[]) => parse(list.find((o) => key(o) === 'ConfigMap mlops/prometheus-config').data['prometheus.yml']);
  const byKey = new Map(objects.map((o) => [key(o), o]));
  for (const repoObject of repoObjects) {
    if (key(repoObject) === 'ConfigMap mlops/prometheus-config') continue;
    expect({ [key(repoObject)]: byKey.get(key(repoObject)) }).toEqual({ [key(repoObject)]: repoObject });
  }
  const ours = prometheusYml(objects);
  const theirs = prometheusYml(repoObjects);
  const shopJob = ours.scrape_configs.find((job: any) => job.job_name === 'shop');
  expect(shopJob.kubernetes_sd_configs).toEqual([expect.objectContaining({ namespaces: { names: ['shop'] } })]);
  expect({ ...ours, scrape_configs: ours.scrape_configs.filter((job: any) => job !== shopJob) }).toEqual(theirs);
}, 90_000);
