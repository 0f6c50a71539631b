import { parse } from 'yaml';
import { configMapData, Manifest } from './synth';

/*
 * The Lezer PromQL grammar. The package is an ES module whose types a CommonJS file cannot import (TS1479),
 * so it is required, typed by the little of Lezer's tree API used here (as src/common/promql.ts does).
 */
interface SyntaxNode {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly firstChild: SyntaxNode | null;
  getChild(name: string): SyntaxNode | null;
  getChildren(name: string): SyntaxNode[];
}
interface TreeCursor {
  readonly name: string;
  readonly from: number;
  readonly type: { readonly isError: boolean };
  readonly node: SyntaxNode;
  next(): boolean;
}
const { parser } = require('@prometheus-io/lezer-promql') as { parser: { parse(input: string): { cursor(): TreeCursor } } };

/** One query of a provisioned dashboard: of a panel, or the series selector of a variable. */
export interface PanelQuery {
  readonly dashboard: string;
  /** The panel's title, or `$name variable`. */
  readonly panel: string;
  readonly expr: string;
}

interface PanelJson {
  readonly title?: string;
  readonly targets?: { readonly expr?: string }[];
  readonly panels?: PanelJson[];
}

interface VariableJson {
  readonly name: string;
  readonly type: string;
  readonly query?: string | { readonly query?: string };
  readonly current?: { readonly value?: string | string[] };
  readonly allValue?: string;
}

interface DashboardJson {
  readonly uid: string;
  readonly panels?: PanelJson[];
  readonly templating?: { readonly list?: VariableJson[] };
}

/** The dashboards as provisioned: JSON of the `grafana-dashboards` ConfigMap, by file name. */
export function provisionedDashboards(objects: Manifest[]): Record<string, string> {
  return configMapData(objects, 'grafana-dashboards');
}

/** Every query of a dashboard JSON, panels nested in rows included. */
export function panelQueries(dashboardJson: string): PanelQuery[] {
  const model = JSON.parse(dashboardJson) as DashboardJson;
  const walk = (panels: PanelJson[] = []): PanelQuery[] => panels.flatMap((panel) => [
    ...(panel.targets ?? []).filter((t) => t.expr).map((t) => ({ dashboard: model.uid, panel: panel.title ?? '?', expr: t.expr! })),
    ...walk(panel.panels),
  ]);
  return walk(model.panels);
}

/**
 * The series selector of each query variable (`label_values(<selector>, <label>)`), which Grafana sends to
 * Prometheus as it sends panel queries. A query variable of another form throws: its query cannot be checked.
 */
export function variableQueries(dashboardJson: string): PanelQuery[] {
  const model = JSON.parse(dashboardJson) as DashboardJson;
  return (model.templating?.list ?? []).filter((v) => v.type === 'query').map((v) => {
    const query = typeof v.query === 'string' ? v.query : v.query?.query ?? '';
    const selector = /^label_values\((.+),\s*\w+\)$/.exec(query)?.[1];
    if (!selector) throw new Error(`${model.uid}: variable ${v.name} has no label_values(<selector>, <label>) query: ${query}`);
    return { dashboard: model.uid, panel: `$${v.name} variable`, expr: selector };
  });
}

/**
 * What each variable of a dashboard stands for when the dashboard opens, by name: its selected values as a
 * regex alternation, "All" as the variable's `allValue`.
 */
export function variableDefaults(dashboardJson: string): Record<string, string> {
  const model = JSON.parse(dashboardJson) as DashboardJson;
  return Object.fromEntries((model.templating?.list ?? []).map((v) => {
    const values = [v.current?.value ?? []].flat().map((value) => (value === '$__all' ? v.allValue ?? '.+' : value));
    return [v.name, values.join('|')];
  }));
}

/**
 * A query as Prometheus receives it: Grafana's interval and range macros replaced by a duration, and the
 * dashboard's variables (`$job`, `${job}`) by `variables` (see {@link variableDefaults}). An unknown variable
 * stays as it is, and then fails the PromQL checks.
 */
export function substituteGrafanaVariables(expr: string, variables: Record<string, string> = {}): string {
  return expr
    .replace(/\$\{?__(rate_interval|interval|range)\}?/g, '5m')
    .replace(/\$\{(\w+)\}|\$(\w+)/g, (match, braced?: string, bare?: string) => variables[braced ?? bare!] ?? match);
}

/**
 * A series selector of a query: metric name and the label values it pins, by equality matchers and by regex
 * matchers without metacharacters (`job=~"$job"` once `$job` is substituted by one job).
 */
export interface Selector {
  readonly metric: string;
  readonly equals: Record<string, string>;
}

/** RE2 metacharacters: a regex without any matches its literal text only. */
const REGEX_META = /[\\.+*?()|[\]{}^$]/;

/**
 * The series selectors of a PromQL expression, from the official Lezer grammar (function names,
 * keywords, grouping labels and strings are other node types, so they are never taken for metrics).
 * A selector without a metric name (`{__name__=~"..."}`) throws: its metrics cannot be known.
 */
export function selectorsOf(expr: string): Selector[] {
  const tree = parser.parse(expr);
  const selectors: Selector[] = [];
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) throw new Error(`"${expr}" does not parse at character ${cursor.from + 1}`);
    if (cursor.name !== 'VectorSelector') continue;
    const node = cursor.node;
    const equals: Record<string, string> = {};
    for (const matcher of node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
      const name = matcher.getChild('LabelName');
      const value = matcher.getChild('StringLiteral');
      if (!name || !value) continue;
      const op = matcher.getChild('MatchOp')?.firstChild?.name;
      const literal = JSON.parse(expr.slice(value.from, value.to)) as string;
      if (op === 'EqlSingle' || (op === 'EqlRegex' && !REGEX_META.test(literal))) {
        equals[expr.slice(name.from, name.to)] = literal;
      }
    }
    const identifier = node.getChild('Identifier');
    const metric = identifier ? expr.slice(identifier.from, identifier.to) : equals.__name__;
    if (!metric) throw new Error(`"${expr}": a selector without a metric name cannot be traced to a scrape job`);
    selectors.push({ metric, equals });
  } while (cursor.next());
  return selectors;
}

/** A metric name, or a family of them. */
export type MetricPattern = string | RegExp;

/** What each scrape job of the stack provides, by job name. */
export const METRICS_BY_JOB: Record<string, readonly MetricPattern[]> = {
  'iris-api': ['model_predictions_total', 'model_confidence_bucket', 'model_loaded', 'api_errors_total', 'http_request_duration_seconds_bucket'],
  'kubernetes-cadvisor': [/^container_/],
  'kube-state-metrics': [/^kube_/],
};

/** Series Prometheus records for every target of every job. */
const PER_TARGET = ['up'];

/**
 * The scrape jobs, among `configuredJobs` (those of the synthesized prometheus.yml), that collect what
 * `selector` selects: jobs providing the metric, narrowed to its `job="..."` matcher when it has one.
 */
export function collectingJobs(selector: Selector, configuredJobs: string[]): string[] {
  const provides = (job: string): boolean => PER_TARGET.includes(selector.metric)
    || (METRICS_BY_JOB[job] ?? []).some((p) => (typeof p === 'string' ? p === selector.metric : p.test(selector.metric)));
  return configuredJobs.filter((job) => provides(job) && (selector.equals.job === undefined || selector.equals.job === job));
}

/** The series the synthesized recording rules write: each record's name and static labels. */
export function recordedSeries(objects: Manifest[]): Selector[] {
  const files = Object.values(configMapData(objects, 'prometheus-rules'));
  return files.flatMap((file) => (parse(file) as { groups: { rules: { record?: string; labels?: Record<string, string> }[] }[] }).groups
    .flatMap((group) => group.rules.filter((rule) => rule.record).map((rule) => ({ metric: rule.record!, equals: rule.labels ?? {} }))));
}

/** Whether a recording rule writes series that `selector` selects: same name, no contradicting label. */
function isRecorded(selector: Selector, recorded: Selector[]): boolean {
  return recorded.some((r) => r.metric === selector.metric
    && Object.entries(selector.equals).every(([label, value]) => r.equals[label] === undefined || r.equals[label] === value));
}

/** The job names of a synthesized prometheus.yml. */
export function scrapeJobNames(objects: Manifest[]): string[] {
  const config = parse(configMapData(objects, 'prometheus-config')['prometheus.yml']) as { scrape_configs: { job_name: string }[] };
  return config.scrape_configs.map((job) => job.job_name);
}

/**
 * Each query's selectors that no configured job collects and no recording rule writes, as readable lines
 * (empty: all collected); the dashboard's variables are substituted by `variables`.
 */
export function uncollectedSelectors(queries: PanelQuery[], configuredJobs: string[], recorded: Selector[] = [], variables: Record<string, string> = {}): string[] {
  return queries.flatMap((q) => selectorsOf(substituteGrafanaVariables(q.expr, variables))
    .filter((s) => collectingJobs(s, configuredJobs).length === 0 && !isRecorded(s, recorded))
    .map((s) => `${q.dashboard} / ${q.panel}: ${s.metric}${s.equals.job ? ` (job="${s.equals.job}")` : ''} in ${q.expr}`));
}
