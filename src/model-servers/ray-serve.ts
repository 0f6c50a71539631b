import { ModelServerSignals } from './model-server-signals';

/*
 * Ray Serve, metrics through Ray's metrics agent (`--metrics-export-port`, every metric prefixed `ray_`). From
 * ray-project/ray python/ray/serve/_private/proxy.py and replica/router code: `ray_serve_num_http_requests_total`
 * (labels route, method, application, status_code), `ray_serve_num_http_error_requests_total` (non-200
 * responses, label error_code: 404s too, hence `5..`), `ray_serve_http_request_latency_ms` (histogram in
 * MILLISECONDS, DEFAULT_LATENCY_BUCKET_MS 1 ... 1000, 2000, 5000 ...), `ray_serve_deployment_queued_queries`
 * (gauge, labels deployment, application), `ray_serve_deployment_replica_healthy` (gauge 1/0 per replica).
 */
export function rayServeSignals(maxQueuedRequests: number): ModelServerSignals {
  const sum = (expr: string) => `sum by (namespace, job) (${expr})`;
  return {
    runtime: 'Ray Serve',
    requests: (sel, w) => sum(`rate(ray_serve_num_http_requests_total{${sel}}[${w}])`),
    errors: (sel, w) => `(${sum(`rate(ray_serve_num_http_error_requests_total{${sel}, error_code=~"5.."}[${w}])`)} or ${sum(`rate(ray_serve_num_http_requests_total{${sel}}[${w}])`)} * 0)`,
    availability: { requestCounters: ['ray_serve_num_http_requests_total'], errorCounter: 'ray_serve_num_http_error_requests_total{error_code=~"5.."}' },
    latency: { histogram: 'ray_serve_http_request_latency_ms', what: 'request latency at the proxy', unitsPerSecond: 1000 },
    saturation: [{
      alertSuffix: 'QueueSaturated',
      value: (sel) => `max by (namespace, job) (ray_serve_deployment_queued_queries{${sel}})`,
      threshold: maxQueuedRequests,
      what: 'number of queries queued for a deployment',
      unit: 'short',
      runbook: 'ModelServerQueueSaturated',
    }],
    // Per deployment: one deployment with no healthy replica is down, whatever the others do.
    notReady: (sel) => `max by (namespace, job, application, deployment) (ray_serve_deployment_replica_healthy{${sel}}) == 0`,
  };
}
