import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { PROMETHEUS_DATASOURCE_UID } from './dashboard';

/** One PromQL query of a panel. */
export interface PanelQuery {
  /** PromQL; Grafana macros such as `$__rate_interval` are allowed. */
  readonly expr: string;
  /** @default - Grafana's default legend */
  readonly legend?: string;
}

/** What every panel helper takes: title, queries, unit and place on the 24-column grid. */
export interface PanelSpec {
  /** Panel title. */
  readonly title: string;
  /**
   * Help text shown in the panel's corner.
   * @default - none
   */
  readonly description?: string;
  /** The panel's queries, lettered A, B, ... in order. */
  readonly queries: PanelQuery[];
  /** @default - none */
  readonly unit?: string;
  /** Grid position: x, y, width, height. */
  readonly grid: [number, number, number, number];
}

const datasource = { type: 'prometheus', uid: PROMETHEUS_DATASOURCE_UID };

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
  return panel;
}

/** A new dashboard with the stack's conventions: read-only (provisioned), last hour, refreshed every 30s. */
export function provisionedDashboard(title: string, uid: string, tags: string[]): DashboardBuilder {
  return new DashboardBuilder(title).uid(uid).tags(tags).refresh('30s').time({ from: 'now-1h', to: 'now' }).timezone('browser').readonly();
}

/** A time-series panel. */
export function timeseriesPanel(spec: PanelSpec & { min?: number; max?: number }): TimeseriesPanelBuilder {
  const panel = withSpec(new TimeseriesPanelBuilder(), spec);
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.max !== undefined) panel.max(spec.max);
  return panel;
}

/** A single-value panel; `mappings` turns values into words (1 → "Loaded"). */
export function statPanel(spec: PanelSpec & { mappings?: Record<string, { text: string; color: string }> }): StatPanelBuilder {
  const panel = withSpec(new StatPanelBuilder(), spec);
  if (spec.mappings) {
    // The SDK types the mapping kind as an enum; its JSON value is 'value'.
    panel.mappings([{ type: 'value' as never, options: spec.mappings }]);
  }
  return panel;
}
