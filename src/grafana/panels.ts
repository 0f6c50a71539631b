import {
  LegendDisplayMode, LegendPlacement, ReduceDataOptionsBuilder, SortOrder, TooltipDisplayMode, VizLegendOptionsBuilder,
  VizTooltipOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import {
  DashboardBuilder, DashboardCursorSync, DatasourceVariableBuilder, MappingType, QueryVariableBuilder, ThresholdsConfigBuilder,
  ThresholdsMode, VariableRefresh, VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { PROMETHEUS_DATASOURCE_UID } from './dashboard';

/** One PromQL query of a panel. */
export interface PanelQuery {
  /** PromQL; Grafana macros such as `$__rate_interval` and the dashboard's variables (`$job`) are allowed. */
  readonly expr: string;
  /** @default - Grafana's default legend */
  readonly legend?: string;
}

/** What every panel helper takes: title, queries, unit and place on the 24-column grid. */
export interface PanelSpec {
  /** Panel title. */
  readonly title: string;
  /**
   * Help text shown in the panel's corner: what the panel measures and how to read it.
   * @default - none
   */
  readonly description?: string;
  /** The panel's queries, lettered A, B, ... in order. */
  readonly queries: PanelQuery[];
  /**
   * Grafana unit id (`reqps`, `percentunit`, `s`, `bytes`, `short`, ...) or custom unit (`suffix:cores`).
   * @default - none
   */
  readonly unit?: string;
  /**
   * Text shown instead of a value when the queries return nothing (say, which exporter is missing).
   * @default - Grafana's "No data"
   */
  readonly noValue?: string;
  /** Grid position: x, y, width, height. */
  readonly grid: [number, number, number, number];
}

/** A time-series panel: legend at the bottom, tooltip listing every series. */
export interface TimeseriesPanelSpec extends PanelSpec {
  /** @default - automatic */
  readonly min?: number;
  /** @default - automatic */
  readonly max?: number;
  /**
   * Values shown beside each series in the legend, as Grafana reducer ids (`mean`, `max`, `lastNotNull`): the
   * legend becomes a table with one column each.
   * @default - a plain list of series
   */
  readonly legendCalcs?: string[];
}

/** A single-value panel, reduced to the last non-null value of the range. */
export interface StatPanelSpec extends PanelSpec {
  /**
   * Values turned into words: `{ 1: { text: 'Loaded', color: 'green' } }`.
   * @default - none
   */
  readonly mappings?: Record<string, { text: string; color: string }>;
  /**
   * Colours from a value up: `{ 1: 'red' }` turns the value red from 1 on; below the lowest step it is green.
   * @default - always green
   */
  readonly thresholds?: Record<string, string>;
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

/** Name of the datasource variable of every dashboard made by {@link provisionedDashboard}. */
const DATASOURCE_VARIABLE = 'datasource';
/** Panels and queries follow the dashboard's datasource drop-down, which selects the provisioned Prometheus. */
const datasource = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` };

function targets(queries: PanelQuery[]): DataqueryBuilder[] {
  return queries.map((q, i) => {
    const target = new DataqueryBuilder().expr(q.expr).refId(String.fromCharCode(65 + i)).datasource(datasource);
    return q.legend ? target.legendFormat(q.legend) : target;
  });
}

/** What the SDK's panel builders have in common, for {@link withSpec}. */
type PanelBuilderLike = TimeseriesPanelBuilder | StatPanelBuilder;

/** Applies the fields every panel helper takes. */
function withSpec<T extends PanelBuilderLike>(panel: T, spec: PanelSpec): T {
  const [x, y, w, h] = spec.grid;
  panel.title(spec.title).datasource(datasource).targets(targets(spec.queries)).gridPos({ x, y, w, h });
  if (spec.description) panel.description(spec.description);
  if (spec.unit) panel.unit(spec.unit);
  if (spec.noValue) panel.noValue(spec.noValue);
  return panel;
}

function queryVariable(variable: DashboardVariable): QueryVariableBuilder {
  const query = `label_values(${variable.selector}, ${variable.name})`;
  const current = variable.defaults ?? ['$__all'];
  return new QueryVariableBuilder(variable.name)
    // The linter's conventions: capitalized label, multi-select, "All" as a regex, reloaded with the time range.
    .label(variable.name.charAt(0).toUpperCase() + variable.name.slice(1))
    .datasource(datasource)
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
 * A new dashboard with the stack's conventions: read-only (provisioned), last hour, refreshed every 30s, one
 * crosshair across panels, and variables: `datasource` (Prometheus datasources, the provisioned one selected),
 * then `variables` in order.
 */
export function provisionedDashboard(title: string, uid: string, tags: string[], variables: DashboardVariable[] = []): DashboardBuilder {
  const dashboard = new DashboardBuilder(title).uid(uid).tags(tags).refresh('30s').time({ from: 'now-1h', to: 'now' })
    .timezone('browser').readonly().tooltip(DashboardCursorSync.Crosshair)
    .withVariable(new DatasourceVariableBuilder(DATASOURCE_VARIABLE).label('Data source').type('prometheus')
      .current({ text: 'Prometheus', value: PROMETHEUS_DATASOURCE_UID }));
  variables.forEach((v) => dashboard.withVariable(queryVariable(v)));
  return dashboard;
}

/** A time-series panel. */
export function timeseriesPanel(spec: TimeseriesPanelSpec): TimeseriesPanelBuilder {
  const calcs = spec.legendCalcs ?? [];
  const panel = withSpec(new TimeseriesPanelBuilder(), spec)
    .legend(new VizLegendOptionsBuilder().showLegend(true).placement(LegendPlacement.Bottom)
      .displayMode(calcs.length ? LegendDisplayMode.Table : LegendDisplayMode.List).calcs(calcs))
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending));
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.max !== undefined) panel.max(spec.max);
  return panel;
}

/** A single-value panel; `mappings` turns values into words (1 → "Loaded"), `thresholds` colour it. */
export function statPanel(spec: StatPanelSpec): StatPanelBuilder {
  const steps = Object.entries(spec.thresholds ?? {}).map(([value, color]) => ({ value: Number(value), color }))
    .sort((a, b) => a.value - b.value);
  const panel = withSpec(new StatPanelBuilder(), spec)
    // The last point can be null (a scrape in flight): the last non-null one is the current value.
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([{ value: null, color: 'green' }, ...steps]));
  if (spec.mappings) panel.mappings([{ type: MappingType.ValueToText, options: spec.mappings }]);
  return panel;
}
