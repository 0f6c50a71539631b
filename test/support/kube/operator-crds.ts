import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const GO = process.env.GO ?? (fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go');

/** The prometheus-operator version cdk8s.yaml imports its CRDs from (imports/ was generated from them). */
export function operatorVersion(): string {
  const match = /prometheus-operator\/prometheus-operator\/(v\d+\.\d+\.\d+)\//.exec(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8'));
  if (!match) throw new Error('no prometheus-operator version in cdk8s.yaml');
  return match[1];
}

/**
 * The folder of the Operator's CRD files at that version, from the Go module (the Go module proxy, or the
 * module cache): the real CRDs, never committed here. As tools/cluster/cluster.sh install_operator_crds.
 */
export function operatorCrdDir(): string {
  const version = operatorVersion();
  const result = spawnSync(GO, ['mod', 'download', '-json', `github.com/prometheus-operator/prometheus-operator@${version}`], {
    encoding: 'utf8', env: { ...process.env, GOWORK: 'off', GOFLAGS: '-mod=mod' }, cwd: ROOT, timeout: 600_000,
  });
  if (result.status !== 0) throw new Error(`go mod download of prometheus-operator ${version} failed:\n${result.stdout}${result.stderr}`);
  const dir = path.join(JSON.parse(result.stdout).Dir, 'example', 'prometheus-operator-crd');
  if (!fs.existsSync(dir)) throw new Error(`no ${dir} in github.com/prometheus-operator/prometheus-operator@${version}`);
  return dir;
}
