import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { waitFor } from '../e2e/loopback';

const ROOT = path.resolve(__dirname, '..', '..', '..');
/** Starts and stops the single-node cluster (see the script's header). */
export const KEEP = process.env.CLUSTER_KEEP === '1';
/** The Iris API stand-in's Deployment and Service, without a namespace (`kubectl apply -n`). */
export const IRIS_API_MANIFEST = path.join(ROOT, 'tools', 'cluster', 'apps', 'iris-api.yaml');
/** Starts and stops the single-node cluster (see the script's header). */
export const CLUSTER_SCRIPT = path.join(ROOT, 'tools', 'cluster', 'cluster.sh');

/**
 * The cluster has one fixed network namespace and state folder, so the suites that use it (two Jest workers) share
 * one: LOCK is held while one of them starts or stops it (a folder, created by an atomic rename, holding the
 * holder's pid; a dead holder's lock is taken over), and USERS holds a file per test process using it. The first
 * user starts the cluster, the others attach to it, and the last one to finish stops it.
 */
const LOCK = path.join(os.tmpdir(), 'cdk8s-mlops-monitoring-cluster.lock');
const USERS = path.join(os.tmpdir(), 'cdk8s-mlops-monitoring-cluster.users');

function tryLock(): boolean {
  const mine = fs.mkdtempSync(`${LOCK}.`);
  fs.writeFileSync(path.join(mine, 'pid'), String(process.pid));
  try {
    fs.renameSync(mine, LOCK); // fails while LOCK holds a pid file
    return true;
  } catch (error: any) {
    fs.rmSync(mine, { recursive: true, force: true });
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
  }
  const owner = lockOwner();
  if (owner && !isAlive(owner)) fs.rmSync(LOCK, { recursive: true, force: true });
  return false;
}

async function withLock<T>(waitMs: number, fn: () => Promise<T>): Promise<T> {
  await waitFor('the test cluster, being started or stopped by another suite', () => (tryLock() ? true : undefined), {
    timeoutMs: waitMs,
    intervalMs: 2_000,
    diagnostics: async () => `${LOCK} holds pid ${lockOwner()}`,
  });
  try {
    return await fn();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/** The other live test processes using the cluster (a dead one's file is removed). */
function otherUsers(): number[] {
  fs.mkdirSync(USERS, { recursive: true });
  return fs.readdirSync(USERS).map(Number).filter((pid) => {
    if (pid === process.pid) return false;
    if (isAlive(pid)) return true;
    fs.rmSync(path.join(USERS, String(pid)), { force: true });
    return false;
  });
}

/** The pid holding the lock, 0 if none (it may be released while we look). */
function lockOwner(): number {
  try {
    return Number(fs.readFileSync(path.join(LOCK, 'pid'), 'utf8'));
  } catch {
    return 0;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: any) {
    return error.code === 'EPERM';
  }
}

/** What a command printed, and how it ended. */
export interface CommandResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to its end, asynchronously (the event loop stays free); never throws on a non-zero exit. */
export function run(command: string, args: string[], options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const stdin = options.input === undefined ? 'ignore' : 'pipe';
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: [stdin, 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.once('error', (error) => { clearTimeout(timer); reject(error); });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout, stderr: signal ? `${stderr}\n(killed by ${signal})` : stderr });
    });
    if (child.stdin) {
      // A program that exits without reading its input must not fail the run with EPIPE.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}

/**
 * The cluster of tools/cluster/cluster.sh, seen from the tests: kubectl as cluster-admin, commands and HTTP
 * requests from the node (inside its network namespace).
 */
export class RealCluster {
  /**
   * Starts the cluster (stopping a previous one first), or attaches to the one another suite is using. With
   * CLUSTER_KEEP=1 a running cluster is reused and left running at the end, for working on a suite
   * (`tools/cluster/cluster.sh down` stops it). `waitMs`: how long another suite may hold the start.
   */
  public static async start(waitMs = 45 * 60_000): Promise<RealCluster> {
    await withLock(waitMs, async () => {
      const running = (await run('bash', [CLUSTER_SCRIPT, 'status'])).status === 0;
      const attach = running && (KEEP || otherUsers().length > 0);
      if (!attach) {
        const up = await run('bash', [CLUSTER_SCRIPT, 'up'], { timeoutMs: 30 * 60_000 });
        if (up.status !== 0) throw new Error(`${CLUSTER_SCRIPT} up failed (exit ${up.status}):\n${tail(up.stderr, 80)}`);
      }
      fs.mkdirSync(USERS, { recursive: true });
      fs.writeFileSync(path.join(USERS, String(process.pid)), '');
    });
    const env = await run('bash', [CLUSTER_SCRIPT, 'env']);
    return new RealCluster(Object.fromEntries(env.stdout.trim().split('\n').map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)];
    })));
  }

  private constructor(public readonly env: Record<string, string>) {}

  /** Runs a command inside the cluster's network namespace, with KUBECONFIG and kubectl's folder on PATH. */
  public inNamespace(command: string[], options: { input?: string; timeoutMs?: number; cwd?: string } = {}): Promise<CommandResult> {
    return run('nsenter', [`--net=/run/netns/${this.env.NETNS}`, '--', ...command], {
      ...options,
      env: { ...process.env, KUBECONFIG: this.env.KUBECONFIG, PATH: `${path.dirname(this.env.KUBECTL)}:${process.env.PATH}` },
    });
  }

  /** kubectl as cluster-admin; never throws on a non-zero exit. */
  public kubectl(args: string[], input?: string, timeoutMs = 120_000): Promise<CommandResult> {
    return this.inNamespace([this.env.KUBECTL, ...args], { input, timeoutMs });
  }

  /** Like {@link kubectl}, but throws with the output unless kubectl exits 0. */
  public async kubectlOk(args: string[], input?: string, timeoutMs = 120_000): Promise<string> {
    const result = await this.kubectl(args, input, timeoutMs);
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
    return result.stdout;
  }

  /** A Kubernetes object (or list) as JSON. */
  public async getJson(args: string[]): Promise<any> {
    return JSON.parse(await this.kubectlOk(['get', ...args, '-o', 'json']));
  }

  /**
   * An HTTP request from the node (curl inside the cluster's network namespace): the body, or an error with
   * curl's message and the answer. NetworkPolicies admit the node (kubelet probes, `kubectl port-forward`), so
   * this reaches any pod or Service address whatever the stack's policies say.
   */
  public async http(url: string, options: { post?: boolean } = {}): Promise<string> {
    const result = await this.inNamespace(['curl', '-sS', '--fail-with-body', '--max-time', '10', ...(options.post ? ['-X', 'POST'] : []), url]);
    if (result.status !== 0) throw new Error(`curl ${url} exited ${result.status}: ${result.stderr.trim()} ${result.stdout.slice(0, 500)}`);
    return result.stdout;
  }

  /** `http://<cluster IP>:<port>` of a Service. */
  public async serviceUrl(namespace: string, service: string, port: number): Promise<string> {
    const ip = (await this.kubectlOk(['-n', namespace, 'get', 'service', service, '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    return `http://${ip}:${port}`;
  }

  /**
   * Stops using the cluster; the last suite using it stops it and removes its state (unless CLUSTER_KEEP=1).
   */
  public async stop(): Promise<void> {
    await withLock(10 * 60_000, async () => {
      fs.rmSync(path.join(USERS, String(process.pid)), { force: true });
      if (KEEP || otherUsers().length > 0) return;
      const down = await run('bash', [CLUSTER_SCRIPT, 'down'], { timeoutMs: 5 * 60_000 });
      if (down.status !== 0) throw new Error(`${CLUSTER_SCRIPT} down failed:\n${down.stderr}`);
    });
  }

  /** The tail of a component's log (kubelet, kube-apiserver, containerd, ...), for failure messages. */
  public async logTail(name: string, lines = 40): Promise<string> {
    return (await run('tail', ['-n', String(lines), path.join(this.env.STATE_DIR, 'log', `${name}.log`)])).stdout;
  }
}

/**
 * {@link waitFor} for probes that may fail while the cluster settles (kubectl or curl before a pod answers): a
 * failed probe counts as "not yet", and a time-out says the last failure.
 */
export async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, intervalMs = 2_000): Promise<T> {
  let last: unknown;
  const tolerant = async () => {
    try {
      return await probe();
    } catch (error) {
      last = error;
      return undefined;
    }
  };
  const diagnostics = async () => (last ? `last failure: ${last instanceof Error ? last.message : String(last)}` : '');
  return waitFor(what, tolerant, { timeoutMs, intervalMs, diagnostics });
}

function tail(text: string, lines: number): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}
