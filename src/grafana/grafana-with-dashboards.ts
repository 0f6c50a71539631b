import { Chart, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DnsEgress, IPrometheusEndpoint } from '../common/endpoints';
import { fail } from '../common/errors';
import { IngressOptions } from '../common/exposure';
import { programLabels, selectorLabels } from '../common/labels';
import { ProgramWorkload } from '../common/program-workload';
import { ResourceSpec } from '../common/resources';
import { ConfigMapShards } from '../common/config-map-shards';
import { checksumOf, toJson, toYaml } from '../common/serialize';
import { PersistenceOptions, sizeLimitOf } from '../common/storage';
import { claimUnique, expectOptional, expectType, validateDnsLabel, validateDuration } from '../common/validation';
import { Versions } from '../common/versions';
import { IDashboard, validateDashboard } from './dashboard';
import { dashboardProviderProvisioning, datasourceProvisioning, grafanaIni, renderIni } from './provisioning';
import { checkUniqueObjects } from '../common/unique-objects';

/** Options of {@link GrafanaWithDashboards}: everything but where it lives and what it connects to (what {@link MonitoringStack} sets itself). */
export interface GrafanaWithDashboardsOptions {
  /**
   * Name of the Deployment; the Service is `<name>-service`, the ConfigMaps `<name>-config` and `<name>-dashboards`.
   * @default 'grafana'
   */
  readonly name?: string;
  /**
   * Container image, pinned.
   * @default - Versions.GRAFANA_IMAGE
   */
  readonly image?: string;
  /**
   * Scrape interval of that Prometheus (Grafana's minimum query step).
   * @default '15s'
   */
  readonly scrapeInterval?: string;
  /**
   * Dashboards to provision: built-in ones ({@link Dashboards}), or your own ({@link Dashboard.provisioned},
   * {@link Dashboard.fromJson}).
   * @default - none
   */
  readonly dashboards?: IDashboard[];
  /**
   * Folder the dashboards appear in.
   * @default 'MLOps'
   */
  readonly dashboardFolder?: string;
  /**
   * Secret with keys `admin-user`, `admin-password` and `secret-key` (the key Grafana encrypts its stored
   * credentials with, instead of its public built-in default), created out of band
   * (`kubectl create secret generic grafana-secrets ...`): credentials never appear in the manifests.
   * @default 'grafana-secrets'
   */
  readonly adminSecretName?: string;
  /**
   * Let visitors in without logging in, as Viewers only.
   * @default false
   */
  readonly anonymousAccess?: boolean;
  /**
   * Allow `anonymousAccess` through an Ingress that serves plain HTTP (`ingress.allowPlainHttp`): every
   * dashboard is then readable, in clear text, by whoever reaches the host.
   * @default false
   */
  readonly anonymousAccessOverPlainHttp?: boolean;
  /**
   * Number of Grafana pods. Provisioned datasources and dashboards are the same on every pod, but each pod
   * keeps its own SQLite database (users, sessions): with more than one, logins need sticky sessions or a
   * shared database. Must be 1 with `persistence`, whose ReadWriteOnce volume only one pod can use.
   * @default 1
   */
  readonly replicas?: number;
  /** @default - 100m/500m CPU, 128Mi/512Mi memory */
  readonly resources?: ResourceSpec;
  /**
   * Keep Grafana's database (users, preferences) in a PersistentVolumeClaim.
   * @default - an emptyDir: provisioned content survives, UI changes do not
   */
  readonly persistence?: PersistenceOptions;
  /**
   * Size limit of the emptyDir data volume when there is no `persistence`.
   * @default '1Gi'
   */
  readonly dataSizeLimit?: string;
  /**
   * Create a NetworkPolicy: port 3000 open to Grafana's peers, the pods given to `allowAccessFrom`
   * (Prometheus, which scrapes it) and the ingress controller; egress only to DNS and Prometheus when
   * Prometheus is a {@link PrometheusServer} (an external one can be anywhere).
   * @default true
   */
  readonly networkPolicy?: boolean;
  /** @default - no Ingress */
  readonly ingress?: IngressOptions;
  /**
   * Where Grafana resolves names, when its NetworkPolicy restricts egress (OpenShift: `podLabels:
   * { 'dns.operator.openshift.io/daemonset-dns': 'default' }, ports: [5353]`).
   * @default - kube-dns/CoreDNS pods in any namespace, and NodeLocal DNSCache at 169.254.20.10
   */
  readonly dnsEgress?: DnsEgress;
}

/** Props of {@link GrafanaWithDashboards}. */
export interface GrafanaWithDashboardsProps extends GrafanaWithDashboardsOptions {
  /**
   * Namespace of every object.
   * @default - the chart's namespace, else 'mlops'
   */
  readonly namespace?: string;
  /**
   * The Prometheus to query: a {@link PrometheusServer}, or `PrometheusServer.fromUrl(...)`.
   * @default - `http://prometheus-service:9090`
   */
  readonly prometheus?: IPrometheusEndpoint;
}

const PORT = 3000;
const UID = 472; // the official image's grafana user
const DATA_DIR = '/var/lib/grafana';
const DASHBOARDS_DIR = '/var/lib/grafana/dashboards';

/**
 * Grafana with a provisioned Prometheus datasource and dashboards from a ConfigMap; admin credentials from a
 * Secret, anonymous access off by default.
 */
export class GrafanaWithDashboards extends Construct {
  /** Name of the Deployment (and prefix of the other objects' names). */
  public readonly name: string;
  /** Namespace of every namespaced object. */
  public readonly namespace: string;
  /** Name of the Service. */
  public readonly serviceName: string;
  /** Port of the HTTP API and UI. */
  public readonly port = PORT;
  /** The ConfigMap holding the configuration file(s). */
  public readonly configMap: k8s.KubeConfigMap;
  /** The dashboards, in the `<name>-dashboards` ConfigMap (and `<name>-dashboards-2`, ... when they outgrow one). */
  public readonly dashboardFiles: ConfigMapShards;
  /** The Deployment and Service. */
  public readonly workload: ProgramWorkload;
  /** Labels of the pods, for NetworkPolicies and Services. */
  public readonly podSelector: Record<string, string>;

  private readonly dashboardList: IDashboard[] = [];
  private readonly uids = new Set<string>();
  /** The serialized grafana-config data, computed once per state (the ConfigMap and its checksum share it). */
  private renderedConfig?: Record<string, string>;

  constructor(scope: Construct, id: string, props: GrafanaWithDashboardsProps = {}) {
    super(scope, id);
    checkUniqueObjects(this);
    props ??= {};
    expectType(this, 'props', props, 'object');
    expectOptional(this, 'dashboards', props.dashboards, 'array');
    this.name = validateDnsLabel(this, 'name', props.name ?? 'grafana');
    this.namespace = validateDnsLabel(this, 'namespace', props.namespace ?? Chart.of(this).namespace ?? 'mlops');
    this.serviceName = `${this.name}-service`;
    const adminSecret = validateDnsLabel(this, 'adminSecretName', props.adminSecretName ?? 'grafana-secrets');
    const scrapeInterval = validateDuration(this, 'scrapeInterval', props.scrapeInterval ?? '15s');
    // By default, a PrometheusServer with default props in the same namespace.
    const prometheus: IPrometheusEndpoint = props.prometheus ?? {
      url: 'http://prometheus-service:9090',
      urlFrom: () => 'http://prometheus-service:9090',
      networkDestination: () => ({ peer: { podLabels: selectorLabels('prometheus') }, port: 9090 }),
    };
    const prometheusUrl = prometheus.urlFrom(this.namespace);
    const prometheusPods = prometheus.networkDestination();
    if (!/^https?:\/\/[^\s]+$/.test(prometheusUrl)) fail(this, 'prometheus.url', `"${prometheusUrl}" is not an http(s) URL`);
    const labels = programLabels(this.name, 'grafana');
    this.dashboardFiles = new ConfigMapShards(this, 'Dashboards', {
      name: `${this.name}-dashboards`, namespace: this.namespace, labels, mountPath: DASHBOARDS_DIR, volumeName: 'dashboards',
    });
    (props.dashboards ?? []).forEach((d) => this.addDashboard(d));

    const tls = props.ingress?.tlsSecretName !== undefined;
    if (props.anonymousAccess && props.ingress && !tls && !props.anonymousAccessOverPlainHttp) {
      fail(this, 'anonymousAccess', 'anonymous access through a plain-HTTP Ingress shows every dashboard, in clear text, to whoever reaches the host: serve TLS (ingress.tlsSecretName), or also set anonymousAccessOverPlainHttp: true');
    }
    const staticConfig = {
      'grafana.ini': renderIni(grafanaIni({
        port: PORT,
        dataDir: DATA_DIR,
        anonymousAccess: props.anonymousAccess ?? false,
        rootUrl: props.ingress ? `${tls ? 'https' : 'http'}://${props.ingress.host}/` : undefined,
        secureCookies: tls,
      })),
      'datasources.yaml': toYaml(datasourceProvisioning(prometheusUrl, scrapeInterval)),
    };
    // One dashboard provider per dashboards ConfigMap, so known only once every dashboard is added.
    const configData = () => this.renderedConfig ??= {
      ...staticConfig,
      'dashboards.yaml': toYaml(dashboardProviderProvisioning(props.dashboardFolder ?? 'MLOps', this.dashboardFiles.shards.map((s) => s.mountPath))),
    };
    const configName = `${this.name}-config`;
    this.configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: configName, namespace: this.namespace, labels },
      data: Lazy.any({ produce: configData }),
    });

    const configRef = kplus.ConfigMap.fromConfigMapName(this, 'ConfigRef', configName);
    const fromConfig = (volumeId: string, name: string, key: string) =>
      kplus.Volume.fromConfigMap(this, volumeId, configRef, { name, items: { [key]: { path: key } } });
    const secret = kplus.Secret.fromSecretName(this, 'AdminSecret', adminSecret);

    this.workload = new ProgramWorkload(this, 'Workload', {
      name: this.name,
      namespace: this.namespace,
      program: 'grafana',
      image: props.image ?? Versions.GRAFANA_IMAGE,
      env: {
        GF_SECURITY_ADMIN_USER: kplus.EnvValue.fromSecretValue({ secret, key: 'admin-user' }),
        GF_SECURITY_ADMIN_PASSWORD: kplus.EnvValue.fromSecretValue({ secret, key: 'admin-password' }),
        GF_SECURITY_SECRET_KEY: kplus.EnvValue.fromSecretValue({ secret, key: 'secret-key' }),
      },
      port: PORT,
      livenessPath: '/api/health',
      readinessPath: '/api/health',
      // Grafana answers only once its database is migrated, which an emptyDir repeats at every start (seconds;
      // not measured here: no Grafana binary runs on this project's machines), and an upgrade can make long.
      startup: { firstProbeSeconds: 15, maxSeconds: 600 },
      uid: UID,
      replicas: props.replicas ?? 1,
      resources: props.resources ?? { cpuRequestMillis: 100, cpuLimitMillis: 500, memoryRequestMebibytes: 128, memoryLimitMebibytes: 512 },
      mounts: [
        { volume: fromConfig('IniVolume', 'config', 'grafana.ini'), path: '/etc/grafana/grafana.ini', subPath: 'grafana.ini', readOnly: true },
        { volume: fromConfig('DatasourcesVolume', 'datasources', 'datasources.yaml'), path: '/etc/grafana/provisioning/datasources', readOnly: true },
        { volume: fromConfig('ProvidersVolume', 'dashboard-providers', 'dashboards.yaml'), path: '/etc/grafana/provisioning/dashboards', readOnly: true },
        { volume: kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp', { sizeLimit: sizeLimitOf(64) }), path: '/tmp' },
      ],
      dataPath: DATA_DIR,
      persistence: props.persistence,
      dataSizeLimit: props.dataSizeLimit ?? '1Gi',
      networkPolicy: (props.networkPolicy ?? true) ? {
        // Prometheus (scraping it) and the ingress controller; `kubectl port-forward` does not cross NetworkPolicies.
        restrictIngress: true,
        egressToPods: prometheusPods ? [prometheusPods] : undefined,
        dns: props.dnsEgress,
      } : undefined,
      ingress: props.ingress,
      hasLogin: true,
      // Only what Grafana reads at start-up (grafana.ini, datasources, providers) rolls the pod: it
      // re-reads the dashboard files on its own (the providers' updateIntervalSeconds).
      config: { checksum: () => checksumOf(configData()) },
    });
    this.dashboardFiles.mountInto(this.workload.container);
    this.podSelector = this.workload.podSelector;
  }

  /** Lets pods with these labels (in `namespace`, by default this one) reach Grafana through its NetworkPolicy. */
  public allowAccessFrom(podSelector: Record<string, string>, namespace?: string): this {
    this.workload.allowAccessFrom({ podLabels: podSelector, namespace });
    return this;
  }

  /** Adds a dashboard; its uid must be unique. */
  public addDashboard(dashboard: IDashboard): this {
    validateDashboard(this, dashboard);
    claimUnique(this, `dashboards[${dashboard.title}].uid`, this.uids, dashboard.uid, 'dashboard uid');
    this.dashboardList.push(dashboard);
    this.dashboardFiles.put(`${dashboard.uid}.json`, toJson(dashboard.toJson()));
    this.renderedConfig = undefined;
    return this;
  }

  /** The provisioned dashboards, in order. */
  public get dashboards(): IDashboard[] {
    return [...this.dashboardList];
  }

}
