import { PROMETHEUS_DATASOURCE_UID } from './dashboard';

/** grafana.ini as sections of keys; values are written as they are. */
export type GrafanaIni = Record<string, Record<string, string | number | boolean>>;

/** Renders grafana.ini, sections and keys in the order given. */
export function renderIni(ini: GrafanaIni): string {
  return Object.entries(ini)
    .map(([section, keys]) => [`[${section}]`, ...Object.entries(keys).map(([k, v]) => `${k} = ${v}`)].join('\n'))
    .join('\n\n') + '\n';
}

/** Options that shape grafana.ini. */
export interface GrafanaIniOptions {
  readonly port: number;
  readonly dataDir: string;
  readonly anonymousAccess: boolean;
  readonly rootUrl?: string;
  /** Users reach Grafana over HTTPS only: its cookies get the Secure flag. */
  readonly secureCookies: boolean;
}

/**
 * The stack's grafana.ini: admin credentials and the encryption key come from the environment (a Secret),
 * anonymous access only when asked for and then read-only, secure cookies behind TLS, no sign-up, no
 * phoning home.
 */
export function grafanaIni(options: GrafanaIniOptions): GrafanaIni {
  return {
    'server': { http_port: options.port, ...(options.rootUrl ? { root_url: options.rootUrl } : {}) },
    'paths': { data: options.dataDir, logs: `${options.dataDir}/log`, plugins: `${options.dataDir}/plugins`, provisioning: '/etc/grafana/provisioning' },
    'log': { mode: 'console' },
    'security': {
      disable_gravatar: true,
      cookie_samesite: 'strict',
      ...(options.secureCookies ? { cookie_secure: true } : {}),
      disable_initial_admin_creation: false,
    },
    'users': { allow_sign_up: false, allow_org_create: false },
    'auth.anonymous': options.anonymousAccess ? { enabled: true, org_role: 'Viewer' } : { enabled: false },
    'analytics': { reporting_enabled: false, check_for_updates: false, check_for_plugin_updates: false },
  };
}

/** The datasource provisioning file: one Prometheus with a fixed uid that dashboards reference. */
export function datasourceProvisioning(prometheusUrl: string, scrapeInterval: string): object {
  return {
    apiVersion: 1,
    datasources: [{
      name: 'Prometheus',
      type: 'prometheus',
      uid: PROMETHEUS_DATASOURCE_UID,
      access: 'proxy',
      url: prometheusUrl,
      isDefault: true,
      editable: false,
      jsonData: { timeInterval: scrapeInterval },
    }],
  };
}

/**
 * The dashboard-provider provisioning file: dashboards are read from folders (one per dashboards ConfigMap)
 * into one Grafana folder, and are not editable in the UI.
 */
export function dashboardProviderProvisioning(folder: string, paths: string[]): object {
  return {
    apiVersion: 1,
    providers: paths.map((path, i) => ({
      name: i === 0 ? 'mlops-monitoring' : `mlops-monitoring-${i + 1}`,
      orgId: 1,
      folder,
      type: 'file',
      disableDeletion: true,
      allowUiUpdates: false,
      // Dashboards edited in the ConfigMap appear without a restart.
      updateIntervalSeconds: 30,
      options: { path },
    })),
  };
}
