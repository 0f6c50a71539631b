import { IConstruct } from 'constructs';
import { fail } from '../common/errors';
import { durationSeconds, validateDnsLabel, validateDuration } from '../common/validation';
import { LONGEST_ALERT_WINDOW } from './burn-rate-policy';

/** What every SLO states: its name, its objective and the window it holds over. */
export interface ServiceLevelObjectiveOptions {
  /**
   * Name of the SLO, unique per application (lowercase letters, digits and '-'): the `slo` label of its
   * recorded series and alerts, and part of its alert names (`availability` of `iris-api` gives
   * `IrisApiAvailabilityFastBurn`).
   */
  readonly name: string;
  /** Share of good events the SLO promises, in percent, strictly between 0 and 100 (e.g. 99.5). */
  readonly objectivePercent: number;
  /**
   * Rolling window over which the objective holds and the error budget is counted. At least 3d, the
   * longest alerting window. The Prometheus server that evaluates the SLO keeps at least this window (its
   * retention grows to it; a shorter explicit retention is refused unless `acceptShortRetention`).
   * @default '28d'
   */
  readonly window?: string;
}

/**
 * A service level objective on a request-based indicator: the share of good events among all events of
 * an application, over a rolling window. {@link AvailabilitySlo} and {@link LatencySlo} are the two kinds;
 * `MonitoringStack.monitorApplication(app, { slos })` turns them into recording rules, multi-window
 * multi-burn-rate alerts and a dashboard.
 */
export abstract class ServiceLevelObjective {
  /** Name of the SLO: its `slo` label. */
  public readonly name: string;
  /** Objective, in percent. */
  public readonly objectivePercent: number;
  /** Rolling window of the objective. */
  public readonly window: string;

  protected constructor(options: ServiceLevelObjectiveOptions) {
    this.name = options.name;
    this.objectivePercent = options.objectivePercent;
    this.window = options.window ?? '28d';
  }

  /**
   * The error budget: the share of bad events the objective allows (0.005 for 99.5%). Rounded to 12
   * significant digits, so that 99.9 gives 0.001 rather than 0.0009999999999994458.
   */
  public get errorBudget(): number {
    return Number(((100 - this.objectivePercent) / 100).toPrecision(12));
  }

  /** The objective in words, for alert descriptions and dashboards: "99.5% of requests succeed over 28d". */
  public abstract readonly description: string;

  /**
   * PromQL: the share of bad events among all events of `job` over `timeRange` (a Prometheus duration), a
   * single series without labels; no series when there were no events at all.
   */
  public abstract errorRatio(job: string, timeRange: string): string;

  /**
   * Checks the SLO, failing with an error naming `scope`'s path and `field`: its name, objective, window
   * and (in subclasses) its metrics. `ApplicationSlos` calls it before rendering any rule.
   */
  public validate(scope: IConstruct, field: string): void {
    validateDnsLabel(scope, `${field}.name`, this.name);
    const objective = this.objectivePercent;
    if (!Number.isFinite(objective) || objective <= 0 || objective >= 100) {
      fail(scope, `${field}.objectivePercent`, `${objective} must be a percentage strictly between 0 and 100 (e.g. 99.5)`);
    }
    validateDuration(scope, `${field}.window`, this.window);
    if (durationSeconds(this.window) < durationSeconds(LONGEST_ALERT_WINDOW)) {
      fail(scope, `${field}.window`, `"${this.window}" is shorter than ${LONGEST_ALERT_WINDOW}, the longest alerting window`);
    }
  }
}
