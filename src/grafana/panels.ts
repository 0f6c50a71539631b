// The library's own panel model. The Grafana Foundation SDK builds the JSON, but none of its types leaves
// this file: the public API is structs and the `Panel` class, readable from every jsii language.
import {
  LegendDisplayMode, LegendPlacement, ReduceDataOptionsBuilder, SortOrder, TooltipDisplayMode, VizLegendOptionsBuilder,
  VizTooltipOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import { MappingType, ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { describeValue } from '../common/validation';

/** One PromQL query of a panel. */
export interface PanelQuery {
  /** PromQL; Grafana macros such as `$__rate_interval` and the dashboard's variables (`$job`) are allowed. */
  readonly expr: string;
  /**
   * Legend of the query's series, with label templates such as `{{job}}`.
   * @default - Grafana's default legend
   */
  readonly legend?: string;
}

/** Where a panel sits on the dashboard's grid, 24 columns wide. */
export interface GridPosition {
  /** Column of the panel's left edge, 0 to 23. */
  readonly x: number;
  /** Row of the panel's top edge, from 0. */
  readonly y: number;
  /** Width in columns, 1 to 24. */
  readonly width: number;
  /** Height in grid rows (a row is about 30 pixels). */
  readonly height: number;
}

/** What every panel takes: title, queries, unit and place on the 24-column grid. */
export interface PanelOptions {
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
  /** Place of the panel on the grid. */
  readonly position: GridPosition;
}

/** Options of {@link Panel.timeseries}: a time-series panel, legend at the bottom, tooltip listing every series. */
export interface TimeseriesPanelOptions extends PanelOptions {
  /**
   * Lower end of the value axis.
   * @default - automatic
   */
  readonly min?: number;
  /**
   * Upper end of the value axis.
   * @default - automatic
   */
  readonly max?: number;
  /**
   * Values shown beside each series in the legend, as Grafana reducer ids (`mean`, `max`, `lastNotNull`): the
   * legend becomes a table with one column each.
   * @default - a plain list of series
   */
  readonly legendCalcs?: string[];
}

/** A value of a stat panel shown as words, in a colour: 1 → "Loaded" in green. */
export interface ValueMapping {
  /** The value mapped. */
  readonly value: number;
  /** Text shown instead of the value. */
  readonly text: string;
  /** Colour of the text: a Grafana colour name (`green`, `red`, `orange`) or `#rrggbb`. */
  readonly color: string;
}

/** A step of a stat panel's thresholds: the colour of values from `value` up (to the next step). */
export interface ThresholdStep {
  /** The lowest value with this colour. */
  readonly value: number;
  /** A Grafana colour name (`green`, `red`, `orange`) or `#rrggbb`. */
  readonly color: string;
}

/** Options of {@link Panel.stat}: a single-value panel, reduced to the last non-null value of the range. */
export interface StatPanelOptions extends PanelOptions {
  /**
   * Values turned into words: `[{ value: 1, text: 'Loaded', color: 'green' }]`.
   * @default - none
   */
  readonly mappings?: ValueMapping[];
  /**
   * Colours from a value up: `[{ value: 1, color: 'red' }]` turns the value red from 1 on; below the lowest
   * step it is green.
   * @default - always green
   */
  readonly thresholds?: ThresholdStep[];
}

/** Name of the datasource variable of every dashboard made by `Dashboard.provisioned`. */
export const DATASOURCE_VARIABLE = 'datasource';
/** Panels and queries follow the dashboard's datasource drop-down, which selects the provisioned Prometheus. */
export const DATASOURCE_REF = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` };

function targets(queries: PanelQuery[]): DataqueryBuilder[] {
  return queries.map((q, i) => {
    const target = new DataqueryBuilder().expr(q.expr).refId(String.fromCharCode(65 + i)).datasource(DATASOURCE_REF);
    return q.legend ? target.legendFormat(q.legend) : target;
  });
}

/** What the SDK's panel builders have in common, for {@link withOptions}. */
type PanelBuilderLike = TimeseriesPanelBuilder | StatPanelBuilder;

/** Applies the fields every panel takes. */
function withOptions<T extends PanelBuilderLike>(panel: T, options: PanelOptions): T {
  const { x, y, width: w, height: h } = options.position;
  panel.title(options.title).datasource(DATASOURCE_REF).targets(targets(options.queries)).gridPos({ x, y, w, h });
  if (options.description) panel.description(options.description);
  if (options.unit) panel.unit(options.unit);
  if (options.noValue) panel.noValue(options.noValue);
  return panel;
}

/**
 * A panel of a dashboard: a time series or a stat with the stack's conventions, or any panel as JSON. Add
 * panels to a dashboard with `Dashboard.provisioned({ panels })`.
 */
export class Panel {
  /**
   * A time-series panel: every query on the dashboard's datasource, legend at the bottom (a table when
   * `legendCalcs` are given), tooltip listing every series, largest first.
   */
  public static timeseries(options: TimeseriesPanelOptions): Panel {
    const problem = panelOptionsProblem(options, { min: 'number', max: 'number', legendCalcs: 'strings' });
    if (problem) return new Panel({}, problem);
    const calcs = options.legendCalcs ?? [];
    const panel = withOptions(new TimeseriesPanelBuilder(), options)
      .legend(new VizLegendOptionsBuilder().showLegend(true).placement(LegendPlacement.Bottom)
        .displayMode(calcs.length ? LegendDisplayMode.Table : LegendDisplayMode.List).calcs(calcs))
      .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending));
    if (options.min !== undefined) panel.min(options.min);
    if (options.max !== undefined) panel.max(options.max);
    return Panel.fromJson(panel.build());
  }

  /** A single-value panel on the dashboard's datasource; `mappings` turn values into words, `thresholds` colour them. */
  public static stat(options: StatPanelOptions): Panel {
    const problem = panelOptionsProblem(options, { mappings: 'list', thresholds: 'list' });
    if (problem) return new Panel({}, problem);
    const steps = (options.thresholds ?? []).map((step) => ({ value: step.value, color: step.color }))
      .sort((a, b) => a.value - b.value);
    const panel = withOptions(new StatPanelBuilder(), options)
      // The last point can be null (a scrape in flight): the last non-null one is the current value.
      .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']))
      .thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([{ value: null, color: 'green' }, ...steps]));
    if (options.mappings) {
      const mappings: Record<string, { text: string; color: string }> = {};
      for (const m of options.mappings) mappings[String(m.value)] = { text: m.text, color: m.color };
      panel.mappings([{ type: MappingType.ValueToText, options: mappings }]);
    }
    return Panel.fromJson(panel.build());
  }

  /**
   * Any panel, as Grafana's panel JSON model (`{ type, title, gridPos, targets, ... }`). In a dashboard, it gets
   * an id, its queries refIds, and the stack's Prometheus when it names no datasource.
   */
  public static fromJson(json: any): Panel {
    // A JSON copy: plain data only (the SDK's objects carry functions, which JSON leaves out).
    const copy = json === undefined ? undefined : JSON.parse(JSON.stringify(json));
    if (copy === null || typeof copy !== 'object' || Array.isArray(copy)) {
      return new Panel({}, { field: 'json', message: `must be a panel JSON object, got ${describeValue(copy)}` });
    }
    return new Panel(copy);
  }

  private constructor(private readonly json: any, private readonly problem?: { readonly field: string; readonly message: string }) {}

  /**
   * What is wrong with the options or JSON it was made from, reported when its dashboard is added to Grafana.
   * @internal
   */
  public get _problem(): { readonly field: string; readonly message: string } | undefined {
    return this.problem;
  }

  /** The panel's JSON model (a copy). */
  public toJson(): any {
    return structuredClone(this.json);
  }
}

/** Types of the options a kind of panel adds to {@link PanelOptions}. */
type ExtraOptionTypes = Record<string, 'number' | 'strings' | 'list'>;

/**
 * What is wrong with a panel's options (from JavaScript or Python, any value can come), checked before the SDK
 * reads them: the field and the problem, or undefined.
 */
function panelOptionsProblem(options: PanelOptions, extra: ExtraOptionTypes): { field: string; message: string } | undefined {
  if (options === null || typeof options !== 'object') return { field: 'options', message: `must be an object, got ${describeValue(options)}` };
  if (typeof options.title !== 'string') return { field: 'title', message: `must be a string, got ${describeValue(options.title)}` };
  for (const key of ['description', 'unit', 'noValue'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'string') return { field: key, message: `must be a string, got ${describeValue(options[key])}` };
  }
  if (!Array.isArray(options.queries)) return { field: 'queries', message: `must be a list, got ${describeValue(options.queries)}` };
  for (const [i, q] of options.queries.entries()) {
    if (q === null || typeof q !== 'object' || typeof q.expr !== 'string') return { field: `queries[${i}].expr`, message: `must be a string, got ${describeValue(q?.expr)}` };
    if (q.legend !== undefined && typeof q.legend !== 'string') return { field: `queries[${i}].legend`, message: `must be a string, got ${describeValue(q.legend)}` };
  }
  const position = options.position;
  if (position === null || typeof position !== 'object') return { field: 'position', message: `must be an object, got ${describeValue(position)}` };
  for (const key of ['x', 'y', 'width', 'height'] as const) {
    if (!Number.isInteger(position[key]) || position[key] < (key === 'width' || key === 'height' ? 1 : 0)) {
      return { field: `position.${key}`, message: `${describeValue(position[key])} must be a whole number of grid ${key === 'x' || key === 'width' ? 'columns' : 'rows'}` };
    }
  }
  for (const [key, type] of Object.entries(extra)) {
    const value = (options as unknown as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const ok = type === 'number' ? typeof value === 'number' && Number.isFinite(value)
      : Array.isArray(value) && (type === 'list' ? value.every((v) => v !== null && typeof v === 'object') : value.every((v) => typeof v === 'string'));
    if (!ok) return { field: key, message: `must be ${type === 'number' ? 'a finite number' : type === 'list' ? 'a list of objects' : 'a list of strings'}, got ${describeValue(value)}` };
  }
  return undefined;
}
