import { anyOf } from '../common/promql';
import { Dashboard, DashboardVariable } from '../grafana/dashboard';
import { Panel } from '../grafana/panels';
import { modelHealthPanels } from '../model-health/model-health-panels';
import { InferenceApiMetrics, resolveMetrics } from './iris-api';

/** Options of {@link Dashboards.inferenceApi}. */
export interface InferenceApiDashboardOptions {
  /** The `job` label of the API's series: the job selected when the dashboard opens. */
  readonly job: string;
  /**
   * Names of the API's metrics and labels.
   * @default - the Iris API's metric names
   */
  readonly metrics?: InferenceApiMetrics;
  /**
   * Unique id of the dashboard.
   * @default 'iris-api-overview'
   */
  readonly uid?: string;
  /**
   * Title of the dashboard.
   * @default 'Iris API - Overview'
   */
  readonly title?: string;
  /**
   * Add the model-health row (class shares and confidence against their 7-day baseline), which reads the
   * series {@link ModelHealth.rules} records.
   * @default true
   */
  readonly modelHealth?: boolean;
}

/**
 * **Iris API - Overview**: prediction rate by class, confidence distribution, error rate and errors, request
 * latency, model status and total predictions, then the model's health against its baseline. Variables: datasource, namespace, job (any API exposing these
 * metrics; the given job by default) and instance (replicas).
 */
export function inferenceApiDashboard(options: InferenceApiDashboardOptions): Dashboard {
  const m = resolveMetrics(options.metrics);
  const scope = 'namespace=~"$namespace", job=~"$job", instance=~"$instance"';
  const rate = (metric: string, matchers = scope) => `rate(${metric}{${matchers}}[$__rate_interval])`;
  /*
   * Labelled counters have no series before their first increment (no error yet, no prediction of a class
   * yet), and a query of them alone reads "No data" where the truth is 0. A zero keyed on a series that
   * exists stands in: `up` for "the API is scraped", the predictions for "it served", so that a panel still
   * reads "No data" when there is nothing to measure. `or on()` adds it only while the query has no series.
   */
  const zeroWhileScraped = `sum(up{${scope}}) * 0`;
  const zeroLabelled = (label: string, value: string) => `label_replace(${zeroWhileScraped}, "${label}", "${value}", "", "")`;
  const predictions = `sum(${rate(m.predictions)})`;
  const errors = `(sum(${rate(m.errors)}) or ${predictions} * 0)`;
  const title = options.title ?? 'Iris API - Overview';
  const uid = options.uid ?? 'iris-api-overview';
  const tags = ['iris', 'mlops', 'inference'];
  const variables: DashboardVariable[] = [
    { name: 'namespace', selector: m.modelLoaded },
    { name: 'job', selector: `${m.modelLoaded}{namespace=~"$namespace"}`, defaults: [options.job] },
    // From `up`, so that a replica whose scrape fails is still offered.
    { name: 'instance', selector: 'up{namespace=~"$namespace", job=~"$job"}' },
  ];
  const panels = [
    Panel.timeseries({
      title: 'Prediction rate by class',
      description: 'Predictions served per second, by predicted class.',
      unit: 'reqps',
      min: 0,
      legendCalcs: ['mean', 'lastNotNull'],
      queries: [{ expr: `sum by (${m.classLabel}) (${rate(m.predictions)}) or on() ${zeroLabelled(m.classLabel, 'no prediction yet')}`, legend: `{{${m.classLabel}}}` }],
      position: { x: 0, y: 0, width: 12, height: 8 },
    }),
    Panel.timeseries({
      title: 'Confidence distribution',
      description: 'Quantiles of the model confidence histogram: a falling median means the model is less sure of its answers.',
      unit: 'percentunit',
      min: 0,
      max: 1,
      queries: [0.5, 0.9, 0.99].map((q) => ({
        expr: `histogram_quantile(${q}, sum by (le) (${rate(`${m.confidence}_bucket`)}))`,
        legend: `p${q * 100}`,
      })),
      position: { x: 12, y: 0, width: 12, height: 8 },
    }),
    Panel.timeseries({
      title: 'Error rate',
      description: 'errors / (predictions + errors): the ratio HighErrorRate alerts on (0 before the first error, no data without requests).',
      unit: 'percentunit',
      min: 0,
      legendCalcs: ['mean', 'max'],
      queries: [{
        expr: `${errors} / (${errors} + (${predictions} or ${errors} * 0) > 0)`,
        legend: 'error ratio',
      }],
      position: { x: 0, y: 8, width: 12, height: 8 },
    }),
    Panel.timeseries({
      title: 'Errors by type and endpoint',
      description: 'Failed requests per second, by error type and endpoint: where the error rate comes from.',
      unit: 'reqps',
      min: 0,
      legendCalcs: ['mean', 'max'],
      queries: [{ expr: `sum by (type, endpoint) (${rate(m.errors)}) or on() ${zeroLabelled('type', 'no error yet')}`, legend: '{{type}} {{endpoint}}' }],
      position: { x: 12, y: 8, width: 12, height: 8 },
    }),
    Panel.timeseries({
      title: 'Request latency (p50, p95)',
      description: `Quantiles of the request-duration histogram on the inference routes only (${m.handlerLabel} ${m.inferenceHandlers.join(', ')}), as HighLatency measures them: health checks and scrapes are left out.`,
      unit: 's',
      min: 0,
      legendCalcs: ['mean', 'max'],
      queries: [0.5, 0.95].map((q) => ({
        expr: `histogram_quantile(${q}, sum by (le) (${rate(`${m.requestDuration}_bucket`, `${scope}, ${m.handlerLabel}=~${anyOf(m.inferenceHandlers)}`)}))`,
        legend: `p${q * 100}`,
      })),
      position: { x: 0, y: 16, width: 12, height: 8 },
    }),
    Panel.stat({
      title: 'Model status',
      description: 'Whether every selected replica has its model loaded (the lowest model_loaded); ModelNotLoaded fires on 0.',
      noValue: 'No metrics from the API',
      queries: [{ expr: `min(${m.modelLoaded}{${scope}})` }],
      mappings: [{ value: 0, text: 'Not loaded', color: 'red' }, { value: 1, text: 'Loaded', color: 'green' }],
      position: { x: 12, y: 16, width: 6, height: 8 },
    }),
    Panel.stat({
      title: 'Total predictions',
      description: 'Predictions served over the dashboard\'s time range (an increase, so pod restarts do not reset it).',
      unit: 'short',
      queries: [{ expr: `sum(increase(${m.predictions}{${scope}}[$__range])) or ${zeroWhileScraped}` }],
      position: { x: 18, y: 16, width: 6, height: 8 },
    }),
    // Recorded per job: no instance label.
    ...(options.modelHealth ?? true ? modelHealthPanels(m, 'namespace=~"$namespace", job=~"$job"', 24) : []),
  ];
  return Dashboard.provisioned({ uid, title, tags, variables, panels });
}
