import { BucketLayout, bucketLabel, seriesName as series } from './incidents';
import { InputSeries } from './promtool';

/*
 * Realistic series of the Iris API for `promtool test rules`, minute by minute: counters of whole requests
 * that grow at the traffic's rate, split over pods, predicted classes, error types and routes, with a
 * container restart (counter reset) where a phase asks for one.
 */

/** One stretch of traffic: what the API serves, minute after minute, for `minutes`. */
export interface Phase {
  readonly minutes: number;
  /** Inference requests per second (to `/predict`), all pods together. */
  readonly predictPerSecond: number;
  /** Share of inference requests that fail (counted in `api_errors_total`, not in predictions). */
  readonly errorRatio?: number;
  /** Share of inference requests slower than 1s. */
  readonly slowRatio?: number;
  /** Share of `/health` probes slower than 1s. */
  readonly probeSlowRatio?: number;
  /** The first pod's container restarts as the phase begins: its counters start again from 0. */
  readonly restart?: boolean;
}

/** How the client library writes bucket bounds: Python's prometheus_client `le="1.0"`, Go's `le="1"`. */
export type Client = BucketLayout['format'];

/** The Iris API's healthy error ratio: a few rejected inputs. */
export const HEALTHY_ERROR_RATIO = 0.0001;
/** Two replicas, as the targets Kubernetes service discovery finds them. */
const PODS = ['iris-api-6c9f8d7b5-x2x7q', 'iris-api-6c9f8d7b5-k8m4p'];
const TARGET = { job: 'iris-api', namespace: 'mlops', service: 'iris-api-service' };
/** Predicted classes and their share of predictions. */
const CLASSES = { setosa: 0.34, versicolor: 0.33, virginica: 0.33 };
/** Per pod and minute: the kubelet's liveness and readiness probes, every 10s each. */
const PROBES_PER_MINUTE = 12;
/** Bucket bounds (the FastAPI instrumentator's) and the share of fast requests in each bucket. */
const BOUNDS = [0.1, 0.5, 1];
const FAST_SHARES = { predict: [0.7, 0.95, 1], probe: [1, 1, 1] };

/** Minutes from the start to the end of `phases`. */
export function totalMinutes(phases: Phase[]): number {
  return phases.reduce((total, phase) => total + phase.minutes, 0);
}

/**
 * A counter per minute, from per-minute increments: whole events (the running total, rounded down, so a
 * rate of 0.12 errors a minute gives an error every 8 or 9 minutes), reset to 0 at the given minutes.
 */
function counter(increments: number[], resets: Set<number>): number[] {
  let exact = 0;
  return [0, ...increments.map((increment, i) => {
    exact = resets.has(i + 1) ? 0 : exact + increment;
    return Math.floor(exact + 1e-9);
  })];
}

/** promtool's expanding notation: runs of equal steps as `a+bxn`, so days of samples stay short. */
function compress(values: number[]): string {
  const tokens: string[] = [];
  for (let i = 0; i < values.length;) {
    const step = values[i + 1] - values[i];
    let n = 0;
    while (i + n + 1 < values.length && step >= 0 && values[i + n + 1] - values[i + n] === step) n++;
    tokens.push(n === 0 ? `${values[i]}` : `${values[i]}+${step}x${n}`);
    i += n + 1;
  }
  return tokens.join(' ');
}

/**
 * The Iris API's `up`, counters and request-duration histogram over `phases`, one sample a minute. With
 * `storedFrom`, the series begin at that minute of the phases, at time 0: as a Prometheus sees them that
 * starts then with an empty TSDB (a restart with an emptyDir), while the API's counters kept counting, so its
 * first samples are the totals of the minutes before.
 */
export function irisApiSeries(phases: Phase[], client: Client = 'python', storedFrom = 0): InputSeries[] {
  const minutes = phases.flatMap((phase) => Array.from({ length: phase.minutes }, (_, i) => ({ phase, first: i === 0 })));
  const resets = new Set(minutes.flatMap(({ phase, first }, i) => (first && phase.restart ? [i + 1] : [])));
  return PODS.flatMap((pod, p) => {
    const labels = { ...TARGET, instance: `10.244.0.${12 + p}:8000`, pod };
    const podResets = p === 0 ? resets : new Set<number>();
    const totals = (perMinute: (phase: Phase) => number): number[] => counter(minutes.map(({ phase }) => perMinute(phase) / PODS.length), podResets);
    const sampled = (name: string, extra: Record<string, string>, values: number[]): InputSeries => ({
      series: series(name, { ...labels, ...extra }), values: compress(values.slice(storedFrom)),
    });
    const make = (name: string, extra: Record<string, string>, perMinute: (phase: Phase) => number): InputSeries => sampled(name, extra, totals(perMinute));
    const predict = (phase: Phase): number => phase.predictPerSecond * 60;
    const histogram = (handler: string, perMinute: (phase: Phase) => number, shares: number[], slow: (phase: Phase) => number): InputSeries[] => {
      const count = totals(perMinute);
      // Whole requests: a bucket counts every request but the whole ones above its bound, so that no bucket
      // ever counts more than the next one, or grows by more than the count does.
      const bucket = (b: number): number[] => {
        const above = totals((phase) => perMinute(phase) * (1 - (1 - slow(phase)) * shares[b]));
        return count.map((total, i) => total - above[i]);
      };
      return [
        ...BOUNDS.map((bound, b) => sampled('http_request_duration_seconds_bucket', { handler, le: bucketLabel(bound, client) }, bucket(b))),
        sampled('http_request_duration_seconds_bucket', { handler, le: '+Inf' }, count),
        sampled('http_request_duration_seconds_count', { handler }, count),
      ];
    };
    return [
      // Every scrape succeeds: the SLO rules read where the data start from the scrape times.
      sampled('up', {}, minutes.map(() => 1).concat(1)),
      ...Object.entries(CLASSES).map(([cls, share]) => make('model_predictions_total', { class: cls },
        (phase) => predict(phase) * (1 - (phase.errorRatio ?? HEALTHY_ERROR_RATIO)) * share)),
      make('api_errors_total', { type: 'validation', endpoint: '/predict' }, (phase) => predict(phase) * Math.min(phase.errorRatio ?? HEALTHY_ERROR_RATIO, HEALTHY_ERROR_RATIO)),
      make('api_errors_total', { type: 'inference', endpoint: '/predict' }, (phase) => predict(phase) * Math.max((phase.errorRatio ?? 0) - HEALTHY_ERROR_RATIO, 0)),
      ...histogram('/predict', predict, FAST_SHARES.predict, (phase) => phase.slowRatio ?? 0),
      ...histogram('/health', () => PROBES_PER_MINUTE * PODS.length, FAST_SHARES.probe, (phase) => phase.probeSlowRatio ?? 0),
    ];
  });
}
