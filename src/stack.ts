import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AlertRouter, AlertRouterOptions } from './alertmanager/alert-router';
import { AlertmanagerAlerts } from './alertmanager/alertmanager-rules';
import { ApplicationServiceMonitor } from './application/application-service-monitor';
import { MonitoredApplication, validateApplication, withOverrides } from './application/monitored-application';
import { fail } from './common/errors';
import { checkUniqueObjects } from './common/unique-objects';
import { claimUnique, describeValue, expectOptional, expectType, validateDnsLabel } from './common/validation';
import { ApplicationMonitoring, ApplicationMonitoringOptions } from './content/application-monitoring';
import { Dashboards } from './content/dashboards';
import { IrisApiMonitoring, validateIrisApiProps } from './content/iris-api-monitoring';
import { deliverToStack } from './delivery/stack-delivery';
import { GrafanaWithDashboards, GrafanaWithDashboardsOptions } from './grafana/grafana-with-dashboards';
import { IrisApi, IrisApiOptions } from './iris/iris-api';
import { PrometheusServer, PrometheusServerOptions } from './prometheus/prometheus-server';
import { ScrapeJobs } from './prometheus/scrape-jobs';
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
      // Checked here too, so that the errors name the stack's own props (irisApi.*).
      validateIrisApiProps(this, 'irisApi.', props.irisApi ?? {});
      const iris = withOverrides(IrisApi.APPLICATION, props.irisApi?.application);
      validateApplication(this, `applications[${iris.name}]`, iris);
      this.addApplication(new IrisApiMonitoring(this, `Monitoring-${iris.name}`, {
        runbookBaseUrl,
        ...props.irisApi,
        namespace: this.namespace,
        slos: props.irisApiSlos,
      }));
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
   * alerts, dashboards, SLOs, alert routes and a ServiceMonitor. Builds its {@link ApplicationMonitoring}
   * (`Monitoring-<name>`) and adds it with {@link addApplication}.
   */
  public monitorApplication(application: MonitoredApplication, options: ApplicationMonitoringOptions = {}): this {
    expectType(this, 'applications', application, 'object');
    expectType(this, `applications[${application.name}].options`, options ?? {}, 'object');
    for (const key of ['alerts', 'dashboards', 'slos'] as const) expectOptional(this, `applications[${application.name}].${key}`, options?.[key], 'array');
    validateApplication(this, `applications[${application.name}]`, application);
    return this.addApplication(new ApplicationMonitoring(this, `Monitoring-${application.name}`, {
      ...options,
      application,
      namespace: this.namespace,
      runbookBaseUrl: this.prometheus.runbookBaseUrl,
    }));
  }

  /**
   * Delivers an application's monitoring content to this stack: its scrape job (Kubernetes service discovery),
   * rule files, dashboards, receivers and routes (scoped to its namespace), and a ServiceMonitor unless turned off.
   */
  public addApplication(monitoring: ApplicationMonitoring): this {
    if (!(monitoring instanceof ApplicationMonitoring)) fail(this, 'applications', `must be an ApplicationMonitoring (or IrisApiMonitoring), got ${describeValue(monitoring)}`);
    claimUnique(this, 'applications', this.applicationNames, monitoring.name, 'application name');
    deliverToStack(monitoring, { prometheus: this.prometheus, grafana: this.grafana, alertRouter: this.alertRouter });
    if (monitoring.serviceMonitor ?? this.createServiceMonitors) {
      // The interval is explicit: the Operator's default (30s) would stretch the rate windows the rules assume.
      const application = monitoring.application;
      const scrapeInterval = application.scrapeInterval ?? this.prometheus.scrapeInterval;
      this.serviceMonitors[application.name] = new ApplicationServiceMonitor(this, `ServiceMonitor-${application.name}`, {
        application: { ...application, scrapeInterval },
      });
    }
    return this;
  }
}

