import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
/** Builds the Kubernetes binaries into a per-version cache outside the repository; `--bin-dir` prints it. */
export const INSTALL_SCRIPT = path.join(ROOT, 'tools', 'kubernetes', 'install.sh');

/** The programs of the local control plane. */
export interface KubeBinaries {
  /** The Kubernetes version they were built from (`tools/kubernetes/go.mod`), e.g. `v1.37.2`. */
  readonly version: string;
  readonly kubeApiserver: string;
  readonly kubeControllerManager: string;
  readonly kubectl: string;
  /** Debian's `etcd-server`. */
  readonly etcd: string;
}

/**
 * kube-apiserver, kube-controller-manager and kubectl from the cache that tools/kubernetes/install.sh fills,
 * and etcd from PATH. A missing binary fails the test with the command that installs it: never a skip.
 */
export function requireKubeBinaries(): KubeBinaries {
  const script = (arg: string) => {
    const result = spawnSync(INSTALL_SCRIPT, [arg], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${INSTALL_SCRIPT} ${arg} failed:\n${result.stdout}${result.stderr}`);
    return result.stdout.trim();
  };
  const binDir = script('--bin-dir');
  const version = script('--version');
  const missing: string[] = [];
  const fromCache = (name: string) => {
    const file = path.join(binDir, name);
    if (!isExecutable(file)) missing.push(`${file} is missing: run tools/kubernetes/install.sh (builds Kubernetes ${version} from source with Go >= 1.26; ~15 min the first time)`);
    return file;
  };
  const binaries = {
    version,
    kubeApiserver: fromCache('kube-apiserver'),
    kubeControllerManager: fromCache('kube-controller-manager'),
    kubectl: fromCache('kubectl'),
    etcd: onPath('etcd') ?? '',
  };
  if (!binaries.etcd) missing.push('etcd is not installed: apt-get install -y --no-install-recommends etcd-server (see .ci/run)');
  if (missing.length) throw new Error(missing.join('\n'));
  return binaries;
}

function onPath(name: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() ? found.stdout.trim() : undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
