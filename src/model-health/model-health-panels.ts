import { Panel } from '../grafana/panels';
import { ModelHealthMetrics, modelHealthSeries } from './model-health-rules';

/**
 * The model-health row of an inference dashboard, from the series {@link ModelHealth.rules} records: class
 * shares against their baseline, the shift the alert compares, and the confidence quantile against its baseline.
 * `scope` holds the dashboard's matchers (recorded series have no instance label); `y` is the row's top.
 */
export function modelHealthPanels(metrics: ModelHealthMetrics, scope: string, y: number): Panel[] {
  const s = modelHealthSeries(metrics);
  const position = (column: number) => ({ x: column * 8, y, width: 8, height: 8 });
  return [
    Panel.timeseries({
      title: 'Class share: last hour vs 7-day baseline',
      description: 'Share of each predicted class over the last hour (solid) and its 7-day average (the baseline). No data before the first hour of predictions.',
      unit: 'percentunit',
      min: 0,
      max: 1,
      queries: [
        { expr: `sum by (${s.classLabel}) (${s.share1h}{${scope}})`, legend: `{{${s.classLabel}}} last hour` },
        { expr: `sum by (${s.classLabel}) (${s.shareBaseline}{${scope}})`, legend: `{{${s.classLabel}}} baseline` },
      ],
      position: position(0),
    }),
    Panel.timeseries({
      title: 'Class distribution shift',
      description: 'Total variation distance between the last hour\'s class shares and their baseline: the share of predictions that moved to other classes. PredictionDistributionShift fires above its threshold once the baseline is old enough.',
      unit: 'percentunit',
      min: 0,
      max: 1,
      legendCalcs: ['mean', 'max'],
      queries: [{ expr: `max by (job) (${s.shift}{${scope}})`, legend: '{{job}}' }],
      position: position(1),
    }),
    Panel.timeseries({
      title: 'Confidence quantile: last hour vs 7-day baseline',
      description: 'The confidence quantile ModelConfidenceCollapse watches, over the last hour and as its 7-day average. A falling line under a steady baseline: the model is less sure of its answers than it used to be.',
      unit: 'percentunit',
      min: 0,
      max: 1,
      queries: [
        { expr: `max by (quantile) (${s.confidence1h}{${scope}})`, legend: 'q{{quantile}} last hour' },
        { expr: `max by (quantile) (${s.confidenceBaseline}{${scope}})`, legend: 'q{{quantile}} baseline' },
      ],
      position: position(2),
    }),
  ];
}
