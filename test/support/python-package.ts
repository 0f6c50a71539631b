import { createHash } from 'crypto';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The Python package of the library, as a Python user gets it: jsii-pacmak generates it from the assembly (.jsii),
// setuptools builds the wheel, pip installs it into a folder put on PYTHONPATH, beside the cached virtualenv of
// tools/python/install.sh (cdk8s, cdk8s-plus-28, constructs and the jsii runtime from PyPI, pinned).
// Shared by test/consumers.test.ts and test/docs.test.ts.

export const ROOT = path.join(__dirname, '..', '..');
export const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** The environment of the tools: no npm_* variables of the enclosing `npm test`, no Node end-of-life banner. */
export function toolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...clean, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20', ...extra };
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  readonly timeout?: number;
}

/** Runs a program (no shell) and returns its stdout; a failure throws with the command and its output. */
export function runTool(cmd: string, args: string[], options: RunOptions = {}): string {
  try {
    return execFileSync(cmd, args, {
      cwd: options.cwd ?? ROOT, env: toolEnv(options.env), encoding: 'utf8', stdio: 'pipe', timeout: options.timeout ?? 300_000,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e: any) {
    throw new Error(`${cmd} ${args.join(' ')} failed (in ${options.cwd ?? ROOT}):\n${e.stdout ?? ''}${e.stderr ?? ''}${e.message}`);
  }
}

/** jsii-pacmak on the compiled assembly, with the options every test uses. */
export function pacmak(args: string[]): void {
  runTool(path.join(ROOT, 'node_modules', '.bin', 'jsii-pacmak'), ['--no-npmignore', '--no-fingerprint', '--force', ...args]);
}

/** The assembly written by `npx jsii` (the test task's compile); a missing one fails with that command. */
export function requireAssembly(): string {
  const assembly = path.join(ROOT, '.jsii');
  if (!fs.existsSync(assembly)) {
    throw new Error('no .jsii assembly: run `npx jsii` (the test task compiles with it before jest)');
  }
  return assembly;
}

/** The cached virtualenv of tools/python/install.sh (a no-op once built): its python. */
export function pythonVenv(): string {
  const venv = runTool('bash', [path.join(ROOT, 'tools', 'python', 'install.sh')]).trim().split('\n').pop()!;
  return path.join(venv, 'bin', 'python');
}

export interface PythonPackage {
  /** The venv's python. */
  readonly python: string;
  /** The folder the wheel is installed into: put it on PYTHONPATH. */
  readonly pythonPath: string;
  /** File name of the wheel. */
  readonly wheel: string;
}

/**
 * Generates the Python package with jsii-pacmak (`--code-only`: sources), builds its wheel with the venv's
 * setuptools (offline, no build isolation, as jsii-pacmak's pyproject.toml builds it), installs it with
 * `pip install --no-deps --target` into a folder of its own (the cached venv stays as pinned) and checks with
 * `pip check` that the venv satisfies its declared dependencies.
 *
 * Built once per assembly: the result is cached in the user's cache folder under a hash of .jsii, the
 * package.json version, jsii-pacmak's version and tools/python/requirements.txt, so the test files that need it (run by parallel jest
 * workers) build it once per change of the library (~4 s), then reuse it. A build goes to a private folder
 * renamed into place last: a half-built package is never used.
 */
export function pythonPackage(): PythonPackage {
  const assembly = requireAssembly();
  const python = pythonVenv();
  const key = createHash('sha256')
    .update(fs.readFileSync(assembly))
    .update(PKG.version)
    .update(JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'jsii-pacmak', 'package.json'), 'utf8')).version)
    .update(fs.readFileSync(path.join(ROOT, 'tools', 'python', 'requirements.txt')))
    .update(python)
    .digest('hex').slice(0, 16);
  const cacheRoot = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'cdk8s-mlops-monitoring', 'python-package');
  const dir = path.join(cacheRoot, key);
  const wheelName = `cdk8s_mlops_monitoring-${PKG.version}-py3-none-any.whl`;
  const result = { python, pythonPath: path.join(dir, 'site'), wheel: wheelName };
  if (fs.existsSync(path.join(dir, '.complete'))) return result;

  fs.mkdirSync(cacheRoot, { recursive: true });
  const work = fs.mkdtempSync(path.join(cacheRoot, `.build-${key}-`));
  try {
    pacmak(['--code-only', '--target', 'python', '-o', path.join(work, 'packages')]);
    const wheels = path.join(work, 'wheels');
    runTool(python, ['-m', 'pip', 'wheel', '--quiet', '--disable-pip-version-check', '--no-deps', '--no-build-isolation',
      '-w', wheels, path.join(work, 'packages', 'python')]);
    const built = fs.readdirSync(wheels).filter((f) => f.endsWith('.whl'));
    if (built.length !== 1 || built[0] !== wheelName) throw new Error(`expected the wheel ${wheelName}, built ${built.join(', ')}`);
    const site = path.join(work, 'site');
    runTool(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--target', site, path.join(wheels, wheelName)]);
    runTool(python, ['-m', 'pip', 'check'], { env: { PYTHONPATH: site } });
    fs.rmSync(path.join(work, 'packages'), { recursive: true, force: true });
    fs.writeFileSync(path.join(work, '.complete'), '');
    // Another worker may have finished first: keep its copy.
    try {
      fs.renameSync(work, dir);
    } catch (e: any) {
      if (!fs.existsSync(path.join(dir, '.complete'))) throw e;
    }
    // Older builds (other assemblies) are stale.
    for (const other of fs.readdirSync(cacheRoot)) {
      if (other !== key && !other.startsWith('.build-')) fs.rmSync(path.join(cacheRoot, other), { recursive: true, force: true });
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return result;
}
