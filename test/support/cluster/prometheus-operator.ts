/*
 * The Prometheus Operator v0.93.0 in the test cluster, as kube-prometheus-stack installs it for release `kps`
 * (tools/cluster/operator/*.yaml): the Operator, and the Prometheus and Alertmanager it makes from their custom
 * resources. Also po-lint, the Operator's object linter (tools/cluster/prometheus-operator/cmd/po-lint).
 */
import * as fs from 'fs';
import * as path from 'path';
import { CommandResult, eventually, RealCluster, run } from './real-cluster';

const ROOT = path.resolve(__dirname, '..', '..', '..');
/** kube-prometheus-stack's objects for release `kps`, applied in file-name order (the namespace first). */
export const OPERATOR_MANIFESTS = path.join(ROOT, 'tools', 'cluster', 'operator');
/** Where kube-prometheus-stack runs. */
export const KPS_NAMESPACE = 'monitoring';
/** The label kube-prometheus-stack's Prometheus selects monitors and rules by (the chart's `release: <name>`). */
export const KPS_SELECTOR = { release: 'kps' } as const;

const PROMETHEUS = 'kps-kube-prometheus-stack-prometheus';
const ALERTMANAGER = 'kps-kube-prometheus-stack-alertmanager';
const OPERATOR = 'kps-kube-prometheus-stack-operator';
const MINUTE = 60_000;

/** How long each step of {@link startPrometheusOperator} took, in seconds from the apply. */
export interface OperatorTimings {
  readonly operatorReadySeconds: number;
  readonly prometheusReadySeconds: number;
  readonly alertmanagerReadySeconds: number;
}

/**
 * The Operator-managed Prometheus and Alertmanager of a started kube-prometheus-stack, reached from the node
 * through their Services (as the chart names them).
 */
export class PrometheusOperatorStack {
  public constructor(private readonly cluster: RealCluster, public readonly timings: OperatorTimings) {}

  /** A Prometheus HTTP API call (`/api/v1/...`): its `data`. */
  public async prometheusApi(apiPath: string): Promise<any> {
    const body = JSON.parse(await this.cluster.http(`${await this.cluster.serviceUrl(KPS_NAMESPACE, PROMETHEUS, 9090)}${apiPath}`));
    if (body.status !== 'success') throw new Error(`${apiPath}: ${JSON.stringify(body)}`);
    return body.data;
  }

  /** `/api/v1/targets`: the active targets, each with its `scrapePool` (`serviceMonitor/<ns>/<name>/<i>`). */
  public async activeTargets(): Promise<any[]> {
    return (await this.prometheusApi('/api/v1/targets?state=active')).activeTargets;
  }

  /** `/api/v1/rules`: the loaded rule groups, each with its `file` (named after the PrometheusRule). */
  public async ruleGroups(): Promise<any[]> {
    return (await this.prometheusApi('/api/v1/rules')).groups;
  }

  /** An Alertmanager API v2 call (`/api/v2/...`), e.g. `/status` with the merged configuration. */
  public async alertmanagerApi(apiPath: string): Promise<any> {
    return JSON.parse(await this.cluster.http(`${await this.cluster.serviceUrl(KPS_NAMESPACE, ALERTMANAGER, 9093)}/api/v2${apiPath}`));
  }
}

/**
 * Applies tools/cluster/operator/*.yaml (the cluster already has the Operator's CRDs) and waits until the
 * Operator has reconciled: its own pod Ready, then the Prometheus and Alertmanager StatefulSets' pods Ready.
 */
export async function startPrometheusOperator(cluster: RealCluster, timeoutMs = 10 * MINUTE): Promise<PrometheusOperatorStack> {
  const start = Date.now();
  for (const file of fs.readdirSync(OPERATOR_MANIFESTS).filter((f) => f.endsWith('.yaml')).sort()) {
    await cluster.kubectlOk(['apply', '-f', path.join(OPERATOR_MANIFESTS, file)]);
  }
  const since = () => Math.round((Date.now() - start) / 1000);
  const ready = async (selector: string) => {
    await eventually(`a Ready pod ${selector} in ${KPS_NAMESPACE}`, timeoutMs, async () => {
      const pods = (await cluster.getJson(['pods', '-n', KPS_NAMESPACE, '-l', selector])).items;
      return pods.length === 1 && pods.every(isReady) ? true : undefined;
    }, 1_000).catch(async (error) => {
      throw new Error(`${error.message}\n${await diagnostics(cluster)}`);
    });
    return since();
  };
  const operatorReadySeconds = await ready(`app=kube-prometheus-stack-operator,release=kps`);
  const prometheusReadySeconds = await ready(`app.kubernetes.io/name=prometheus,operator.prometheus.io/name=${PROMETHEUS}`);
  const alertmanagerReadySeconds = await ready(`app.kubernetes.io/name=alertmanager,alertmanager=${ALERTMANAGER}`);
  return new PrometheusOperatorStack(cluster, { operatorReadySeconds, prometheusReadySeconds, alertmanagerReadySeconds });
}

function isReady(pod: any): boolean {
  return (pod.status.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True') && !pod.metadata.deletionTimestamp;
}

/** What a wait that timed out needs: the namespace's objects and events, and the Operator's log. */
async function diagnostics(cluster: RealCluster): Promise<string> {
  const [objects, events, log] = await Promise.all([
    cluster.kubectl(['get', '-n', KPS_NAMESPACE, 'prometheus,alertmanager,statefulset,pod', '-o', 'wide']),
    cluster.kubectl(['get', 'events', '-n', KPS_NAMESPACE, '--field-selector', 'type=Warning']),
    cluster.kubectl(['logs', '-n', KPS_NAMESPACE, `deployment/${OPERATOR}`, '--tail=30']),
  ]);
  return [objects, events, log].map((r) => `${r.stdout}${r.stderr}`.trim()).join('\n---\n');
}

/**
 * Runs po-lint on YAML files: each monitoring.coreos.com object must decode into the Operator v0.93.0's type with
 * no unknown field, and a PrometheusRule or AlertmanagerConfig must pass the Operator's admission validation.
 * Exit 0 when all pass, 1 with one line per problem on stderr.
 */
export async function poLint(files: string[]): Promise<CommandResult> {
  const tools = await run('bash', [path.join(ROOT, 'tools', 'cluster', 'install.sh')], { timeoutMs: 30 * MINUTE });
  if (tools.status !== 0) throw new Error(`tools/cluster/install.sh failed:\n${tools.stderr}`);
  const poLintPath = /^PO_LINT=(.*)$/m.exec(tools.stdout)?.[1];
  if (!poLintPath) throw new Error('tools/cluster/install.sh printed no PO_LINT');
  return run(poLintPath, files);
}
