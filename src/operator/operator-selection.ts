import { Construct } from 'constructs';
import { fail } from '../common/errors';
import { sortedMap } from '../common/serialize';
import { expectOptional, expectType, validateDnsLabel, validateKubernetesLabels } from '../common/validation';

/**
 * Which objects of one kind (ServiceMonitors, PodMonitors, PrometheusRules, AlertmanagerConfigs) an
 * Operator-managed Prometheus or Alertmanager reads: by their labels, in which namespaces.
 */
export interface OperatorSelection {
  /**
   * Labels the objects must carry (kube-prometheus-stack's objects carry `release: <helm release>`).
   * @default - none: every object of the kind in the namespaces
   */
  readonly matchLabels?: Record<string, string>;
  /**
   * Namespaces searched. Prometheus's RBAC is then Roles in these namespaces only.
   * @default - the Prometheus's (or Alertmanager's) own namespace
   */
  readonly namespaces?: string[];
  /**
   * Search every namespace (instead of `namespaces`): Prometheus's RBAC is then a ClusterRole.
   * @default false
   */
  readonly allNamespaces?: boolean;
}

/** A selection as the Operator's two fields: the objects' label selector and their namespaces' selector. */
export interface RenderedSelection {
  readonly selector: { matchLabels: Record<string, string> };
  /** `{}` is every namespace; a list is matched on the label Kubernetes puts on every namespace. */
  readonly namespaceSelector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values: string[] }[] };
  /** The namespaces searched, sorted; undefined for all of them. */
  readonly namespaces?: string[];
}

/** The label the API server sets on every namespace (since Kubernetes 1.21), its name. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Checks a selection given as `field` of `scope` and renders it; `ownNamespace` is the default namespace. */
export function renderSelection(scope: Construct, field: string, selection: OperatorSelection | undefined, ownNamespace: string): RenderedSelection {
  const s = selection ?? {};
  expectType(scope, field, s, 'object');
  expectOptional(scope, `${field}.matchLabels`, s.matchLabels, 'map');
  expectOptional(scope, `${field}.namespaces`, s.namespaces, 'array');
  expectOptional(scope, `${field}.allNamespaces`, s.allNamespaces, 'boolean');
  const matchLabels = validateKubernetesLabels(scope, `${field}.matchLabels`, s.matchLabels ?? {});
  if (s.allNamespaces && s.namespaces !== undefined) fail(scope, `${field}.namespaces`, 'give namespaces or allNamespaces: true, not both');
  if (s.namespaces?.length === 0) fail(scope, `${field}.namespaces`, 'must name at least one namespace (allNamespaces: true searches every one)');
  const selector = { matchLabels: sortedMap(matchLabels)! };
  if (s.allNamespaces) return { selector, namespaceSelector: {} };
  const namespaces = [...new Set((s.namespaces ?? [ownNamespace]).map((ns, i) => validateDnsLabel(scope, `${field}.namespaces[${i}]`, ns)))].sort();
  return { selector, namespaces, namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: namespaces }] } };
}
