import { IConstruct } from 'constructs';
import { fail } from '../../common/errors';
import { sortedMap } from '../../common/serialize';
import { expectOptional, expectType, validateDnsLabel, validateKubernetesLabels, validateLabelKey } from '../../common/validation';
import { PROMETHEUS_DATASOURCE_UID } from '../../grafana/dashboard';
import { RetentionOwner } from '../../slo/application-slos';

/**
 * How the Prometheus Operator scopes an AlertmanagerConfig's routes and inhibit rules (the Alertmanager's
 * `alertmanagerConfigMatcherStrategy.type`).
 */
export enum AlertmanagerConfigMatcherStrategy {
  /** A `namespace="<the AlertmanagerConfig's namespace>"` matcher on its top route and inhibit rules (the Operator's default). */
  ON_NAMESPACE = 'OnNamespace',
  /** The same, except for AlertmanagerConfigs in the Alertmanager's own namespace. */
  ON_NAMESPACE_EXCEPT_FOR_ALERTMANAGER_NAMESPACE = 'OnNamespaceExceptForAlertmanagerNamespace',
  /** No matcher added: an AlertmanagerConfig's routes see every namespace's alerts. */
  NONE = 'None',
}

/**
 * What the target Prometheus, Alertmanager and Grafana select, as set in their custom resources and the
 * dashboard sidecar: the delivery labels its objects so that they are selected, and refuses at synth what
 * they would ignore.
 */
export interface OperatorTargetProps {
  /**
   * Labels the Prometheus's `serviceMonitorSelector` and `podMonitorSelector` match (`matchLabels`).
   * @default - {} (selects every monitor)
   */
  readonly monitorSelector?: Record<string, string>;
  /**
   * Labels the Prometheus's `ruleSelector` matches.
   * @default - {} (selects every PrometheusRule)
   */
  readonly ruleSelector?: Record<string, string>;
  /**
   * Labels the Alertmanager's `alertmanagerConfigSelector` matches.
   * @default - {} (selects every AlertmanagerConfig)
   */
  readonly alertmanagerConfigSelector?: Record<string, string>;
  /**
   * Namespaces the Prometheus reads monitors and rules from, and the Alertmanager its AlertmanagerConfigs from
   * (their namespace selectors).
   * @default - every namespace
   */
  readonly namespaces?: string[];
  /**
   * How the Operator scopes an AlertmanagerConfig's routes.
   * @default AlertmanagerConfigMatcherStrategy.ON_NAMESPACE
   */
  readonly matcherStrategy?: AlertmanagerConfigMatcherStrategy;
  /**
   * Namespace of the Alertmanager, for `ON_NAMESPACE_EXCEPT_FOR_ALERTMANAGER_NAMESPACE`.
   * @default - none
   */
  readonly alertmanagerNamespace?: string;
  /**
   * Label (name and value) the Grafana dashboard sidecar loads ConfigMaps by.
   * @default - { grafana_dashboard: '1' }
   */
  readonly dashboardLabel?: Record<string, string>;
  /**
   * Annotation whose value the sidecar takes as the dashboard's folder.
   * @default 'k8s-sidecar-target-directory'
   */
  readonly dashboardFolderAnnotation?: string;
  /**
   * uid of the Prometheus datasource in that Grafana: what the dashboards' queries use.
   * @default 'prometheus'
   */
  readonly datasourceUid?: string;
}

/**
 * The Prometheus Operator setup a {@link PrometheusOperatorDelivery} writes for: kube-prometheus-stack's by
 * {@link OperatorTarget.kubePrometheusStack}, or any other by {@link OperatorTarget.custom}.
 */
export class OperatorTarget {
  /**
   * kube-prometheus-stack's defaults for a Helm release: its Prometheus selects ServiceMonitors, PodMonitors and
   * PrometheusRules labelled `release: <releaseName>` in every namespace (the `*SelectorNilUsesHelmValues`
   * defaults), and ignores any other without a word; its Alertmanager selects every AlertmanagerConfig and
   * scopes each to its namespace; its Grafana sidecar loads ConfigMaps labelled `grafana_dashboard: "1"` from
   * every namespace, with the datasource uid `prometheus`.
   * @param releaseName the Helm release name (`helm install <releaseName> prometheus-community/kube-prometheus-stack`)
   */
  public static kubePrometheusStack(releaseName: string): OperatorTarget {
    validateDnsLabel('OperatorTarget.kubePrometheusStack', 'releaseName', releaseName);
    const release = { release: releaseName };
    return new OperatorTarget({ monitorSelector: release, ruleSelector: release });
  }

  /** A Prometheus Operator setup of one's own: its selectors, as its custom resources write them. */
  public static custom(props: OperatorTargetProps = {}): OperatorTarget {
    return new OperatorTarget(props ?? {});
  }

  /** Labels the Prometheus's monitor selectors match. */
  public readonly monitorSelector: Record<string, string>;
  /** Labels the Prometheus's rule selector matches. */
  public readonly ruleSelector: Record<string, string>;
  /** Labels the Alertmanager's AlertmanagerConfig selector matches. */
  public readonly alertmanagerConfigSelector: Record<string, string>;
  /** Namespaces read (undefined: all). */
  public readonly namespaces?: string[];
  /** How the Operator scopes an AlertmanagerConfig's routes. */
  public readonly matcherStrategy: AlertmanagerConfigMatcherStrategy;
  /** Namespace of the Alertmanager, when given. */
  public readonly alertmanagerNamespace?: string;
  /** Label the dashboard sidecar loads ConfigMaps by. */
  public readonly dashboardLabel: Record<string, string>;
  /** Annotation naming a dashboard's folder. */
  public readonly dashboardFolderAnnotation: string;
  /** uid of the Prometheus datasource. */
  public readonly datasourceUid: string;
  /**
   * The Prometheus of this setup when the library makes it too ({@link OperatorPrometheus.operatorTarget}): its
   * retention grows to the SLO windows of the applications delivered to it.
   * @internal
   */
  public _retentionOwner?: RetentionOwner;

  private constructor(props: OperatorTargetProps) {
    const where = 'OperatorTarget';
    expectType(where, 'props', props, 'object');
    const labels = (field: keyof OperatorTargetProps, value: Record<string, string> | undefined) => {
      expectOptional(where, field, value, 'map');
      return sortedMap(validateKubernetesLabels(where, field, value ?? {})) ?? {};
    };
    this.monitorSelector = labels('monitorSelector', props.monitorSelector);
    this.ruleSelector = labels('ruleSelector', props.ruleSelector);
    this.alertmanagerConfigSelector = labels('alertmanagerConfigSelector', props.alertmanagerConfigSelector);
    expectOptional(where, 'namespaces', props.namespaces, 'array');
    if (props.namespaces?.length === 0) fail(where, 'namespaces', 'an empty list reads no namespace: leave it out to read every namespace');
    this.namespaces = props.namespaces?.map((ns, i) => validateDnsLabel(where, `namespaces[${i}]`, ns));
    this.matcherStrategy = props.matcherStrategy ?? AlertmanagerConfigMatcherStrategy.ON_NAMESPACE;
    if (!Object.values(AlertmanagerConfigMatcherStrategy).includes(this.matcherStrategy)) {
      fail(where, 'matcherStrategy', `"${this.matcherStrategy}" is not one of ${Object.values(AlertmanagerConfigMatcherStrategy).join(', ')}`);
    }
    if (props.alertmanagerNamespace !== undefined) this.alertmanagerNamespace = validateDnsLabel(where, 'alertmanagerNamespace', props.alertmanagerNamespace);
    if (this.matcherStrategy === AlertmanagerConfigMatcherStrategy.ON_NAMESPACE_EXCEPT_FOR_ALERTMANAGER_NAMESPACE && !this.alertmanagerNamespace) {
      fail(where, 'alertmanagerNamespace', 'ON_NAMESPACE_EXCEPT_FOR_ALERTMANAGER_NAMESPACE needs the Alertmanager\'s namespace, to know which AlertmanagerConfigs are not scoped');
    }
    this.dashboardLabel = labels('dashboardLabel', props.dashboardLabel ?? { grafana_dashboard: '1' });
    if (Object.keys(this.dashboardLabel).length !== 1) fail(where, 'dashboardLabel', 'the sidecar loads ConfigMaps by one label: give exactly one name and value');
    this.dashboardFolderAnnotation = validateLabelKey(where, 'dashboardFolderAnnotation', props.dashboardFolderAnnotation ?? 'k8s-sidecar-target-directory');
    this.datasourceUid = props.datasourceUid ?? PROMETHEUS_DATASOURCE_UID;
    expectType(where, 'datasourceUid', this.datasourceUid, 'string');
    if (!/^[a-zA-Z0-9_-]{1,40}$/.test(this.datasourceUid)) fail(where, 'datasourceUid', `"${this.datasourceUid}" is not a Grafana uid (1-40 letters, digits, '-' or '_')`);
  }

  /**
   * The namespace matcher the Operator adds to an AlertmanagerConfig's top route and inhibit rules in
   * `namespace`, or undefined when it adds none.
   */
  public namespaceMatcherIn(namespace: string): string | undefined {
    const none = this.matcherStrategy === AlertmanagerConfigMatcherStrategy.NONE
      || (this.matcherStrategy === AlertmanagerConfigMatcherStrategy.ON_NAMESPACE_EXCEPT_FOR_ALERTMANAGER_NAMESPACE && namespace === this.alertmanagerNamespace);
    return none ? undefined : `namespace="${namespace}"`;
  }
}

/** Fails unless `labels` carry every label of `selector` with its value: the Operator would ignore the object. */
export function checkSelected(scope: IConstruct, field: string, what: string, labels: Record<string, string>, selector: Record<string, string>, selectorName: string): void {
  for (const [key, value] of Object.entries(selector)) {
    if (labels[key] !== value) {
      fail(scope, `${field}.${key}`, `is ${labels[key] === undefined ? 'missing' : `"${labels[key]}"`}, but the target's ${selectorName} selects ${key}: "${value}": the Operator would ignore this ${what} without a word`);
    }
  }
}
