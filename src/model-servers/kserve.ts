import { ModelServerSignals } from './model-server-signals';

/*
 * KServe's Python model server (kserve.ModelServer), metrics on its HTTP port (8080) at /metrics. From
 * kserve/kserve python/kserve/kserve/metrics.py: histograms `request_preprocess_seconds`,
 * `request_predict_seconds`, `request_postprocess_seconds`, `request_explain_seconds`, label `model_name`,
 * prometheus_client's default buckets (0.005 ... 1.0, 2.5, 5.0, 7.5, 10.0). It counts no failures and has no
 * queue or readiness metric: no error alert and no availability SLO (measure those at the ingress). KServe's
 * pod annotations (`serving.kserve.io/enable-prometheus-scraping`, `prometheus.kserve.io/port|path`) are for
 * annotation-based scraping; this preset scrapes the predictor's Service instead.
 */
export function kserveSignals(): ModelServerSignals {
  return {
    runtime: 'KServe',
    requests: (sel, w) => `sum by (namespace, job) (rate(request_predict_seconds_count{${sel}}[${w}]))`,
    latency: { histogram: 'request_predict_seconds', what: 'predict duration' },
    saturation: [],
    extraPanels: (scope) => [{
      title: 'Pre- and post-processing p95',
      description: 'p95 of the transformer steps around predict.',
      unit: 's',
      queries: ['preprocess', 'postprocess'].map((step) => ({
        expr: `histogram_quantile(0.95, sum by (le) (rate(request_${step}_seconds_bucket{${scope}}[$__rate_interval])))`,
        legend: step,
      })),
    }],
  };
}
