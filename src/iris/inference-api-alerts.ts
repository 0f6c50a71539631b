import { forPhrase, RuleGroup } from '../prometheus/rules';
import { InferenceApiMetrics, resolveMetrics } from './iris-api';

/** Thresholds and timings of the inference-API alerts; every field has the SPEC's default. */
export interface InferenceApiAlertOptions {
  /** The `job` label of the API's series (the application's name). */
  readonly job: string;
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
   * p95 request duration, in seconds, above which HighLatency fires.
   * @default 1
   */
  readonly latencySeconds?: number;
  /**
   * Predictions per second (over 15m) below which LowPredictionRate fires while the API is up.
   * @default 0.01
   */
  readonly minPredictionsPerSecond?: number;
  /**
   * How long the API may be down or absent before IrisAPIDown (and ModelNotLoaded) fire.
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
}

/**
 * The inference-API alerts of the SPEC: IrisAPIDown, HighErrorRate, HighLatency, ModelNotLoaded and
 * LowPredictionRate, as typed rules for the given job and metric names.
 */
export function inferenceApiAlertRules(options: InferenceApiAlertOptions): RuleGroup {
  const m = resolveMetrics(options.metrics);
  const job = `job="${options.job}"`;
  const component = options.component ?? options.job;
  const errorRatio = options.errorRatio ?? 0.05;
  const latency = options.latencySeconds ?? 1;
  const minRate = options.minPredictionsPerSecond ?? 0.01;
  const downFor = options.downFor ?? '1m';
  const degradedFor = options.degradedFor ?? '5m';
  const idleFor = options.idleFor ?? '15m';
  const errors = `sum by (job) (rate(${m.errors}{${job}}[5m]))`;
  const predictions = `sum by (job) (rate(${m.predictions}{${job}}[5m]))`;
  const apiUp = `max by (job) (up{${job}})`;
  return {
    name: `${options.job}-alerts`,
    rules: [
      {
        alert: `${options.downAlertPrefix ?? 'Iris'}APIDown`,
        expr: `up{${job}} == 0 or absent(up{${job}})`,
        for: downFor,
        severity: 'critical',
        component,
        summary: `${options.job} is down`,
        description: `Prometheus could not scrape ${options.job}${forPhrase(downFor)}: either its target is down (up == 0) or it has vanished from service discovery (absent).`,
      },
      {
        alert: 'HighErrorRate',
        // `or errors * 0`: before the first prediction the counter has no series, and an API that only
        // fails (100% errors) must still alert.
        expr: `${errors} / (${errors} + (${predictions} or ${errors} * 0)) > ${errorRatio}`,
        for: degradedFor,
        severity: 'warning',
        component,
        summary: `${options.job} error rate is {{ $value | humanizePercentage }}`,
        description: `errors / (predictions + errors), each a rate over 5m, has been above ${errorRatio * 100}%${forPhrase(degradedFor)}.`,
      },
      {
        alert: 'HighLatency',
        expr: `histogram_quantile(0.95, sum by (job, le) (rate(${m.requestDuration}_bucket{${job}}[5m]))) > ${latency}`,
        for: degradedFor,
        severity: 'warning',
        component,
        summary: `${options.job} p95 latency is {{ $value | humanizeDuration }}`,
        description: `The 95th percentile of ${m.requestDuration} (over 5m) has been above ${latency}s${forPhrase(degradedFor)}.`,
      },
      {
        alert: 'ModelNotLoaded',
        expr: `${m.modelLoaded}{${job}} == 0`,
        for: downFor,
        severity: 'critical',
        component,
        summary: `${options.job} has no model loaded`,
        description: `${m.modelLoaded} has been 0 on {{ $labels.instance }}${forPhrase(downFor)}: the API answers but cannot predict.`,
      },
      {
        alert: 'LowPredictionRate',
        // `or ... * 0`: an API that is up but has never predicted has no counter series; it counts as 0.
        expr: `(sum by (job) (rate(${m.predictions}{${job}}[15m])) or ${apiUp} * 0) < ${minRate} and on (job) (${apiUp} == 1)`,
        for: idleFor,
        severity: 'info',
        component,
        summary: `${options.job} serves almost no predictions`,
        description: `Fewer than ${minRate} predictions per second (over 15m)${forPhrase(idleFor)} while the API is up: traffic may be going elsewhere.`,
      },
    ],
  };
}
