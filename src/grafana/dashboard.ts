// Dashboards: the library's own model. The Grafana Foundation SDK builds the JSON, but none of its types
// leaves this file.
import {
  DashboardBuilder, DashboardCursorSync, DatasourceVariableBuilder, QueryVariableBuilder, VariableRefresh, VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { IConstruct } from 'constructs';
import { fail } from '../common/errors';
import { validatePromQL } from '../common/promql';
import { describeValue, expectType } from '../common/validation';
import { DATASOURCE_REF, DATASOURCE_VARIABLE, Panel } from './panels';

/** The uid of the Prometheus datasource the stack provisions (see {@link Dashboard.PROMETHEUS_DATASOURCE_UID}). */
export const PROMETHEUS_DATASOURCE_UID = 'prometheus';

/** A Grafana dashboard: its uid, its title and the JSON model Grafana stores. */
export interface IDashboard {
  /** Unique id: the dashboard's URL and its key (`<uid>.json`) in the dashboards ConfigMap. */
  readonly uid: string;
  /** Title shown in Grafana. */
  readonly title: string;
  /**
   * The dashboard JSON model (panels with ids, queries with refIds), as Grafana stores it: written to the
   * dashboards ConfigMap as it is ({@link Dashboard.fromJson} fills in ids, refIds and the datasource).
   */
  toJson(): any;
}

/** A drop-down of label values from Prometheus, `label_values(<selector>, <name>)`, used in queries as `$name`. */
export interface DashboardVariable {
  /** The Prometheus label offered, also the variable's name (`namespace`, `job`, `instance`, `pod`). */
  readonly name: string;
  /** Series whose label values are offered; may use the variables before it: `up{job=~"$job"}`. */
  readonly selector: string;
  /**
   * Values selected when the dashboard opens.
   * @default - All
   */
  readonly defaults?: string[];
  /**
   * Regex the variable stands for when "All" is selected.
   * @default '.+'
   */
  readonly allValue?: string;
}

/** Options of {@link Dashboard.provisioned}. */
export interface ProvisionedDashboardOptions {
  /** Unique id: the dashboard's URL and its file name in the dashboards ConfigMap; 1-40 letters, digits, `-` or `_`. */
  readonly uid: string;
  /** Title shown in Grafana. */
  readonly title: string;
  /**
   * Tags, to find the dashboard in Grafana's search.
   * @default - none
   */
  readonly tags?: string[];
  /**
   * Drop-downs after the `datasource` one, in order; queries use them as `$name`.
   * @default - none
   */
  readonly variables?: DashboardVariable[];
  /**
   * The panels, in order: made with {@link Panel.timeseries}, {@link Panel.stat} or {@link Panel.fromJson}.
   * @default - none
   */
  readonly panels?: Panel[];
  /**
   * Start of the time range shown when the dashboard opens, in Grafana's relative syntax; it ends now.
   * @default 'now-1h'
   */
  readonly timeFrom?: string;
}

interface PanelModel {
  id?: number;
  type?: string;
  datasource?: unknown;
  targets?: { refId?: string; expr?: string; datasource?: unknown }[];
  panels?: PanelModel[];
}

function queryVariable(variable: DashboardVariable): QueryVariableBuilder {
  const query = `label_values(${variable.selector}, ${variable.name})`;
  const current = variable.defaults ?? ['$__all'];
  return new QueryVariableBuilder(variable.name)
    // The linter's conventions: capitalized label, multi-select, "All" as a regex, reloaded with the time range.
    .label(variable.name.charAt(0).toUpperCase() + variable.name.slice(1))
    .datasource(DATASOURCE_REF)
    .query(query)
    .definition(query)
    .multi(true)
    .includeAll(true)
    .allValue(variable.allValue ?? '.+')
    .current({ text: variable.defaults ?? ['All'], value: current })
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
}

/**
 * A Grafana dashboard: built from the library's panels with the stack's conventions
 * ({@link Dashboard.provisioned}), or from JSON exported from Grafana ({@link Dashboard.fromJson}). Built-in
 * dashboards are made by {@link Dashboards}.
 */
export class Dashboard implements IDashboard {
  /** The uid of the Prometheus datasource the stack provisions: what the dashboards' `datasource` variable selects. */
  public static readonly PROMETHEUS_DATASOURCE_UID = PROMETHEUS_DATASOURCE_UID;

  /**
   * A new dashboard with the stack's conventions: read-only (provisioned), last hour, refreshed every 30s, one
   * crosshair across panels, and variables: `datasource` (Prometheus datasources, the provisioned one selected),
   * then `variables` in order. Panels get ids in order.
   */
  public static provisioned(options: ProvisionedDashboardOptions): Dashboard {
    const problem = provisionedOptionsProblem(options);
    if (problem) return new Dashboard(typeof options?.uid === 'string' ? options.uid : '', typeof options?.title === 'string' ? options.title : '', {}, problem);
    const dashboard = new DashboardBuilder(options.title).uid(options.uid).tags(options.tags ?? []).refresh('30s')
      .time({ from: options.timeFrom ?? 'now-1h', to: 'now' })
      .timezone('browser').readonly().tooltip(DashboardCursorSync.Crosshair)
      .withVariable(new DatasourceVariableBuilder(DATASOURCE_VARIABLE).label('Data source').type('prometheus')
        .current({ text: 'Prometheus', value: PROMETHEUS_DATASOURCE_UID }));
    (options.variables ?? []).forEach((v) => dashboard.withVariable(queryVariable(v)));
    (options.panels ?? []).forEach((panel) => dashboard.withPanel({ build: () => panel.toJson() }));
    return Dashboard.ofModel(JSON.parse(JSON.stringify(dashboard.build())));
  }

  /**
   * From a dashboard JSON model (exported from Grafana, say), which must have a `uid` and a `title`. Panels
   * get ids and queries refIds in order, and panels with queries but no datasource use the stack's Prometheus.
   */
  public static fromJson(json: any): Dashboard {
    // A problem (not an object, say, from JavaScript or Python) is reported when the dashboard is added to Grafana,
    // where the construct path is known.
    const copy = json === undefined ? undefined : JSON.parse(JSON.stringify(json));
    if (copy === null || typeof copy !== 'object' || Array.isArray(copy)) {
      return new Dashboard('', '', {}, { field: 'json', message: `must be a dashboard JSON object, got ${describeValue(copy)}` });
    }
    return Dashboard.ofModel(copy);
  }

  /** Every PromQL expression of a dashboard's panels (including panels nested in rows), in order. */
  public static queriesOf(dashboard: IDashboard): string[] {
    return panelsOf(dashboard.toJson() ?? {}).flatMap((panel) => (Array.isArray(panel.targets) ? panel.targets : [])
      .map((t) => t?.expr).filter((e): e is string => typeof e === 'string' && e !== ''));
  }

  /** The normalized model of a fresh copy of JSON. */
  private static ofModel(copy: Record<string, unknown>): Dashboard {
    const model = normalize(copy);
    return new Dashboard(typeof model.uid === 'string' ? model.uid : String(model.uid ?? ''), typeof model.title === 'string' ? model.title : String(model.title ?? ''), model);
  }

  /** Unique id: the dashboard's URL and its key (`<uid>.json`) in the dashboards ConfigMap. */
  public readonly uid: string;
  /** Title shown in Grafana. */
  public readonly title: string;
  private readonly model: Record<string, unknown>;
  private readonly problem?: DashboardProblem;

  private constructor(uid: string, title: string, model: Record<string, unknown>, problem?: DashboardProblem) {
    this.uid = uid;
    this.title = title;
    this.model = model;
    this.problem = problem;
  }

  /**
   * What is wrong with the options or JSON it was made from, reported when it is added to Grafana.
   * @internal
   */
  public get _problem(): DashboardProblem | undefined {
    return this.problem;
  }

  /** The dashboard JSON model (a copy): panels with ids, queries with refIds. */
  public toJson(): any {
    return structuredClone(this.model);
  }
}

/** A problem found in a dashboard's options or JSON: the field (relative to the dashboard) and what is wrong. */
export interface DashboardProblem {
  readonly field: string;
  readonly message: string;
}

/** What is wrong with the options of {@link Dashboard.provisioned}, checked before the SDK reads them. */
function provisionedOptionsProblem(options: ProvisionedDashboardOptions): DashboardProblem | undefined {
  if (options === null || typeof options !== 'object') return { field: 'options', message: `must be an object, got ${describeValue(options)}` };
  for (const key of ['uid', 'title', 'timeFrom'] as const) {
    const value = options[key];
    if ((value !== undefined || key !== 'timeFrom') && typeof value !== 'string') return { field: key, message: `must be a string, got ${describeValue(value)}` };
  }
  for (const key of ['tags', 'variables', 'panels'] as const) {
    const value = options[key];
    if (value !== undefined && !Array.isArray(value)) return { field: key, message: `must be a list, got ${describeValue(value)}` };
  }
  const tag = (options.tags ?? []).findIndex((t) => typeof t !== 'string');
  if (tag >= 0) return { field: `tags[${tag}]`, message: `must be a string, got ${describeValue(options.tags![tag])}` };
  for (const [i, v] of (options.variables ?? []).entries()) {
    if (v === null || typeof v !== 'object') return { field: `variables[${i}]`, message: `must be an object, got ${describeValue(v)}` };
    if (typeof v.name !== 'string' || !/^[A-Za-z_]\w*$/.test(v.name)) return { field: `variables[${i}].name`, message: `${describeValue(v.name)} must be a variable name (letters, digits and '_')` };
    if (typeof v.selector !== 'string') return { field: `variables[${v.name}].selector`, message: `must be a string, got ${describeValue(v.selector)}` };
    if (v.defaults !== undefined && (!Array.isArray(v.defaults) || v.defaults.some((d) => typeof d !== 'string'))) return { field: `variables[${v.name}].defaults`, message: 'must be a list of strings' };
    if (v.allValue !== undefined && typeof v.allValue !== 'string') return { field: `variables[${v.name}].allValue`, message: `must be a string, got ${describeValue(v.allValue)}` };
  }
  for (const [i, panel] of (options.panels ?? []).entries()) {
    if (!(panel instanceof Panel)) return { field: `panels[${i}]`, message: `must be made by Panel.timeseries(), Panel.stat() or Panel.fromJson(), got ${describeValue(panel)}` };
    if (panel._problem) return { field: `panels[${i}].${panel._problem.field}`, message: panel._problem.message };
  }
  return undefined;
}

/**
 * Checks a dashboard before Grafana provisions it: its uid and title, the shape of its JSON (panels and queries
 * are lists of objects), and the PromQL of every query on a Prometheus datasource, as Grafana sends it (its
 * variables and macros substituted).
 */
export function validateDashboard(scope: IConstruct, dashboard: IDashboard): void {
  const name = typeof dashboard?.title === 'string' && dashboard.title ? dashboard.title : '?';
  if (dashboard === null || typeof dashboard !== 'object') fail(scope, 'dashboards', `must be a dashboard (Dashboard.provisioned(), Dashboard.fromJson() or Dashboards.*), got ${describeValue(dashboard)}`);
  const problem = dashboard instanceof Dashboard ? dashboard._problem : undefined;
  if (problem) fail(scope, `dashboards[${name}].${problem.field}`, problem.message);
  if (typeof dashboard.uid !== 'string' || !/^[a-zA-Z0-9_-]{1,40}$/.test(dashboard.uid)) {
    fail(scope, `dashboards[${name}].uid`, `"${dashboard.uid}" must be 1-40 letters, digits, '-' or '_'`);
  }
  if (!dashboard.title || typeof dashboard.title !== 'string') fail(scope, `dashboards[${dashboard.uid}].title`, 'a dashboard needs a title');
  const json = dashboard.toJson();
  const where = `dashboards[${name}]`;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) fail(scope, where, `toJson() must return the dashboard JSON object, got ${describeValue(json)}`);
  const checkPanels = (panels: unknown, field: string): void => {
    if (panels === undefined) return;
    expectType(scope, field, panels, 'array');
    (panels as PanelModel[]).forEach((panel, i) => {
      const at = `${field}[${i}]`;
      expectType(scope, at, panel, 'object');
      checkPanels(panel.panels, `${at}.panels`);
      if (panel.targets === undefined) return;
      expectType(scope, `${at}.targets`, panel.targets, 'array');
      panel.targets.forEach((target, j) => {
        expectType(scope, `${at}.targets[${j}]`, target, 'object');
        const refId = typeof target.refId === 'string' ? target.refId : `${j}`;
        if (target.expr !== undefined && isPrometheus(target.datasource ?? panel.datasource)) {
          validatePromQL(scope, `${at}.targets[${refId}].expr`, target.expr, { grafana: true });
        }
      });
    });
  };
  checkPanels((json as { panels?: unknown }).panels, `${where}.panels`);
  // Query variables send `label_values(<selector>, <label>)`: Prometheus receives the selector.
  const variables = (json as { templating?: { list?: unknown } }).templating?.list;
  (Array.isArray(variables) ? variables : []).forEach((variable: { name?: unknown; query?: unknown }) => {
    const query = typeof variable?.query === 'object' ? (variable.query as { query?: unknown } | null)?.query : variable?.query;
    const selector = typeof query === 'string' ? /^\s*label_values\((.+),\s*\w+\s*\)\s*$/s.exec(query)?.[1] : undefined;
    if (selector !== undefined) validatePromQL(scope, `${where}.variables[${String(variable.name)}].selector`, selector, { grafana: true });
  });
}

/** Whether a panel's or query's datasource is Prometheus: by its type, or by its name when it has none. */
function isPrometheus(datasource: unknown): boolean {
  if (datasource === undefined || datasource === null) return true; // the stack's Prometheus
  if (typeof datasource === 'string') return /prometheus|^\$\{?\w+\}?$/i.test(datasource);
  const { type, uid } = datasource as { type?: unknown; uid?: unknown };
  if (type !== undefined) return type === 'prometheus';
  return !(typeof uid === 'string' && /^-- (Grafana|Mixed|Dashboard) --$|^grafana$/.test(uid));
}

/** The panels, and those nested in rows; what is not a panel object is left to validateDashboard to report. */
function panelsOf(model: { panels?: unknown }): PanelModel[] {
  const objects = (list: unknown): PanelModel[] => (Array.isArray(list) ? list.filter((p) => p !== null && typeof p === 'object' && !Array.isArray(p)) : []);
  return objects(model.panels).flatMap((panel) => [panel, ...objects(panel.panels)]);
}

function normalize(model: Record<string, unknown>): Record<string, unknown> {
  let nextId = 1;
  for (const panel of panelsOf(model)) {
    panel.id ??= nextId;
    nextId = Math.max(nextId, typeof panel.id === 'number' ? panel.id : 0) + 1;
    if (panel.type === 'row') continue;
    if (!Array.isArray(panel.targets)) continue;
    panel.targets.forEach((target, i) => {
      if (target !== null && typeof target === 'object') target.refId ??= String.fromCharCode(65 + i);
    });
    if (panel.targets.length && panel.datasource === undefined) {
      panel.datasource = { type: 'prometheus', uid: PROMETHEUS_DATASOURCE_UID };
    }
  }
  delete model.id; // Grafana assigns database ids itself
  return model;
}
