import { ApiObject, Chart, JsonPatch, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { KubernetesSdRole, ScrapeConfig } from './config-model';

/** Props of {@link PrometheusRbac}. */
export interface PrometheusRbacProps {
  /** Name of the ServiceAccount, and of the Role in its own namespace. */
  readonly name: string;
  /** Namespace of the ServiceAccount. */
  readonly namespace: string;
  /** Labels of every object. */
  readonly labels: Record<string, string>;
  /**
   * Name of the ClusterRole, the ClusterRoleBinding and the Roles in other namespaces: objects that another
   * stack's Prometheus could also create, so unique per stack.
   * @default - `name` in the namespace `mlops` (the seed's names), else `<name>-<namespace>`
   */
  readonly sharedName?: string;
}

/** What each Kubernetes service-discovery role lists and watches. */
const DISCOVERY_RESOURCES: Record<string, { apiGroup: string; resources: string[] }[]> = {
  node: [{ apiGroup: '', resources: ['nodes'] }],
  service: [{ apiGroup: '', resources: ['services'] }],
  pod: [{ apiGroup: '', resources: ['pods'] }],
  endpoints: [{ apiGroup: '', resources: ['endpoints', 'pods', 'services'] }],
  endpointslice: [{ apiGroup: 'discovery.k8s.io', resources: ['endpointslices'] }, { apiGroup: '', resources: ['pods', 'services'] }],
  ingress: [{ apiGroup: 'networking.k8s.io', resources: ['ingresses'] }],
};
/** Roles whose objects live in namespaces, so a `namespaces` list scopes them to Roles. */
const NAMESPACED_ROLES = new Set(['service', 'pod', 'endpoints', 'endpointslice', 'ingress']);
/** Metrics read through the API server proxy: the whole kubelet API (only when a job asks for it). */
const NODE_PROXY_PATH = /\/api\/v1\/nodes\/[^/]*\/proxy\//;
/** Metrics read through the API server's service proxy, in one namespace or (a relabeled `$1`) any. */
const SERVICE_PROXY_PATH = /\/api\/v1\/namespaces\/([^/]+)\/services\/[^/]+\/proxy\//;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

type Grants = Map<string, Map<string, Set<string>>>; // apiGroup → resource → verbs

/**
 * Least-privilege RBAC for Prometheus, derived from its scrape jobs: read-only (list/watch) on what each
 * job discovers, in a Role per namespace when the job names its namespaces and in the ClusterRole only for
 * what is cluster-wide (nodes, jobs without namespaces); `get nodes/metrics` for the kubelet's own metrics,
 * `nodes/proxy` or `services/proxy` only when a job reads through the API server proxy. No secrets, no
 * wildcards.
 */
export class PrometheusRbac extends Construct {
  /** Name of the ServiceAccount the Prometheus pods run as. */
  public readonly serviceAccountName: string;
  /** The ServiceAccount the Prometheus pods run as. */
  public readonly serviceAccount: ApiObject;
  /** Name of the cluster-scoped objects (and of the Roles in other namespaces). */
  public readonly sharedName: string;

  private readonly props: PrometheusRbacProps;
  private readonly jobs: ScrapeConfig[] = [];
  private readonly roleNamespaces = new Set<string>();
  private clusterRole = false;

  /**
   * @param scope the parent construct
   * @param id the construct's id
   * @param props names, namespace and labels
   */
  constructor(scope: Construct, id: string, props: PrometheusRbacProps) {
    super(scope, id);
    this.props = props;
    this.serviceAccountName = props.name;
    this.sharedName = props.sharedName ?? (props.namespace === 'mlops' ? props.name : `${props.name}-${props.namespace}`);
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      // The token is mounted by the Prometheus pod itself, not by every pod using this account.
      automountServiceAccountToken: false,
    });
  }

  /**
   * Grants what one more scrape job needs: creates the Role of a new namespace, or the ClusterRole, on first need.
   * @param job the scrape job
   */
  public addScrapeJob(job: ScrapeConfig): void {
    this.jobs.push(job);
    const grants = grantsOf(job);
    if (grants.cluster.size > 0) this.ensureClusterRole();
    [...grants.namespaced.keys()].forEach((namespace) => this.ensureRole(namespace));
  }

  /**
   * Grants what more scrape jobs need, each as {@link addScrapeJob} does (in Python: `add_scrape_jobs(job, ...)`
   * with `ScrapeConfig` objects, where `add_scrape_job` takes a job's fields as keyword arguments).
   * @param jobs the scrape jobs
   */
  public addScrapeJobs(...jobs: ScrapeConfig[]): void {
    jobs.forEach((job) => this.addScrapeJob(job));
  }

  private ensureClusterRole(): void {
    if (this.clusterRole) return;
    this.clusterRole = true;
    const { labels, name, namespace } = this.props;
    const role = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: this.sharedName, labels },
      rules: Lazy.any({ produce: () => policyRules(merge(this.jobs.map((j) => grantsOf(j).cluster))) }),
    });
    const binding = new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: this.sharedName, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.sharedName },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    });
    // A chart's namespace is stamped on every object, cluster-scoped ones included.
    if (Chart.of(this).namespace) {
      for (const obj of [role, binding]) ApiObject.of(obj).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }
  }

  private ensureRole(roleNamespace: string): void {
    if (this.roleNamespaces.has(roleNamespace)) return;
    this.roleNamespaces.add(roleNamespace);
    const { labels, name, namespace } = this.props;
    const roleName = roleNamespace === namespace ? name : this.sharedName;
    const metadata = { name: roleName, namespace: roleNamespace, labels };
    new k8s.KubeRole(this, `Role-${roleNamespace}`, {
      metadata,
      rules: Lazy.any({ produce: () => policyRules(merge(this.jobs.map((j) => grantsOf(j).namespaced.get(roleNamespace) ?? new Map()))) }),
    });
    new k8s.KubeRoleBinding(this, `RoleBinding-${roleNamespace}`, {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    });
  }
}

/** What one job needs, cluster-wide and per namespace. */
function grantsOf(job: ScrapeConfig): { cluster: Grants; namespaced: Map<string, Grants> } {
  const cluster: Grants = new Map();
  const namespaced = new Map<string, Grants>();
  const inNamespace = (ns: string) => namespaced.get(ns) ?? namespaced.set(ns, new Map()).get(ns)!;
  for (const sd of job.kubernetesSdConfigs ?? []) {
    const names = NAMESPACED_ROLES.has(sd.role) ? sd.namespaces?.names ?? [] : [];
    const targets = names.length ? names.map(inNamespace) : [cluster];
    for (const { apiGroup, resources } of DISCOVERY_RESOURCES[sd.role] ?? []) {
      targets.forEach((grants) => resources.forEach((r) => grant(grants, apiGroup, r, ['list', 'watch'])));
    }
  }
  const paths = [job.metricsPath ?? '', ...(job.relabelConfigs ?? []).map((r) => r.replacement ?? '')];
  const discoversNodes = (job.kubernetesSdConfigs ?? []).some((sd) => sd.role === KubernetesSdRole.NODE);
  // The kubelet's own endpoints (/metrics, /metrics/cadvisor, /metrics/probes) authorize `nodes/metrics`.
  if (discoversNodes && (job.metricsPath ?? '/metrics').startsWith('/metrics')) grant(cluster, '', 'nodes/metrics', ['get']);
  if (paths.some((p) => NODE_PROXY_PATH.test(p))) grant(cluster, '', 'nodes/proxy', ['get']);
  for (const p of paths) {
    const match = SERVICE_PROXY_PATH.exec(p);
    if (match) grant(DNS_LABEL.test(match[1]) ? inNamespace(match[1]) : cluster, '', 'services/proxy', ['get']);
  }
  return { cluster, namespaced };
}

function grant(grants: Grants, apiGroup: string, resource: string, verbs: string[]): void {
  const resources = grants.get(apiGroup) ?? grants.set(apiGroup, new Map()).get(apiGroup)!;
  const set = resources.get(resource) ?? resources.set(resource, new Set()).get(resource)!;
  verbs.forEach((v) => set.add(v));
}

function merge(all: Grants[]): Grants {
  const merged: Grants = new Map();
  for (const grants of all) {
    for (const [apiGroup, resources] of grants) {
      for (const [resource, verbs] of resources) grant(merged, apiGroup, resource, [...verbs]);
    }
  }
  return merged;
}

/** One rule per API group and verb set, resources sorted: deterministic and short. */
function policyRules(grants: Grants): k8s.PolicyRule[] {
  const rules: k8s.PolicyRule[] = [];
  for (const apiGroup of [...grants.keys()].sort()) {
    const byVerbs = new Map<string, string[]>();
    for (const [resource, verbs] of grants.get(apiGroup)!) {
      const key = [...verbs].sort().join(',');
      byVerbs.set(key, [...(byVerbs.get(key) ?? []), resource]);
    }
    for (const verbs of [...byVerbs.keys()].sort().reverse()) {
      rules.push({ apiGroups: [apiGroup], resources: byVerbs.get(verbs)!.sort(), verbs: verbs.split(',') });
    }
  }
  return rules;
}
