import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { consumerApp } from './consumers/typescript/app';
import { freshCopy } from './support/fresh-copy';
import { PKG, ROOT, pythonPackage, pythonVenv, requireAssembly, runTool, toolEnv } from './support/python-package';
import { MonitoringStack } from '../src';

// The packages for other languages, used as their users use them. `npm run package-all`, the one command that
// builds every package, runs in a fresh copy of the repository (no lib/, no .jsii: it compiles first) and writes
// dist/js, dist/python, dist/go and dist/java. A Go app builds against dist/go; the wheel of dist/python installs
// into a plain virtualenv with pip and into a project made by `cdk8s init python-app` with uv, as the README says.
// Each app, a twin of test/consumers/typescript/app.ts (or of the README's main.py), must synthesize what the
// TypeScript app synthesizes. The Python package jsii-pacmak generates for the docs test (pinned dependencies) runs
// the Python twin too. Nothing is skipped: a missing toolchain fails with the command that installs it
// (tools/install-all.sh, which `npm test` runs first).

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
/** The fresh copy in which `npm run package-all` ran, and its dist/. */
let clone: string;
let dist: string;
const { python: py, go, java } = PKG.jsii.targets;

beforeAll(() => {
  requireAssembly();
  work = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'cdk8s-mlops-monitoring-consumers-'));
  typescriptOut = path.join(work, 'typescript-out');
  const app = new App({ outdir: typescriptOut });
  consumerApp(app);
  app.synth();
  clone = path.join(work, 'clone');
  dist = path.join(clone, 'dist');
  freshCopy(ROOT, clone);
  // Go and Java build against cdk8s bindings generated here: ~4 minutes the first time, cached after.
  run('npm', ['run', 'package-all'], { cwd: clone, timeout: 1_200_000 });
}, 1_200_000);

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

const has = (command: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

test('npm run package-all, in a fresh clone, writes the package of every language into dist/', () => {
  const artifactDir = path.join(dist, 'java', ...java.maven.groupId.split('.'), java.maven.artifactId, PKG.version);
  const jar = `${java.maven.artifactId}-${PKG.version}`;
  expect({
    js: fs.readdirSync(path.join(dist, 'js')),
    python: fs.readdirSync(path.join(dist, 'python')).sort(),
    go: fs.readFileSync(path.join(dist, 'go', go.packageName, 'go.mod'), 'utf8').split('\n')[0],
    java: fs.readdirSync(artifactDir).filter((f) => /\.(jar|pom)$/.test(f)).sort(),
    // .NET only where dotnet is installed.
    dotnet: fs.existsSync(path.join(dist, 'dotnet')),
  }).toEqual({
    js: [`${PKG.name}@${PKG.version}.jsii.tgz`],
    python: [`${py.module}-${PKG.version}-py3-none-any.whl`, `${py.module}-${PKG.version}.tar.gz`],
    go: `module ${go.moduleName}/${go.packageName}`,
    java: [`${jar}-javadoc.jar`, `${jar}-sources.jar`, `${jar}.jar`, `${jar}.pom`],
    dotnet: has('dotnet'),
  });
  // Only this library's packages: the cdk8s bindings the Go and Java builds used stay out.
  expect(fs.readdirSync(path.join(dist, 'go'))).toEqual([go.packageName]);
  expect(fs.readdirSync(path.join(dist, 'java'))).toEqual([java.maven.groupId.split('.')[0]]);
  // The jar holds the classes and the assembly.
  const entries = run('unzip', ['-Z1', path.join(artifactDir, `${jar}.jar`)]).split('\n');
  const pkgPath = java.package.replace(/\./g, '/');
  expect(entries).toEqual(expect.arrayContaining([
    `${pkgPath}/MonitoringStack.class`, `${pkgPath}/MonitoringStack$Builder.class`, `${pkgPath}/MonitoringStackProps.class`,
    `${pkgPath}/MonitoredApplication.class`, `${pkgPath}/AlertSeverity.class`, `${pkgPath}/$Module.class`,
    `${pkgPath}/${PKG.name}@${PKG.version}.jsii.tgz`,
  ]));
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

test('Go: the module of dist/go builds (replace to it) and a Go app synthesizes what the TypeScript app does', () => {
  const goVersion = (() => {
    try {
      return execFileSync(GO, ['version'], { encoding: 'utf8' });
    } catch {
      throw new Error(`Go is needed (${GO} not found): install Go 1.26 (.ci/run puts /usr/local/go/bin on the PATH)`);
    }
  })();
  expect(goVersion).toMatch(/go1\.(2[5-9]|[3-9]\d)/);
  // cdk8s and cdk8s-plus-28 generated from the npm packages (the Go proxy does not serve them here).
  const bindings = run('bash', [path.join(ROOT, 'tools', 'jsii-bindings', 'install.sh'), 'go'], { timeout: 900_000 }).trim().split('\n').pop()!;
  const generated = path.join(dist, 'go', go.packageName);

  const app = path.join(work, 'go-app');
  fs.mkdirSync(app);
  for (const f of ['main.go', 'go.mod', 'go.sum']) fs.copyFileSync(path.join(CONSUMERS, 'go', f), path.join(app, f));
  run(GO, ['mod', 'edit',
    `-replace=${go.moduleName}/${go.packageName}=${generated}`,
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

/** The wheel `npm run package-all` wrote. */
const wheel = (): string => path.join(dist, 'python', `${py.module}-${PKG.version}-py3-none-any.whl`);

test('Python: the wheel of dist/python installs into a plain virtualenv with pip, and the app synthesizes what the TypeScript app does', () => {
  // As the README says: `pip install <wheel>`; pip fetches cdk8s, cdk8s-plus-28, constructs and jsii from PyPI.
  const venv = path.join(work, 'plain-venv');
  run(process.env.PYTHON ?? 'python3', ['-m', 'venv', venv]);
  run(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', wheel()], { timeout: 600_000 });
  const outdir = path.join(work, 'plain-venv-out');
  run(path.join(venv, 'bin', 'python'), [path.join(CONSUMERS, 'python', 'app.py'), outdir]);
  expect(synthesized(outdir)).toEqual(synthesized(typescriptOut));
}, 600_000);

/** The README's Python main.py: its one ```python block. */
function readmeMainPy(): string {
  const blocks = [...fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(blocks).toHaveLength(1);
  return blocks[0];
}

test('Python: a project made by `cdk8s init python-app` (uv) takes the wheel with `uv add`, and `cdk8s synth` writes the README\'s stack', () => {
  // uv, pinned in tools/python/requirements.txt, alone on the PATH's first folder (not the test venv's python).
  const uvDir = path.join(work, 'uv-bin');
  fs.mkdirSync(uvDir);
  fs.symlinkSync(path.join(path.dirname(pythonVenv()), 'uv'), path.join(uvDir, 'uv'));
  const env = { PATH: `${uvDir}:${process.env.PATH}` };
  const cdk8s = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
  const project = path.join(work, 'python-app');
  fs.mkdirSync(project);
  try {
    run(process.execPath, [cdk8s, 'init', 'python-app'], { cwd: project, env, timeout: 600_000 });
  } catch (e: any) {
    // Offline, its last steps fail: `cdk8s import k8s` fetches the Kubernetes schema from GitHub (this app does not
    // use imports/k8s). Everything before it (pyproject.toml, uv.lock, .venv with cdk8s) must be there.
    if (!/Importing k8s/.test(e.message) || !/raw\.githubusercontent\.com|Could not find a schema/.test(e.message)) throw e;
  }
  expect(['pyproject.toml', 'uv.lock', 'main.py', 'cdk8s.yaml', '.venv'].filter((f) => !fs.existsSync(path.join(project, f)))).toEqual([]);
  // The project's virtualenv has no pip: the README's `pip install` would land outside it.
  expect(fs.existsSync(path.join(project, '.venv', 'bin', 'pip'))).toBe(false);

  run('uv', ['add', wheel()], { cwd: project, env, timeout: 600_000 });
  expect(fs.readFileSync(path.join(project, 'pyproject.toml'), 'utf8')).toContain(`"${py.distName}"`);
  fs.writeFileSync(path.join(project, 'main.py'), readmeMainPy());
  run(process.execPath, [cdk8s, 'synth'], { cwd: project, env, timeout: 300_000 });
  const written = synthesized(path.join(project, 'dist'));
  expect(Object.keys(written)).toEqual(['monitoring.k8s.yaml']);

  // The same stack in TypeScript, in this process.
  const chart = new Chart(new App(), 'monitoring');
  new MonitoringStack(chart, 'monitoring', { namespace: 'mlops' });
  expect(written['monitoring.k8s.yaml']).toEqual(chart.toJson());

  // The Node end-of-life banner: jsii's Node process prints it as `b'!!...'` lines on an end-of-life Node, unless
  // JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION names its major version (run's environment sets it).
  const stderr = (extra: Record<string, string>) => {
    const result = spawnSync('uv', ['run', 'python', 'main.py'], { cwd: project, encoding: 'utf8', env: { ...toolEnv({ ...env, ...extra }) } });
    expect(result.status).toBe(0);
    return result.stderr;
  };
  expect(stderr({})).not.toContain('!!');
  const { NodeRelease } = require('@jsii/check-node');
  const endOfLife = NodeRelease.forThisRuntime().nodeRelease?.supported === false;
  expect(stderr({ JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '' }).includes("b'!!")).toBe(endOfLife);
}, 900_000);
