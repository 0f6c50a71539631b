import { Construct } from 'constructs';
import { Route } from '../alertmanager/alert-router';
import { Receiver } from '../alertmanager/receivers';
import { withOverrides } from '../application/monitored-application';
import { ErrorScope, fail } from '../common/errors';
import {
  expectOptional, expectType, validateDuration, validateHttpUrl, validateLabelName, validateLatencySeconds, validateMetricName, validateNumber,
} from '../common/validation';
import { InferenceApiAlerts, InferenceApiAlertSettings } from '../iris/inference-api-alerts';
import { InferenceApiSlos } from '../iris/inference-api-slos';
import { InferenceApiMetrics, IrisApi, IrisApiOptions } from '../iris/iris-api';
import { ServiceLevelObjective } from '../slo/service-level-objective';
import { ApplicationMonitoring } from './application-monitoring';
import { Dashboards } from './dashboards';

/** Props of {@link IrisApiMonitoring}: the Iris API's thresholds and description, its SLOs and alert routing. */
export interface IrisApiMonitoringProps extends IrisApiOptions {
  /**
   * Namespace of the Iris API, unless `application.namespace` names one.
   * @default - the chart's namespace, else 'mlops'
   */
  readonly namespace?: string;
  /**
   * Its SLOs; `[]` for none.
   * @default - availability 99.5% and latency 99% under 1s, over 28d ({@link InferenceApiSlos.objectives})
   */
  readonly slos?: ServiceLevelObjective[];
  /**
   * Receivers of its alerts.
   * @default - none
   */
  readonly receivers?: Receiver[];
  /**
   * Routes of its alerts.
   * @default - none
   */
  readonly routes?: Route[];
}

/**
 * The Iris API's monitoring content: its alerts (`api-alerts.yml`, the original stack's file), the "Iris API -
 * Overview" dashboard and its SLOs. Deliver it with {@link MonitoringStack.addApplication} or a
 * {@link PrometheusOperatorDelivery}.
 */
export class IrisApiMonitoring extends ApplicationMonitoring {
  constructor(scope: Construct, id: string, props: IrisApiMonitoringProps = {}) {
    const options = props ?? {};
    // Checked before the content is built from them, against the path this construct will have.
    validateIrisApiProps([scope.node.path, id].filter(Boolean).join('/'), '', options);
    const { application, enabled: _enabled, namespace, slos, receivers, routes, ...alertOptions } = options;
    const iris = withOverrides(IrisApi.APPLICATION, application);
    super(scope, id, {
      application: iris,
      namespace,
      alertsFile: 'api-alerts.yml',
      dashboards: [Dashboards.inferenceApi({ job: iris.name, metrics: alertOptions.metrics })],
      slos: slos ?? InferenceApiSlos.objectives({ metrics: alertOptions.metrics }),
      receivers,
      routes,
      runbookBaseUrl: alertOptions.runbookBaseUrl,
    });
    this.alerts.push(InferenceApiAlerts.rules({ ...alertOptions, job: iris.name, namespace: this.namespace }));
  }
}

/**
 * Checks the Iris API's options (`prefix` before each field, such as `irisApi.`): thresholds, metric names, the
 * runbook URL and the shape of `application`.
 */
export function validateIrisApiProps(scope: ErrorScope, prefix: string, options: IrisApiOptions): void {
  expectType(scope, prefix ? prefix.slice(0, -1) : 'props', options, 'object');
  const { application, enabled: _enabled, ...alertOptions } = options;
  validateInferenceApiThresholds(scope, prefix, alertOptions);
  if (alertOptions.runbookBaseUrl !== undefined) validateHttpUrl(scope, `${prefix}runbookBaseUrl`, alertOptions.runbookBaseUrl);
  expectOptional(scope, `${prefix}application`, application, 'object');
}

/** Thresholds that PromQL compares against: finite, and ratios between 0 and 1. */
function validateInferenceApiThresholds(scope: ErrorScope, prefix: string, options: InferenceApiAlertSettings): void {
  const ratio = { min: 0, max: 1, minExclusive: true, maxExclusive: true };
  if (options.errorRatio !== undefined) validateNumber(scope, `${prefix}errorRatio`, options.errorRatio, ratio);
  if (options.slowRequestRatio !== undefined) validateNumber(scope, `${prefix}slowRequestRatio`, options.slowRequestRatio, ratio);
  if (options.latencySeconds !== undefined) validateLatencySeconds(scope, `${prefix}latencySeconds`, options.latencySeconds);
  if (options.minPredictionsPerSecond !== undefined) validateNumber(scope, `${prefix}minPredictionsPerSecond`, options.minPredictionsPerSecond, { min: 0, minExclusive: true });
  for (const key of ['downFor', 'degradedFor', 'idleFor'] as const) {
    if (options[key] !== undefined) validateDuration(scope, `${prefix}${key}`, options[key], { allowZero: true });
  }
  if (options.metrics !== undefined) validateInferenceApiMetrics(scope, `${prefix}metrics`, options.metrics);
}

/** Metric and label names of an inference API: names the queries can use, histograms by their base name. */
function validateInferenceApiMetrics(scope: ErrorScope, field: string, metrics: InferenceApiMetrics): void {
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
