import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AlertmanagerConfig } from '../../../imports/alertmanagerconfigs-monitoring.coreos.com';
import { PodMonitor, PodMonitorSpecPodMetricsEndpointsRelabelingsAction, PodMonitorSpecPodMetricsEndpointsScheme } from '../../../imports/podmonitors-monitoring.coreos.com';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../../imports/prometheusrules-monitoring.coreos.com';
import { DEFAULT_INHIBIT_RULES, InhibitRule, resolveInhibitRules } from '../../alertmanager/alert-router';
import { MatchOperator, toMatchers, validateMatchers } from '../../alertmanager/matchers';
import { validateReceiver, validateReceiverName } from '../../alertmanager/receivers';
import { ApplicationServiceMonitor } from '../../application/application-service-monitor';
import { fail } from '../../common/errors';
import { PART_OF } from '../../common/labels';
import { sortedMap, toJson } from '../../common/serialize';
import { checkUniqueObjects } from '../../common/unique-objects';
import {
  claimUnique, describeValue, expectOptional, expectType, validateDnsSubdomain, validateKubernetesLabels,
} from '../../common/validation';
import { ApplicationMonitoring } from '../../content/application-monitoring';
import { IDashboard, PROMETHEUS_DATASOURCE_UID } from '../../grafana/dashboard';
import { isAlertRule, renderRuleGroups } from '../../prometheus/rules';
import { requireSloRetention } from '../../slo/application-slos';
import { alertmanagerConfigSpec, UNROUTED_RECEIVER } from './alertmanager-config-spec';
import { checkSelected, OperatorTarget } from './operator-target';

/** Which monitor the Operator scrapes an application through. */
export enum MonitorKind {
  /** A ServiceMonitor: the pods behind the application's Service, by the Service's port name. */
  SERVICE_MONITOR = 'ServiceMonitor',
  /** A PodMonitor: the pods by their labels and container port, for applications without a Service. */
  POD_MONITOR = 'PodMonitor',
}

/** Props of {@link PrometheusOperatorDelivery}. */
export interface PrometheusOperatorDeliveryProps {
  /** The application's monitoring content ({@link ApplicationMonitoring}, {@link IrisApiMonitoring}). */
  readonly monitoring: ApplicationMonitoring;
  /** The Operator setup that will read the objects: {@link OperatorTarget.kubePrometheusStack} or {@link OperatorTarget.custom}. */
  readonly target: OperatorTarget;
  /**
   * The monitor that scrapes it.
   * @default MonitorKind.SERVICE_MONITOR
   */
  readonly monitorKind?: MonitorKind;
  /**
   * Labels of the application's pods, for a PodMonitor's selector.
   * @default - the application's `serviceLabels`, else { app: name }
   */
  readonly podLabels?: Record<string, string>;
  /**
   * More labels on every object (a team label, say). A label that the target's selectors need with another value
   * is refused.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Secret, in the application's namespace, whose keys the receivers' `*SecretKey` fields name; created out of
   * band (never in git). The AlertmanagerConfig refers to it with SecretKeySelectors.
   * @default '<name>-alertmanager-receivers'
   */
  readonly receiversSecretName?: string;
  /**
   * Inhibit rules of the AlertmanagerConfig (the Operator scopes them to its namespace too).
   * @default - a critical alert of a job mutes the job's warning and info alerts (the stack's Alertmanager's default)
   */
  readonly inhibitRules?: InhibitRule[];
  /**
   * Grafana folder of the dashboards (the value of the target's folder annotation).
   * @default - the sidecar's default folder
   */
  readonly dashboardFolder?: string;
}

/**
 * The Operator delivery: an application's monitoring content written as the objects the Prometheus Operator and
 * Grafana's dashboard sidecar read, in the application's namespace, labelled for the target's selectors:
 * - a ServiceMonitor (or PodMonitor) whose job is the application's name, as with the stack's scrape job;
 * - a PrometheusRule with its alerts (each with its runbook_url) and its SLOs' recording and burn-rate rules;
 * - one ConfigMap per dashboard for the sidecar (its label, the folder annotation, the datasource uid set,
 *   no `__inputs`);
 * - with receivers or routes, an AlertmanagerConfig (v1alpha1) whose credentials are SecretKeySelectors.
 *
 * What the Operator would silently ignore is refused at synth: an object its selectors do not select, a
 * namespace it does not read, a Service port that does not exist, alerts that its namespace matcher keeps from
 * the AlertmanagerConfig, names over its limits.
 */
export class PrometheusOperatorDelivery extends Construct {
  /** The ServiceMonitor (with `MonitorKind.SERVICE_MONITOR`). */
  public readonly serviceMonitor?: ApplicationServiceMonitor;
  /** The PodMonitor (with `MonitorKind.POD_MONITOR`). */
  public readonly podMonitor?: ApiObject;
  /** The PrometheusRule, when the application has rules. */
  public readonly prometheusRule?: ApiObject;
  /** The dashboard ConfigMaps. */
  public readonly dashboardConfigMaps: k8s.KubeConfigMap[] = [];
  /** The AlertmanagerConfig, when the application has receivers or routes. */
  public readonly alertmanagerConfig?: ApiObject;
  /**
   * The matcher the Operator adds to the AlertmanagerConfig's top route and inhibit rules (`namespace="<ns>"`),
   * or undefined when its strategy adds none: only alerts with that label reach the AlertmanagerConfig.
   */
  public readonly namespaceMatcher?: string;

  constructor(scope: Construct, id: string, props: PrometheusOperatorDeliveryProps) {
    super(scope, id);
    checkUniqueObjects(this);
    expectType(this, 'props', props, 'object');
    const monitoring = props.monitoring;
    if (!(monitoring instanceof ApplicationMonitoring)) fail(this, 'monitoring', `must be an ApplicationMonitoring (or IrisApiMonitoring), got ${describeValue(monitoring)}`);
    const target = props.target;
    if (!(target instanceof OperatorTarget)) fail(this, 'target', `must be made by OperatorTarget.kubePrometheusStack() or OperatorTarget.custom(), got ${describeValue(target)}`);
    const app = monitoring.application;
    const namespace = monitoring.namespace;
    if (target.namespaces && !target.namespaces.includes(namespace)) {
      fail(this, 'monitoring.namespace', `"${namespace}" is not among the namespaces the target reads (${target.namespaces.join(', ')}): the Operator would ignore every object here`);
    }
    expectOptional(this, 'labels', props.labels, 'map');
    const extraLabels = validateKubernetesLabels(this, 'labels', props.labels ?? {});
    const objectLabels = (component: string, selector: Record<string, string>, selectorName: string, what: string) => {
      const labels = sortedMap({
        ...selector,
        ...extraLabels,
        'app.kubernetes.io/name': app.name,
        'app.kubernetes.io/component': component,
        'app.kubernetes.io/part-of': PART_OF,
        'app.kubernetes.io/managed-by': 'cdk8s',
      })!;
      checkSelected(this, 'labels', what, labels, selector, selectorName);
      return labels;
    };

    const kind = props.monitorKind ?? MonitorKind.SERVICE_MONITOR;
    if (!Object.values(MonitorKind).includes(kind)) fail(this, 'monitorKind', `"${kind}" is not one of ${Object.values(MonitorKind).join(', ')}`);
    const monitorLabels = objectLabels(kind === MonitorKind.SERVICE_MONITOR ? 'service-monitor' : 'pod-monitor', target.monitorSelector, 'monitor selector', kind);
    if (kind === MonitorKind.SERVICE_MONITOR) {
      if (props.podLabels !== undefined) fail(this, 'podLabels', 'selects the pods of a PodMonitor: set monitorKind: MonitorKind.POD_MONITOR, or leave it out');
      this.serviceMonitor = new ApplicationServiceMonitor(this, 'ServiceMonitor', { application: app, labels: monitorLabels });
      this.node.addValidation({ validate: () => servicePortProblems(this, monitoring) });
    } else {
      expectOptional(this, 'podLabels', props.podLabels, 'map');
      const podLabels = validateKubernetesLabels(this, 'podLabels', props.podLabels ?? app.serviceLabels ?? { app: app.name }, { nonEmpty: true });
      this.podMonitor = new PodMonitor(this, 'PodMonitor', {
        metadata: { name: app.name, namespace, labels: monitorLabels },
        spec: {
          selector: { matchLabels: sortedMap(podLabels) },
          namespaceSelector: { matchNames: [namespace] },
          podMetricsEndpoints: [{
            ...(app.port !== undefined ? { portNumber: app.port } : { port: app.portName ?? 'http' }),
            path: app.metricsPath ?? '/metrics',
            scheme: PodMonitorSpecPodMetricsEndpointsScheme.HTTP,
            ...(app.scrapeInterval ? { interval: app.scrapeInterval } : {}),
            // The job is the application's name, as with the stack's scrape job, whatever the pods' labels.
            // The action is the CRD's default, written out: a defaulted field in a list makes every later
            // client-side `kubectl apply` report the object `configured`.
            relabelings: [{ action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE, targetLabel: 'job', replacement: app.name }],
          }],
        },
      });
    }

    // A Prometheus the library makes keeps what the SLOs read; another one's retention is its owner's business.
    if (target._retentionOwner && monitoring.slos.length) requireSloRetention(target._retentionOwner, app.name, monitoring.slos);
    const groups = monitoring._ruleFiles.flatMap((file) => file.groups);
    if (groups.length) {
      const names = new Set<string>();
      groups.forEach((group) => claimUnique(this, 'monitoring.ruleGroups', names, group.name, 'rule group name'));
      const rendered = renderRuleGroups(groups).groups as { name: string; interval?: string; rules: Record<string, unknown>[] }[];
      this.prometheusRule = new PrometheusRule(this, 'PrometheusRule', {
        metadata: { name: app.name, namespace, labels: objectLabels('prometheus-rule', target.ruleSelector, 'rule selector', 'PrometheusRule') },
        spec: {
          groups: rendered.map((group) => ({
            name: group.name,
            ...(group.interval ? { interval: group.interval } : {}),
            rules: group.rules.map((rule) => ({ ...rule, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(rule.expr as string) })),
          })),
        },
      });
    }

    const folder = props.dashboardFolder;
    expectOptional(this, 'dashboardFolder', folder, 'string');
    const dashboardNames = new Set<string>();
    for (const dashboard of monitoring.dashboards) {
      const name = dashboardConfigMapName(app.name, dashboard);
      claimUnique(this, 'monitoring.dashboards', dashboardNames, name, 'dashboard ConfigMap name (from the uid, lower case)');
      const configMap = new k8s.KubeConfigMap(this, `Dashboard-${dashboard.uid}`, {
        metadata: {
          name,
          namespace,
          labels: sortedMap({ ...objectLabels('dashboard', {}, '', 'ConfigMap'), ...target.dashboardLabel }),
          ...(folder ? { annotations: { [target.dashboardFolderAnnotation]: folder } } : {}),
        },
        data: { [`${dashboard.uid}.json`]: toJson(forSidecar(dashboard.toJson(), target.datasourceUid)) },
      });
      checkApplySize(this, `monitoring.dashboards[${dashboard.title}]`, configMap);
      this.dashboardConfigMaps.push(configMap);
    }

    this.namespaceMatcher = target.namespaceMatcherIn(namespace);
    if (monitoring.receivers.length || monitoring.routes.length) {
      const secretName = validateDnsSubdomain(this, 'receiversSecretName', props.receiversSecretName ?? `${app.name}-alertmanager-receivers`);
      const inhibitRules = resolveInhibitRules(this, props.inhibitRules ?? DEFAULT_INHIBIT_RULES);
      this.checkAlertmanagerContent(monitoring);
      this.alertmanagerConfig = new AlertmanagerConfig(this, 'AlertmanagerConfig', {
        metadata: { name: app.name, namespace, labels: objectLabels('alertmanager-config', target.alertmanagerConfigSelector, 'AlertmanagerConfig selector', 'AlertmanagerConfig') },
        spec: alertmanagerConfigSpec({ receivers: monitoring.receivers, routes: monitoring.routes, inhibitRules, secretName }),
      });
    }
  }

  /**
   * Receivers and routes the Operator accepts (it refuses a route to an unknown receiver), and alerts that can
   * reach them past its namespace matcher.
   */
  private checkAlertmanagerContent(monitoring: ApplicationMonitoring): void {
    const receivers = new Set<string>([UNROUTED_RECEIVER]);
    monitoring.receivers.forEach((receiver, i) => {
      expectType(this, `monitoring.receivers[${i}]`, receiver, 'object');
      validateReceiverName(this, receiver.name);
      if (receiver.name === UNROUTED_RECEIVER) fail(this, `monitoring.receivers[${i}].name`, `"${UNROUTED_RECEIVER}" is the AlertmanagerConfig's own receiver of unrouted alerts: choose another name`);
      claimUnique(this, 'monitoring.receivers', receivers, receiver.name, 'receiver name');
      validateReceiver(this, receiver);
    });
    const scoped = this.namespaceMatcher !== undefined;
    monitoring.routes.forEach((route, i) => {
      const field = `monitoring.routes[${i}]`;
      expectType(this, field, route, 'object');
      if (!receivers.has(route.receiver)) fail(this, `${field}.receiver`, `"${route.receiver}" is not a receiver of this application (${[...receivers].join(', ')}): the Operator refuses an AlertmanagerConfig routing to it`);
      const matchers = toMatchers(route.match, route.matchers);
      validateMatchers(this, `${field}.matchers`, matchers);
      const namespaceMatcher = matchers.find((m) => m.label === 'namespace');
      if (scoped && namespaceMatcher && !(namespaceMatcher.value === monitoring.namespace && (namespaceMatcher.operator ?? MatchOperator.EQUAL) === MatchOperator.EQUAL)) {
        fail(this, `${field}.matchers`, `matches namespace ${namespaceMatcher.operator ?? '='} "${namespaceMatcher.value}", but the Operator adds ${this.namespaceMatcher} to the AlertmanagerConfig's routes: this route could only see alerts of namespace "${monitoring.namespace}"`);
      }
    });
    if (!scoped) return;
    // Alerts without the namespace label, or with another value, never pass the Operator's matcher.
    for (const group of monitoring._ruleFiles.flatMap((file) => file.groups)) {
      for (const rule of group.rules.filter(isAlertRule)) {
        const value = rule.labels?.namespace;
        if (value !== undefined && value !== monitoring.namespace) {
          fail(this, `monitoring.alerts[${group.name}].${rule.alert}.labels.namespace`, `is "${value}", but the Operator adds ${this.namespaceMatcher} to the AlertmanagerConfig's routes: its notifications would never be routed here`);
        }
      }
    }
  }
}

/** `<application>-dashboard-<uid>`, lower case: a ConfigMap name from a dashboard uid (letters, digits, '-' and '_'). */
function dashboardConfigMapName(application: string, dashboard: IDashboard): string {
  return `${application}-dashboard-${dashboard.uid.toLowerCase().replace(/_/g, '-').replace(/^-+|-+$/g, '')}`;
}

/**
 * A dashboard as the sidecar must find it: the datasource uid of the target's Grafana wherever the dashboard
 * refers to the default one or to an export's `${DS_...}` input, and no `__inputs`/`__requires` (the sidecar
 * does not resolve them: "datasource ${DS_PROMETHEUS} not found").
 */
function forSidecar(model: Record<string, unknown>, datasourceUid: string): Record<string, unknown> {
  const inputs = Array.isArray(model.__inputs) ? (model.__inputs as { name?: unknown; type?: unknown }[]) : [];
  const datasourceInputs = new Set(inputs.filter((i) => i?.type === 'datasource' && typeof i.name === 'string').map((i) => `\${${i.name as string}}`));
  const replace = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string') {
      if (datasourceInputs.has(value)) return datasourceUid;
      return key === 'uid' && value === PROMETHEUS_DATASOURCE_UID ? datasourceUid : value;
    }
    if (Array.isArray(value)) return value.map((v) => replace(v));
    if (value !== null && typeof value === 'object') {
      const isDatasource = key === 'datasource' || key === 'current';
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isDatasource && (k === 'uid' || k === 'value') ? replace(v, 'uid') : replace(v, k)]));
    }
    return value;
  };
  const { __inputs: _inputs, __requires: _requires, __elements: _elements, ...rest } = model;
  return replace(rest) as Record<string, unknown>;
}

/**
 * `kubectl apply` (client-side, as the README deploys) copies the whole object into its last-applied annotation,
 * which the API server caps at 262144 bytes.
 */
function checkApplySize(scope: Construct, field: string, object: ApiObject): void {
  const size = Buffer.byteLength(JSON.stringify(object.toJson()), 'utf8');
  if (size > 262144) fail(scope, field, `its ConfigMap is ${size} bytes: over the 262144 bytes kubectl apply can record in its last-applied annotation (apply it with --server-side, or split the dashboard)`);
}

/**
 * With the application's Service in this app (any chart), the ServiceMonitor must find it: its labels include
 * the selector, and it has the port (by name, or as a target port by number). A Service defined elsewhere is
 * not checked.
 */
function servicePortProblems(scope: Construct, monitoring: ApplicationMonitoring): string[] {
  const app = monitoring.application;
  const services = scope.node.root.node.findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Service' && c.name === app.serviceName)
    .filter((service) => (service.metadata.namespace ?? Chart.of(service).namespace ?? 'default') === monitoring.namespace);
  const problems: string[] = [];
  for (const service of services) {
    const json = service.toJson() as { metadata?: { labels?: Record<string, string> }; spec?: { ports?: { name?: string; port?: number; targetPort?: number | string }[] } };
    const selector = app.serviceLabels ?? { app: app.name };
    const labels = json.metadata?.labels ?? {};
    const missing = Object.entries(selector).filter(([k, v]) => labels[k] !== v).map(([k, v]) => `${k}: ${v}`);
    if (missing.length) problems.push(`[${scope.node.path}] monitoring.application.serviceLabels: Service ${app.serviceName} in ${monitoring.namespace} lacks ${missing.join(', ')}: the ServiceMonitor would select no Service and find no target`);
    const ports = json.spec?.ports ?? [];
    const found = app.port !== undefined ? ports.some((p) => (p.targetPort ?? p.port) === app.port) : ports.some((p) => p.name === (app.portName ?? 'http'));
    if (!found) {
      const wanted = app.port !== undefined ? `target port ${app.port}` : `port named "${app.portName ?? 'http'}"`;
      const has = ports.map((p) => (p.name ? `${p.name} (${p.port})` : `unnamed (${p.port})`)).join(', ') || 'none';
      problems.push(`[${scope.node.path}] monitoring.application.${app.port !== undefined ? 'port' : 'portName'}: Service ${app.serviceName} has no ${wanted} (its ports: ${has}): the ServiceMonitor would find no target`);
    }
  }
  return problems;
}
