import { Chart, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { addressFrom, externalPrometheus, IAlertmanagerEndpoint, IPrometheusEndpoint, NetworkDestination, NetworkPeer } from '../common/endpoints';
import { IngressOptions } from '../common/exposure';
import { programLabels } from '../common/labels';
import { ProgramWorkload } from '../common/program-workload';
import { ResourceSpec } from '../common/resources';
import { ConfigMapShards, OnDemandConfigMapShards } from '../common/config-map-shards';
import { sortedMap, toYaml } from '../common/serialize';
import { PersistenceOptions, validatePersistence } from '../common/storage';
import { validateScrapeJob } from './scrape-job-validation';
import { claimUnique, describeValue, expectOptional, expectType, validateDnsLabel, validateDuration, validateHttpUrl, validateInteger, validateLabelName, validateNumber, validateScrapeInterval } from '../common/validation';
import { RemoteWrite, RemoteWriteConfig } from './remote-write';
import { ShardBy, Sharding, ShardRuleEvaluation } from './sharding';
import { ScrapeJobFiles } from './scrape-job-files';
import { jobScope } from '../common/promql';
import { selectorLabels } from '../common/labels';
import { POD_NAME_ENV, replicaExternalLabels } from './high-availability';
import { Versions } from '../common/versions';
import { fail } from '../common/errors';
import { PrometheusConfigFile, RelabelAction, ScrapeConfig } from './config-model';
import { renderPrometheusConfig } from './config-render';
import { InfrastructureAlertOptions, InfrastructureAlerts } from './infrastructure-rules';
import { PrometheusRbac } from './prometheus-rbac';
import { Retention, retentionSizeFor } from './retention';
import { AlertRule, RecordingRule, RuleGroup, ruleFileYaml, ruleGroupYaml, RuleNames, validateRuleFileName, validateRuleGroup } from './rules';
import { ScrapeJobs } from './scrape-jobs';
import { SelfMonitoringAlerts } from './self-monitoring-rules';
import { checkUniqueObjects } from '../common/unique-objects';

/** Options of {@link PrometheusServer}: everything but where it lives and what it connects to (what {@link MonitoringStack} sets itself). */
export interface PrometheusServerOptions {
  /**
   * Name of the Deployment, ServiceAccount and RBAC objects; the Service is `<name>-service`, the ConfigMaps
   * `<name>-config` and `<name>-rules`.
   * @default 'prometheus'
   */
  readonly name?: string;
  /**
   * Container image, pinned.
   * @default - Versions.PROMETHEUS_IMAGE
   */
  readonly image?: string;
  /**
   * Default scrape interval.
   * @default '15s'
   */
  readonly scrapeInterval?: string;
  /**
   * How often rules are evaluated.
   * @default '15s'
   */
  readonly evaluationInterval?: string;
  /**
   * How long samples are kept (`storage.tsdb.retention.time` in prometheus.yml). An SLO's error budget is
   * counted over its whole window (28d by default), so the default grows to the longest window of the SLOs
   * this server evaluates (see {@link ApplicationSlos}); a `retention` shorter than such a window is refused,
   * unless `acceptShortRetention` says otherwise. `storage.tsdb.retention.size` still bounds the TSDB to 85%
   * of its volume: size it to hold the window (see the README's capacity planning).
   * @default - 15d, or the longest window of the SLOs this server evaluates when longer
   */
  readonly retention?: string;
  /**
   * Accept a `retention` shorter than the window of an SLO this server evaluates (but not shorter than 3d,
   * the longest window of its burn-rate alerts). The SLO then counts its error budget over the retention
   * only, the older part of the window counting as good events: its SLI and budget left can read better
   * than the whole window would.
   * @default false
   */
  readonly acceptShortRetention?: boolean;
  /**
   * Labels added to every series and alert sent out (e.g. `{ cluster: 'prod' }`). Prometheus 3 replaces
   * `$VAR` and `${VAR}` in the values with its environment variables: write `$$` for a literal `$`.
   * @default - none
   */
  readonly externalLabels?: Record<string, string>;
  /**
   * More scrape jobs, after the built-in ones. See {@link ScrapeJobs} for factories.
   * @default - none
   */
  readonly scrapeJobs?: ScrapeConfig[];
  /**
   * More rule groups, written to `custom-rules.yml`. Use {@link PrometheusServer.addRuleGroup} to choose the file.
   * @default - none
   */
  readonly ruleGroups?: RuleGroup[];
  /**
   * Scrape cAdvisor (container CPU and memory) and kube-state-metrics (pod status), and load the
   * infrastructure alerts (PodCrashLooping, HighCPUUsage, HighMemoryUsage).
   * @default true
   */
  readonly kubernetesMonitoring?: boolean;
  /**
   * Namespaces searched for kube-state-metrics (its series are trusted to name other namespaces' pods).
   * @default - kube-system and this server's namespace
   */
  readonly kubeStateMetricsNamespaces?: string[];
  /**
   * Thresholds of the infrastructure alerts.
   * @default - the namespace of this server, 80% CPU, 25% throttled periods, 90% memory
   */
  readonly infrastructureAlerts?: InfrastructureAlertOptions;
  /**
   * Load the alerts on the monitoring itself (`monitoring-alerts.yml`): Watchdog, TargetDown per job,
   * and Prometheus's config reloads, rule evaluations and alert delivery.
   * @default true
   */
  readonly selfMonitoringAlerts?: boolean;
  /**
   * Base URL of the built-in alerts' runbooks: each alert links to `<base>/<AlertName>.md`.
   * @default - this repository's docs/runbooks
   */
  readonly runbookBaseUrl?: string;
  /**
   * Requests and limits of the container.
   * @default - 250m/1 CPU, 512Mi/2Gi memory
   */
  readonly resources?: ResourceSpec;
  /**
   * Keep the TSDB in a PersistentVolumeClaim. The Deployment then uses the Recreate strategy, so two
   * pods never open one ReadWriteOnce volume.
   * @default - an emptyDir: data is lost when the pod goes
   */
  readonly persistence?: PersistenceOptions;
  /**
   * Size limit of the emptyDir TSDB volume when there is no `persistence`: beyond it the kubelet evicts the
   * pod rather than fill the node's disk. The TSDB is bounded below either size by
   * `storage.tsdb.retention.size`, 85% of it (the WAL and compactions need the rest). At least 512Mi, as is
   * `persistence.size`.
   * @default '10Gi'
   */
  readonly dataSizeLimit?: string;
  /**
   * Create a NetworkPolicy: only Prometheus's peers and the pods given to `allowAccessFrom` (Grafana) reach
   * port 9090.
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * Expose the UI through an Ingress.
   * @default - no Ingress
   */
  readonly ingress?: IngressOptions;
  /**
   * Pods allowed through the NetworkPolicy besides the stack's own (e.g. a Grafana elsewhere). The same as
   * `allowAccessFrom`.
   * @default - none
   */
  readonly allowedClients?: NetworkPeer[];
  /**
   * Number of identical Prometheus replicas, each scraping every target and evaluating every rule. With more
   * than one they run as a StatefulSet (`<name>-0`, `<name>-1`, ... behind a headless Service
   * `<name>-headless`), each with an emptyDir, or its own PVC with `persistence`; each adds the external label
   * `replicaLabel` set to its pod name, so a long-term store (or Alertmanager, which deduplicates the alerts)
   * tells them apart; a PodDisruptionBudget and topology spread keep one running through a drain.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * External label naming the replica, with `replicas` > 1 (Thanos Query deduplicates on it with
   * `--query.replica-label`; Mimir's HA tracker with `ha_replica_label`, whose default is `__replica__`). Not a
   * label the series or alerts carry themselves (`job`, `instance`, `severity`...).
   * @default 'replica'
   */
  readonly replicaLabel?: string;
  /**
   * Long-term stores (Thanos Receive, Grafana Mimir, VictoriaMetrics) every sample is also written to.
   * Their credentials are keys of the Secret `remoteWriteSecretName`, mounted read-only as files.
   * @default - none
   */
  readonly remoteWrite?: RemoteWrite[];
  /**
   * Secret holding the remote-write credentials (keys named by `passwordSecretKey` / `bearerTokenSecretKey`),
   * mounted at /etc/prometheus/secrets when a target needs one. Create it out of band.
   * @default '<name>-remote-write'
   */
  readonly remoteWriteSecretName?: string;
  /**
   * Spread the scrape targets over this many Prometheus servers (`<name>-shard-0`, ...), as `shardBy` says: each
   * scrapes itself and its share, carries the external label `shard`, and remote-writes to the long-term store,
   * where queries see every shard. Needs a `remoteWrite` target with a `queryUrl` (Grafana's datasource). Each
   * shard has `replicas` pods.
   * @default 1
   */
  readonly shards?: number;
  /**
   * How targets are spread over the `shards`: whole jobs, or single targets. See {@link ShardBy}.
   * @default ShardBy.JOB
   */
  readonly shardBy?: ShardBy;
  /**
   * Where the rules run with `shards` > 1: see {@link ShardRuleEvaluation}. {@link ShardBy.TARGET} allows only
   * LONG_TERM_STORE.
   * @default - OWNING_SHARD with ShardBy.JOB, LONG_TERM_STORE with ShardBy.TARGET
   */
  readonly shardRuleEvaluation?: ShardRuleEvaluation;
}

/** Props of {@link PrometheusServer}. */
export interface PrometheusServerProps extends PrometheusServerOptions {
  /**
   * Namespace of every namespaced object.
   * @default - the chart's namespace, else 'mlops'
   */
  readonly namespace?: string;
  /**
   * Alertmanagers to send alerts to (an {@link AlertRouter}, or `{ address: 'host:port' }`).
   * @default - none; add with {@link PrometheusServer.addAlertmanager}
   */
  readonly alertmanagers?: IAlertmanagerEndpoint[];
}

const PORT = 9090;
const UID = 65534; // "nobody", which the official image runs as
// Sibling folders, not nested: a mount point inside a read-only ConfigMap mount cannot be created.
const CONFIG_DIR = '/etc/prometheus/config';
const RULES_DIR = '/etc/prometheus/rules';
const DATA_DIR = '/prometheus';
const SECRETS_DIR = '/etc/prometheus/secrets';
/** Scrape job files, once the jobs outgrow prometheus.yml (see ScrapeJobFiles). */
const SCRAPE_CONFIGS_DIR = '/etc/prometheus/scrape-configs';
/** A shard's own rule files, with ShardRuleEvaluation.OWNING_SHARD. */
const SHARD_RULES_DIR = '/etc/prometheus/shard-rules';
/**
 * YAML bytes of scrape jobs the `<name>-config` ConfigMap holds inline, shared by its files (one per shard): past
 * it, jobs move to files of their own, so the ConfigMap stays far below the 256 KiB client-side apply allows.
 */
const INLINE_SCRAPE_JOBS_BUDGET = 128 * 1024;
/** A ConfigMap's data above this does not fit in one object (1 MiB), metadata included. */
const CONFIG_MAP_DATA_LIMIT = 1024 * 1024 - 16 * 1024;
/** External label, and pod label, of a shard's number. */
const SHARD_LABEL = 'shard';
/** The configuration file of shard `i`. */
const shardConfigFile = (i: number) => `prometheus-shard-${i}.yml`;
/** How often Prometheus checks its configuration and rule files for changes. */
const RELOAD_INTERVAL = '30s';
/** Rule file of the groups given without a file name. */
const CUSTOM_RULES_FILE = 'custom-rules.yml';
/** Rule file of the alerts on the monitoring itself. */
const MONITORING_RULES_FILE = 'monitoring-alerts.yml';

/**
 * A Prometheus server: RBAC for Kubernetes service discovery, `prometheus.yml` and alert rules in
 * ConfigMaps, a Deployment and a Service. Works without the Prometheus Operator.
 */
export class PrometheusServer extends Construct implements IPrometheusEndpoint {
  /** Rule file (key of the rules ConfigMap) of the groups added without a file name. */
  public static readonly CUSTOM_RULES_FILE = CUSTOM_RULES_FILE;
  /** Rule file of the alerts on the monitoring itself. */
  public static readonly MONITORING_RULES_FILE = MONITORING_RULES_FILE;
  /**
   * The environment variable holding the pod's name (downward API) with `replicas` > 1, which Prometheus expands
   * in the replica's external label.
   */
  public static readonly POD_NAME_ENV = POD_NAME_ENV;

  /**
   * A Prometheus that runs elsewhere, for Grafana's datasource.
   * @param url HTTP base URL of its API, such as `http://prometheus.monitoring.svc:9090`
   */
  public static fromUrl(url: string): IPrometheusEndpoint {
    return externalPrometheus(url);
  }

  /** Name of the Deployment (and prefix of the other objects' names). */
  public readonly name: string;
  /** Namespace of every namespaced object. */
  public readonly namespace: string;
  /** `http://<service>:9090`, resolvable from the same namespace. */
  public readonly url: string;
  /** `http://<service>.<namespace>.svc:9090`, resolvable from any namespace. */
  public readonly clusterUrl: string;
  /** Name of the Service. */
  public readonly serviceName: string;
  /** Port of the HTTP API and UI. */
  public readonly port = PORT;
  /** Default scrape interval of its jobs. */
  public readonly scrapeInterval: string;
  /**
   * Base URL of the built-in alerts' runbooks.
   * @default - this repository's docs/runbooks
   */
  public readonly runbookBaseUrl?: string;
  /** ServiceAccount, and the Roles and ClusterRole its scrape jobs need, with their bindings. */
  public readonly rbac: PrometheusRbac;
  /** The ConfigMap holding the configuration file(s). */
  public readonly configMap: k8s.KubeConfigMap;
  /**
   * The rule files, in the `<name>-rules` ConfigMap (and `<name>-rules-2`, ... when they outgrow one). With
   * {@link ShardRuleEvaluation.OWNING_SHARD}, only the groups every shard runs: see `shardRules`.
   */
  public readonly rules: ConfigMapShards;
  /** The Deployment (or StatefulSet) and Service; with `shards`, those of shard 0 (see `shardWorkloads`). */
  public readonly workload: ProgramWorkload;
  /** Number of shards. */
  public readonly shards: number;
  /** How targets are spread over the shards. */
  public readonly shardBy: ShardBy;
  /** Labels of the Prometheus pods. */
  public readonly podSelector: Record<string, string>;
  /** Number of replicas. */
  public readonly replicas: number;
  /** The long-term stores it writes to. */
  public readonly remoteWrite: RemoteWrite[];

  private readonly props: PrometheusServerProps;
  private readonly remoteWriteConfigs: RemoteWriteConfig[];
  private readonly workloads: ProgramWorkload[];
  private readonly shardRuleEvaluation: ShardRuleEvaluation;
  /** The scrape jobs of each configuration file (one per shard). */
  private readonly jobFiles: ScrapeJobFiles[];
  /** Jobs every shard scrapes: its own self-scrape. */
  private readonly everyShardJobs = new Set<string>();
  /** Jobs of the cluster (cAdvisor, kube-state-metrics) on shard 0: the infrastructure alerts join them. */
  private readonly clusterJobs = new Set<string>();
  /** With OWNING_SHARD, each shard's own rule files (`<name>-shard-<i>-rules`, created with its first group); else none. */
  private readonly ownRuleFiles: OnDemandConfigMapShards[];
  /** Where each rule file's groups run: a shard's number, or undefined for every shard. */
  private readonly groupShards = new Map<RuleGroup, number | undefined>();
  /** Each group's YAML, rendered once: a rule file is rewritten on every group added to it. */
  private readonly groupYaml = new Map<RuleGroup, string>();
  /** `{ replica: '${POD_NAME}' }` with several replicas. */
  private readonly replicaExternalLabels: Record<string, string>;
  private readonly dataSizeLimit: string;
  /** `storage.tsdb.retention.size`: a share of the data volume. */
  private readonly retentionSize: string;
  /** The retention, grown to the longest window a rule of this server needs kept (an SLO's). */
  private readonly retention: Retention;
  private readonly scrapeConfigs: ScrapeConfig[] = [];
  private readonly jobNames = new Set<string>();
  private readonly ruleFiles = new Map<string, RuleGroup[]>();
  private readonly ruleNames: RuleNames = { groups: new Set(), alerts: new Set() };
  private readonly alertmanagers: IAlertmanagerEndpoint[] = [];
  /** The serialized prometheus.yml, computed once per state (the ConfigMap and its checksum share it). */
  private rendered?: Record<string, string>;

  /**
   * @param scope the parent construct
   * @param id the construct's id
   * @param props namespace, Alertmanagers and options
   */
  constructor(scope: Construct, id: string, props: PrometheusServerProps = {}) {
    super(scope, id);
    checkUniqueObjects(this);
    props ??= {};
    expectType(this, 'props', props, 'object');
    this.props = props;
    this.name = validateDnsLabel(this, 'name', props.name ?? 'prometheus');
    this.namespace = validateDnsLabel(this, 'namespace', props.namespace ?? Chart.of(this).namespace ?? 'mlops');
    this.serviceName = `${this.name}-service`;
    this.url = `http://${this.serviceName}:${PORT}`;
    this.clusterUrl = `http://${this.serviceName}.${this.namespace}.svc:${PORT}`;
    this.scrapeInterval = validateScrapeInterval(this, 'scrapeInterval', props.scrapeInterval ?? '15s');
    this.runbookBaseUrl = props.runbookBaseUrl === undefined ? undefined : validateHttpUrl(this, 'runbookBaseUrl', props.runbookBaseUrl);
    this.dataSizeLimit = props.dataSizeLimit ?? '10Gi';
    if (props.persistence) validatePersistence(this, props.persistence);
    this.retentionSize = retentionSizeFor(this, props.persistence ? 'persistence.size' : 'dataSizeLimit', props.persistence?.size ?? this.dataSizeLimit);
    validateDuration(this, 'evaluationInterval', props.evaluationInterval ?? '15s');
    this.retention = new Retention(this, props.retention, props.acceptShortRetention);
    for (const key of ['scrapeJobs', 'ruleGroups', 'remoteWrite', 'allowedClients', 'kubeStateMetricsNamespaces'] as const) expectOptional(this, key, props[key], 'array');
    expectOptional(this, 'externalLabels', props.externalLabels, 'map');
    Object.entries(props.externalLabels ?? {}).forEach(([label, value]) => {
      validateLabelName(this, 'externalLabels', label);
      expectType(this, `externalLabels.${label}`, value, 'string');
    });
    (props.remoteWrite ?? []).forEach((target, i) => {
      if (!(target instanceof RemoteWrite)) fail(this, `remoteWrite[${i}]`, `must be made by RemoteWrite.mimir(), RemoteWrite.thanosReceive() or RemoteWrite.victoriaMetrics(), got ${describeValue(target)}`);
    });
    this.remoteWrite = [...props.remoteWrite ?? []];
    this.remoteWriteConfigs = this.remoteWrite.map((target, i) => target._render(this, `remoteWrite[${i}]`,
      this.remoteWrite.filter((t) => t.store === target.store).length > 1 ? `${target.store}-${i}` : target.store, SECRETS_DIR));
    claimUniqueNames(this, this.remoteWriteConfigs.map((c) => c.name));
    const remoteWriteSecret = validateDnsLabel(this, 'remoteWriteSecretName', props.remoteWriteSecretName ?? `${this.name}-remote-write`);
    const needsSecret = this.remoteWriteConfigs.some((c) => c.basicAuth || c.authorization);
    this.shards = validateInteger(this, 'shards', props.shards ?? 1, 1);
    if (this.shards > 1 && props.externalLabels && SHARD_LABEL in props.externalLabels) {
      fail(this, 'externalLabels', `"${SHARD_LABEL}" is set per shard (0 to ${this.shards - 1}) with shards: ${this.shards}: drop it, or name your label otherwise`);
    }
    this.shardBy = props.shardBy ?? ShardBy.JOB;
    this.shardRuleEvaluation = props.shardRuleEvaluation ?? (this.shardBy === ShardBy.TARGET ? ShardRuleEvaluation.LONG_TERM_STORE : ShardRuleEvaluation.OWNING_SHARD);
    if (this.shards > 1) {
      if (!this.remoteWrite.some((target) => target.queryUrl)) fail(this, 'remoteWrite', `shards: ${this.shards} needs a remoteWrite target with a queryUrl: each shard holds only its share of the series`);
      if (props.ingress) fail(this, 'ingress', 'each shard holds only part of the series: expose the long-term store\'s query URL instead');
      if (this.shardBy === ShardBy.TARGET && this.shardRuleEvaluation !== ShardRuleEvaluation.LONG_TERM_STORE) {
        fail(this, 'shardRuleEvaluation', `"${this.shardRuleEvaluation}" does not go with shardBy "${this.shardBy}": no shard holds all of a job's targets, so its rules would judge a share; use LONG_TERM_STORE`);
      }
    }
    this.replicas = validateInteger(this, 'replicas', props.replicas ?? 1, 1);
    this.replicaExternalLabels = this.replicas > 1 ? replicaExternalLabels(this, props) : {};
    const labels = programLabels(this.name, 'prometheus');
    /*
     * Rule files are optional volumes: `kubectl apply -f <folder>` reads prometheus-deployment.yaml before
     * prometheus-rules.yaml, and a pod created in between would wait for them (FailedMount, then a retry). It
     * starts without rules instead, which the kubelet mounts within about a minute and Prometheus reloads
     * within 30s; until then it sends no Watchdog, so a dead man's switch also sees rules that never come.
     */
    this.rules = new ConfigMapShards(this, 'Rules', {
      name: `${this.name}-rules`, namespace: this.namespace, labels, mountPath: RULES_DIR, volumeName: 'rules', optional: true,
    });
    this.ownRuleFiles = this.shards > 1 && this.shardRuleEvaluation === ShardRuleEvaluation.OWNING_SHARD
      ? Array.from({ length: this.shards }, (_, i) => new OnDemandConfigMapShards(this, `Shard${i}Rules`, {
        name: `${this.name}-shard-${i}-rules`, namespace: this.namespace, labels, mountPath: SHARD_RULES_DIR, volumeName: 'shard-rules', optional: true,
      }))
      : [];

    this.jobFiles = Array.from({ length: this.shards }, (_, i) => new ScrapeJobFiles(this, this.shards === 1 ? 'ScrapeConfigs' : `Shard${i}ScrapeConfigs`, {
      name: this.shards === 1 ? `${this.name}-scrape-configs` : `${this.name}-shard-${i}-scrape-configs`,
      namespace: this.namespace, labels, mountPath: SCRAPE_CONFIGS_DIR,
      inlineBudgetBytes: INLINE_SCRAPE_JOBS_BUDGET / this.shards,
    }));

    this.rbac = new PrometheusRbac(this, 'Rbac', { name: this.name, namespace: this.namespace, labels });
    this.everyShardJobs.add(this.name);
    this.addScrapeJob(ScrapeJobs.staticTargets(this.name, [`localhost:${PORT}`], undefined, { namespace: this.namespace }));
    const runbookBaseUrl = this.runbookBaseUrl;
    if (props.selfMonitoringAlerts ?? true) {
      this.addRuleGroup(SelfMonitoringAlerts.rules({ prometheusJob: this.name, namespace: this.namespace, runbookBaseUrl }), MONITORING_RULES_FILE);
    }
    if (props.kubernetesMonitoring ?? true) {
      const infra = props.infrastructureAlerts ?? {};
      const ratio = { min: 0, max: 1, minExclusive: true };
      for (const key of ['cpuLimitRatio', 'memoryLimitRatio', 'throttledPeriodsRatio'] as const) {
        if (infra[key] !== undefined) validateNumber(this, `infrastructureAlerts.${key}`, infra[key], ratio);
      }
      // An empty list would make service discovery watch every namespace: any Service could then publish pod series.
      if (props.kubeStateMetricsNamespaces?.length === 0) fail(this, 'kubeStateMetricsNamespaces', 'must name at least one namespace: an empty list would trust kube-state-metrics series from every namespace');
      (props.kubeStateMetricsNamespaces ?? []).forEach((ns, i) => validateDnsLabel(this, `kubeStateMetricsNamespaces[${i}]`, ns));
      if (infra.namespaces?.length === 0) fail(this, 'infrastructureAlerts.namespaces', 'must name at least one namespace');
      for (const job of [ScrapeJobs.cadvisor(), ScrapeJobs.kubeStateMetrics(props.kubeStateMetricsNamespaces ?? ['kube-system', this.namespace])]) {
        this.clusterJobs.add(job.jobName);
        this.addScrapeJob(job);
      }
      this.addRuleGroup(InfrastructureAlerts.rules({ ...infra, namespaces: infra.namespaces ?? [this.namespace], runbookBaseUrl: infra.runbookBaseUrl ?? runbookBaseUrl }), 'infrastructure-alerts.yml');
    }
    (props.scrapeJobs ?? []).forEach((job) => this.addScrapeJob(job));
    (props.ruleGroups ?? []).forEach((group) => this.addRuleGroup(group));
    (props.alertmanagers ?? []).forEach((endpoint) => this.addAlertmanager(endpoint));

    this.configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: `${this.name}-config`, namespace: this.namespace, labels },
      data: Lazy.any({ produce: () => this.configData() }),
    });

    const configVolume = kplus.Volume.fromConfigMap(this, 'ConfigVolume', kplus.ConfigMap.fromConfigMapName(this, 'ConfigRef', `${this.name}-config`), { name: 'config' });
    const mounts = [
      { volume: configVolume, path: CONFIG_DIR, readOnly: true },
      // Remote-write credentials as files: never in prometheus.yml. Not optional: a missing Secret shows at once.
      ...(needsSecret ? [{ volume: kplus.Volume.fromSecret(this, 'RemoteWriteSecretVolume', kplus.Secret.fromSecretName(this, 'RemoteWriteSecretRef', remoteWriteSecret), { name: 'remote-write-secrets' }), path: SECRETS_DIR, readOnly: true }] : []),
    ];
    const serviceAccount = kplus.ServiceAccount.fromServiceAccountName(this, 'ServiceAccount', this.name);
    const workloadProps = (name: string, configFile: string) => ({
      name,
      namespace: this.namespace,
      program: 'prometheus',
      image: props.image ?? Versions.PROMETHEUS_IMAGE,
      args: [
        `--config.file=${CONFIG_DIR}/${configFile}`,
        `--storage.tsdb.path=${DATA_DIR}`,
        // Hot reload, built in: Prometheus re-reads prometheus.yml and the rule files when their checksum
        // changes, so an edit neither restarts the pod (losing an emptyDir TSDB) nor needs the lifecycle
        // API (`--web.enable-lifecycle` would let any client POST /-/quit).
        '--config.auto-reload',
        `--config.auto-reload-interval=${RELOAD_INTERVAL}`,
        `--web.listen-address=:${PORT}`,
      ],
      port: PORT,
      livenessPath: '/-/healthy',
      readinessPath: '/-/ready',
      // Ready within a second on an empty TSDB (measured under load: test/probes.test.ts); replaying the WAL of
      // a large head kept in a PVC can take minutes.
      startup: { firstProbeSeconds: 5, maxSeconds: 900 },
      uid: UID,
      replicas: this.replicas,
      env: this.replicas > 1 ? { [POD_NAME_ENV]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME) } : undefined,
      statefulSet: this.replicas > 1 ? { headlessServiceName: `${name}-headless` } : undefined,
      resources: props.resources ?? { cpuRequestMillis: 250, cpuLimitMillis: 1000, memoryRequestMebibytes: 512, memoryLimitMebibytes: 2048 },
      serviceAccount,
      automountServiceAccountToken: true, // Kubernetes service discovery and the cAdvisor proxy need the token
      mounts,
      dataPath: DATA_DIR,
      persistence: props.persistence,
      dataSizeLimit: this.dataSizeLimit,
      networkPolicy: (props.networkPolicy ?? true) ? { restrictIngress: true } : undefined,
      ingress: props.ingress,
    });
    if (this.shards === 1) {
      this.workloads = [new ProgramWorkload(this, 'Workload', workloadProps(this.name, 'prometheus.yml'))];
    } else {
      // One workload per shard, `<name>-shard-<i>`, each with its own file of the one ConfigMap; every pod keeps
      // `app: <name>`, so the Alertmanager's and Grafana's NetworkPolicies admit every shard.
      this.workloads = Array.from({ length: this.shards }, (_, i) => new ProgramWorkload(this, `Shard${i}`, {
        ...workloadProps(`${this.name}-shard-${i}`, shardConfigFile(i)),
        app: this.name,
        extraSelectorLabels: { [SHARD_LABEL]: `${i}` },
      }));
    }
    this.workload = this.workloads[0];
    this.workloads.forEach((workload, i) => {
      if (this.loadsRuleFiles) this.rules.mountInto(workload.container);
      this.jobFiles[i].mountInto(workload.container);
      this.ownRuleFiles[i]?.mountInto(workload.container);
    });
    this.node.addValidation({ validate: () => this.oversizedConfig() });
    this.podSelector = this.shards === 1 ? this.workload.podSelector : selectorLabels(this.name);
    (props.allowedClients ?? []).forEach((peer) => this.allowAccessFrom(peer.podLabels, peer.namespace));
  }

  /** The workload of each shard (one without `shards`). */
  public get shardWorkloads(): ProgramWorkload[] {
    return [...this.workloads];
  }

  /**
   * With {@link ShardRuleEvaluation.OWNING_SHARD}, the ConfigMaps of each shard's own rule files (`<name>-shard-<i>-rules`),
   * by shard number; a shard that runs no group of its own has none.
   */
  public get shardRules(): Record<string, ConfigMapShards> {
    return Object.fromEntries(this.ownRuleFiles.flatMap((own, shard) => (own.configMaps ? [[`${shard}`, own.configMaps]] : [])));
  }

  /**
   * The ConfigMaps of the scrape job files, once the jobs outgrow prometheus.yml (each job a `<job>.yml` loaded
   * through `scrape_config_files`): `<name>-scrape-configs`, or `<name>-shard-<i>-scrape-configs` per shard.
   * Empty while every job fits in prometheus.yml.
   */
  public get scrapeConfigFiles(): ConfigMapShards[] {
    return this.jobFiles.flatMap((files) => files.configMaps ?? []);
  }

  /**
   * The shard that scrapes job `jobName`, with {@link ShardBy.JOB}: the `hashmod` of its name (see
   * {@link Sharding.hashmod}), shard 0 for the cluster's jobs (cAdvisor and kube-state-metrics, which the
   * infrastructure alerts join), and undefined for the self-scrape that every shard runs (and for every job
   * with {@link ShardBy.TARGET}, whose targets are on every shard). 0 without shards.
   * @param jobName the job's name
   */
  public shardOfJob(jobName: string): number | undefined {
    if (this.shards === 1) return 0;
    if (this.shardBy === ShardBy.TARGET || this.everyShardJobs.has(jobName)) return undefined;
    return this.clusterJobs.has(jobName) ? 0 : Sharding.hashmod(jobName, this.shards);
  }

  /**
   * Adds a scrape job; its `jobName` must be unique.
   * @param job the job, such as one of {@link ScrapeJobs}
   */
  public addScrapeJob(job: ScrapeConfig): this {
    expectType(this, 'scrapeJobs', job, 'object');
    if (!job.jobName) fail(this, 'scrapeJobs', 'a scrape job needs a jobName');
    expectType(this, 'scrapeJobs.jobName', job.jobName, 'string');
    claimUnique(this, 'scrapeJobs', this.jobNames, job.jobName, 'scrape job name');
    validateScrapeJob(this, `scrapeJobs[${job.jobName}]`, job, this.scrapeInterval);
    this.scrapeConfigs.push(job);
    const shard = this.shardOfJob(job.jobName);
    this.jobFiles.forEach((files, i) => {
      if (shard === undefined || shard === i) {
        files.add(this.shardBy === ShardBy.TARGET && !this.everyShardJobs.has(job.jobName) ? Sharding.scrapeJob(job, i, this.shards) : job);
      }
    });
    this.rbac.addScrapeJob(job);
    this.rendered = undefined;
    return this;
  }

  /**
   * Adds scrape jobs, each as {@link addScrapeJob} does. The variant for jobs built beforehand, such as those of
   * {@link ScrapeJobs}: in Python, `add_scrape_job` takes a job's fields as keyword arguments (jsii turns a
   * trailing struct parameter into keyword arguments), `add_scrape_jobs` takes `ScrapeConfig` objects:
   * `prometheus.add_scrape_jobs(ScrapeJobs.kubernetes_service(...))`.
   * @param jobs the jobs
   */
  public addScrapeJobs(...jobs: ScrapeConfig[]): this {
    jobs.forEach((job) => this.addScrapeJob(job));
    return this;
  }

  /**
   * Adds a rule group to a rule file (a key of the rules ConfigMap). Alert and group names must be unique
   * on this server; expressions must parse.
   * @param group the rule group
   * @param fileName the rule file, a plain file name ending in `.yml`; by default {@link PrometheusServer.CUSTOM_RULES_FILE}
   */
  public addRuleGroup(group: RuleGroup, fileName: string = CUSTOM_RULES_FILE): this {
    expectType(this, 'ruleGroups', group, 'object');
    validateRuleFileName(this, fileName);
    validateRuleGroup(this, group, this.ruleNames);
    const groups = this.ruleFiles.get(fileName) ?? [];
    groups.push(group);
    this.ruleFiles.set(fileName, groups);
    const shard = this.ownRuleFiles.length ? this.shardOfGroup(group) : undefined;
    this.groupShards.set(group, shard);
    this.groupYaml.set(group, ruleGroupYaml(group));
    // The file as the ConfigMaps of the group's shard (or of every shard) hold it: its groups that run there.
    const sameShard = groups.filter((g) => this.groupShards.get(g) === shard);
    (shard === undefined ? this.rules : this.ownRuleFiles[shard]).put(fileName, ruleFileYaml(sameShard.map((g) => this.groupYaml.get(g)!)));
    this.rendered = undefined; // rule_files lists one folder per rules ConfigMap
    return this;
  }

  /**
   * Keeps at least `window` of samples, which the rules of `what` read: the default retention grows to it, and
   * an explicit shorter `retention` fails here, naming `what`, unless `acceptShortRetention` and `budgetOnly`
   * (only an error budget's figures, not an alert, would be counted over less). Nothing is needed when a
   * long-term store's ruler evaluates the rules.
   * @internal
   */
  public _requireRetention(window: string, what: string, budgetOnly: boolean): void {
    if (!this.loadsRuleFiles) return;
    this.retention.require(window, what, budgetOnly);
    this.rendered = undefined;
  }

  /** {@link url} from this namespace, {@link clusterUrl} from any other. */
  public urlFrom(clientNamespace: string): string {
    return addressFrom(this.namespace, clientNamespace, this.url, this.clusterUrl);
  }

  /** Its pods (every replica and shard) and port, for clients' NetworkPolicies. */
  public networkDestination(): NetworkDestination | undefined {
    return { peer: { podLabels: this.podSelector, namespace: this.namespace }, port: this.port };
  }

  /**
   * Sends alerts to one more Alertmanager.
   * @param endpoint an {@link AlertRouter}, or `{ address: 'host:port' }`
   */
  public addAlertmanager(endpoint: IAlertmanagerEndpoint): this {
    const field = `alertmanagers[${this.alertmanagers.length}]`;
    if (endpoint === null || typeof endpoint !== 'object' || typeof endpoint.targetsFrom !== 'function') {
      fail(this, field, `must be an AlertRouter or AlertRouter.fromAddress('host:port'), got ${describeValue(endpoint)}`);
    }
    // Prometheus dials each as written: a host and a port, no scheme or path.
    for (const target of endpoint.targetsFrom(this.namespace)) {
      if (typeof target !== 'string' || !/^([A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/.test(target)) {
        fail(this, field, `${describeValue(target)} is not an Alertmanager address as host:port (e.g. alertmanager.monitoring.svc:9093)`);
      }
    }
    this.alertmanagers.push(endpoint);
    this.rendered = undefined;
    return this;
  }

  /**
   * Lets pods with these labels (in `namespace`, by default this one) reach Prometheus through its NetworkPolicy.
   * @param podSelector labels of the client pods
   * @param namespace the clients' namespace; by default this server's
   */
  public allowAccessFrom(podSelector: Record<string, string>, namespace?: string): this {
    this.workloads.forEach((workload) => workload.allowAccessFrom({ podLabels: podSelector, namespace }));
    return this;
  }

  /** The scrape jobs, in the order they appear in prometheus.yml (a copy). */
  public get scrapeJobs(): ScrapeConfig[] {
    return [...this.scrapeConfigs];
  }

  /** The rule groups per rule file name (a copy). */
  public get ruleGroupsByFile(): Record<string, RuleGroup[]> {
    return Object.fromEntries([...this.ruleFiles].map(([file, groups]) => [file, [...groups]]));
  }

  /**
   * The prometheus.yml model, as it is written at synth (in camelCase: the file has the same fields in
   * snake_case); with `shards`, that of shard `shard`.
   * @param shard the shard's number, from 0
   */
  public renderConfig(shard?: number): PrometheusConfigFile {
    const sharded = this.shards > 1 && shard !== undefined;
    if (sharded && (!Number.isInteger(shard) || shard < 0 || shard >= this.shards)) fail(this, 'shard', `${shard} is not a shard of 0..${this.shards - 1}`);
    const shardLabel: Record<string, string> = sharded ? { [SHARD_LABEL]: `${shard}` } : {};
    // Without a shard number, a sharded server's jobs are shown whole.
    const jobFiles = sharded || this.shards === 1 ? this.jobFiles[sharded ? shard! : 0] : undefined;
    const external = sortedMap({ ...this.props.externalLabels, ...shardLabel, ...this.replicaExternalLabels });
    return {
      globalConfig: {
        scrapeInterval: this.scrapeInterval,
        evaluationInterval: this.props.evaluationInterval ?? '15s',
        ...(external && Object.keys(external).length ? { externalLabels: external } : {}),
      },
      ...(this.alertmanagers.length
        ? {
          alerting: {
            // Replicas raise the same alerts: without their replica label those are identical, and the
            // Alertmanagers notify once.
            ...(this.replicas > 1 ? { alertRelabelConfigs: Object.keys(this.replicaExternalLabels).map((label) => ({ regex: label, action: RelabelAction.LABELDROP })) } : {}),
            alertmanagers: [{ staticConfigs: [{ targets: this.alertmanagers.flatMap((a) => a.targetsFrom(this.namespace)) }] }],
          },
        }
        : {}),
      ...(sharded && !this.loadsRuleFiles ? {} : {
        ruleFiles: [...this.rules.shards, ...sharded ? this.ownRuleFiles[shard!]?.configMaps?.shards ?? [] : []].map((s) => `${s.mountPath}/*.yml`),
      }),
      ...(jobFiles?.globs.length ? { scrapeConfigFiles: jobFiles.globs } : {}),
      // Each shard scrapes itself, and its share of the other jobs.
      scrapeConfigs: jobFiles?.jobs ?? [...this.scrapeConfigs],
      ...(this.remoteWriteConfigs.length ? { remoteWrite: [...this.remoteWriteConfigs] } : {}),
      storage: { tsdb: { retention: { time: this.retention.time, size: this.retentionSize } } },
    };
  }

  /** Whether the servers load the rule files: not when the long-term store's ruler runs them. */
  private get loadsRuleFiles(): boolean {
    return this.shards === 1 || this.shardRuleEvaluation === ShardRuleEvaluation.OWNING_SHARD;
  }

  /**
   * The shard whose jobs a rule group's expressions name (`job="..."`), or undefined when it names none (or
   * only the self-scrape): every shard runs it then.
   */
  private shardOfGroup(group: RuleGroup): number | undefined {
    const jobs = new Set<string>();
    let unplacedAbsent: AlertRule | RecordingRule | undefined;
    for (const rule of group.rules) {
      const scope = jobScope(rule.expr);
      scope.jobs.forEach((job) => jobs.add(job));
      if (scope.unplacedAbsent) unplacedAbsent ??= rule;
    }
    const byShard = new Map<number, string[]>();
    for (const job of [...jobs].sort()) {
      const shard = this.shardOfJob(job);
      if (shard !== undefined) byShard.set(shard, [...byShard.get(shard) ?? [], job]);
    }
    const field = `ruleGroups[${group.name}]`;
    if (byShard.size > 1) {
      const where = [...byShard].map(([shard, names]) => `${names.join(', ')} on shard ${shard}`).join('; ');
      fail(this, field, `reads jobs of several shards (${where}): no shard can evaluate it. Split the group per job, or set shardRuleEvaluation: LONG_TERM_STORE`);
    }
    const [shard] = [...byShard.keys()];
    if (shard === undefined && unplacedAbsent) {
      const name = 'alert' in unplacedAbsent ? `alert ${unplacedAbsent.alert}` : `record ${unplacedAbsent.record}`;
      fail(this, field, `${name}: "${unplacedAbsent.expr}" has an absent() of series that no job="..." matcher places on a shard, so every shard would run it and those without the series would fire it: add the job's matcher`);
    }
    return shard;
  }

  /** The configuration ConfigMap must fit in one object; the scrape jobs leave it when they are many. */
  private oversizedConfig(): string[] {
    const bytes = Object.entries(this.configData()).reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value), 0);
    return bytes > CONFIG_MAP_DATA_LIMIT
      ? [`${this.name}-config: ${bytes} bytes do not fit in one ConfigMap (1 MiB), though the scrape jobs are in files of their own: shorten remoteWrite's writeRelabelConfigs or externalLabels`]
      : [];
  }

  private configData(): Record<string, string> {
    this.rendered ??= this.shards === 1
      ? { 'prometheus.yml': toYaml(renderPrometheusConfig(this.renderConfig())) }
      : Object.fromEntries(Array.from({ length: this.shards }, (_, i) => [shardConfigFile(i), toYaml(renderPrometheusConfig(this.renderConfig(i)))]));
    return this.rendered;
  }
}

function claimUniqueNames(scope: Construct, names: string[]): void {
  const seen = new Set<string>();
  names.forEach((name, i) => claimUnique(scope, `remoteWrite[${i}].name`, seen, name, 'remote_write name'));
}
