// The versions the stack deploys by default, in one place. The tests run promtool, prometheus, amtool and
// alertmanager built at exactly these versions (tools/install.sh), and test/tool-versions.test.ts fails when
// tools/*/go.mod require other ones.

/** The versions and images the stack deploys by default (the tests run these very versions). */
export class Versions {
  /** Prometheus 3.13, the long-term support release (supported until July 2027), at its latest patch. */
  public static readonly PROMETHEUS = '3.13.5';
  /** The latest Alertmanager release. */
  public static readonly ALERTMANAGER = '0.35.0';
  /** The latest Grafana release (the version of its npm packages, `@grafana/data`, published with each release). */
  public static readonly GRAFANA = '13.2.3';
  /** prometheus-operator's config reloader, the sidecar that reloads Alertmanager on config changes. */
  public static readonly CONFIG_RELOADER = '0.85.0';
  /** Default image of {@link PrometheusServer}. */
  public static readonly PROMETHEUS_IMAGE: string = `prom/prometheus:v${Versions.PROMETHEUS}`;
  /** Default image of {@link AlertRouter}. */
  public static readonly ALERTMANAGER_IMAGE: string = `prom/alertmanager:v${Versions.ALERTMANAGER}`;
  /** Default image of {@link GrafanaWithDashboards}. */
  public static readonly GRAFANA_IMAGE: string = `grafana/grafana:${Versions.GRAFANA}`;
  /** Default image of the Alertmanager config-reloader sidecar. */
  public static readonly CONFIG_RELOADER_IMAGE: string = `quay.io/prometheus-operator/prometheus-config-reloader:v${Versions.CONFIG_RELOADER}`;

  private constructor() {}
}
