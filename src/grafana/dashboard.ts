import { IConstruct } from 'constructs';
import { fail } from '../common/errors';

/** The uid of the Prometheus datasource the stack provisions: what the built-in dashboards' `datasource` variable selects. */
export const PROMETHEUS_DATASOURCE_UID = 'prometheus';

/** A Grafana dashboard, as the JSON model Grafana stores, with its uid and title pulled out. */
export interface GrafanaDashboard {
  /** Unique id: the dashboard's URL and its key (`<uid>.json`) in the dashboards ConfigMap. */
  readonly uid: string;
  /** Title shown in Grafana. */
  readonly title: string;
  /** The dashboard JSON model (panels with ids, queries with refIds). */
  readonly model: Record<string, unknown>;
}

/** Anything with a `build()` returning a dashboard model, such as the Foundation SDK's `DashboardBuilder`. */
export interface IDashboardBuilder {
  build(): object;
}

interface PanelModel {
  id?: number;
  type?: string;
  datasource?: unknown;
  targets?: { refId?: string; expr?: string; datasource?: unknown }[];
  panels?: PanelModel[];
}

/** Creates {@link GrafanaDashboard}s from typed builders or raw JSON. */
export class Dashboards {
  /**
   * From a builder of `@grafana/grafana-foundation-sdk` (`new DashboardBuilder(...)`). Panels get ids and
   * queries refIds in order, and queries without a datasource use the stack's Prometheus.
   */
  public static fromBuilder(builder: IDashboardBuilder): GrafanaDashboard {
    return Dashboards.fromJson(JSON.parse(JSON.stringify(builder.build())));
  }

  /** From a dashboard JSON model (exported from Grafana, say). It must have a `uid` and a `title`. */
  public static fromJson(model: Record<string, unknown>): GrafanaDashboard {
    const copy = normalize(structuredClone(model));
    return { uid: String(copy.uid ?? ''), title: String(copy.title ?? ''), model: copy };
  }
}

/** Every PromQL expression of a dashboard's panels (including panels nested in rows). */
export function dashboardQueries(dashboard: GrafanaDashboard): string[] {
  return panelsOf(dashboard.model).flatMap((panel) => (panel.targets ?? []).map((t) => t.expr).filter((e): e is string => !!e));
}

/** Checks a dashboard's uid and title. */
export function validateDashboard(scope: IConstruct, dashboard: GrafanaDashboard): void {
  if (!/^[a-zA-Z0-9_-]{1,40}$/.test(dashboard.uid)) {
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
