import { anyOf } from '../common/promql';
import { Dashboards, GrafanaDashboard } from '../grafana/dashboard';
import { provisionedDashboard, statPanel, timeseriesPanel } from '../grafana/panels';
import { InferenceApiMetrics, resolveMetrics } from './iris-api';

/** Options of {@link inferenceApiDashboard}. */
export interface InferenceApiDashboardOptions {
  /** The `job` label of the API's series: the job selected when the dashboard opens. */
  readonly job: string;
  /** @default - the Iris API's metric names */
  readonly metrics?: InferenceApiMetrics;
  /** @default 'iris-api-overview' */
  readonly uid?: string;
  /** @default 'Iris API - Overview' */
  readonly title?: string;
}

/**
 * **Iris API - Overview**: prediction rate by class, confidence distribution, error rate and errors, request
 * latency, model status and total predictions. Variables: datasource, namespace, job (any API exposing these
 * metrics; the given job by default) and instance (replicas).
 */
export function inferenceApiDashboard(options: InferenceApiDashboardOptions): GrafanaDashboard {
  const m = resolveMetrics(options.metrics);
  const scope = 'namespace=~"$namespace", job=~"$job", instance=~"$instance"';
  const rate = (metric: string, matchers = scope) => `rate(${metric}{${matchers}}[$__rate_interval])`;
  const errors = `sum(${rate(m.errors)})`;
  const builder = provisionedDashboard(options.title ?? 'Iris API - Overview', options.uid ?? 'iris-api-overview', ['iris', 'mlops', 'inference'], [
    { name: 'namespace', selector: m.modelLoaded },
    { name: 'job', selector: `${m.modelLoaded}{namespace=~"$namespace"}`, defaults: [options.job] },
    // From `up`, so that a replica whose scrape fails is still offered.
    { name: 'instance', selector: 'up{namespace=~"$namespace", job=~"$job"}' },
  ])
    .withPanel(timeseriesPanel({
      title: 'Prediction rate by class',
      description: 'Predictions served per second, by predicted class.',
      unit: 'reqps',
      min: 0,
      legendCalcs: ['mean', 'lastNotNull'],
      queries: [{ expr: `sum by (${m.classLabel}) (${rate(m.predictions)})`, legend: `{{${m.classLabel}}}` }],
      grid: [0, 0, 12, 8],
    }))
    .withPanel(timeseriesPanel({
      title: 'Confidence distribution',
      description: 'Quantiles of the model confidence histogram: a falling median means the model is less sure of its answers.',
      unit: 'percentunit',
      min: 0,
      max: 1,
      queries: [0.5, 0.9, 0.99].map((q) => ({
        expr: `histogram_quantile(${q}, sum by (le) (${rate(`${m.confidence}_bucket`)}))`,
        legend: `p${q * 100}`,
      })),
      grid: [12, 0, 12, 8],
    }))
    .withPanel(timeseriesPanel({
      title: 'Error rate',
      description: 'errors / (predictions + errors): the ratio HighErrorRate alerts on.',
      unit: 'percentunit',
      min: 0,
      legendCalcs: ['mean', 'max'],
      queries: [{
        expr: `${errors} / (${errors} + (sum(${rate(m.predictions)}) or ${errors} * 0))`,
        legend: 'error ratio',
      }],
      grid: [0, 8, 12, 8],
    }))
    .withPanel(timeseriesPanel({
      title: 'Errors by type and endpoint',
      description: 'Failed requests per second, by error type and endpoint: where the error rate comes from.',
      unit: 'reqps',
      min: 0,
      legendCalcs: ['mean', 'max'],
      queries: [{ expr: `sum by (type, endpoint) (${rate(m.errors)})`, legend: '{{type}} {{endpoint}}' }],
      grid: [12, 8, 12, 8],
    }))
    .withPanel(timeseriesPanel({
      title: 'Request latency (p50, p95)',
      description: `Quantiles of the request-duration histogram on the inference routes only (${m.handlerLabel} ${m.inferenceHandlers.join(', ')}), as HighLatency measures them: health checks and scrapes are left out.`,
      unit: 's',
      min: 0,
      legendCalcs: ['mean', 'max'],
      queries: [0.5, 0.95].map((q) => ({
        expr: `histogram_quantile(${q}, sum by (le) (${rate(`${m.requestDuration}_bucket`, `${scope}, ${m.handlerLabel}=~${anyOf(m.inferenceHandlers)}`)}))`,
        legend: `p${q * 100}`,
      })),
      grid: [0, 16, 12, 8],
    }))
    .withPanel(statPanel({
      title: 'Model status',
      description: 'Whether every selected replica has its model loaded (the lowest model_loaded); ModelNotLoaded fires on 0.',
      noValue: 'No metrics from the API',
      queries: [{ expr: `min(${m.modelLoaded}{${scope}})` }],
      mappings: { 0: { text: 'Not loaded', color: 'red' }, 1: { text: 'Loaded', color: 'green' } },
      grid: [12, 16, 6, 8],
    }))
    .withPanel(statPanel({
      title: 'Total predictions',
      description: 'Predictions served over the dashboard\'s time range (an increase, so pod restarts do not reset it).',
      unit: 'short',
      queries: [{ expr: `sum(increase(${m.predictions}{${scope}}[$__range]))` }],
      grid: [18, 16, 6, 8],
    }));
  return Dashboards.fromBuilder(builder);
}
