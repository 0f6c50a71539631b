import { MonitoredApplication, validateApplication } from '../application/monitored-application';
import { fail } from '../common/errors';
import { definedFields } from '../common/serialize';
import {
  expectOptional, expectType, factoryOptions, validateDuration, validateHttpUrl, validateLatencySeconds, validateMetricName, validateNumber,
} from '../common/validation';
import type { ApplicationMonitoringOptions } from '../content/application-monitoring';
import { bentomlSignals } from './bentoml';
import { fastApiSignals } from './fastapi';
import { kserveSignals } from './kserve';
import { ModelServerSignals, modelServerMonitoring, pascalCase, ResolvedServerThresholds } from './model-server-signals';
import { rayServeSignals } from './ray-serve';
import { tritonSignals } from './triton';
import { vllmSignals } from './vllm';

/** Where a model server runs and how it is alerted on; what every preset takes. */
export interface ModelServerOptions {
  /** Name of the application: the `job` label of its series, and the prefix of its alerts' names. */
  readonly name: string;
  /**
   * Name of its Kubernetes Service.
   * @default - the name
   */
  readonly serviceName?: string;
  /**
   * Namespace it runs in.
   * @default - the monitoring stack's
   */
  readonly namespace?: string;
  /**
   * Name of the Service port serving metrics.
   * @default - the runtime's: 'metrics' for Triton (port 8002) and Ray Serve (the metrics export port), 'http' for the others
   */
  readonly portName?: string;
  /**
   * Number of the pods' metrics port, for a Service whose ports have no name; exclusive with `portName`.
   * @default - the port named `portName`
   */
  readonly port?: number;
  /**
   * Path of the metrics endpoint.
   * @default '/metrics'
   */
  readonly metricsPath?: string;
  /**
   * Scrape interval.
   * @default - the Prometheus server's
   */
  readonly scrapeInterval?: string;
  /**
   * Labels of its Service, for a ServiceMonitor's selector.
   * @default - { app: name }
   */
  readonly serviceLabels?: Record<string, string>;
  /**
   * Failed / all requests (over 5m) above which `<Prefix>HighErrorRate` fires, 0 < value < 1 (runtimes that count failures).
   * @default 0.05
   */
  readonly errorRatio?: number;
  /**
   * Latency threshold in seconds. For a histogram runtime (vLLM: time to first token; KServe: predict; FastAPI:
   * request duration) a bucket bound of the histogram, also the latency SLO's threshold; for Triton the mean
   * request duration.
   * @default - 2.5 for vLLM (time to first token), 1 for the others
   */
  readonly latencySeconds?: number;
  /**
   * Share of requests slower than `latencySeconds` above which `<Prefix>HighLatency` fires (histogram runtimes).
   * @default 0.05
   */
  readonly slowRequestRatio?: number;
  /**
   * How long no replica may be up before `<Prefix>Down` (and `<Prefix>ModelNotReady`) page.
   * @default '1m'
   */
  readonly downFor?: string;
  /**
   * How long error, latency and saturation conditions must hold.
   * @default '5m'
   */
  readonly degradedFor?: string;
  /**
   * Prefix of the alert names: `<prefix>Down`, `<prefix>HighLatency`, ... Unique per server, so that two
   * servers of one runtime can share a Prometheus.
   * @default - the name in PascalCase (`llm-chat` gives `LlmChat`)
   */
  readonly alertPrefix?: string;
  /**
   * Base URL of the runbooks: alerts link to `<base>/model-servers/<page>.md`.
   * @default - this repository's docs/runbooks
   */
  readonly runbookBaseUrl?: string;
  /**
   * Objective of the availability SLO, in percent (runtimes that count failures).
   * @default 99.5
   */
  readonly availabilityObjectivePercent?: number;
  /**
   * Objective of the latency SLO, in percent (histogram runtimes).
   * @default 99
   */
  readonly latencyObjectivePercent?: number;
  /**
   * The server runs on NVIDIA GPUs watched by the DCGM exporter ({@link GpuMonitoring.dcgmExporter}): adds the
   * utilization and memory of the GPUs its pods hold to its dashboard, and, for runtimes with a queue (Triton,
   * vLLM), `<Prefix>GpuIdleWhileQueued`.
   * @default false
   */
  readonly gpu?: boolean;
}

/** Options of {@link ModelServers.triton}. */
export interface TritonServerOptions extends ModelServerOptions {
  /**
   * Pending requests of one model on one replica (`nv_inference_pending_request_count`) above which
   * `<Prefix>QueueSaturated` fires.
   * @default 10
   */
  readonly maxQueuedRequests?: number;
}

/** Options of {@link ModelServers.vllm}. */
export interface VllmServerOptions extends ModelServerOptions {
  /**
   * Waiting requests on one replica (`vllm:num_requests_waiting`) above which `<Prefix>QueueSaturated` fires.
   * @default 10
   */
  readonly maxQueuedRequests?: number;
  /**
   * KV-cache usage (`vllm:kv_cache_usage_perc`, 0 to 1) above which `<Prefix>KvCacheFull` fires: a full cache
   * preempts requests and makes new ones wait.
   * @default 0.95
   */
  readonly maxKvCacheUsage?: number;
}

/** Options of {@link ModelServers.bentoml}. */
export interface BentoMlServerOptions extends ModelServerOptions {
  /**
   * Requests in progress on one replica (`bentoml_service_request_in_progress`, summed over endpoints) above
   * which `<Prefix>QueueSaturated` fires.
   * @default 50
   */
  readonly maxInProgressRequests?: number;
}

/** Options of {@link ModelServers.rayServe}. */
export interface RayServeOptions extends ModelServerOptions {
  /**
   * Queries queued for one deployment (`ray_serve_deployment_queued_queries`) above which `<Prefix>QueueSaturated` fires.
   * @default 10
   */
  readonly maxQueuedRequests?: number;
}

/** Options of {@link ModelServers.fastApi}. */
export interface FastApiServiceOptions extends ModelServerOptions {
  /**
   * Routes that serve inferences (the instrumentator's `handler` label): the alerts and SLOs measure only these.
   * @default ['/predict']
   */
  readonly inferenceRoutes?: string[];
  /**
   * Gauge that is 1 while the model is loaded (the Iris API's `model_loaded`): adds `<Prefix>ModelNotReady`.
   * @default - no readiness alert
   */
  readonly modelLoadedMetric?: string;
}

/**
 * One model server's monitoring: its description for the scrape job, and its alerts, SLOs and dashboard.
 * Give both to `MonitoringStack.monitorApplication(m.application, m.monitoring)`.
 */
export interface ModelServerMonitoring {
  /** The server as a scrape target. */
  readonly application: MonitoredApplication;
  /** Its alerts, SLOs and dashboard. */
  readonly monitoring: ApplicationMonitoringOptions;
}

/**
 * Presets for model servers: each maps a runtime's own metrics (names, labels and units from its source)
 * onto the same signals, alerts (down, errors, latency, saturation, model readiness where the runtime has
 * it), SLOs and dashboard.
 */
export class ModelServers {
  /** NVIDIA Triton Inference Server: cumulative microsecond counters (a mean latency, no latency SLO), pending-request queue, batch size. */
  public static triton(options: TritonServerOptions): ModelServerMonitoring {
    const o = checked('ModelServers.triton', options);
    if (o.maxQueuedRequests !== undefined) validateNumber('ModelServers.triton', 'options.maxQueuedRequests', o.maxQueuedRequests, { min: 0 });
    return preset('ModelServers.triton', o, { portName: 'metrics', latencySeconds: 1 }, tritonSignals(o.maxQueuedRequests ?? 10));
  }

  /** vLLM: `vllm:` metrics (time to first token, waiting requests, KV cache) and its API's HTTP errors. */
  public static vllm(options: VllmServerOptions): ModelServerMonitoring {
    const o = checked('ModelServers.vllm', options);
    if (o.maxQueuedRequests !== undefined) validateNumber('ModelServers.vllm', 'options.maxQueuedRequests', o.maxQueuedRequests, { min: 0 });
    if (o.maxKvCacheUsage !== undefined) validateNumber('ModelServers.vllm', 'options.maxKvCacheUsage', o.maxKvCacheUsage, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
    return preset('ModelServers.vllm', o, { portName: 'http', latencySeconds: 2.5 }, vllmSignals(o.maxQueuedRequests ?? 10, o.maxKvCacheUsage ?? 0.95));
  }

  /** KServe's Python model server: `request_predict_seconds` and friends (no failure counter: no error alert or availability SLO). */
  public static kserve(options: ModelServerOptions): ModelServerMonitoring {
    const o = checked('ModelServers.kserve', options);
    return preset('ModelServers.kserve', o, { portName: 'http', latencySeconds: 1 }, kserveSignals());
  }

  /** BentoML: `bentoml_service_request_*` by endpoint and response code; requests in progress as saturation. */
  public static bentoml(options: BentoMlServerOptions): ModelServerMonitoring {
    const o = checked('ModelServers.bentoml', options);
    if (o.maxInProgressRequests !== undefined) validateNumber('ModelServers.bentoml', 'options.maxInProgressRequests', o.maxInProgressRequests, { min: 0 });
    return preset('ModelServers.bentoml', o, { portName: 'http', latencySeconds: 1 }, bentomlSignals(o.maxInProgressRequests ?? 50));
  }

  /**
   * Ray Serve, scraped at Ray's metrics export port: `ray_serve_*` requests, 5xx errors, the proxy's latency
   * histogram in milliseconds (an alert; no latency SLO, which reads seconds), queued queries, replica health.
   */
  public static rayServe(options: RayServeOptions): ModelServerMonitoring {
    const o = checked('ModelServers.rayServe', options);
    if (o.maxQueuedRequests !== undefined) validateNumber('ModelServers.rayServe', 'options.maxQueuedRequests', o.maxQueuedRequests, { min: 0 });
    return preset('ModelServers.rayServe', o, { portName: 'metrics', latencySeconds: 1 }, rayServeSignals(o.maxQueuedRequests ?? 10));
  }

  /** A Python service with prometheus_client and prometheus-fastapi-instrumentator (such as the Iris API). */
  public static fastApi(options: FastApiServiceOptions): ModelServerMonitoring {
    const o = checked('ModelServers.fastApi', options);
    const routes = o.inferenceRoutes ?? ['/predict'];
    expectType('ModelServers.fastApi', 'options.inferenceRoutes', routes, 'array');
    if (routes.length === 0) fail('ModelServers.fastApi', 'options.inferenceRoutes', 'must name at least one route (such as /predict): with none, no request is measured');
    routes.forEach((r, i) => {
      expectType('ModelServers.fastApi', `options.inferenceRoutes[${i}]`, r, 'string');
      if (r === '') fail('ModelServers.fastApi', `options.inferenceRoutes[${i}]`, 'a route cannot be empty');
    });
    if (o.modelLoadedMetric !== undefined) validateMetricName('ModelServers.fastApi', 'options.modelLoadedMetric', o.modelLoadedMetric);
    return preset('ModelServers.fastApi', o, { portName: 'http', latencySeconds: 1 }, fastApiSignals(routes, o.modelLoadedMetric));
  }

  private constructor() {}
}

/** The common options, checked: one clear error naming the factory and the field. */
function checked<T extends ModelServerOptions>(factory: string, options: T): T {
  const o = factoryOptions(factory, options, { name: 'string' });
  const ratio = { min: 0, max: 1, minExclusive: true, maxExclusive: true };
  if (o.errorRatio !== undefined) validateNumber(factory, 'options.errorRatio', o.errorRatio, ratio);
  if (o.slowRequestRatio !== undefined) validateNumber(factory, 'options.slowRequestRatio', o.slowRequestRatio, ratio);
  if (o.latencySeconds !== undefined) validateLatencySeconds(factory, 'options.latencySeconds', o.latencySeconds);
  for (const key of ['downFor', 'degradedFor'] as const) if (o[key] !== undefined) validateDuration(factory, `options.${key}`, o[key]!, { allowZero: true });
  for (const key of ['availabilityObjectivePercent', 'latencyObjectivePercent'] as const) {
    if (o[key] !== undefined) validateNumber(factory, `options.${key}`, o[key]!, { min: 0, max: 100, minExclusive: true, maxExclusive: true });
  }
  if (o.alertPrefix !== undefined && !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(o.alertPrefix)) fail(factory, 'options.alertPrefix', `"${o.alertPrefix}" must start an alert name: letters, digits and _`);
  if (o.runbookBaseUrl !== undefined) validateHttpUrl(factory, 'options.runbookBaseUrl', o.runbookBaseUrl);
  expectOptional(factory, 'options.gpu', o.gpu, 'boolean');
  return o;
}

function preset(factory: string, o: ModelServerOptions, defaults: { portName: string; latencySeconds: number }, signals: ModelServerSignals): ModelServerMonitoring {
  const application: MonitoredApplication = definedFields({
    name: o.name,
    namespace: o.namespace,
    serviceName: o.serviceName ?? o.name,
    portName: o.port === undefined ? o.portName ?? defaults.portName : o.portName,
    port: o.port,
    metricsPath: o.metricsPath ?? '/metrics',
    scrapeInterval: o.scrapeInterval,
    serviceLabels: o.serviceLabels ?? { app: o.name },
  }) as MonitoredApplication;
  validateApplication(factory, 'options', application);
  const thresholds: ResolvedServerThresholds = {
    errorRatio: o.errorRatio ?? 0.05,
    latencySeconds: o.latencySeconds ?? defaults.latencySeconds,
    slowRequestRatio: o.slowRequestRatio ?? 0.05,
    downFor: o.downFor ?? '1m',
    degradedFor: o.degradedFor ?? '5m',
    alertPrefix: o.alertPrefix ?? pascalCase(o.name),
    runbookBaseUrl: o.runbookBaseUrl,
    availabilityObjectivePercent: o.availabilityObjectivePercent ?? 99.5,
    latencyObjectivePercent: o.latencyObjectivePercent ?? 99,
    gpu: o.gpu ?? false,
  };
  return { application, monitoring: modelServerMonitoring(application, o.namespace, signals, thresholds) };
}
