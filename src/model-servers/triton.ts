import { ModelServerSignals } from './model-server-signals';

/*
 * NVIDIA Triton Inference Server, metrics on port 8002 at /metrics. Names, labels and units from
 * triton-inference-server/core src/metrics.cc and src/metric_model_reporter.cc (labels `model`, `version`;
 * failures also by `reason`: REJECTED, CANCELED, BACKEND, OTHER). Every per-model counter exists from the
 * model's load (no lazy children). Durations are cumulative MICROSECOND counters, not histograms:
 * nv_inference_request_duration_us / nv_inference_request_success is the documented mean request latency.
 * nv_inference_pending_request_count is the queue (a gauge); nv_inference_count / nv_inference_exec_count
 * the mean batch size. Triton exports no model-readiness metric (readiness is its /v2/models/<m>/ready API).
 */
export function tritonSignals(maxQueuedRequests: number): ModelServerSignals {
  const rate = (metric: string, sel: string, w: string) => `sum by (namespace, job) (rate(${metric}{${sel}}[${w}]))`;
  return {
    runtime: 'Triton',
    requests: (sel, w) => `(${rate('nv_inference_request_success', sel, w)} + ${rate('nv_inference_request_failure', sel, w)})`,
    errors: (sel, w) => rate('nv_inference_request_failure', sel, w),
    availability: { requestCounters: ['nv_inference_request_success', 'nv_inference_request_failure'], errorCounter: 'nv_inference_request_failure' },
    latency: {
      // Microseconds to seconds.
      busySeconds: (sel, w) => `${rate('nv_inference_request_duration_us', sel, w)} / 1e6`,
      finished: (sel, w) => rate('nv_inference_request_success', sel, w),
      what: 'request duration',
    },
    saturation: [{
      alertSuffix: 'QueueSaturated',
      value: (sel) => `max by (namespace, job) (nv_inference_pending_request_count{${sel}})`,
      threshold: maxQueuedRequests,
      what: 'pending request count of a model',
      unit: 'short',
      runbook: 'ModelServerQueueSaturated',
      queueGauge: 'nv_inference_pending_request_count',
    }],
    extraPanels: (scope) => [{
      title: 'Batch size and queue time',
      description: 'Mean batch size (inferences per model execution) and mean time a request waits in the queue, from the cumulative counters.',
      unit: 'short',
      queries: [
        { expr: `sum by (model) (rate(nv_inference_count{${scope}}[$__rate_interval])) / sum by (model) (rate(nv_inference_exec_count{${scope}}[$__rate_interval]))`, legend: '{{model}} batch size' },
        { expr: `sum by (model) (rate(nv_inference_queue_duration_us{${scope}}[$__rate_interval])) / 1e6 / sum by (model) (rate(nv_inference_request_success{${scope}}[$__rate_interval]))`, legend: '{{model}} queue seconds' },
      ],
    }],
  };
}
