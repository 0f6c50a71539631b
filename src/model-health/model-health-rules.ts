import { fail, ErrorScope } from '../common/errors';
import { Runbooks } from '../common/runbooks';
import { durationSeconds, expectType, factoryOptions, validateDuration, validateLabelName, validateMetricName, validateNumber } from '../common/validation';
import { AlertSeverity, forPhrase, RuleGroup } from '../prometheus/rules';

/**
 * Thresholds of the model-health alerts: how far the model's own outputs (the share of each predicted class,
 * a quantile of its confidence) may move from their 7-day baseline before an alert fires, and how much
 * history and traffic that baseline needs first.
 */
export interface ModelHealthThresholds {
  /**
   * Largest tolerated distance between the last hour's class distribution and its 7-day baseline, as a total
   * variation distance (half the sum, over classes, of the difference in share): 0.25 means a quarter of the
   * predictions went to other classes than the baseline says. 0 < value < 1.
   * @default 0.25
   */
  readonly maxClassShift?: number;
  /**
   * Quantile of the confidence histogram that is watched: 0.5 is the median, a lower one (0.1) reacts to a
   * tail of unsure answers. 0 < value < 1.
   * @default 0.5
   */
  readonly confidenceQuantile?: number;
  /**
   * Fall of that quantile below its 7-day baseline, in confidence points (0 to 1), above which
   * ModelConfidenceCollapse fires: 0.15 fires when a 0.95 median falls under 0.80. 0 < value < 1.
   * @default 0.15
   */
  readonly maxConfidenceDrop?: number;
  /**
   * Age the baseline must reach before either alert may fire: the hourly series recorded this long ago must
   * exist. On a fresh Prometheus the alerts stay quiet this long, so that the baseline is not the incident itself.
   * @default '1d'
   */
  readonly minBaselineAge?: string;
  /**
   * Predictions per hour below which neither alert fires: too few predictions make the hourly shares noise.
   * @default 60
   */
  readonly minPredictionsPerHour?: number;
  /**
   * How long a shift or collapse must hold before its alert fires.
   * @default '15m'
   */
  readonly forDuration?: string;
}

/** Metric and label names the model-health rules read. */
export interface ModelHealthMetrics {
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
   * Histogram of prediction confidence, 0 to 1 (base name, without `_bucket`).
   * @default 'model_confidence'
   */
  readonly confidence?: string;
}

/** The model-health rules of one job. */
export interface ModelHealthOptions extends ModelHealthThresholds {
  /** The `job` label of the model's series (the application's name). */
  readonly job: string;
  /**
   * Namespace the model runs in, the `namespace` label of the alerts (Alertmanager's inhibition keys on it).
   * @default 'mlops'
   */
  readonly namespace?: string;
  /**
   * Names of the metrics read.
   * @default - the Iris API's
   */
  readonly metrics?: ModelHealthMetrics;
  /**
   * The `component` label of the alerts.
   * @default - the job
   */
  readonly component?: string;
  /**
   * Base URL of the runbooks: each alert links to `<base>/<AlertName>.md`.
   * @default - this repository's docs/runbooks
   */
  readonly runbookBaseUrl?: string;
  /**
   * Prefix of the alert names (`<prefix>PredictionDistributionShift`), unique per model so that several share
   * a Prometheus (the Iris API's have none).
   * @default - none
   */
  readonly alertPrefix?: string;
}

/** Names of the series the model-health rules record, shared by the rules and the dashboard panels. */
export interface ModelHealthSeries {
  /** Predictions per second over 1h, by namespace and job. */
  readonly rate1h: string;
  /** Share of each class over 1h. */
  readonly share1h: string;
  /** 7-day average of `share1h`: the baseline. */
  readonly shareBaseline: string;
  /** Total variation distance between `share1h` and its baseline. */
  readonly shift: string;
  /** The watched confidence quantile over 1h (label `quantile`). */
  readonly confidence1h: string;
  /** 7-day average of `confidence1h`. */
  readonly confidenceBaseline: string;
  /** The class label. */
  readonly classLabel: string;
}

/** Recorded series names, following Prometheus' `level:metric:operations` convention. */
export function modelHealthSeries(metrics: ModelHealthMetrics = {}): ModelHealthSeries {
  const predictions = (metrics.predictions ?? 'model_predictions_total').replace(/_total$/, '');
  const confidence = metrics.confidence ?? 'model_confidence';
  const classLabel = metrics.classLabel ?? 'class';
  return {
    rate1h: `job:${predictions}:rate1h`,
    share1h: `job_${classLabel}:${predictions}:share_rate1h`,
    shareBaseline: `job_${classLabel}:${predictions}:share_rate1h_avg7d`,
    shift: `job:${predictions}:class_shift_rate1h`,
    confidence1h: `job:${confidence}:quantile_rate1h`,
    confidenceBaseline: `job:${confidence}:quantile_rate1h_avg7d`,
    classLabel,
  };
}

/** Checks the prefix of alert names: the start of an alert name. */
export function validateAlertPrefix(scope: ErrorScope, field: string, prefix: string): void {
  if (typeof prefix !== 'string' || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(prefix)) fail(scope, field, `"${prefix}" must start an alert name: letters, digits and _`);
}

/** Checks thresholds that PromQL compares against; `field` prefixes the error fields. */
export function validateModelHealthThresholds(scope: ErrorScope, field: string, options: ModelHealthThresholds): void {
  const ratio = { min: 0, max: 1, minExclusive: true, maxExclusive: true };
  for (const key of ['maxClassShift', 'confidenceQuantile', 'maxConfidenceDrop'] as const) {
    if (options[key] !== undefined) validateNumber(scope, `${field}.${key}`, options[key], ratio);
  }
  if (options.minPredictionsPerHour !== undefined) validateNumber(scope, `${field}.minPredictionsPerHour`, options.minPredictionsPerHour, { min: 0 });
  if (options.forDuration !== undefined) validateDuration(scope, `${field}.forDuration`, options.forDuration, { allowZero: true });
  if (options.minBaselineAge !== undefined) {
    validateDuration(scope, `${field}.minBaselineAge`, options.minBaselineAge);
    // The baseline is a 7-day average: an age beyond the window could never be reached.
    if (durationSeconds(options.minBaselineAge) > 7 * 86400) fail(scope, `${field}.minBaselineAge`, `"${options.minBaselineAge}" is longer than the 7-day baseline window: the alerts could never fire`);
  }
}

/** Checks metric and label names. */
export function validateModelHealthMetrics(scope: ErrorScope, field: string, metrics: ModelHealthMetrics): void {
  expectType(scope, field, metrics, 'object');
  if (metrics.predictions !== undefined) validateMetricName(scope, `${field}.predictions`, metrics.predictions);
  if (metrics.confidence !== undefined) validateMetricName(scope, `${field}.confidence`, metrics.confidence, { histogram: true });
  if (metrics.classLabel !== undefined) validateLabelName(scope, `${field}.classLabel`, metrics.classLabel);
}

/**
 * The model's own health, computed from the metrics an inference server already has: **PredictionDistributionShift**
 * (the share of each predicted class over the last hour has moved away from its 7-day baseline) and
 * **ModelConfidenceCollapse** (a quantile of the confidence histogram has fallen below its baseline). A model
 * that still answers 200 but predicts one class for everything, or guesses, fires them; no HTTP alert does.
 *
 * The hourly shares and quantiles are recording rules, the baseline their 7-day average. Both alerts wait
 * until the baseline is `minBaselineAge` old (a fresh Prometheus has none) and need `minPredictionsPerHour`.
 */
export class ModelHealth {
  /** The recording and alerting rules of one job (group `<job>-model-health`, evaluated every minute). */
  public static rules(options: ModelHealthOptions): RuleGroup {
    const checked = factoryOptions('ModelHealth.rules', options, { job: 'string' });
    validateModelHealthThresholds('ModelHealth.rules', 'options', checked);
    if (checked.metrics !== undefined) validateModelHealthMetrics('ModelHealth.rules', 'options.metrics', checked.metrics);
    if (checked.alertPrefix !== undefined) validateAlertPrefix('ModelHealth.rules', 'options.alertPrefix', checked.alertPrefix);
    return modelHealthRules(checked);
  }

  private constructor() {}
}

function modelHealthRules(options: ModelHealthOptions): RuleGroup {
  const s = modelHealthSeries(options.metrics);
  const predictions = options.metrics?.predictions ?? 'model_predictions_total';
  const confidence = options.metrics?.confidence ?? 'model_confidence';
  const job = `job="${options.job}"`;
  const by = 'namespace, job';
  const maxShift = options.maxClassShift ?? 0.25;
  const quantile = options.confidenceQuantile ?? 0.5;
  const maxDrop = options.maxConfidenceDrop ?? 0.15;
  const age = options.minBaselineAge ?? '1d';
  const minPerHour = options.minPredictionsPerHour ?? 60;
  const forDuration = options.forDuration ?? '15m';
  const component = options.component ?? options.job;
  const labels = { namespace: options.namespace ?? 'mlops' };
  const runbook = (alert: string) => Runbooks.urlOf(alert, options.runbookBaseUrl);
  const prefix = options.alertPrefix ?? '';
  // Enough traffic now, and a baseline at least `age` old: the hourly rate recorded that long ago exists.
  const gates = `on (${by}) (${s.rate1h}{${job}} * 3600 >= ${minPerHour}) and on (${by}) (${s.rate1h}{${job}} offset ${age})`;
  const share = `${s.share1h}{${job}}`;
  const baseline = `${s.shareBaseline}{${job}}`;
  const percent = (ratio: number) => `${Math.round(ratio * 1000) / 10}%`;
  return {
    name: `${options.job}-model-health`,
    // Hour-long windows move slowly: once a minute is plenty, and a quarter of the work of the usual 15s.
    interval: '1m',
    rules: [
      { record: s.rate1h, expr: `sum by (${by}) (rate(${predictions}{${job}}[1h]))` },
      // `> 0`: an hour without predictions has no shares (not NaN, which would poison the 7-day average).
      { record: s.share1h, expr: `sum by (${by}, ${s.classLabel}) (rate(${predictions}{${job}}[1h])) / on (${by}) group_left () (${s.rate1h}{${job}} > 0)` },
      { record: s.shareBaseline, expr: `avg_over_time(${share}[7d])` },
      // Total variation distance. A class seen on one side only (a new class, or one no longer predicted
      // since a restart re-created the counters) counts with its whole share: `or` adds it.
      { record: s.shift, expr: `sum by (${by}) (abs(${share} - ${baseline}) or ${share} or ${baseline}) / 2` },
      // `>= 0` drops NaN, the quantile of an hour without observations, which would poison the average.
      {
        record: s.confidence1h,
        expr: `histogram_quantile(${quantile}, sum by (${by}, le) (rate(${confidence}_bucket{${job}}[1h]))) >= 0`,
        labels: { quantile: String(quantile) },
      },
      { record: s.confidenceBaseline, expr: `avg_over_time(${s.confidence1h}{${job}}[7d])` },
      {
        alert: `${prefix}PredictionDistributionShift`,
        expr: `${s.shift}{${job}} > ${maxShift} and ${gates}`,
        forDuration,
        severity: AlertSeverity.WARNING,
        component,
        labels,
        summary: `${options.job} predicts a different mix of classes: {{ $value | humanizePercentage }} of predictions moved`,
        description: `The share of each predicted class (${s.classLabel} of ${predictions}) over the last hour is more than ${percent(maxShift)} (total variation distance) away from its 7-day average${forPhrase(forDuration)}: the inputs changed (data drift) or the model did.`,
        runbookUrl: runbook('PredictionDistributionShift'),
      },
      {
        alert: `${prefix}ModelConfidenceCollapse`,
        expr: `${s.confidence1h}{${job}} < ${s.confidenceBaseline}{${job}} - ${maxDrop} and ${gates}`,
        forDuration,
        severity: AlertSeverity.WARNING,
        component,
        labels,
        summary: `${options.job} is unsure of its answers: confidence quantile ${quantile} is {{ $value | humanize }}`,
        description: `Quantile ${quantile} of ${confidence} over the last hour has been more than ${maxDrop} below its 7-day average${forPhrase(forDuration)}: the model sees inputs unlike its training data, or a bad model version is serving.`,
        runbookUrl: runbook('ModelConfidenceCollapse'),
      },
    ],
  };
}
