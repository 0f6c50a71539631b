import * as crypto from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import * as path from 'path';
import { stringify } from 'yaml';
import { Daemon } from '../e2e/daemon';
import { listeningAddresses } from '../e2e/listening-sockets';
import { freePort, HttpResponse, LOOPBACK, responseOf } from '../e2e/loopback';
import { removeDir, tempDir } from '../tools';
import { CommandResult, run } from '../cluster/real-cluster';
import { KubeBinaries } from './binaries';

/** Bound of each program's start-up (kube-apiserver needs ~10 s on an idle machine, much more on a busy one). */
const READY_TIMEOUT_MS = 180_000;

/** The controllers the tests need: Deployments make ReplicaSets make Pods, StatefulSets make Pods (and claims); deletion cascades (PVCs too); default accounts. */
const CONTROLLERS = [
  'deployment-controller', 'replicaset-controller', 'garbage-collector-controller', 'serviceaccount-controller',
  'endpointslice-controller', 'namespace-controller', 'root-ca-certificate-publisher-controller',
  'persistentvolumeclaim-protection-controller', 'statefulset-controller',
];

/** Result of a kubectl run. */
export type KubectlResult = CommandResult;


/**
 * A Kubernetes control plane on loopback only: etcd, kube-apiserver and kube-controller-manager, no
 * scheduler and no kubelet (Pods are created and admitted, never run). Everything lives in one temporary
 * folder: etcd's data, the serving certificate the API server generates for 127.0.0.1, the service-account
 * signing key pair, a static token for an admin in `system:masters`, and a kubeconfig for it. The API server
 * authorizes with RBAC only, so `kubectl auth can-i --as=...` answers what a ServiceAccount may really do.
 * Each program is stopped by its own pid.
 */
export class LocalCluster {
  /** Starts the three programs, each once the previous one is ready; on failure, stops what was started. */
  public static async start(binaries: KubeBinaries): Promise<LocalCluster> {
    const cluster = new LocalCluster(binaries, tempDir('kube-apiserver'));
    try {
      await cluster.startAll();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** `https://127.0.0.1:<port>` */
  public apiserverUrl = '';
  public readonly kubeconfig: string;
  private readonly daemons: Daemon[] = [];
  private readonly token = crypto.randomBytes(24).toString('hex');
  private readonly pki: string;

  private constructor(private readonly binaries: KubeBinaries, public readonly workDir: string) {
    this.kubeconfig = path.join(workDir, 'kubeconfig');
    this.pki = path.join(workDir, 'pki');
  }

  /** The process ids of etcd, kube-apiserver and kube-controller-manager (those started so far). */
  public get pids(): number[] {
    return this.daemons.map((d) => d.pid);
  }

  /** Every address the control plane's processes listen on. */
  public listeningAddresses(): string[] {
    return this.daemons.flatMap((d) => listeningAddresses(d.pid)).sort();
  }

  /** The tail of each program's log, for failure messages. */
  public logs(): string {
    return this.daemons.map((d) => `--- ${d.name} (pid ${d.pid}):\n${d.logTail()}`).join('\n');
  }

  /** Runs kubectl as the admin; `input` is its stdin (for `-f -`). Never throws on a non-zero exit. */
  public kubectl(args: string[], input?: string): Promise<KubectlResult> {
    const fullArgs = ['--kubeconfig', this.kubeconfig, '--cache-dir', path.join(this.workDir, 'kubectl-cache'), ...args];
    // Asynchronous, so the event loop keeps draining the daemons' output pipes while kubectl runs.
    return run(this.binaries.kubectl, fullArgs, { input: input ?? '', timeoutMs: 60_000, cwd: this.workDir });
  }

  /** Like {@link kubectl}, but throws with the output unless kubectl exits 0. */
  public async kubectlOk(args: string[], input?: string): Promise<KubectlResult> {
    const result = await this.kubectl(args, input);
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
    return result;
  }

  /** GET a path of the API server as the admin. A refused connection gives status 0. */
  public apiGet(urlPath: string): Promise<HttpResponse> {
    const caFile = path.join(this.pki, 'apiserver.crt');
    if (!this.apiserverUrl || !fs.existsSync(caFile)) return Promise.resolve({ status: 0, body: 'not started' });
    return responseOf((onResponse) => https.get(`${this.apiserverUrl}${urlPath}`, {
      ca: fs.readFileSync(caFile), headers: { Authorization: `Bearer ${this.token}` }, agent: false, timeout: 5_000,
    }, onResponse));
  }

  /** Stops kube-controller-manager, kube-apiserver and etcd (each by its pid), then removes the folder. */
  public async stop(): Promise<void> {
    try {
      for (const daemon of [...this.daemons].reverse()) await daemon.stop(10_000);
    } finally {
      removeDir(this.workDir);
    }
  }

  private async startAll(): Promise<void> {
    const dir = this.workDir;
    const [etcdClient, etcdPeer, apiserverPort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://${LOOPBACK}:${etcdClient}`;
    const peerUrl = `http://${LOOPBACK}:${etcdPeer}`;
    this.daemons.push(await Daemon.start({
      name: 'etcd',
      binary: this.binaries.etcd,
      args: [
        '--name=local', `--data-dir=${path.join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`, `--initial-advertise-peer-urls=${peerUrl}`, `--initial-cluster=local=${peerUrl}`,
        '--logger=zap', '--log-outputs=stderr', '--log-level=warn',
      ],
      cwd: dir,
      readyUrl: `${etcdUrl}/health`,
      readyTimeoutMs: READY_TIMEOUT_MS,
    }));

    // Service-account tokens are signed with a key pair of our own; the admin authenticates with a static token.
    const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const saPublic = path.join(dir, 'service-account.pub');
    const saPrivate = path.join(dir, 'service-account.key');
    fs.writeFileSync(saPublic, publicKey);
    fs.writeFileSync(saPrivate, privateKey, { mode: 0o600 });
    const tokens = path.join(dir, 'tokens.csv');
    fs.writeFileSync(tokens, `${this.token},admin,admin,"system:masters"\n`, { mode: 0o600 });
    fs.mkdirSync(this.pki, { mode: 0o700 });

    this.apiserverUrl = `https://${LOOPBACK}:${apiserverPort}`;
    this.daemons.push(await Daemon.start({
      name: 'kube-apiserver',
      binary: this.binaries.kubeApiserver,
      args: [
        `--etcd-servers=${etcdUrl}`,
        `--bind-address=${LOOPBACK}`, `--advertise-address=${LOOPBACK}`, `--secure-port=${apiserverPort}`,
        // No certificate given: the API server generates a self-signed one (and its CA) for 127.0.0.1 here.
        `--cert-dir=${this.pki}`,
        '--service-cluster-ip-range=10.96.0.0/24',
        // The default reconciler writes the advertise address into Endpoints default/kubernetes: not 127.0.0.1.
        '--endpoint-reconciler-type=none',
        '--authorization-mode=RBAC',
        '--anonymous-auth=false',
        `--token-auth-file=${tokens}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${saPublic}`,
        `--service-account-signing-key-file=${saPrivate}`,
        '--profiling=false',
      ],
      cwd: dir,
      readyUrl: `${this.apiserverUrl}/readyz`,
      isReady: async () => (await this.apiGet('/readyz')).status === 200,
      readyTimeoutMs: READY_TIMEOUT_MS,
    }));

    fs.writeFileSync(this.kubeconfig, stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'local', cluster: { 'server': this.apiserverUrl, 'certificate-authority': path.join(this.pki, 'apiserver.crt') } }],
      users: [{ name: 'admin', user: { token: this.token } }],
      contexts: [{ name: 'local', context: { cluster: 'local', user: 'admin' } }],
      'current-context': 'local',
    }), { mode: 0o600 });

    this.daemons.push(await Daemon.start({
      name: 'kube-controller-manager',
      binary: this.binaries.kubeControllerManager,
      args: [
        `--kubeconfig=${this.kubeconfig}`,
        '--leader-elect=false',
        // No HTTPS endpoint of its own (nothing to probe or scrape here): it listens on no port at all.
        '--secure-port=0',
        `--controllers=${CONTROLLERS.join(',')}`,
        `--root-ca-file=${path.join(this.pki, 'apiserver.crt')}`,
      ],
      cwd: dir,
      readyUrl: `${this.apiserverUrl}/api/v1/namespaces/default/serviceaccounts/default`,
      // Ready once its ServiceAccount controller has made the `default` account of namespace `default`.
      isReady: async () => (await this.apiGet('/api/v1/namespaces/default/serviceaccounts/default')).status === 200,
      readyTimeoutMs: READY_TIMEOUT_MS,
    }));
  }
}
