import { anyOf } from '../common/promql';
import { ModelServerSignals } from './model-server-signals';

/*
 * A Python model service with prometheus_client and prometheus-fastapi-instrumentator (the Iris API's kind).
 * The instrumentator's default metrics (trallnag/prometheus-fastapi-instrumentator, `metrics.default()`):
 * `http_requests_total{handler, method, status}` (status grouped: `2xx`, `5xx`) and
 * `http_request_duration_seconds{handler, method}` with buckets 0.1, 0.5, 1 (+Inf), written `le="1.0"` by
 * the Python client. Readiness from an application gauge such as the Iris API's `model_loaded`, when given.
 */
export function fastApiSignals(inferenceRoutes: string[], modelLoadedGauge?: string): ModelServerSignals {
  const routes = `handler=~${anyOf(inferenceRoutes)}`;
  const sum = (expr: string) => `sum by (namespace, job) (${expr})`;
  return {
    runtime: 'FastAPI',
    requests: (sel, w) => sum(`rate(http_requests_total{${sel}, ${routes}}[${w}])`),
    errors: (sel, w) => `(${sum(`rate(http_requests_total{${sel}, ${routes}, status="5xx"}[${w}])`)} or ${sum(`rate(http_requests_total{${sel}, ${routes}}[${w}])`)} * 0)`,
    availability: { requestCounters: [`http_requests_total{${routes}}`], errorCounter: `http_requests_total{${routes}, status="5xx"}` },
    latency: { histogram: 'http_request_duration_seconds', handlerLabel: 'handler', handlers: inferenceRoutes, what: 'request duration' },
    saturation: [],
    notReady: modelLoadedGauge ? (sel) => `max by (namespace, job) (${modelLoadedGauge}{${sel}}) == 0` : undefined,
  };
}
