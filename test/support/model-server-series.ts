import { InputSeries } from './promtool';
import { always, bucketLabel, counter, gauge, sampled, When } from './incidents';

/*
 * What each model server exposes, sample by sample (every 15s, as the stack scrapes), shaped exactly as the
 * runtime writes it: its metric names and labels, its units (Triton's cumulative microseconds), its
 * histogram buckets written by its client (Python's `le="1.0"`), counters that exist from start or only
 * from their first increment. The scrape adds job, instance, namespace, service and pod.
 */

/** How a server behaves over time (t in seconds). Defaults: healthy. */
export interface ServerBehaviour {
  /** Requests per second on each replica. @default 5 */
  readonly rps?: (t: number) => number;
  /** Share of requests that fail. @default 0.002 */
  readonly errorRatio?: (t: number) => number;
  /** Latency of a request, seconds (vLLM: time to first token). @default runtime's healthy value */
  readonly seconds?: (t: number) => number;
  /** Queue length on each replica. @default 1 */
  readonly queue?: (t: number) => number;
  /** vLLM KV-cache usage, 0 to 1. @default 0.6 */
  readonly kvCache?: (t: number) => number;
  /** The model is loaded (FastAPI's model_loaded gauge, Ray Serve's replica health). @default always */
  readonly loaded?: When;
  /** Replicas answer their scrapes. @default always */
  readonly serving?: When;
}

const PYTHON_DEFAULT = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** vLLM's time-to-first-token buckets (vllm/v1/metrics/loggers.py). */
const VLLM_TTFT = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560];
/** Ray Serve's DEFAULT_LATENCY_BUCKET_MS (python/ray/serve/_private/constants.py): milliseconds. */
const RAY_MS = [1, 2, 5, 10, 20, 50, 100, 200, 300, 400, 500, 1000, 2000, 5000, 10000, 60000, 120000, 300000, 600000];

function target(job: string, port: number, replica: number) {
  return { job, instance: `10.244.2.${20 + replica}:${port}`, namespace: 'mlops', service: job, pod: `${job}-6b7c9d-r${replica}` };
}

/** A histogram's `_bucket`, `_count` and `_sum` series: every request observes `seconds(t)`. */
function histogram(name: string, labels: Record<string, string>, bounds: number[], minutes: number, rate: (t: number) => number, seconds: (t: number) => number, exported: When): InputSeries[] {
  const c = (perSecond: (t: number) => number) => counter(perSecond, { exported });
  return [
    ...bounds.map((b) => sampled(`${name}_bucket`, { ...labels, le: bucketLabel(b, 'python') }, minutes, c((t) => (seconds(t) <= b ? rate(t) : 0)))),
    sampled(`${name}_bucket`, { ...labels, le: '+Inf' }, minutes, c(rate)),
    sampled(`${name}_count`, labels, minutes, c(rate)),
    sampled(`${name}_sum`, labels, minutes, c((t) => rate(t) * seconds(t))),
  ];
}

/** Runtimes whose series are written here (the FastAPI service's come from Python: python-exposition.ts). */
export type Runtime = 'triton' | 'vllm' | 'kserve' | 'bentoml' | 'rayserve';

/** Every series of a server's `replicas` over `minutes`. */
export function serverSeries(runtime: Runtime, job: string, b: ServerBehaviour, minutes: number, replicas = 2): InputSeries[] {
  const serving = b.serving ?? always;
  const rps = (t: number) => (serving(t) ? (b.rps ?? (() => 5))(t) : 0);
  const loaded = b.loaded ?? always;
  const errorRatio = (t: number) => (loaded(t) ? (b.errorRatio ?? (() => 0.002))(t) : 1);
  const ok = (t: number) => rps(t) * (1 - errorRatio(t));
  const failed = (t: number) => rps(t) * errorRatio(t);
  const queue = b.queue ?? (() => 1);
  const out: InputSeries[] = [];
  for (let r = 0; r < replicas; r++) {
    const port = { triton: 8002, vllm: 8000, kserve: 8080, bentoml: 3000, rayserve: 8080 }[runtime];
    const t0 = target(job, port, r);
    out.push(sampled('up', t0, minutes, gauge((t) => (serving(t) ? 1 : 0))));
    const c = (perSecond: (t: number) => number, lazy = false) => counter(perSecond, { exported: serving, lazy });
    const g = (value: (t: number) => number) => gauge(value, serving);
    if (runtime === 'triton') {
      // triton-inference-server/core src/metrics.cc: per model and version, every counter from the model's load.
      const seconds = b.seconds ?? (() => 0.04);
      const model = { ...t0, model: 'resnet50', version: '1' };
      const batch = 4;
      out.push(
        sampled('nv_inference_request_success', model, minutes, c(ok)),
        ...['REJECTED', 'CANCELED', 'BACKEND', 'OTHER'].map((reason) => sampled('nv_inference_request_failure', { ...model, reason }, minutes, c((t) => (reason === 'BACKEND' ? failed(t) : 0)))),
        sampled('nv_inference_count', model, minutes, c(ok)),
        sampled('nv_inference_exec_count', model, minutes, c((t) => ok(t) / batch)),
        // Cumulative microseconds: each successful request adds its duration.
        sampled('nv_inference_request_duration_us', model, minutes, c((t) => ok(t) * seconds(t) * 1e6)),
        sampled('nv_inference_queue_duration_us', model, minutes, c((t) => ok(t) * 0.002 * queue(t) * 1e6)),
        sampled('nv_inference_compute_infer_duration_us', model, minutes, c((t) => ok(t) * seconds(t) * 0.8 * 1e6)),
        sampled('nv_inference_pending_request_count', model, minutes, g(queue)),
      );
    } else if (runtime === 'vllm') {
      // vllm/v1/metrics/loggers.py: labels model_name and engine; the API's HTTP metrics from the instrumentator.
      const seconds = b.seconds ?? (() => 0.18);
      const engine = { ...t0, model_name: 'meta-llama/Llama-3.1-8B-Instruct', engine: '0' };
      const chat = { ...t0, handler: '/v1/chat/completions', method: 'POST' };
      out.push(
        sampled('vllm:num_requests_waiting', engine, minutes, g(queue)),
        sampled('vllm:num_requests_running', engine, minutes, g(() => 24)),
        sampled('vllm:kv_cache_usage_perc', engine, minutes, g(b.kvCache ?? (() => 0.6))),
        ...histogram('vllm:time_to_first_token_seconds', engine, VLLM_TTFT, minutes, ok, seconds, serving),
        ...['stop', 'length', 'abort'].map((reason) => sampled('vllm:request_success_total', { ...engine, finished_reason: reason }, minutes,
          c((t) => ok(t) * ({ stop: 0.9, length: 0.09, abort: 0.01 } as Record<string, number>)[reason]))),
        sampled('vllm:generation_tokens_total', engine, minutes, c((t) => ok(t) * 250)),
        sampled('http_requests_total', { ...chat, status: '2xx' }, minutes, c(ok, true)),
        sampled('http_requests_total', { ...chat, status: '5xx' }, minutes, c(failed, true)),
      );
    } else if (runtime === 'kserve') {
      // kserve/kserve python/kserve/kserve/metrics.py: label model_name, prometheus_client's default buckets
      // (a labelled child appears, every bucket at once, with the first request: traffic starts before the first scrape).
      const seconds = b.seconds ?? (() => 0.03);
      const model = { ...t0, model_name: 'sklearn-iris' };
      out.push(
        ...histogram('request_predict_seconds', model, PYTHON_DEFAULT, minutes, rps, seconds, serving),
        ...histogram('request_preprocess_seconds', model, PYTHON_DEFAULT, minutes, rps, () => 0.002, serving),
        ...histogram('request_postprocess_seconds', model, PYTHON_DEFAULT, minutes, rps, () => 0.001, serving),
      );
    } else if (runtime === 'bentoml') {
      // BentoML's instruments: labels endpoint, service_name, service_version, http_response_code.
      const seconds = b.seconds ?? (() => 0.05);
      const service = { ...t0, endpoint: '/classify', service_name: 'iris_classifier', service_version: 'q2w3e4r5t6' };
      out.push(
        sampled('bentoml_service_request_total', { ...service, http_response_code: '200' }, minutes, c(ok, true)),
        sampled('bentoml_service_request_total', { ...service, http_response_code: '500' }, minutes, c(failed, true)),
        ...histogram('bentoml_service_request_duration_seconds', { ...service, http_response_code: '200' }, PYTHON_DEFAULT, minutes, ok, seconds, serving),
        sampled('bentoml_service_request_in_progress', service, minutes, g(queue)),
      );
    } else if (runtime === 'rayserve') {
      // Ray's metrics agent: `ray_` prefix; latency in milliseconds; a 5xx counted as an error with error_code.
      const seconds = b.seconds ?? (() => 0.08);
      const app = { ...t0, application: 'iris', route: '/iris' };
      out.push(
        sampled('ray_serve_num_http_requests_total', { ...app, method: 'POST', status_code: '200' }, minutes, c(ok, true)),
        sampled('ray_serve_num_http_requests_total', { ...app, method: 'POST', status_code: '500' }, minutes, c(failed, true)),
        sampled('ray_serve_num_http_error_requests_total', { ...app, method: 'POST', error_code: '500' }, minutes, c(failed, true)),
        // Health probes that 404 are errors to Ray, not to the preset (it counts 5xx only).
        sampled('ray_serve_num_http_error_requests_total', { ...app, route: '/', method: 'GET', error_code: '404' }, minutes, c(() => 0.1, true)),
        ...histogram('ray_serve_http_request_latency_ms', { ...app, status_code: '200' }, RAY_MS, minutes, ok, (t) => seconds(t) * 1000, serving),
        sampled('ray_serve_deployment_queued_queries', { ...t0, application: 'iris', deployment: 'IrisClassifier' }, minutes, g(queue)),
        ...[0, 1].map((i) => sampled('ray_serve_deployment_replica_healthy', { ...t0, application: 'iris', deployment: 'IrisClassifier', replica: `IrisClassifier#r${r}x${i}` }, minutes, g((t) => (loaded(t) ? 1 : 0)))),
      );
    }
  }
  return out;
}

/** How one GPU fares over time (t in seconds). Defaults: busy and healthy. */
export interface GpuBehaviour {
  /** The pod holding it (DCGM's pod mapping), in namespace mlops. */
  readonly pod: string;
  /** Utilization, percent. @default 60 */
  readonly util?: (t: number) => number;
  /** Share of its 80 GiB framebuffer used. @default 0.7 */
  readonly memory?: (t: number) => number;
  /** Temperature, C. @default 64 */
  readonly temperature?: (t: number) => number;
  /** Last XID error code (0: none). @default 0 */
  readonly xid?: (t: number) => number;
  /** Share of time thermally throttled, when the exporter is configured to export DCGM_FI_DEV_THERMAL_VIOLATION. @default not exported */
  readonly throttled?: (t: number) => number;
}

/**
 * The DCGM exporter's series for some GPUs, one exporter pod per node (two GPUs a node), as the stack stores
 * them: the exporter's own pod/namespace labels become exported_pod/exported_namespace under the target's.
 */
export function dcgmSeries(gpus: GpuBehaviour[], minutes: number): InputSeries[] {
  const FB_MIB = 81920;
  return gpus.flatMap((g, i) => {
    const node = Math.floor(i / 2);
    const labels = {
      job: 'dcgm-exporter', instance: `10.244.${node}.5:9400`, namespace: 'gpu-operator', service: 'dcgm-exporter', pod: `nvidia-dcgm-exporter-n${node}`,
      gpu: String(i % 2), UUID: `GPU-0a1b2c3d-000${i}`, device: `nvidia${i % 2}`, modelName: 'NVIDIA A100-SXM4-80GB', Hostname: `gpu-node-${node}`,
      DCGM_FI_DRIVER_VERSION: '550.54.15', exported_container: 'server', exported_namespace: 'mlops', exported_pod: g.pod,
    };
    const memory = g.memory ?? (() => 0.7);
    const out = [
      sampled('up', { job: labels.job, instance: labels.instance, namespace: labels.namespace, service: labels.service, pod: labels.pod }, minutes, gauge(() => 1)),
      sampled('DCGM_FI_DEV_GPU_UTIL', labels, minutes, gauge(g.util ?? (() => 60))),
      sampled('DCGM_FI_DEV_FB_USED', labels, minutes, gauge((t) => Math.round(FB_MIB * memory(t)))),
      sampled('DCGM_FI_DEV_FB_FREE', labels, minutes, gauge((t) => FB_MIB - Math.round(FB_MIB * memory(t)))),
      sampled('DCGM_FI_DEV_GPU_TEMP', labels, minutes, gauge(g.temperature ?? (() => 64))),
      sampled('DCGM_FI_DEV_POWER_USAGE', labels, minutes, gauge(() => 310)),
      sampled('DCGM_FI_DEV_XID_ERRORS', labels, minutes, gauge(g.xid ?? (() => 0))),
    ];
    // A counter of microseconds throttled: a share of each second.
    if (g.throttled) out.push(sampled('DCGM_FI_DEV_THERMAL_VIOLATION', labels, minutes, counter((t) => g.throttled!(t) * 1e6)));
    return out;
  });
}
