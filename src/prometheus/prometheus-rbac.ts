import { ApiObject, Chart, JsonPatch, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ScrapeConfig } from './config-model';

/** Props of {@link PrometheusRbac}. */
export interface PrometheusRbacProps {
  /** Name of the ServiceAccount, ClusterRole and ClusterRoleBinding. */
  readonly name: string;
  /** Namespace of the ServiceAccount. */
  readonly namespace: string;
  /** Labels of every object. */
  readonly labels: Record<string, string>;
  /** The scrape jobs, read at synth time: the ClusterRole grants exactly what their service discovery needs. */
  readonly scrapeConfigs: () => ScrapeConfig[];
}

// What each Kubernetes service-discovery role lists and watches.
const DISCOVERY_RESOURCES: Record<string, { apiGroup: string; resources: string[] }[]> = {
  node: [{ apiGroup: '', resources: ['nodes'] }],
  service: [{ apiGroup: '', resources: ['services'] }],
  pod: [{ apiGroup: '', resources: ['pods'] }],
  endpoints: [{ apiGroup: '', resources: ['endpoints', 'pods', 'services'] }],
  endpointslice: [{ apiGroup: 'discovery.k8s.io', resources: ['endpointslices'] }, { apiGroup: '', resources: ['pods', 'services'] }],
  ingress: [{ apiGroup: 'networking.k8s.io', resources: ['ingresses'] }],
};
const NODE_PROXY_PATH = /\/api\/v1\/nodes\/[^/]*\/proxy\//;

/**
 * Least-privilege RBAC for Prometheus: read-only (list/watch) on what the scrape jobs discover, `get` on
 * `nodes/proxy` only when a job reads metrics through the API server proxy. No secrets, no wildcards.
 */
export class PrometheusRbac extends Construct {
  public readonly serviceAccountName: string;

  constructor(scope: Construct, id: string, props: PrometheusRbacProps) {
    super(scope, id);
    this.serviceAccountName = props.name;
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      // The token is mounted by the Prometheus pod itself, not by every pod using this account.
      automountServiceAccountToken: false,
    });
    const role = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: props.name, labels: props.labels },
      rules: Lazy.any({ produce: () => policyRulesFor(props.scrapeConfigs()) }),
    });
    const binding = new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: props.name, labels: props.labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: props.name },
      subjects: [{ kind: 'ServiceAccount', name: props.name, namespace: props.namespace }],
    });
    // A chart's namespace is stamped on every object, cluster-scoped ones included.
    if (Chart.of(this).namespace) {
      for (const obj of [role, binding]) ApiObject.of(obj).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }
  }
}

/** The ClusterRole rules the given scrape jobs need, merged per API group and sorted. */
function policyRulesFor(scrapeConfigs: ScrapeConfig[]): k8s.PolicyRule[] {
  const listWatch = new Map<string, Set<string>>();
  let nodeProxy = false;
  for (const job of scrapeConfigs) {
    for (const sd of job.kubernetes_sd_configs ?? []) {
      for (const { apiGroup, resources } of DISCOVERY_RESOURCES[sd.role]) {
        const set = listWatch.get(apiGroup) ?? new Set<string>();
        resources.forEach((r) => set.add(r));
        listWatch.set(apiGroup, set);
      }
    }
    const paths = [job.metrics_path ?? '', ...(job.relabel_configs ?? []).map((r) => r.replacement ?? '')];
    nodeProxy ||= paths.some((p) => NODE_PROXY_PATH.test(p));
  }
  const rules: k8s.PolicyRule[] = [...listWatch.keys()].sort().map((apiGroup) => ({
    apiGroups: [apiGroup],
    resources: [...listWatch.get(apiGroup)!].sort(),
    verbs: ['list', 'watch'],
  }));
  if (nodeProxy) rules.push({ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] });
  return rules;
}
