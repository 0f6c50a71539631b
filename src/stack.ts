import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AlertRouter, AlertRouterOptions } from './alertmanager/alert-router';
import { AlertmanagerAlerts } from './alertmanager/alertmanager-rules';
import { ApplicationServiceMonitor } from './application/application-service-monitor';
import { MonitoredApplication, validateApplication, withOverrides } from './application/monitored-application';
import { fail } from './common/errors';
import {
  claimUnique, expectOptional, expectType, validateDnsLabel, validateDuration, validateHttpUrl, validateLabelName, validateLatencySeconds,
  validateMetricName, validateNumber,
} from './common/validation';
import { IDashboard } from './grafana/dashboard';
import { Dashboards } from './grafana/built-in-dashboards';
import { GrafanaWithDashboards, GrafanaWithDashboardsOptions } from './grafana/grafana-with-dashboards';
import { InferenceApiAlerts, InferenceApiAlertSettings } from './iris/inference-api-alerts';
import { InferenceApiSlos } from './iris/inference-api-slos';
import { InferenceApiMetrics, IrisApi, IrisApiOptions } from './iris/iris-api';
import { ModelHealth, validateModelHealthThresholds } from './model-health/model-health-rules';
import { PrometheusServer, PrometheusServerOptions } from './prometheus/prometheus-server';
import { RuleGroup } from './prometheus/rules';
import { ScrapeJobs } from './prometheus/scrape-jobs';
import { checkUniqueObjects } from './common/unique-objects';
import { ApplicationSlos } from './slo/application-slos';
import { ServiceLevelObjective } from './slo/service-level-objective';

/** Props of {@link MonitoringStack}. */
export interface MonitoringStackProps {
  /**
   * Namespace of the whole stack.
   * @default - the chart's namespace, else 'mlops'
   */
  readonly namespace?: string;
  /**
   * Prometheus settings (its namespace is the stack's).
   * @default - 15s scrape interval; 15d retention, or the longest SLO window (28d with the Iris API's SLOs)
   */
  readonly prometheus?: PrometheusServerOptions;
  /**
   * Alertmanager settings.
   * @default - receivers default/critical/warning, routes by severity
   */
  readonly alertmanager?: AlertRouterOptions;
  /**
   * Grafana settings; `dashboards` are added after the built-in ones.
   * @default - the two built-in dashboards
   */
  readonly grafana?: GrafanaWithDashboardsOptions;
  /**
   * The Iris API: scraped, alerted on, shown in the "Iris API - Overview" dashboard and given a
   * ServiceMonitor. `{ enabled: false }` leaves it out (to monitor only your own applications).
   * @default - {@link IrisApi.APPLICATION} with the default thresholds
   */
  readonly irisApi?: IrisApiOptions;
  /**
   * SLOs of the Iris API (see {@link InferenceApiSlos.objectives}); `[]` for none. Ignored when the Iris API is not monitored.
   * @default - availability 99.5% and latency 99% under 1s, over 28d
   */
  readonly irisApiSlos?: ServiceLevelObjective[];
  /**
   * Create the NetworkPolicies of all three programs (a component's own `networkPolicy` prop wins).
   * @default true
   */
  readonly networkPolicies?: boolean;
  /**
   * Create ServiceMonitors (monitoring.coreos.com/v1) for the monitored applications, for clusters that run
   * the Prometheus Operator. The stack's own Prometheus does not need them.
   * @default true
   */
  readonly serviceMonitors?: boolean;
}

/** What {@link MonitoringStack.monitorApplication} adds for one application, besides its scrape job. */
export interface ApplicationMonitoringOptions {
  /**
   * Alert rules of the application.
   * @default - none
   */
  readonly alerts?: RuleGroup[];
  /**
   * Rule file (key of the rules ConfigMap) the alerts go to.
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
   * Create a ServiceMonitor for it.
   * @default - the stack's `serviceMonitors` setting
   */
  readonly serviceMonitor?: boolean;
}

/**
 * The whole monitoring stack in one construct: Prometheus (with the Iris API and Kubernetes
 * scrape jobs and alerts), Alertmanager, Grafana (with its three dashboards) and the Iris API's ServiceMonitor,
 * wired together.
 */
export class MonitoringStack extends Construct {
  /** Namespace of every namespaced object. */
  public readonly namespace: string;
  /** The Prometheus server: add scrape jobs and rule groups to it. */
  public readonly prometheus: PrometheusServer;
  /** The Alertmanager: add receivers and routes to it. */
  public readonly alertRouter: AlertRouter;
  /** Grafana: add dashboards to it. */
  public readonly grafana: GrafanaWithDashboards;
  /** ServiceMonitors by application name. */
  public readonly serviceMonitors: Record<string, ApplicationServiceMonitor> = {};

  private readonly createServiceMonitors: boolean;
  private readonly applicationNames = new Set<string>();

  constructor(scope: Construct, id: string, props: MonitoringStackProps = {}) {
    super(scope, id);
    checkUniqueObjects(this);
    // From JavaScript or Python, props may be null or of another type: said here, not as a TypeError deeper in.
    props ??= {};
    expectType(this, 'props', props, 'object');
    for (const key of ['prometheus', 'alertmanager', 'grafana'] as const) expectOptional(this, key, props[key], 'object');
    if (props.irisApi === false as unknown) fail(this, 'irisApi', 'false does not leave the Iris API out: use { enabled: false }');
    expectOptional(this, 'irisApi', props.irisApi, 'object');
    expectOptional(this, 'irisApiSlos', props.irisApiSlos, 'array');
    expectOptional(this, 'grafana.dashboards', props.grafana?.dashboards, 'array');
    this.namespace = validateDnsLabel(this, 'namespace', props.namespace ?? Chart.of(this).namespace ?? 'mlops');
    this.createServiceMonitors = props.serviceMonitors ?? true;

    const networkPolicy = props.networkPolicies ?? true;
    this.alertRouter = new AlertRouter(this, 'Alertmanager', {
      networkPolicy,
      ...props.alertmanager,
      namespace: this.namespace,
    });
    this.prometheus = new PrometheusServer(this, 'Prometheus', {
      networkPolicy,
      ...props.prometheus,
      namespace: this.namespace,
      alertmanagers: [this.alertRouter],
    });
    const longTermQuery = this.prometheus.remoteWrite.find((target) => target.queryUrl)?.queryUrl;
    this.grafana = new GrafanaWithDashboards(this, 'Grafana', {
      networkPolicy,
      ...props.grafana,
      namespace: this.namespace,
      // With a long-term store that has a query URL, Grafana reads from it (every replica and shard, deduplicated).
      prometheus: longTermQuery ? PrometheusServer.fromUrl(longTermQuery) : this.prometheus,
      scrapeInterval: props.prometheus?.scrapeInterval,
      dashboards: [],
    });

    const runbookBaseUrl = props.prometheus?.runbookBaseUrl;
    if (props.irisApi?.enabled ?? true) {
      const { application, enabled: _enabled, modelHealth, ...alertOptions } = props.irisApi ?? {};
      validateInferenceApiThresholds(this, 'irisApi', alertOptions);
      expectOptional(this, 'irisApi.modelHealth', modelHealth, 'object');
      const { enabled: healthEnabled = true, ...healthThresholds } = modelHealth ?? {};
      validateModelHealthThresholds(this, 'irisApi.modelHealth', healthThresholds);
      if (alertOptions.runbookBaseUrl !== undefined) validateHttpUrl(this, 'irisApi.runbookBaseUrl', alertOptions.runbookBaseUrl);
      expectOptional(this, 'irisApi.application', application, 'object');
      const iris = withOverrides(IrisApi.APPLICATION, application);
      this.monitorApplication(iris, {
        alerts: [
          InferenceApiAlerts.rules({ runbookBaseUrl, ...alertOptions, job: iris.name, namespace: iris.namespace ?? this.namespace }),
          ...(healthEnabled ? [ModelHealth.rules({ runbookBaseUrl, ...healthThresholds, metrics: alertOptions.metrics, job: iris.name, namespace: iris.namespace ?? this.namespace })] : []),
        ],
        alertsFile: 'api-alerts.yml', // the original stack's file name
        dashboards: [Dashboards.inferenceApi({ job: iris.name, metrics: alertOptions.metrics, modelHealth: healthEnabled })],
        slos: props.irisApiSlos ?? InferenceApiSlos.objectives({ metrics: alertOptions.metrics }),
      });
    }
    if (props.prometheus?.kubernetesMonitoring ?? true) {
      this.grafana.addDashboard(Dashboards.kubernetesInfrastructure({ namespaces: [this.namespace] }));
    }
    (props.grafana?.dashboards ?? []).forEach((d) => this.grafana.addDashboard(d));

    const ownNamespace = { namespace: this.namespace };
    this.prometheus.addScrapeJob(ScrapeJobs.staticTargets(this.alertRouter.name, this.alertRouter.memberAddresses ?? [this.alertRouter.address], undefined, ownNamespace));
    this.prometheus.addScrapeJob(ScrapeJobs.staticTargets(this.grafana.name, [`${this.grafana.serviceName}:${this.grafana.port}`], undefined, ownNamespace));
    if (props.prometheus?.selfMonitoringAlerts ?? true) {
      this.prometheus.addRuleGroup(AlertmanagerAlerts.rules({ job: this.alertRouter.name, namespace: this.namespace, runbookBaseUrl }), PrometheusServer.MONITORING_RULES_FILE);
    }
    this.prometheus.allowAccessFrom(this.grafana.podSelector, this.grafana.namespace);
    this.alertRouter.allowAccessFrom(this.prometheus.podSelector, this.prometheus.namespace);
    this.grafana.allowAccessFrom(this.prometheus.podSelector, this.prometheus.namespace);
  }

  /**
   * Monitors one more application: a scrape job through Kubernetes service discovery, and optionally its
   * alerts, dashboards and a ServiceMonitor.
   */
  public monitorApplication(application: MonitoredApplication, options: ApplicationMonitoringOptions = {}): this {
    expectType(this, 'applications', application, 'object');
    expectType(this, `applications[${application.name}].options`, options ?? {}, 'object');
    for (const key of ['alerts', 'dashboards', 'slos'] as const) expectOptional(this, `applications[${application.name}].${key}`, options?.[key], 'array');
    validateApplication(this, `applications[${application.name}]`, application);
    claimUnique(this, 'applications', this.applicationNames, application.name, 'application name');
    const namespace = application.namespace ?? this.namespace;
    this.prometheus.addScrapeJob(ScrapeJobs.kubernetesService({
      jobName: application.name,
      namespace,
      serviceName: application.serviceName,
      portName: application.portName,
      port: application.port,
      metricsPath: application.metricsPath,
      interval: application.scrapeInterval,
    }));
    const alertsFile = options.alertsFile ?? `${application.name}-alerts.yml`;
    (options.alerts ?? []).forEach((group) => this.prometheus.addRuleGroup(group, alertsFile));
    (options.dashboards ?? []).forEach((dashboard) => this.grafana.addDashboard(dashboard));
    if (options.slos?.length) {
      new ApplicationSlos(this, `Slos-${application.name}`, {
        application: application.name, namespace, slos: options.slos, prometheus: this.prometheus, grafana: this.grafana,
        runbookBaseUrl: this.prometheus.runbookBaseUrl,
      });
    }
    if (options.serviceMonitor ?? this.createServiceMonitors) {
      // The interval is explicit: the Operator's default (30s) would stretch the rate windows the rules assume.
      const scrapeInterval = application.scrapeInterval ?? this.prometheus.scrapeInterval;
      this.serviceMonitors[application.name] = new ApplicationServiceMonitor(this, `ServiceMonitor-${application.name}`, {
        application: { ...application, namespace, scrapeInterval },
      });
    }
    return this;
  }
}

/** Thresholds that PromQL compares against: finite, and ratios between 0 and 1. */
function validateInferenceApiThresholds(scope: Construct, field: string, options: InferenceApiAlertSettings): void {
  const ratio = { min: 0, max: 1, minExclusive: true, maxExclusive: true };
  if (options.errorRatio !== undefined) validateNumber(scope, `${field}.errorRatio`, options.errorRatio, ratio);
  if (options.slowRequestRatio !== undefined) validateNumber(scope, `${field}.slowRequestRatio`, options.slowRequestRatio, ratio);
  if (options.latencySeconds !== undefined) validateLatencySeconds(scope, `${field}.latencySeconds`, options.latencySeconds);
  if (options.minPredictionsPerSecond !== undefined) validateNumber(scope, `${field}.minPredictionsPerSecond`, options.minPredictionsPerSecond, { min: 0, minExclusive: true });
  for (const key of ['downFor', 'degradedFor', 'idleFor'] as const) {
    if (options[key] !== undefined) validateDuration(scope, `${field}.${key}`, options[key], { allowZero: true });
  }
  if (options.metrics !== undefined) validateInferenceApiMetrics(scope, `${field}.metrics`, options.metrics);
}

/** Metric and label names of an inference API: names the queries can use, histograms by their base name. */
function validateInferenceApiMetrics(scope: Construct, field: string, metrics: InferenceApiMetrics): void {
  expectType(scope, field, metrics, 'object');
  for (const key of ['predictions', 'modelLoaded', 'errors'] as const) {
    if (metrics[key] !== undefined) validateMetricName(scope, `${field}.${key}`, metrics[key]);
  }
  for (const key of ['confidence', 'requestDuration'] as const) {
    if (metrics[key] !== undefined) validateMetricName(scope, `${field}.${key}`, metrics[key], { histogram: true });
  }
  for (const key of ['classLabel', 'handlerLabel'] as const) {
    if (metrics[key] !== undefined) validateLabelName(scope, `${field}.${key}`, metrics[key]);
  }
  const handlers = metrics.inferenceHandlers;
  if (handlers !== undefined) {
    expectType(scope, `${field}.inferenceHandlers`, handlers, 'array');
    // No route would match nothing: the latency alert and SLO would never see a request.
    if (handlers.length === 0) fail(scope, `${field}.inferenceHandlers`, 'must name at least one route (such as /predict): with none, no request is measured and the latency alert and SLO never fire');
    handlers.forEach((h, i) => {
      expectType(scope, `${field}.inferenceHandlers[${i}]`, h, 'string');
      if (h === '') fail(scope, `${field}.inferenceHandlers[${i}]`, 'a route cannot be empty');
    });
  }
}
