import { factoryOptions } from '../common/validation';
import { AvailabilitySlo } from '../slo/availability-slo';
import { LatencySlo } from '../slo/latency-slo';
import { ServiceLevelObjective } from '../slo/service-level-objective';
import { InferenceApiMetrics, resolveMetrics } from './iris-api';

/** Objectives of the inference-API SLOs; every field has the Iris API's default. */
export interface InferenceApiSloOptions {
  /** @default - the Iris API's metric names */
  readonly metrics?: InferenceApiMetrics;
  /**
   * Share of requests that must succeed, in percent.
   * @default 99.5
   */
  readonly availabilityObjectivePercent?: number;
  /**
   * Share of inference requests that must be faster than `latencyThresholdSeconds`, in percent.
   * @default 99
   */
  readonly latencyObjectivePercent?: number;
  /**
   * Latency threshold, in seconds: a bucket bound of the request-duration histogram.
   * @default 1
   */
  readonly latencyThresholdSeconds?: number;
  /**
   * Window of both SLOs.
   * @default '28d'
   */
  readonly window?: string;
  /**
   * More labels on both SLOs' alerts, for Alertmanager's routes (`{ team: 'ml' }`): see
   * {@link ServiceLevelObjectiveOptions.labels}.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * The SLOs of an ML inference API: `availability` (requests = predictions + errors; errors fail) and
 * `latency` (inference routes only, so fast `/health` probes cannot hide a slow model).
 */
export class InferenceApiSlos {
  /** Availability and latency SLOs of an inference API, over its metrics. */
  public static objectives(options: InferenceApiSloOptions = {}): ServiceLevelObjective[] {
    return inferenceApiSlos(factoryOptions('InferenceApiSlos.objectives', options));
  }

  private constructor() {}
}

function inferenceApiSlos(options: InferenceApiSloOptions): ServiceLevelObjective[] {
  const m = resolveMetrics(options.metrics);
  return [
    new AvailabilitySlo({
      name: 'availability',
      objectivePercent: options.availabilityObjectivePercent ?? 99.5,
      window: options.window,
      labels: options.labels,
      // Each request ends as a prediction or as an error.
      requestCounters: [m.predictions, m.errors],
      errorCounter: m.errors,
    }),
    new LatencySlo({
      name: 'latency',
      objectivePercent: options.latencyObjectivePercent ?? 99,
      window: options.window,
      labels: options.labels,
      histogram: m.requestDuration,
      thresholdSeconds: options.latencyThresholdSeconds ?? 1,
      handlerLabel: m.handlerLabel,
      handlers: m.inferenceHandlers,
    }),
  ];
}
