import { spawn } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
/** Starts and stops the single-node cluster (see the script's header). */
export const CLUSTER_SCRIPT = path.join(ROOT, 'tools', 'cluster', 'cluster.sh');

/** What a command printed, and how it ended. */
export interface CommandResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to its end, asynchronously (the event loop stays free); never throws on a non-zero exit. */
export function run(command: string, args: string[], options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.once('error', (error) => { clearTimeout(timer); reject(error); });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout, stderr: signal ? `${stderr}\n(killed by ${signal})` : stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * The cluster of tools/cluster/cluster.sh, seen from the tests: kubectl as cluster-admin and commands inside
 * its network namespace. HTTP to the stack's servers goes through `kubectl exec` into a pod of the stack (the
 * official Prometheus and Alertmanager images carry busybox's wget), so no test path bypasses or widens the
 * stack's NetworkPolicies.
 */
export class RealCluster {
  /** Starts the cluster (stopping a previous one first); minutes the first time the tools are built. */
  public static async start(): Promise<RealCluster> {
    const up = await run('bash', [CLUSTER_SCRIPT, 'up'], { timeoutMs: 30 * 60_000 });
    if (up.status !== 0) throw new Error(`${CLUSTER_SCRIPT} up failed (exit ${up.status}):\n${tail(up.stderr, 80)}`);
    const env = await run('bash', [CLUSTER_SCRIPT, 'env']);
    return new RealCluster(Object.fromEntries(env.stdout.trim().split('\n').map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)];
    })), up.stderr);
  }

  private constructor(public readonly env: Record<string, string>, public readonly startLog: string) {}

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
   * An HTTP request made from inside a pod (busybox wget in `namespace`/`target`, container `container`):
   * the body, or an error with wget's message.
   */
  public async httpFromPod(namespace: string, target: string, container: string, url: string, postData?: string): Promise<string> {
    const wget = ['wget', '-q', '-T', '10', '-O', '-', ...(postData === undefined ? [] : [`--post-data=${postData}`]), url];
    return this.kubectlOk(['-n', namespace, 'exec', target, '-c', container, '--', ...wget]);
  }

  /** Stops the cluster and removes its state. */
  public async stop(): Promise<void> {
    const down = await run('bash', [CLUSTER_SCRIPT, 'down'], { timeoutMs: 5 * 60_000 });
    if (down.status !== 0) throw new Error(`${CLUSTER_SCRIPT} down failed:\n${down.stderr}`);
  }

  /** The tail of a component's log (kubelet, kube-apiserver, containerd, ...), for failure messages. */
  public async logTail(name: string, lines = 40): Promise<string> {
    return (await run('tail', ['-n', String(lines), path.join(this.env.STATE_DIR, 'log', `${name}.log`)])).stdout;
  }
}

/** Polls `probe` every `intervalMs` until it returns a value other than undefined; throws with `what` and the last error. */
export async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, intervalMs = 2_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${last instanceof Error ? last.message : String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function tail(text: string, lines: number): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}
