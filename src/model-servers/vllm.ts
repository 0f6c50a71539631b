import { ModelServerSignals } from './model-server-signals';

/*
 * vLLM's OpenAI-compatible server, metrics on its HTTP port at /metrics. Engine metrics from
 * vllm-project/vllm vllm/v1/metrics/loggers.py (PrometheusStatLogger; labels `model_name`, `engine`), with a
 * colon in every name: `vllm:num_requests_waiting` (gauge), `vllm:kv_cache_usage_perc` (gauge, 0 to 1),
 * `vllm:request_success_total{finished_reason}` (counter), `vllm:time_to_first_token_seconds` (histogram,
 * buckets 0.001 ... 1.0, 2.5, 5.0 ... 2560). A colon is a legal character of a classic metric name, so the
 * names need no quoting in PromQL (`vllm:num_requests_waiting{...}`), nor in recording rules; Prometheus 3's
 * UTF-8 quoting (`{"vllm:num_requests_waiting"}`) selects the same series. Failed requests are the HTTP
 * layer's: vLLM instruments its API with prometheus-fastapi-instrumentator (`http_requests_total{handler,
 * method, status}`, status grouped as `5xx`). No model-readiness metric (readiness is its /health).
 */
export function vllmSignals(maxQueuedRequests: number, maxKvCacheUsage: number): ModelServerSignals {
  const sum = (expr: string) => `sum by (namespace, job) (${expr})`;
  const api = 'handler=~"/v1/.*"';
  return {
    runtime: 'vLLM',
    requests: (sel, w) => sum(`rate(http_requests_total{${sel}, ${api}}[${w}])`),
    errors: (sel, w) => `(${sum(`rate(http_requests_total{${sel}, ${api}, status="5xx"}[${w}])`)} or ${sum(`rate(http_requests_total{${sel}, ${api}}[${w}])`)} * 0)`,
    availability: { requestCounters: [`http_requests_total{${api}}`], errorCounter: `http_requests_total{${api}, status="5xx"}` },
    latency: { histogram: 'vllm:time_to_first_token_seconds', what: 'time to first token' },
    saturation: [
      {
        alertSuffix: 'QueueSaturated',
        value: (sel) => `max by (namespace, job) (vllm:num_requests_waiting{${sel}})`,
        threshold: maxQueuedRequests,
        what: 'number of waiting requests',
        unit: 'short',
        runbook: 'ModelServerQueueSaturated',
      queueGauge: 'vllm:num_requests_waiting',
      },
      {
        alertSuffix: 'KvCacheFull',
        value: (sel) => `max by (namespace, job) (vllm:kv_cache_usage_perc{${sel}})`,
        threshold: maxKvCacheUsage,
        what: 'KV-cache usage',
        unit: 'percentunit',
        runbook: 'ModelServerKvCacheFull',
      },
    ],
    extraPanels: (scope) => [{
      title: 'Running requests and tokens',
      description: 'Requests in the running batch, and generated tokens per second.',
      unit: 'short',
      queries: [
        { expr: `sum by (model_name) (vllm:num_requests_running{${scope}})`, legend: '{{model_name}} running' },
        { expr: `sum by (model_name) (rate(vllm:generation_tokens_total{${scope}}[$__rate_interval]))`, legend: '{{model_name}} tokens/s' },
      ],
    }],
  };
}
