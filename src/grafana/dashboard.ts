// Dashboards: the library's own model. The Grafana Foundation SDK builds the JSON, but none of its types
// leaves this file.
import {
  DashboardBuilder, DashboardCursorSync, DatasourceVariableBuilder, QueryVariableBuilder, VariableRefresh, VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { IConstruct } from 'constructs';
import { fail } from '../common/errors';
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
    return Dashboard.ofModel(JSON.parse(JSON.stringify(json)));
  }

  /** Every PromQL expression of a dashboard's panels (including panels nested in rows), in order. */
  public static queriesOf(dashboard: IDashboard): string[] {
    return panelsOf(dashboard.toJson()).flatMap((panel) => (panel.targets ?? []).map((t) => t.expr).filter((e): e is string => !!e));
  }

  /** The normalized model of a fresh copy of JSON. */
  private static ofModel(copy: Record<string, unknown>): Dashboard {
    const model = normalize(copy);
    return new Dashboard(String(model.uid ?? ''), String(model.title ?? ''), model);
  }

  /** Unique id: the dashboard's URL and its key (`<uid>.json`) in the dashboards ConfigMap. */
  public readonly uid: string;
  /** Title shown in Grafana. */
  public readonly title: string;
  private readonly model: Record<string, unknown>;

  private constructor(uid: string, title: string, model: Record<string, unknown>) {
    this.uid = uid;
    this.title = title;
    this.model = model;
  }

  /** The dashboard JSON model (a copy): panels with ids, queries with refIds. */
  public toJson(): any {
    return structuredClone(this.model);
  }
}

/** Checks a dashboard's uid and title. */
export function validateDashboard(scope: IConstruct, dashboard: IDashboard): void {
  if (typeof dashboard.uid !== 'string' || !/^[a-zA-Z0-9_-]{1,40}$/.test(dashboard.uid)) {
    fail(scope, `dashboards[${dashboard.title || '?'}].uid`, `"${dashboard.uid}" must be 1-40 letters, digits, '-' or '_'`);
  }
  if (!dashboard.title) fail(scope, `dashboards[${dashboard.uid}].title`, 'a dashboard needs a title');
}

function panelsOf(model: { panels?: unknown }): PanelModel[] {
  const top = (model.panels ?? []) as PanelModel[];
  return top.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

function normalize(model: Record<string, unknown>): Record<string, unknown> {
  let nextId = 1;
  for (const panel of panelsOf(model)) {
    panel.id ??= nextId;
    nextId = Math.max(nextId, panel.id) + 1;
    if (panel.type === 'row') continue;
    panel.targets?.forEach((target, i) => {
      target.refId ??= String.fromCharCode(65 + i);
    });
    if (panel.targets?.length && panel.datasource === undefined) {
      panel.datasource = { type: 'prometheus', uid: PROMETHEUS_DATASOURCE_UID };
    }
  }
  delete model.id; // Grafana assigns database ids itself
  return model;
}
