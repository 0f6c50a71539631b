import { MonitoredApplication, MonitoredApplicationOverrides } from '../application/monitored-application';
import { InferenceApiAlertSettings } from './inference-api-alerts';
import { definedFields } from '../common/serialize';
import { ModelHealthThresholds } from '../model-health/model-health-rules';

/** Names of the metrics an ML inference API exposes; the Iris API's by default. */
export interface InferenceApiMetrics {
  /**
   * Counter of predictions, labelled by predicted class.
   * @default 'model_predictions_total'
   */
  readonly predictions?: string;
  /**
   * Label of `predictions` holding the predicted class.
   * @default 'class'
   */
  readonly classLabel?: string;
  /**
   * Histogram of prediction confidence (0 to 1).
   * @default 'model_confidence'
   */
  readonly confidence?: string;
  /**
   * Gauge: 1 when the model is loaded, 0 when not.
   * @default 'model_loaded'
   */
  readonly modelLoaded?: string;
  /**
   * Counter of errors, labelled by `type` and `endpoint`.
   * @default 'api_errors_total'
   */
  readonly errors?: string;
  /**
   * Histogram of HTTP request durations, in seconds (base name, without `_bucket`).
   * @default 'http_request_duration_seconds'
   */
  readonly requestDuration?: string;
  /**
   * Label of `requestDuration` naming the HTTP route (the FastAPI instrumentator's and most clients' `handler`).
   * @default 'handler'
   */
  readonly handlerLabel?: string;
  /**
   * Routes that serve inferences: latency alerts and SLOs measure only these, so fast `/health` and
   * `/metrics` probes cannot hide a slow model.
   * @default ['/predict']
   */
  readonly inferenceHandlers?: string[];
}

/** {@link InferenceApiMetrics} with every name filled in. */
type ResolvedInferenceApiMetrics = Required<InferenceApiMetrics>;

/** The Iris API's metric names. */
const IRIS_API_METRICS: ResolvedInferenceApiMetrics = {
  predictions: 'model_predictions_total',
  classLabel: 'class',
  confidence: 'model_confidence',
  modelLoaded: 'model_loaded',
  errors: 'api_errors_total',
  requestDuration: 'http_request_duration_seconds',
  handlerLabel: 'handler',
  inferenceHandlers: ['/predict'],
};

/** The Iris API: Service `iris-api-service`, port `http` (8000), metrics at `/metrics`, label `app: iris-api`. */
const IRIS_API: MonitoredApplication = {
  name: 'iris-api',
  serviceName: 'iris-api-service',
  portName: 'http',
  metricsPath: '/metrics',
  serviceLabels: { app: 'iris-api' },
};

/** Fills in default metric names. */
export function resolveMetrics(metrics: InferenceApiMetrics = {}): ResolvedInferenceApiMetrics {
  return { ...IRIS_API_METRICS, ...definedFields(metrics) };
}

/** The Iris API, the application the stack monitors unless told otherwise. */
export class IrisApi {
  /** Service `iris-api-service`, port `http` (8000), metrics at `/metrics`, label `app: iris-api`. */
  public static readonly APPLICATION: MonitoredApplication = IRIS_API;
  /** Its metric names (the defaults of every inference-API alert, dashboard and SLO). */
  public static readonly METRICS: InferenceApiMetrics = IRIS_API_METRICS;

  private constructor() {}
}

/** How {@link MonitoringStack} monitors the Iris API: its alert thresholds, and where it runs. */
export interface IrisApiOptions extends InferenceApiAlertSettings {
  /**
   * Monitor the Iris API at all: `false` leaves out its scrape job, alerts, dashboard, SLOs and
   * ServiceMonitor (to monitor only your own applications).
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Changes to its description (another namespace, Service or scrape interval).
   * @default - {@link IrisApi.APPLICATION} in the stack's namespace
   */
  readonly application?: MonitoredApplicationOverrides;
  /**
   * The model-health alerts (class distribution shift, confidence collapse against a 7-day baseline) and
   * their dashboard row.
   * @default - on, with the defaults of {@link ModelHealthThresholds}
   */
  readonly modelHealth?: IrisModelHealthOptions;
}

/** The model-health rules of the Iris API: whether, and with which thresholds. */
export interface IrisModelHealthOptions extends ModelHealthThresholds {
  /**
   * Watch the model's health: `false` leaves out its rules and its dashboard row.
   * @default true
   */
  readonly enabled?: boolean;
}
