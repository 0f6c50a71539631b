import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { fail } from '../common/errors';
import { claimUnique, describeValue, expectType, validateDnsLabel } from '../common/validation';
import { IDashboard } from '../grafana/dashboard';
import { GrafanaWithDashboards } from '../grafana/grafana-with-dashboards';
import { PrometheusServer } from '../prometheus/prometheus-server';
import { RuleGroup } from '../prometheus/rules';
import { LONGEST_ALERT_WINDOW } from './burn-rate-policy';
import { ServiceLevelObjective } from './service-level-objective';
import { sloDashboard } from './slo-dashboard';
import { sloRuleGroups } from './slo-rules';

/** Props of {@link ApplicationSlos}. */
export interface ApplicationSlosProps {
  /** The application's name: the `job` label of its series (the stack's scrape job and ServiceMonitor use it). */
  readonly application: string;
  /**
   * The application's namespace: the `namespace` label of its SLO alerts, which Alertmanager's inhibition
   * compares.
   * @default - the Prometheus server's namespace, else the chart's
   */
  readonly namespace?: string;
  /** Its SLOs, with unique names. */
  readonly slos: ServiceLevelObjective[];
  /**
   * The Prometheus server that records and alerts: the rule groups are added to it, and its retention must keep
   * every SLO's window.
   * @default - none: the rule groups are only built (`ruleGroups`), for a delivery to write out
   */
  readonly prometheus?: PrometheusServer;
  /**
   * Grafana, to show the SLO dashboard.
   * @default - no dashboard (it is still available as `dashboard`)
   */
  readonly grafana?: GrafanaWithDashboards;
  /**
   * Rule file (key of the rules ConfigMap) of the recording and alerting rules.
   * @default '<application>-slos.yml'
   */
  readonly ruleFile?: string;
  /**
   * Where the runbooks of the burn-rate alerts live: `<base>/SloFastBurn.md` and `<base>/SloSlowBurn.md`.
   * @default - this repository's docs/runbooks
   */
  readonly runbookBaseUrl?: string;
}

/**
 * The SLOs of one application, alerted on the Google SRE workbook's way (multi-window, multi-burn-rate):
 * its error ratios recorded over every alerting window, a page (critical) when the error budget burns fast
 * (14.4 times the sustainable rate over 1h and 5m, or 6 times over 6h and 30m), a ticket (warning) when it
 * burns slowly (3 times over 1d and 2h, or once over 3d and 6h), and a dashboard. Every alert carries `job`,
 * `namespace`, `severity`, `component` and `slo`, so that Alertmanager's inhibition lets an SLO's page mute
 * its ticket.
 */
export class ApplicationSlos extends Construct {
  /** The recording and alerting rule groups added to the Prometheus server. */
  public readonly ruleGroups: RuleGroup[];
  /** The SLO dashboard (added to Grafana when one is given). */
  public readonly dashboard: IDashboard;

  constructor(scope: Construct, id: string, props: ApplicationSlosProps) {
    super(scope, id);
    expectType(this, 'props', props, 'object');
    const job = validateDnsLabel(this, 'application', props.application);
    const namespace = validateDnsLabel(this, 'namespace', props.namespace ?? props.prometheus?.namespace ?? Chart.of(this).namespace ?? 'mlops');
    expectType(this, 'slos', props.slos, 'array');
    if (props.slos.length === 0) fail(this, 'slos', 'at least one SLO is needed');
    const names = new Set<string>();
    props.slos.forEach((slo, i) => {
      if (!(slo instanceof ServiceLevelObjective)) fail(this, `slos[${i}]`, `must be an AvailabilitySlo or a LatencySlo, got ${describeValue(slo)}`);
      slo.validate(this, `slos[${typeof slo.name === 'string' ? slo.name : i}]`);
      claimUnique(this, 'slos', names, slo.name, 'SLO name');
    });
    this.ruleGroups = sloRuleGroups({ job, namespace, runbookBaseUrl: props.runbookBaseUrl }, props.slos);
    this.dashboard = sloDashboard({ job, slos: props.slos });
    if (props.prometheus) {
      requireSloRetention(props.prometheus, job, props.slos);
      const ruleFile = props.ruleFile ?? `${job}-slos.yml`;
      this.ruleGroups.forEach((group) => props.prometheus!.addRuleGroup(group, ruleFile));
    }
    props.grafana?.addDashboard(this.dashboard);
  }
}

/**
 * Makes `prometheus` keep what SLOs read: the burn-rate alerts read up to 3d, and each SLO counts its budget over
 * its whole window.
 */
export function requireSloRetention(prometheus: RetentionOwner, job: string, slos: ServiceLevelObjective[]): void {
  prometheus._requireRetention(LONGEST_ALERT_WINDOW, `the burn-rate alerts of ${job}`, false);
  slos.forEach((slo) => prometheus._requireRetention(slo.window, `SLO "${slo.name}" of ${job}`, true));
}

/** A Prometheus whose retention grows to what its rules read: the stack's, or one the Operator runs. */
export interface RetentionOwner {
  _requireRetention(window: string, what: string, budgetOnly: boolean): void;
}
