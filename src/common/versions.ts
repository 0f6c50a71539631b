// The versions the stack deploys by default, in one place. The tests run promtool, prometheus, amtool and
// alertmanager built at exactly these versions (tools/install.sh), and test/tool-versions.test.ts fails when
// tools/*/go.mod require other ones.

/** Prometheus 3.13, the long-term support release (supported until July 2027), at its latest patch. */
export const PROMETHEUS_VERSION = '3.13.5';
/** The latest Alertmanager release. */
export const ALERTMANAGER_VERSION = '0.35.0';
/** The latest Grafana release (the version of its npm packages, `@grafana/data`, published with each release). */
export const GRAFANA_VERSION = '13.2.3';

/** prometheus-operator's config reloader, the sidecar that reloads Alertmanager on config changes. */
export const CONFIG_RELOADER_VERSION = '0.85.0';

/** Default image of {@link PrometheusServer}. */
export const DEFAULT_PROMETHEUS_IMAGE = `prom/prometheus:v${PROMETHEUS_VERSION}` as const;
/** Default image of {@link AlertRouter}. */
export const DEFAULT_ALERTMANAGER_IMAGE = `prom/alertmanager:v${ALERTMANAGER_VERSION}` as const;
/** Default image of {@link GrafanaWithDashboards}. */
export const DEFAULT_GRAFANA_IMAGE = `grafana/grafana:${GRAFANA_VERSION}` as const;
/** Default image of the Alertmanager config-reloader sidecar. */
export const DEFAULT_CONFIG_RELOADER_IMAGE = `quay.io/prometheus-operator/prometheus-config-reloader:v${CONFIG_RELOADER_VERSION}` as const;

/** The versions and images the stack deploys by default (the tests run these very versions). */
export class Versions {
  /** Prometheus 3.13, the long-term support release (supported until July 2027), at its latest patch. */
  public static readonly PROMETHEUS = PROMETHEUS_VERSION;
  /** The latest Alertmanager release. */
  public static readonly ALERTMANAGER = ALERTMANAGER_VERSION;
  /** The latest Grafana release. */
  public static readonly GRAFANA = GRAFANA_VERSION;
  /** prometheus-operator's config reloader, the sidecar that reloads Alertmanager on config changes. */
  public static readonly CONFIG_RELOADER = CONFIG_RELOADER_VERSION;
  /** Default image of {@link PrometheusServer}. */
  public static readonly PROMETHEUS_IMAGE: string = DEFAULT_PROMETHEUS_IMAGE;
  /** Default image of {@link AlertRouter}. */
  public static readonly ALERTMANAGER_IMAGE: string = DEFAULT_ALERTMANAGER_IMAGE;
  /** Default image of {@link GrafanaWithDashboards}. */
  public static readonly GRAFANA_IMAGE: string = DEFAULT_GRAFANA_IMAGE;
  /** Default image of the Alertmanager config-reloader sidecar. */
  public static readonly CONFIG_RELOADER_IMAGE: string = DEFAULT_CONFIG_RELOADER_IMAGE;

  private constructor() {}
}
