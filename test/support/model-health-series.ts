import { InputSeries } from './promtool';
import { bucketLabel, seriesName } from './incidents';

/*
 * An Iris API whose model behaves as told, minute by minute, for days: the series its Python
 * prometheus_client exposes (lazy labelled counters, `le="1.0"`), as the `iris-api` job stores them.
 * One sample a minute (rather than the 15s scrape) keeps a day and more of history fast in promtool;
 * every window the rules use (5m, 1h, 7d) holds many samples either way.
 */

export const DAY_MINUTES = 24 * 60;

/** Iris' classes. */
export const CLASSES = ['setosa', 'versicolor', 'virginica'] as const;
export type ClassShares = Record<(typeof CLASSES)[number], number>;

/** model_confidence's buckets (the Iris API's: a 3-class softmax seldom answers under 0.5). */
export const CONFIDENCE_BOUNDS = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1];

/**
 * Share of predictions in each interval of CONFIDENCE_BOUNDS: (-inf, 0.5], (0.5, 0.6], ... (0.99, 1].
 * A healthy model is sure of most answers (median about 0.98).
 */
export const CONFIDENT: number[] = [0, 0.01, 0.02, 0.03, 0.06, 0.13, 0.35, 0.40];
/** A model that guesses: median about 0.64. */
export const GUESSING: number[] = [0.10, 0.30, 0.25, 0.15, 0.10, 0.05, 0.03, 0.02];

/** Mixes two confidence distributions: `f` of the second. */
export const mix = (a: number[], b: number[], f: number): number[] => a.map((x, i) => x * (1 - f) + b[i] * f);

/** How the model behaves at minute m. Defaults: a healthy model with a daily rhythm. */
export interface ModelBehaviour {
  /** Predictions per second of each replica. @default 1, +-50% over the day */
  readonly predictionsPerSecond?: (m: number) => number;
  /** Share of each predicted class. @default a third each, +-5 points over the day */
  readonly classShares?: (m: number) => ClassShares;
  /** Confidence distribution, one share per interval of CONFIDENCE_BOUNDS. @default CONFIDENT */
  readonly confidence?: (m: number) => number[];
}

const daily = (m: number) => Math.sin((2 * Math.PI * m) / DAY_MINUTES);
export const HEALTHY_SHARES = (m: number): ClassShares => ({ setosa: 1 / 3 + 0.05 * daily(m), versicolor: 1 / 3 - 0.05 * daily(m), virginica: 1 / 3 });

/** A counter's samples, minute by minute; undefined before its first increment when `lazy` (no child yet). */
function cumulative(minutes: number, perMinute: (m: number) => number, lazy: boolean): (number | undefined)[] {
  const values: (number | undefined)[] = [];
  let total = 0;
  for (let m = 0; m <= minutes; m++) {
    values.push(lazy && total === 0 ? undefined : Math.round(total * 1000) / 1000);
    total += perMinute(m);
  }
  return values;
}

function series(name: string, labels: Record<string, string>, values: (number | undefined)[]): InputSeries {
  return { series: seriesName(name, labels), values: values.map((v) => (v === undefined ? '_' : String(v))).join(' ') };
}

/** Every series of `replicas` Iris API replicas over `minutes`, sampled each minute. */
export function modelSeries(behaviour: ModelBehaviour, minutes: number, replicas = 2): InputSeries[] {
  const rate = behaviour.predictionsPerSecond ?? ((m: number) => 1 + 0.5 * daily(m));
  const shares = behaviour.classShares ?? HEALTHY_SHARES;
  const confidence = behaviour.confidence ?? (() => CONFIDENT);
  const perMinute = (m: number) => rate(m) * 60;
  const out: InputSeries[] = [];
  for (let r = 0; r < replicas; r++) {
    const target = { job: 'iris-api', instance: `10.244.1.${10 + r}:8000`, namespace: 'mlops', service: 'iris-api-service', pod: `iris-api-7d4b9c8f6-r${r}` };
    const constant = Array.from({ length: minutes + 1 }, () => 1);
    out.push(series('up', target, constant), series('model_loaded', target, constant));
    for (const c of CLASSES) out.push(series('model_predictions_total', { ...target, class: c }, cumulative(minutes, (m) => perMinute(m) * shares(m)[c], true)));
    // A histogram's buckets are cumulative: `le` counts every observation up to its bound.
    const upTo = (i: number) => (m: number) => perMinute(m) * confidence(m).slice(0, i + 1).reduce((a, b) => a + b, 0);
    CONFIDENCE_BOUNDS.forEach((bound, i) => out.push(series('model_confidence_bucket', { ...target, le: bucketLabel(bound, 'python') }, cumulative(minutes, upTo(i), false))));
    out.push(series('model_confidence_bucket', { ...target, le: '+Inf' }, cumulative(minutes, perMinute, false)));
    out.push(series('model_confidence_count', target, cumulative(minutes, perMinute, false)));
    // /predict answers in 0.12 s: above the instrumentator's 0.1 bucket, well under its 0.5 and 1.
    const predict = { ...target, handler: '/predict', method: 'POST' };
    for (const le of ['0.1', '0.5', '1.0', '+Inf']) out.push(series('http_request_duration_seconds_bucket', { ...predict, le }, cumulative(minutes, le === '0.1' ? () => 0 : perMinute, false)));
    out.push(series('http_request_duration_seconds_count', predict, cumulative(minutes, perMinute, false)));
  }
  return out;
}
