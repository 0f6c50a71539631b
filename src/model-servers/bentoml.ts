import { ModelServerSignals } from './model-server-signals';

/*
 * BentoML (1.2+), metrics on the service's HTTP port at /metrics. From bentoml/BentoML
 * src/_bentoml_impl/server and src/bentoml/_internal/server/http/instruments.py (namespace `bentoml_service`):
 * `bentoml_service_request_total` (counter) and `bentoml_service_request_duration_seconds` (histogram,
 * prometheus_client's default buckets unless configured), labels endpoint, service_name, service_version,
 * http_response_code; `bentoml_service_request_in_progress` (gauge, labels endpoint, service_name,
 * service_version): the concurrency, its saturation signal. No readiness metric (readiness is /readyz).
 */
export function bentomlSignals(maxInProgressRequests: number): ModelServerSignals {
  const sum = (expr: string) => `sum by (namespace, job) (${expr})`;
  const probes = 'endpoint!~"/metrics|/livez|/readyz|/healthz"';
  return {
    runtime: 'BentoML',
    requests: (sel, w) => sum(`rate(bentoml_service_request_total{${sel}, ${probes}}[${w}])`),
    errors: (sel, w) => `(${sum(`rate(bentoml_service_request_total{${sel}, ${probes}, http_response_code=~"5.."}[${w}])`)} or ${sum(`rate(bentoml_service_request_total{${sel}, ${probes}}[${w}])`)} * 0)`,
    availability: { requestCounters: [`bentoml_service_request_total{${probes}}`], errorCounter: `bentoml_service_request_total{${probes}, http_response_code=~"5.."}` },
    latency: { histogram: 'bentoml_service_request_duration_seconds', what: 'request duration' },
    saturation: [{
      alertSuffix: 'QueueSaturated',
      value: (sel) => `max by (namespace, job) (sum by (namespace, job, instance) (bentoml_service_request_in_progress{${sel}}))`,
      threshold: maxInProgressRequests,
      what: 'number of requests in progress on a replica',
      unit: 'short',
      runbook: 'ModelServerQueueSaturated',
    }],
  };
}
