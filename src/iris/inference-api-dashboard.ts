import { Dashboards, GrafanaDashboard } from '../grafana/dashboard';
import { provisionedDashboard, statPanel, timeseriesPanel } from '../grafana/panels';
import { InferenceApiMetrics, resolveMetrics } from './iris-api';

/** Options of {@link inferenceApiDashboard}. */
export interface InferenceApiDashboardOptions {
  /** The `job` label of the API's series. */
  readonly job: string;
  /** @default - the Iris API's metric names */
  readonly metrics?: InferenceApiMetrics;
  /** @default 'iris-api-overview' */
  readonly uid?: string;
  /** @default 'Iris API - Overview' */
  readonly title?: string;
}

/**
 * **Iris API - Overview**: prediction rate by class, confidence distribution, error rate, model status and
 * total predictions.
 */
export function inferenceApiDashboard(options: InferenceApiDashboardOptions): GrafanaDashboard {
  const m = resolveMetrics(options.metrics);
  const job = `job="${options.job}"`;
  const errors = `sum(rate(${m.errors}{${job}}[$__rate_interval]))`;
  const builder = provisionedDashboard(options.title ?? 'Iris API - Overview', options.uid ?? 'iris-api-overview', ['iris', 'mlops', 'inference'])
    .withPanel(timeseriesPanel({
      title: 'Prediction rate by class',
      unit: 'reqps',
      min: 0,
      queries: [{ expr: `sum by (${m.classLabel}) (rate(${m.predictions}{${job}}[$__rate_interval]))`, legend: `{{${m.classLabel}}}` }],
      grid: [0, 0, 12, 8],
    }))
    .withPanel(timeseriesPanel({
      title: 'Confidence distribution',
      description: 'Quantiles of the model confidence histogram.',
      unit: 'percentunit',
      min: 0,
      max: 1,
      queries: [0.5, 0.9, 0.99].map((q) => ({
        expr: `histogram_quantile(${q}, sum by (le) (rate(${m.confidence}_bucket{${job}}[$__rate_interval])))`,
        legend: `p${q * 100}`,
      })),
      grid: [12, 0, 12, 8],
    }))
    .withPanel(timeseriesPanel({
      title: 'Error rate',
      description: 'errors / (predictions + errors): the ratio HighErrorRate alerts on.',
      unit: 'percentunit',
      min: 0,
      queries: [{
        expr: `${errors} / (${errors} + (sum(rate(${m.predictions}{${job}}[$__rate_interval])) or ${errors} * 0))`,
        legend: 'error ratio',
      }, {
        expr: `sum by (type, endpoint) (rate(${m.errors}{${job}}[$__rate_interval]))`,
        legend: '{{type}} {{endpoint}}',
      }],
      grid: [0, 8, 12, 8],
    }))
    .withPanel(statPanel({
      title: 'Model status',
      queries: [{ expr: `min(${m.modelLoaded}{${job}})` }],
      mappings: { 0: { text: 'Not loaded', color: 'red' }, 1: { text: 'Loaded', color: 'green' } },
      grid: [12, 8, 6, 8],
    }))
    .withPanel(statPanel({
      title: 'Total predictions',
      unit: 'short',
      queries: [{ expr: `sum(${m.predictions}{${job}})` }],
      grid: [18, 8, 6, 8],
    }))
    .withPanel(timeseriesPanel({
      title: 'Request latency (p50, p95)',
      unit: 's',
      min: 0,
      queries: [0.5, 0.95].map((q) => ({
        expr: `histogram_quantile(${q}, sum by (le) (rate(${m.requestDuration}_bucket{${job}}[$__rate_interval])))`,
        legend: `p${q * 100}`,
      })),
      grid: [0, 16, 24, 8],
    }));
  return Dashboards.fromBuilder(builder);
}
