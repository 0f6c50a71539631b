import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { consumerApp } from './consumers/typescript/app';
import { PKG, ROOT, pacmak, pythonPackage, requireAssembly, runTool } from './support/python-package';

// The packages for other languages, used as their users use them. jsii-pacmak generates the Python and Go packages
// from the assembly (.jsii) that the test task's `jsii` compile wrote; a Python app and a Go app, each the twin of
// test/consumers/typescript/app.ts, run against them; what they synthesize must equal what the TypeScript app
// synthesizes. The Java package is built (Maven) and its jar checked. Nothing is skipped: a missing toolchain
// fails with the command that installs it (tools/install-all.sh, which `npm test` runs first).

const CONSUMERS = path.join(__dirname, 'consumers');
const GO = process.env.GO ?? (fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go');
const run = runTool;

/** Every file an app wrote, parsed: file name → its objects. */
function synthesized(outdir: string): Record<string, unknown[]> {
  const files = fs.readdirSync(outdir).filter((f) => f.endsWith('.yaml')).sort();
  return Object.fromEntries(files.map((f) => [f, parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf8')).map((d) => d.toJSON())]));
}

function texts(outdir: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(outdir).sort().map((f) => [f, fs.readFileSync(path.join(outdir, f), 'utf8')]));
}

/** Versions of the npm packages the library is developed against (package-lock.json, installed). */
function npmVersion(name: string): string {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
}

let work: string;
let typescriptOut: string;

beforeAll(() => {
  requireAssembly();
  work = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'cdk8s-mlops-monitoring-consumers-'));
  typescriptOut = path.join(work, 'typescript-out');
  const app = new App({ outdir: typescriptOut });
  consumerApp(app);
  app.synth();
  // Go sources; the Go module builds below. The Python package: test/support/python-package.ts.
  pacmak(['--code-only', '--target', 'go', '-o', path.join(work, 'packages')]);
}, 300_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the pinned Python and Go dependencies are the npm versions the library is built against', () => {
  const requirements = fs.readFileSync(path.join(ROOT, 'tools', 'python', 'requirements.txt'), 'utf8');
  const pin = (name: string) => new RegExp(`^${name}==(\\S+)`, 'm').exec(requirements)?.[1];
  expect({
    cdk8s: pin('cdk8s'), 'cdk8s-plus-28': pin('cdk8s-plus-28'), constructs: pin('constructs'), jsii: pin('jsii'),
  }).toEqual({
    cdk8s: npmVersion('cdk8s'), 'cdk8s-plus-28': npmVersion('cdk8s-plus-28'), constructs: npmVersion('constructs'),
    jsii: npmVersion('jsii-pacmak'), // the runtime of the version that generated the code
  });
  const goMod = fs.readFileSync(path.join(CONSUMERS, 'go', 'go.mod'), 'utf8');
  const req = (mod: string) => new RegExp(`^\\s*${mod.replace(/[./]/g, '\\$&')} v(\\S+)`, 'm').exec(goMod)?.[1];
  expect({
    cdk8s: req('github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2'),
    'cdk8s-plus-28': req('github.com/cdk8s-team/cdk8s-plus-go/cdk8splus28/v2'),
    constructs: req('github.com/aws/constructs-go/constructs/v10'),
    jsii: req('github.com/aws/jsii-runtime-go'),
  }).toEqual({
    cdk8s: npmVersion('cdk8s'), 'cdk8s-plus-28': npmVersion('cdk8s-plus-28'), constructs: npmVersion('constructs'),
    jsii: npmVersion('jsii-pacmak'),
  });
});

test('Python: the wheel installs beside cdk8s from PyPI, and a Python app synthesizes what the TypeScript app does', () => {
  // The wheel built by jsii-pacmak and setuptools, installed beside the cached virtualenv (cdk8s, cdk8s-plus-28,
  // constructs, jsii from PyPI, pinned), its dependencies checked with `pip check`: test/support/python-package.ts.
  const { python, pythonPath: site, wheel } = pythonPackage();
  expect(wheel).toBe(`cdk8s_mlops_monitoring-${PKG.version}-py3-none-any.whl`);

  const outdir = path.join(work, 'python-out');
  run(python, [path.join(CONSUMERS, 'python', 'app.py'), outdir], { env: { PYTHONPATH: site } });
  expect(synthesized(outdir)).toEqual(synthesized(typescriptOut));
  expect(texts(outdir)).toEqual(texts(typescriptOut));
}, 300_000);

test('Go: the module builds (replace to the local output) and a Go app synthesizes what the TypeScript app does', () => {
  const goVersion = (() => {
    try {
      return execFileSync(GO, ['version'], { encoding: 'utf8' });
    } catch {
      throw new Error(`Go is needed (${GO} not found): install Go 1.26 (.ci/run puts /usr/local/go/bin on the PATH)`);
    }
  })();
  expect(goVersion).toMatch(/go1\.(2[5-9]|[3-9]\d)/);
  // cdk8s and cdk8s-plus-28 generated from the npm packages (the Go proxy does not serve them here).
  const bindings = run('bash', [path.join(ROOT, 'tools', 'jsii-bindings', 'install.sh')], { timeout: 900_000 }).trim().split('\n').pop()!;
  const generated = path.join(work, 'packages', 'go', 'cdk8smlopsmonitoring');
  expect(fs.readFileSync(path.join(generated, 'go.mod'), 'utf8'))
    .toContain('module github.com/iris-mlops/cdk8s-mlops-monitoring-go/cdk8smlopsmonitoring');

  const app = path.join(work, 'go-app');
  fs.mkdirSync(app);
  for (const f of ['main.go', 'go.mod', 'go.sum']) fs.copyFileSync(path.join(CONSUMERS, 'go', f), path.join(app, f));
  run(GO, ['mod', 'edit',
    `-replace=github.com/iris-mlops/cdk8s-mlops-monitoring-go/cdk8smlopsmonitoring=${generated}`,
    `-replace=github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2=${path.join(bindings, 'go', 'cdk8s')}`,
    `-replace=github.com/cdk8s-team/cdk8s-plus-go/cdk8splus28/v2=${path.join(bindings, 'go', 'cdk8splus28')}`,
  ], { cwd: app });
  // -mod=mod: the library's generated go.mod may require newer modules than the committed go.sum lists.
  run(GO, ['build', '-mod=mod', '-o', 'consumer', '.'], { cwd: app, timeout: 900_000 });

  const outdir = path.join(work, 'go-out');
  run(path.join(app, 'consumer'), [outdir], { cwd: app });
  expect(synthesized(outdir)).toEqual(synthesized(typescriptOut));
  expect(texts(outdir)).toEqual(texts(typescriptOut));
}, 900_000);

test('Java: the Maven package builds and its jar holds the classes and the assembly', () => {
  const bindings = run('bash', [path.join(ROOT, 'tools', 'jsii-bindings', 'install.sh')], { timeout: 900_000 }).trim().split('\n').pop()!;
  const out = path.join(work, 'java-out');
  // jsii-pacmak adds its output folder as a Maven repository: cdk8s and cdk8s-plus-28 (built locally: Maven Central
  // does not serve them here) go there first. Plugins, the jsii runtime and constructs come from a cached repository.
  fs.mkdirSync(path.join(out, 'java'), { recursive: true });
  fs.cpSync(path.join(bindings, 'java'), path.join(out, 'java'), { recursive: true });
  const cache = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'cdk8s-mlops-monitoring', 'maven-repo');
  pacmak(['--target', 'java', `--maven-local-repository=${cache}`, '-o', out]);

  const { groupId, artifactId } = PKG.jsii.targets.java.maven;
  const jar = path.join(out, 'java', ...groupId.split('.'), artifactId, PKG.version, `${artifactId}-${PKG.version}.jar`);
  expect(fs.existsSync(jar)).toBe(true);
  const entries = run('unzip', ['-Z1', jar]).split('\n');
  const pkgPath = PKG.jsii.targets.java.package.replace(/\./g, '/');
  expect(entries).toEqual(expect.arrayContaining([
    `${pkgPath}/MonitoringStack.class`,
    `${pkgPath}/MonitoringStack$Builder.class`,
    `${pkgPath}/MonitoringStackProps.class`,
    `${pkgPath}/MonitoredApplication.class`,
    `${pkgPath}/AlertSeverity.class`,
    `${pkgPath}/$Module.class`,
    `${pkgPath}/${PKG.name}@${PKG.version}.jsii.tgz`,
  ]));
}, 900_000);
