import { IConstruct } from 'constructs';
import { fail } from '../common/errors';
import { validateAlertTemplate } from '../common/go-template';
import { durationSeconds, expectType, validateDnsLabel, validateDuration, validateLabelName } from '../common/validation';
import { LONGEST_ALERT_WINDOW } from './burn-rate-policy';

/** Labels every SLO alert sets itself: routing and inhibition rely on them, so `labels` cannot change them. */
const OWN_ALERT_LABELS = ['alertname', 'severity', 'component', 'job', 'namespace', 'slo'];

/** What every SLO states: its name, its objective and the window it holds over. */
export interface ServiceLevelObjectiveOptions {
  /**
   * Name of the SLO, unique per application (lowercase letters, digits and '-'): the `slo` label of its
   * recorded series and alerts, and part of its alert names (`availability` of `iris-api` gives
   * `IrisApiAvailabilityFastBurn`).
   */
  readonly name: string;
  /**
   * Share of good events the SLO promises, in percent, strictly between 0 and 100 (e.g. 99.5); below 50 only
   * with `lowObjective` (0.999 is read as 0.999%, not 99.9%).
   */
  readonly objectivePercent: number;
  /**
   * The objective is meant to be below 50%: without it, such an objective is refused as a ratio given where a
   * percentage belongs (0.999 for 99.9), whose error budget is so large that it never burns.
   * @default false
   */
  readonly lowObjective?: boolean;
  /**
   * Rolling window over which the objective holds and the error budget is counted. At least 3d, the
   * longest alerting window. The Prometheus server that evaluates the SLO keeps at least this window (its
   * retention grows to it; a shorter explicit retention is refused unless `acceptShortRetention`).
   * @default '28d'
   */
  readonly window?: string;
  /**
   * More labels on the SLO's alerts (not on its recorded series), for Alertmanager's routes: `{ team: 'ml' }`
   * sends the SLO's pages and tickets where a route on `team="ml"` sends the team's other alerts. Values may
   * use alert templates (`{{ $labels.x }}`). `alertname`, `severity`, `component`, `job`, `namespace` and `slo`
   * are set by the alerts themselves.
   * @default - none
   */
  readonly labels?: Record<string, string>;
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
  /** More labels on the SLO's alerts. */
  public readonly labels: Record<string, string>;
  /** Whether an objective below 50% is meant. */
  public readonly lowObjective: boolean;

  protected constructor(options: ServiceLevelObjectiveOptions) {
    // From JavaScript or Python, options may be missing: validate() then reports the fields.
    this.name = options?.name;
    this.objectivePercent = options?.objectivePercent;
    this.window = options?.window ?? '28d';
    this.labels = { ...options?.labels };
    this.lowObjective = options?.lowObjective ?? false;
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
   * Checks the SLO, failing with an error naming `scope`'s path and `field`: its name, objective, window,
   * labels and (in subclasses) its metrics. `ApplicationSlos` calls it before rendering any rule.
   */
  public validate(scope: IConstruct, field: string): void {
    validateDnsLabel(scope, `${field}.name`, this.name);
    const objective = this.objectivePercent;
    expectType(scope, `${field}.objectivePercent`, objective, 'number');
    if (!Number.isFinite(objective) || objective <= 0 || objective >= 100) {
      fail(scope, `${field}.objectivePercent`, `${objective} must be a percentage strictly between 0 and 100 (e.g. 99.5)`);
    }
    if (objective < 50 && this.lowObjective !== true) {
      fail(scope, `${field}.objectivePercent`, `${objective} is read as ${objective}%, an error budget of ${Number((100 - objective).toPrecision(6))}% that never burns: give a percentage (${objective < 1 ? `${Number((objective * 100).toPrecision(6))} for ${objective}` : 'e.g. 99.5'}), or set lowObjective: true if ${objective}% is meant`);
    }
    validateDuration(scope, `${field}.window`, this.window);
    if (durationSeconds(this.window) < durationSeconds(LONGEST_ALERT_WINDOW)) {
      fail(scope, `${field}.window`, `"${this.window}" is shorter than ${LONGEST_ALERT_WINDOW}, the longest alerting window`);
    }
    for (const [name, value] of Object.entries(this.labels)) {
      validateLabelName(scope, `${field}.labels`, name);
      if (OWN_ALERT_LABELS.includes(name)) fail(scope, `${field}.labels`, `"${name}" is set by the SLO's alerts themselves, not through labels`);
      validateAlertTemplate(scope, `${field}.labels.${name}`, value);
    }
  }
}
