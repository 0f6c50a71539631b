import { IConstruct } from 'constructs';
import { fail } from '../common/errors';
import { validateSelector, withMatchers } from '../common/promql';
import { expectType } from '../common/validation';
import { ServiceLevelObjective, ServiceLevelObjectiveOptions } from './service-level-objective';

/** Props of {@link AvailabilitySlo}. */
export interface AvailabilitySloProps extends ServiceLevelObjectiveOptions {
  /**
   * Counters whose sum counts every request: metric names, or selectors such as
   * `http_requests_total{handler!="/health"}`. The application's `job` matcher is added to each. Several
   * counters are summed, each counting as zero while it has no series (a client library may create a
   * labelled counter only at its first increment). For the Iris API: predictions and errors.
   */
  readonly requestCounters: string[];
  /**
   * Counter of failed requests, a metric name or a selector such as `http_requests_total{code=~"5.."}`;
   * each failure must also be counted by `requestCounters`. No series counts as no errors.
   */
  readonly errorCounter: string;
}

/**
 * Availability: the share of requests that do not fail, from a counter of requests and a counter of
 * errors (`errorCounter / sum(requestCounters)`, as rates over each window).
 */
export class AvailabilitySlo extends ServiceLevelObjective {
  /** Counters whose sum counts every request. */
  public readonly requestCounters: string[];
  /** Counter of failed requests. */
  public readonly errorCounter: string;
  public readonly description: string;

  constructor(props: AvailabilitySloProps) {
    super(props);
    this.requestCounters = props?.requestCounters;
    this.errorCounter = props?.errorCounter;
    this.description = `${this.objectivePercent}% of requests succeed over ${this.window}`;
  }

  public errorRatio(job: string, timeRange: string): string {
    const rate = (counter: string): string => `sum(rate(${withMatchers(counter, [`job="${job}"`])}[${timeRange}]))`;
    // A sum of several counters must not vanish with one of them: `or vector(0)` stands in for a missing one.
    const requests = this.requestCounters.length === 1
      ? rate(this.requestCounters[0])
      : this.requestCounters.map((counter) => `(${rate(counter)} or vector(0))`).join(' + ');
    return `(${rate(this.errorCounter)} or vector(0)) / (${requests} > 0)`;
  }

  public validate(scope: IConstruct, field: string): void {
    super.validate(scope, field);
    expectType(scope, `${field}.requestCounters`, this.requestCounters, 'array');
    if (this.requestCounters.length === 0) fail(scope, `${field}.requestCounters`, 'at least one counter of requests is needed');
    this.requestCounters.forEach((counter, i) => validateSelector(scope, `${field}.requestCounters[${i}]`, counter));
    validateSelector(scope, `${field}.errorCounter`, this.errorCounter);
  }
}
