import { IConstruct } from 'constructs';
import { fail } from '../common/errors';
import { sortedMap, toYaml } from '../common/serialize';
import { validatePromQL } from '../common/promql';
import { validateAlertTemplate } from '../common/go-template';
import { claimUnique, expectOptional, expectType, validateDuration, validateHttpUrl, validateLabelName } from '../common/validation';

/**
 * How urgent an alert is; Alertmanager routes on it. `critical` pages (the application is not serving),
 * `warning` opens a ticket, `info` is for dashboards, and `none` marks alerts that are not incidents (the
 * always-firing Watchdog).
 */
export enum AlertSeverity {
  /** The application is not serving: page someone. */
  CRITICAL = 'critical',
  /** Degraded or about to break: open a ticket. */
  WARNING = 'warning',
  /** For dashboards and context; routed nowhere urgent. */
  INFO = 'info',
  /** Not an incident (the always-firing Watchdog). */
  NONE = 'none',
}

/** An alerting rule, as plain typed data. */
export interface AlertRule {
  /** Alert name, unique within a Prometheus server. */
  readonly alert: string;
  /** PromQL expression; every series it returns is an alert. */
  readonly expr: string;
  /**
   * How long the expression must hold before the alert fires.
   * @default - fires on the first evaluation
   */
  readonly forDuration?: string;
  /** The `severity` label. */
  readonly severity: AlertSeverity;
  /** The `component` label (the inhibit rule and routes group by it). */
  readonly component: string;
  /** One-line summary (annotation `summary`); may use `{{ $labels.x }}` and `{{ $value }}`. */
  readonly summary: string;
  /** What is wrong and what it means (annotation `description`). */
  readonly description: string;
  /**
   * Link to the runbook (annotation `runbook_url`).
   * @default - none
   */
  readonly runbookUrl?: string;
  /**
   * More labels.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/** A recording rule. */
export interface RecordingRule {
  /** Name of the series it records. */
  readonly record: string;
  /** PromQL expression whose result is recorded. */
  readonly expr: string;
  /**
   * Labels added to the recorded series.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/** A named group of rules, evaluated together. */
export interface RuleGroup {
  /** Group name, unique within a Prometheus server. */
  readonly name: string;
  /**
   * Evaluation interval of this group.
   * @default - the global evaluation interval
   */
  readonly interval?: string;
  /** The group's alerting and recording rules, evaluated in order. */
  readonly rules: (AlertRule | RecordingRule)[];
}

/** ` for 5m`, or nothing for a zero duration: for alert descriptions that state how long a condition held. */
export function forPhrase(duration: string): string {
  return /^(0+[a-z]+)+$/.test(duration) ? '' : ` for ${duration}`;
}

/** True for alerting rules. */
export function isAlertRule(rule: AlertRule | RecordingRule): rule is AlertRule {
  return (rule as AlertRule).alert !== undefined;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const RULE_FILE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*\.yml$/;

/** Names already taken on one Prometheus server: alert names and group names must be unique across its rule files. */
export interface RuleNames {
  readonly groups: Set<string>;
  readonly alerts: Set<string>;
}

/** Checks a rule file name: a plain file name ending in `.yml` (Prometheus loads `rules/*.yml`). */
export function validateRuleFileName(scope: IConstruct, fileName: string): string {
  if (!RULE_FILE_NAME.test(fileName)) {
    fail(scope, 'ruleFile', `"${fileName}" must be a file name ending in .yml`);
  }
  return fileName;
}

/** Checks one group: names, durations, PromQL syntax, and names unique among those already `taken`. */
export function validateRuleGroup(scope: IConstruct, group: RuleGroup, taken: RuleNames): void {
  if (!group.name) fail(scope, 'ruleGroups', 'a rule group needs a name');
  expectType(scope, 'ruleGroups.name', group.name, 'string');
  const where = `ruleGroups[${group.name}]`;
  claimUnique(scope, 'ruleGroups', taken.groups, group.name, 'rule group name');
  if (group.interval !== undefined) validateDuration(scope, `${where}.interval`, group.interval);
  expectType(scope, `${where}.rules`, group.rules, 'array');
  if (group.rules.length === 0) fail(scope, where, 'a rule group needs at least one rule');
  group.rules.forEach((rule, i) => {
    expectType(scope, `${where}.rules[${i}]`, rule, 'object');
    const name = (rule as AlertRule).alert ?? (rule as RecordingRule).record;
    expectType(scope, `${where}.rules[${i}].${isAlertRule(rule) ? 'alert' : 'record'}`, name, 'string');
    expectType(scope, `${where}.${name}.expr`, rule.expr, 'string');
    expectOptional(scope, `${where}.${name}.labels`, rule.labels, 'map');
  });
  for (const rule of group.rules) {
    if (isAlertRule(rule)) {
      const field = `${where}.${rule.alert}`;
      for (const key of ['summary', 'description'] as const) expectType(scope, `${field}.${key}`, rule[key], 'string');
      if (!METRIC_NAME.test(rule.alert)) fail(scope, `${field}.alert`, `"${rule.alert}" is not a valid alert name`);
      claimUnique(scope, `${where}.alert`, taken.alerts, rule.alert, 'alert name');
      validatePromQL(scope, `${field}.expr`, rule.expr);
      if (rule.forDuration !== undefined) validateDuration(scope, `${field}.forDuration`, rule.forDuration, { allowZero: true });
      if (!['critical', 'warning', 'info', 'none'].includes(rule.severity)) {
        fail(scope, `${field}.severity`, `"${rule.severity}" must be critical, warning, info or none`);
      }
      if (!rule.component || typeof rule.component !== 'string') fail(scope, `${field}.component`, 'an alert needs a component label');
      for (const [name, value] of Object.entries(rule.labels ?? {})) {
        validateLabelName(scope, `${field}.labels`, name);
        // The routes, inhibitions and dashboards rely on these: set them through their own fields.
        if (['severity', 'component', 'alertname'].includes(name)) {
          fail(scope, `${field}.labels`, `"${name}" is set by the rule itself (use its ${name === 'alertname' ? 'alert' : name} field), not through labels`);
        }
        expectType(scope, `${field}.labels.${name}`, value, 'string');
        validateAlertTemplate(scope, `${field}.labels.${name}`, value);
      }
      validateAlertTemplate(scope, `${field}.summary`, rule.summary);
      validateAlertTemplate(scope, `${field}.description`, rule.description);
      if (rule.runbookUrl !== undefined) validateHttpUrl(scope, `${field}.runbookUrl`, rule.runbookUrl);
    } else {
      const field = `${where}.${rule.record}`;
      if (!METRIC_NAME.test(rule.record)) fail(scope, `${field}.record`, `"${rule.record}" is not a valid metric name`);
      validatePromQL(scope, `${field}.expr`, rule.expr);
      Object.keys(rule.labels ?? {}).forEach((name) => validateLabelName(scope, `${field}.labels`, name));
    }
  }
}

const RULE_FILE_HEADER = 'groups:\n';

/**
 * One group as an item of a rule file's `groups:` list. A file is {@link ruleFileYaml} of its groups' items, the
 * same text as the YAML of {@link renderRuleGroups}: adding a group to a file renders that group only.
 */
export function ruleGroupYaml(group: RuleGroup): string {
  return toYaml(renderRuleGroups([group])).slice(RULE_FILE_HEADER.length);
}

/** A rule file of groups rendered by {@link ruleGroupYaml}. */
export function ruleFileYaml(groupItems: string[]): string {
  return RULE_FILE_HEADER + groupItems.join('');
}

/** The Prometheus rule-file document of some groups. */
export function renderRuleGroups(groups: RuleGroup[]): { groups: object[] } {
  return {
    groups: groups.map((group) => ({
      name: group.name,
      ...(group.interval ? { interval: group.interval } : {}),
      rules: group.rules.map(renderRule),
    })),
  };
}

function renderRule(rule: AlertRule | RecordingRule): object {
  if (!isAlertRule(rule)) {
    return { record: rule.record, expr: rule.expr, ...(rule.labels ? { labels: sortedMap(rule.labels) } : {}) };
  }
  return {
    alert: rule.alert,
    expr: rule.expr,
    ...(rule.forDuration ? { for: rule.forDuration } : {}),
    labels: { severity: rule.severity, component: rule.component, ...sortedMap(rule.labels) },
    annotations: {
      summary: rule.summary,
      description: rule.description,
      ...(rule.runbookUrl ? { runbook_url: rule.runbookUrl } : {}),
    },
  };
}
