import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Route } from '../alertmanager/alert-router';
import { Receiver } from '../alertmanager/receivers';
import { MonitoredApplication, validateApplication } from '../application/monitored-application';
import { expectOptional, expectType, validateDnsLabel } from '../common/validation';
import { IDashboard, validateDashboard } from '../grafana/dashboard';
import {
  ModelHealth, ModelHealthMetrics, ModelHealthThresholds, validateAlertPrefix, validateModelHealthMetrics, validateModelHealthThresholds,
} from '../model-health/model-health-rules';
import { RuleGroup, RuleNames, validateRuleFileName, validateRuleGroup } from '../prometheus/rules';
import { ApplicationSlos } from '../slo/application-slos';
import { ServiceLevelObjective } from '../slo/service-level-objective';

/** What is monitored of one application besides its scrape target: alerts, dashboards, SLOs and alert routing. */
export interface ApplicationMonitoringOptions {
  /**
   * Alert rules of the application.
   * @default - none
   */
  readonly alerts?: RuleGroup[];
  /**
   * Rule file (key of the stack's rules ConfigMap) the alerts go to.
   * @default '<name>-alerts.yml'
   */
  readonly alertsFile?: string;
  /**
   * Dashboards of the application.
   * @default - none
   */
  readonly dashboards?: IDashboard[];
  /**
   * SLOs of the application: recording rules, burn-rate alerts (in `<name>-slos.yml`) and a dashboard.
   * @default - none
   */
  readonly slos?: ServiceLevelObjective[];
  /**
   * Receivers of the application's alerts. The stack's Alertmanager gets them as its own; the Operator delivery
   * writes them into the application's AlertmanagerConfig, credentials as references to a Secret.
   * @default - none
   */
  readonly receivers?: Receiver[];
  /**
   * Routes of the application's alerts to `receivers` (or to the stack's receivers, in the stack). Both
   * deliveries scope them to the application's namespace: the Prometheus Operator adds a `namespace` matcher
   * to an AlertmanagerConfig's routes, and the stack adds the same matcher.
   * @default - none: the alerts follow the severity routes
   */
  readonly routes?: Route[];
  /**
   * Watch the model's own health from its prediction counter (by class) and confidence histogram: class
   * distribution shift and confidence collapse against a 7-day baseline (`ModelHealth.rules`), added to its alerts.
   * The way to have them from Python, where a group mixing recording and alerting rules cannot be read back.
   * @default - none
   */
  readonly modelHealth?: ApplicationModelHealthOptions;
  /**
   * Create a ServiceMonitor for it beside the stack's own scrape job (the stack delivery only).
   * @default - the stack's `serviceMonitors` setting
   */
  readonly serviceMonitor?: boolean;
}

/** The model-health rules of an application: {@link ModelHealthOptions} but for what the application gives. */
export interface ApplicationModelHealthOptions extends ModelHealthThresholds {
  /**
   * Names of the metrics read.
   * @default - the Iris API's
   */
  readonly metrics?: ModelHealthMetrics;
  /**
   * Prefix of the alert names (`<prefix>PredictionDistributionShift`), unique per model in one Prometheus.
   * @default - none
   */
  readonly alertPrefix?: string;
}

/** Props of {@link ApplicationMonitoring}. */
export interface ApplicationMonitoringProps extends ApplicationMonitoringOptions {
  /** The application: its Service, metrics port and path. */
  readonly application: MonitoredApplication;
  /**
   * Namespace of an application that names none.
   * @default - the chart's namespace, else 'mlops'
   */
  readonly namespace?: string;
  /**
   * Where the runbooks of the SLO alerts live (`<base>/SloFastBurn.md`).
   * @default - this repository's docs/runbooks
   */
  readonly runbookBaseUrl?: string;
}

/** A rule file: the groups that go to one key of the stack's rules ConfigMap, or into one PrometheusRule. */
export interface RuleFile {
  readonly fileName: string;
  readonly groups: RuleGroup[];
}

/**
 * The monitoring content of one application, built once and checked once: its scrape target, its rule groups
 * (alerts, and the SLOs' recording and burn-rate rules), its dashboards (with the SLO dashboard), and the routes
 * and receivers of its alerts. It creates no Kubernetes object: a delivery writes it out, either into the
 * stack's own Prometheus, Alertmanager and Grafana ({@link MonitoringStack.addApplication}) or as the objects
 * the Prometheus Operator and Grafana's dashboard sidecar read ({@link PrometheusOperatorDelivery}).
 */
export class ApplicationMonitoring extends Construct {
  /** The application, its namespace filled in. */
  public readonly application: MonitoredApplication;
  /** Namespace of the application: the `namespace` label of its alerts and of its series. */
  public readonly namespace: string;
  /** Alert rule groups of the application. */
  public readonly alerts: RuleGroup[];
  /** Recording and burn-rate rule groups of its SLOs. */
  public readonly sloRuleGroups: RuleGroup[];
  /** Its dashboards, followed by the SLO dashboard when it has SLOs. */
  public readonly dashboards: IDashboard[];
  /** Its SLOs. */
  public readonly slos: ServiceLevelObjective[];
  /** Receivers of its alerts. */
  public readonly receivers: Receiver[];
  /** Routes of its alerts. */
  public readonly routes: Route[];
  /** Whether the stack delivery also makes a ServiceMonitor (undefined: the stack's setting). */
  public readonly serviceMonitor?: boolean;
  private readonly alertsFile: string;

  constructor(scope: Construct, id: string, props: ApplicationMonitoringProps) {
    super(scope, id);
    expectType(this, 'props', props, 'object');
    const application = props.application;
    validateApplication(this, 'application', application);
    for (const key of ['alerts', 'dashboards', 'slos', 'receivers', 'routes'] as const) expectOptional(this, key, props[key], 'array');
    this.namespace = validateDnsLabel(this, 'application.namespace', application.namespace ?? props.namespace ?? Chart.of(this).namespace ?? 'mlops');
    this.application = { ...application, namespace: this.namespace };
    this.alertsFile = validateRuleFileName(this, props.alertsFile ?? `${application.name}-alerts.yml`);
    this.alerts = [...(props.alerts ?? [])];
    expectOptional(this, 'modelHealth', props.modelHealth, 'object');
    if (props.modelHealth) {
      const { metrics, alertPrefix, ...thresholds } = props.modelHealth;
      validateModelHealthThresholds(this, 'modelHealth', thresholds);
      if (metrics !== undefined) validateModelHealthMetrics(this, 'modelHealth.metrics', metrics);
      if (alertPrefix !== undefined) validateAlertPrefix(this, 'modelHealth.alertPrefix', alertPrefix);
      this.alerts.push(ModelHealth.rules({ ...props.modelHealth, job: application.name, namespace: this.namespace, runbookBaseUrl: props.runbookBaseUrl }));
    }
    const names: RuleNames = { groups: new Set(), alerts: new Set() };
    this.alerts.forEach((group) => validateRuleGroup(this, group, names));
    this.slos = [...(props.slos ?? [])];
    const slos = this.slos.length
      ? new ApplicationSlos(this, 'Slos', { application: application.name, namespace: this.namespace, slos: this.slos, runbookBaseUrl: props.runbookBaseUrl })
      : undefined;
    this.sloRuleGroups = slos?.ruleGroups ?? [];
    this.dashboards = [...(props.dashboards ?? []), ...(slos ? [slos.dashboard] : [])];
    this.dashboards.forEach((dashboard) => validateDashboard(this, dashboard));
    this.receivers = [...(props.receivers ?? [])];
    this.routes = [...(props.routes ?? [])];
    this.serviceMonitor = props.serviceMonitor;
  }

  /** The application's name: the `job` label of its series. */
  public get name(): string {
    return this.application.name;
  }

  /**
   * The rule groups by file: the alerts in `alertsFile`, the SLO rules in `<name>-slos.yml`.
   * @internal
   */
  public get _ruleFiles(): RuleFile[] {
    return [
      { fileName: this.alertsFile, groups: this.alerts },
      { fileName: `${this.name}-slos.yml`, groups: this.sloRuleGroups },
    ].filter((file) => file.groups.length > 0);
  }
}
