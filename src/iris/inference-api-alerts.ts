import { factoryOptions } from '../common/validation';
import { anyOf, bucketBound } from '../common/promql';
import { Runbooks } from '../common/runbooks';
import { AlertSeverity, forPhrase, RuleGroup } from '../prometheus/rules';
import { InferenceApiMetrics, resolveMetrics } from './iris-api';

/**
 * Thresholds, timings and names of the inference-API alerts, for any inference API (every field has the
 * original stack's default). {@link InferenceApiAlertOptions} adds the job they watch; {@link IrisApiOptions} is
 * what {@link MonitoringStack} takes for the Iris API.
 */
export interface InferenceApiAlertSettings {
  /** @default - the Iris API's metric names */
  readonly metrics?: InferenceApiMetrics;
  /**
   * The `component` label of these alerts.
   * @default - the job
   */
  readonly component?: string;
  /**
   * Error ratio, errors / (predictions + errors) over 5m, above which HighErrorRate fires.
   * @default 0.05
   */
  readonly errorRatio?: number;
  /**
   * Request duration, in seconds, that inference requests should stay under. It must be one of the
   * request-duration histogram's bucket bounds (1 is one in the Python, Go and FastAPI-instrumentator
   * defaults): HighLatency counts the requests above that bucket.
   * @default 1
   */
  readonly latencySeconds?: number;
  /**
   * Share of inference requests slower than `latencySeconds` above which HighLatency fires. 0.05 means
   * "p95 above the threshold", measured from the buckets so that it holds whatever the bucket layout.
   * @default 0.05
   */
  readonly slowRequestRatio?: number;
  /**
   * Predictions per second (over 15m) below which LowPredictionRate fires while the API is up.
   * @default 0.01
   */
  readonly minPredictionsPerSecond?: number;
  /**
   * How long no replica may serve (or no model be loaded anywhere) before IrisAPIDown and ModelNotLoaded page.
   * @default '1m'
   */
  readonly downFor?: string;
  /**
   * How long HighErrorRate and HighLatency conditions must hold.
   * @default '5m'
   */
  readonly degradedFor?: string;
  /**
   * How long LowPredictionRate's condition must hold.
   * @default '15m'
   */
  readonly idleFor?: string;
  /**
   * Name prefix of the alerts: `<prefix>APIDown`.
   * @default 'Iris'
   */
  readonly downAlertPrefix?: string;
  /**
   * Base URL of the runbooks: each alert links to `<base>/<AlertName>.md`.
   * @default - this repository's docs/runbooks
   */
  readonly runbookBaseUrl?: string;
}

/** The inference-API alerts of one job. */
export interface InferenceApiAlertOptions extends InferenceApiAlertSettings {
  /** The `job` label of the API's series (the application's name). */
  readonly job: string;
  /**
   * Namespace the API runs in: every alert carries it as its `namespace` label, so that Alertmanager's
   * inhibition keeps to this application (see `AlertRouter`).
   * @default 'mlops'
   */
  readonly namespace?: string;
}

/**
 * The inference-API alerts of the original hand-written stack: IrisAPIDown, HighErrorRate, HighLatency, ModelNotLoaded and
 * LowPredictionRate, as typed rules for the given job and metric names.
 *
 * "Critical" means the API is not serving: no replica up, or no replica with a model. One replica of
 * several down is the job-wide TargetDown warning's business (see `SelfMonitoringAlerts`).
 */
export class InferenceApiAlerts {
  /** The alert group of one inference API (`<job>-alerts`), with its thresholds and metric names. */
  public static rules(options: InferenceApiAlertOptions): RuleGroup {
    return inferenceApiAlertRules(factoryOptions('InferenceApiAlerts.rules', options, { job: 'string' }));
  }

  private constructor() {}
}

function inferenceApiAlertRules(options: InferenceApiAlertOptions): RuleGroup {
  const m = resolveMetrics(options.metrics);
  const job = `job="${options.job}"`;
  const component = options.component ?? options.job;
  const labels = { namespace: options.namespace ?? 'mlops' };
  const errorRatio = options.errorRatio ?? 0.05;
  const latency = options.latencySeconds ?? 1;
  const slowRatio = options.slowRequestRatio ?? 0.05;
  const minRate = options.minPredictionsPerSecond ?? 0.01;
  const downFor = options.downFor ?? '1m';
  const degradedFor = options.degradedFor ?? '5m';
  const idleFor = options.idleFor ?? '15m';
  const downAlert = `${options.downAlertPrefix ?? 'Iris'}APIDown`;
  const runbook = (alert: string) => Runbooks.urlOf(alert, options.runbookBaseUrl);
  const errors = `sum by (job) (rate(${m.errors}{${job}}[5m]))`;
  const predictions = `sum by (job) (rate(${m.predictions}{${job}}[5m]))`;
  const apiUp = `max by (job) (up{${job}})`;
  // Inference routes only: fast /health and /metrics probes would otherwise hide a slow model.
  const inference = `${job}, ${m.handlerLabel}=~${anyOf(m.inferenceHandlers)}`;
  const requests = `sum by (job) (rate(${m.requestDuration}_count{${inference}}[5m]))`;
  const fastRequests = `sum by (job) (rate(${m.requestDuration}_bucket{${inference}, le=~${bucketBound(latency)}}[5m]))`;
  return {
    name: `${options.job}-alerts`,
    rules: [
      {
        alert: downAlert,
        // Endpoints discovery also lists replicas that are starting or failing readiness: one of them
        // down is not an outage, so this pages only when no target of the job is up (or none is left).
        expr: `sum by (job) (up{${job}}) == 0 or absent(up{${job}})`,
        forDuration: downFor,
        severity: AlertSeverity.CRITICAL,
        component,
        labels,
        summary: `${options.job} is not serving: no replica can be scraped`,
        description: `No ${options.job} target has been up${forPhrase(downFor)}: every replica fails its scrape, or none is left in service discovery.`,
        runbookUrl: runbook(downAlert),
      },
      {
        alert: 'HighErrorRate',
        // `or errors * 0`: before the first prediction the counter has no series, and an API that only
        // fails (100% errors) must still alert.
        expr: `${errors} / (${errors} + (${predictions} or ${errors} * 0)) > ${errorRatio}`,
        forDuration: degradedFor,
        severity: AlertSeverity.WARNING,
        component,
        labels,
        summary: `${options.job} error rate is {{ $value | humanizePercentage }}`,
        description: `errors / (predictions + errors), each a rate over 5m, has been above ${errorRatio * 100}%${forPhrase(degradedFor)}.`,
        runbookUrl: runbook('HighErrorRate'),
      },
      {
        alert: 'HighLatency',
        // The share of requests above the threshold's bucket, not histogram_quantile: a quantile cannot
        // exceed the highest finite bucket, so with coarse buckets a 3 s request reads as 1 s.
        expr: `(${requests} - ${fastRequests}) / ${requests} > ${slowRatio}`,
        forDuration: degradedFor,
        severity: AlertSeverity.WARNING,
        component,
        labels,
        summary: `{{ $value | humanizePercentage }} of ${options.job} inference requests take longer than ${latency}s`,
        description: `More than ${slowRatio * 100}% of the requests to ${m.inferenceHandlers.join(', ')} (over 5m) have been slower than ${latency}s${forPhrase(degradedFor)}: p${100 - slowRatio * 100} latency is above ${latency}s.`,
        runbookUrl: runbook('HighLatency'),
      },
      {
        alert: 'ModelNotLoaded',
        // No replica with a model is an outage; one replica without (a pod still loading it) shows up
        // as errors, which HighErrorRate watches.
        expr: `max by (job) (${m.modelLoaded}{${job}}) == 0`,
        forDuration: downFor,
        severity: AlertSeverity.CRITICAL,
        component,
        labels,
        summary: `${options.job} has no model loaded on any replica`,
        description: `${m.modelLoaded} has been 0 on every ${options.job} replica${forPhrase(downFor)}: the API answers but cannot predict.`,
        runbookUrl: runbook('ModelNotLoaded'),
      },
      {
        alert: 'LowPredictionRate',
        // `or ... * 0`: an API that is up but has never predicted has no counter series; it counts as 0.
        expr: `(sum by (job) (rate(${m.predictions}{${job}}[15m])) or ${apiUp} * 0) < ${minRate} and on (job) (${apiUp} == 1)`,
        forDuration: idleFor,
        severity: AlertSeverity.INFO,
        component,
        labels,
        summary: `${options.job} serves almost no predictions`,
        description: `Fewer than ${minRate} predictions per second (over 15m)${forPhrase(idleFor)} while the API is up: traffic may be going elsewhere.`,
        runbookUrl: runbook('LowPredictionRate'),
      },
    ],
  };
}
