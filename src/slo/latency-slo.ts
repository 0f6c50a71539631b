import { IConstruct } from 'constructs';
import { fail } from '../common/errors';
import { anyOf, bucketBound } from '../common/promql';
import { expectType, validateLabelName, validateLatencySeconds, validateMetricName } from '../common/validation';
import { ServiceLevelObjective, ServiceLevelObjectiveOptions } from './service-level-objective';

/** Props of {@link LatencySlo}. */
export interface LatencySloProps extends ServiceLevelObjectiveOptions {
  /**
   * Histogram of request durations, in seconds: its base name, without `_bucket` or `_count`.
   * @default 'http_request_duration_seconds'
   */
  readonly histogram?: string;
  /**
   * Requests that take at most this long (in seconds) are good. It must be one of the histogram's bucket
   * bounds (its `le` values), since a histogram cannot count requests between two bounds. `1` matches both
   * `le="1"` (Go clients) and `le="1.0"` (Python clients). A threshold that is no bound of the histogram
   * counts every request as slow, so the SLO pages at once instead of staying silently green.
   */
  readonly thresholdSeconds: number;
  /**
   * Label of the histogram naming the route (the FastAPI instrumentator's and most clients' `handler`).
   * @default 'handler'
   */
  readonly handlerLabel?: string;
  /**
   * Routes measured, so that fast `/health` probes and `/metrics` scrapes cannot hide slow requests; empty
   * measures every request.
   * @default - every route
   */
  readonly handlers?: string[];
}

/**
 * Latency: the share of requests (to the given routes) served within a threshold, from a request-duration
 * histogram: `1 - bucket{le=threshold} / count`, as rates over each window.
 */
export class LatencySlo extends ServiceLevelObjective {
  /** Histogram of request durations (base name). */
  public readonly histogram: string;
  /** Threshold in seconds: a bucket bound of the histogram. */
  public readonly thresholdSeconds: number;
  /** Label naming the route. */
  public readonly handlerLabel: string;
  /** Routes measured (empty: all). */
  public readonly handlers: string[];
  public readonly description: string;

  constructor(props: LatencySloProps) {
    super(props);
    this.histogram = props?.histogram ?? 'http_request_duration_seconds';
    this.thresholdSeconds = props?.thresholdSeconds;
    this.handlerLabel = props?.handlerLabel ?? 'handler';
    this.handlers = props?.handlers ?? [];
    const requests = Array.isArray(this.handlers) && this.handlers.length > 0 ? `requests to ${this.handlers.join(', ')}` : 'requests';
    this.description = `${this.objectivePercent}% of ${requests} take at most ${this.thresholdSeconds}s over ${this.window}`;
  }

  public errorRatio(job: string, timeRange: string): string {
    const matchers = [`job="${job}"`, ...(this.handlers.length > 0 ? [`${this.handlerLabel}=~${anyOf(this.handlers)}`] : [])].join(', ');
    const all = `sum(rate(${this.histogram}_count{${matchers}}[${timeRange}]))`;
    const fast = `sum(rate(${this.histogram}_bucket{${matchers}, le=~${bucketBound(this.thresholdSeconds)}}[${timeRange}]))`;
    return `(${all} - (${fast} or vector(0))) / (${all} > 0)`;
  }

  public validate(scope: IConstruct, field: string): void {
    super.validate(scope, field);
    validateMetricName(scope, `${field}.histogram`, this.histogram, { histogram: true });
    validateLatencySeconds(scope, `${field}.thresholdSeconds`, this.thresholdSeconds);
    validateLabelName(scope, `${field}.handlerLabel`, this.handlerLabel);
    expectType(scope, `${field}.handlers`, this.handlers, 'array');
    this.handlers.forEach((handler, i) => expectType(scope, `${field}.handlers[${i}]`, handler, 'string'));
    if (this.handlers.some((handler) => handler === '')) fail(scope, `${field}.handlers`, 'a route cannot be empty');
  }
}
