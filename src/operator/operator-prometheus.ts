import { ApiObject, Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  Prometheus, PrometheusSpecAlertingAlertmanagers, PrometheusSpecAlertingAlertmanagersApiVersion, PrometheusSpecAlertingAlertmanagersPort,
  PrometheusSpecRemoteWrite, PrometheusSpecRemoteWriteWriteRelabelConfigsAction, PrometheusSpecResourcesRequests,
  PrometheusSpecServiceDiscoveryRole, PrometheusSpecStorageEmptyDirSizeLimit,
  PrometheusSpecStorageVolumeClaimTemplateSpecResourcesRequests,
} from '../../imports/prometheuses-monitoring.coreos.com';
import { addressFrom, IPrometheusEndpoint, NetworkDestination, NetworkPeer } from '../common/endpoints';
import { fail } from '../common/errors';
import { imageVersion, programLabels, selectorLabels } from '../common/labels';
import { ResourceSpec } from '../common/resources';
import { validateScrapeJob } from '../prometheus/scrape-job-validation';
import { sortedMap, toYaml } from '../common/serialize';
import { PersistenceOptions, validatePersistence } from '../common/storage';
import { checkUniqueObjects } from '../common/unique-objects';
import {
  claimUnique, describeValue, expectOptional, expectType, validateDnsLabel, validateDuration, validateImage, validateInteger, validateLabelName,
  validateScrapeInterval,
} from '../common/validation';
import { Versions } from '../common/versions';
import { KubernetesSdRole, ScrapeConfig } from '../prometheus/config-model';
import { renderScrapeConfig } from '../prometheus/config-render';
import { replicaExternalLabels } from '../prometheus/high-availability';
import { PrometheusRbac } from '../prometheus/prometheus-rbac';
import { RemoteWrite } from '../prometheus/remote-write';
import { Retention, retentionSizeFor } from '../prometheus/retention';
import { OperatorAlertmanager } from './operator-alertmanager';
import { addAllowedClients, addNetworkClient, exposeOperatorPods, operatorResources, operatorStorage, restrictedPodSecurityContext } from './operator-pod';
import { OperatorSelection, RenderedSelection, renderSelection } from './operator-selection';
import { OperatorTarget } from '../delivery/operator/operator-target';

/** Props of {@link OperatorPrometheus}. */
export interface OperatorPrometheusProps {
  /**
   * Name of the Prometheus resource (the Operator's StatefulSet is `prometheus-<name>`), of its ServiceAccount and
   * RBAC; the Service is `<name>-service`.
   * @default 'prometheus'
   */
  readonly name?: string;
  /**
   * Namespace of every namespaced object.
   * @default - the chart's namespace, else 'mlops'
   */
  readonly namespace?: string;
  /**
   * Container image, pinned; the Operator is told its version (from the tag) to choose the flags.
   * @default - Versions.PROMETHEUS_IMAGE
   */
  readonly image?: string;
  /**
   * Number of identical replicas, each scraping every target and evaluating every rule; each carries the
   * external label `replicaLabel` (its pod name), which the Operator drops from the alerts it sends.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * External label naming the replica (the Operator's `replicaExternalLabelName`).
   * @default 'replica'
   */
  readonly replicaLabel?: string;
  /**
   * Default scrape interval of the monitors.
   * @default '15s'
   */
  readonly scrapeInterval?: string;
  /**
   * How often rules are evaluated.
   * @default '15s'
   */
  readonly evaluationInterval?: string;
  /**
   * How long samples are kept. As for {@link PrometheusServer}: the default grows to the longest SLO window
   * this Prometheus evaluates, and a shorter explicit one is refused unless `acceptShortRetention`.
   * @default - 15d, or the longest window of the SLOs this Prometheus evaluates when longer
   */
  readonly retention?: string;
  /**
   * Accept a `retention` shorter than an SLO's window (not shorter than its alerts' windows): see
   * {@link PrometheusServerOptions.acceptShortRetention}.
   * @default false
   */
  readonly acceptShortRetention?: boolean;
  /**
   * Keep the TSDB in a PersistentVolumeClaim per pod (the StatefulSet's volumeClaimTemplate).
   * @default - an emptyDir of `dataSizeLimit`: data is lost when a pod goes
   */
  readonly persistence?: PersistenceOptions;
  /**
   * Size limit of the emptyDir TSDB volume without `persistence`. The TSDB is bounded by `retentionSize`, 85% of
   * the volume either way. At least 512Mi.
   * @default '10Gi'
   */
  readonly dataSizeLimit?: string;
  /**
   * Labels added to every series and alert sent out (e.g. `{ cluster: 'prod' }`).
   * @default - none
   */
  readonly externalLabels?: Record<string, string>;
  /**
   * Long-term stores every sample is also written to. Credentials are keys of the Secret
   * `remoteWriteSecretName` (SecretKeySelectors: the Operator mounts them); basic-auth user names, which the
   * Operator also reads from a Secret, go into the Secret `<name>-remote-write-users` this construct writes.
   * @default - none
   */
  readonly remoteWrite?: RemoteWrite[];
  /**
   * Secret holding the remote-write passwords and tokens, created out of band.
   * @default '<name>-remote-write'
   */
  readonly remoteWriteSecretName?: string;
  /**
   * Requests and limits of the prometheus container.
   * @default - 250m/1 CPU, 512Mi/2Gi memory
   */
  readonly resources?: ResourceSpec;
  /**
   * The ServiceMonitors scraped.
   * @default - every ServiceMonitor in this Prometheus's namespace
   */
  readonly serviceMonitors?: OperatorSelection;
  /**
   * The PodMonitors scraped.
   * @default - every PodMonitor in this Prometheus's namespace
   */
  readonly podMonitors?: OperatorSelection;
  /**
   * The PrometheusRules loaded.
   * @default - every PrometheusRule in this Prometheus's namespace
   */
  readonly rules?: OperatorSelection;
  /**
   * Alertmanagers the alerts go to.
   * @default - none; add with {@link OperatorPrometheus.addAlertmanager}
   */
  readonly alertmanagers?: OperatorAlertmanager[];
  /**
   * Scrape jobs no monitor describes (cAdvisor, kube-state-metrics, see {@link ScrapeJobs}), given to the Operator
   * as `additionalScrapeConfigs` in the Secret `<name>-additional-scrape-configs`; the RBAC grows to what they
   * discover.
   * @default - none
   */
  readonly scrapeJobs?: ScrapeConfig[];
  /**
   * Create a NetworkPolicy: only Prometheus's own pods and the pods given to `allowedClients` (Grafana) reach
   * port 9090.
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * Pods allowed through the NetworkPolicy (e.g. Grafana). The same as `allowAccessFrom`.
   * @default - none
   */
  readonly allowedClients?: NetworkPeer[];
}

const PORT = 9090;
const DEFAULT_RESOURCES: ResourceSpec = { cpuRequestMillis: 250, cpuLimitMillis: 1000, memoryRequestMebibytes: 512, memoryLimitMebibytes: 2048 };
/** Key of the additional scrape configs in their Secret. */
const SCRAPE_CONFIGS_KEY = 'scrape-configs.yaml';

/**
 * A Prometheus run by the Prometheus Operator (a `monitoring.coreos.com/v1` Prometheus resource) with this
 * library's opinions: a pinned image, Pod Security "restricted", bounded storage (`retentionSize` 85% of the
 * volume), a retention that holds the SLO windows, typed selectors for the monitors and rules it reads, and
 * least-privilege RBAC: list/watch on endpointslices, pods and services in the namespaces it searches (a
 * ClusterRole only when it searches all of them), nothing else.
 */
export class OperatorPrometheus extends Construct implements IPrometheusEndpoint {
  /** Name of the Prometheus resource. */
  public readonly name: string;
  /** Namespace of every namespaced object. */
  public readonly namespace: string;
  /** Name of the Service in front of the pods. */
  public readonly serviceName: string;
  /** `http://<service>:9090`, resolvable from the same namespace. */
  public readonly url: string;
  /** `http://<service>.<namespace>.svc:9090`, resolvable from any namespace. */
  public readonly clusterUrl: string;
  /** Port of the HTTP API and UI. */
  public readonly port = PORT;
  /** Labels the Operator puts on the Prometheus pods (their selector). */
  public readonly podSelector: Record<string, string>;
  /** ServiceAccount and the Roles (or ClusterRole) its discovery needs. */
  public readonly rbac: PrometheusRbac;
  /** The Prometheus custom resource. */
  public readonly resource: ApiObject;

  private readonly retention: Retention;
  private readonly alertmanagers: OperatorAlertmanager[] = [];
  private readonly scrapeJobs: ScrapeConfig[] = [];
  private readonly jobNames = new Set<string>();
  private readonly scrapeInterval: string;
  private readonly labels: Record<string, string>;
  private readonly clients: NetworkPeer[] = [];
  /** The ServiceMonitors, PodMonitors and PrometheusRules it selects, as rendered. */
  private readonly selections: Record<'serviceMonitors' | 'podMonitors' | 'rules', RenderedSelection>;

  /**
   * @param scope the parent construct
   * @param id the construct's id
   * @param props name, namespace, storage, selectors and Alertmanagers
   */
  constructor(scope: Construct, id: string, props: OperatorPrometheusProps = {}) {
    super(scope, id);
    checkUniqueObjects(this);
    props ??= {};
    expectType(this, 'props', props, 'object');
    this.name = validateDnsLabel(this, 'name', props.name ?? 'prometheus');
    this.namespace = validateDnsLabel(this, 'namespace', props.namespace ?? Chart.of(this).namespace ?? 'mlops');
    this.serviceName = `${this.name}-service`;
    this.url = `http://${this.serviceName}:${PORT}`;
    this.clusterUrl = `http://${this.serviceName}.${this.namespace}.svc:${PORT}`;
    const image = validateImage(this, 'image', props.image ?? Versions.PROMETHEUS_IMAGE);
    const replicas = validateInteger(this, 'replicas', props.replicas ?? 1, 1);
    this.scrapeInterval = validateScrapeInterval(this, 'scrapeInterval', props.scrapeInterval ?? '15s');
    const evaluationInterval = validateDuration(this, 'evaluationInterval', props.evaluationInterval ?? '15s');
    if (props.persistence) validatePersistence(this, props.persistence);
    const dataSizeLimit = props.dataSizeLimit ?? '10Gi';
    const retentionSize = retentionSizeFor(this, props.persistence ? 'persistence.size' : 'dataSizeLimit', props.persistence?.size ?? dataSizeLimit);
    this.retention = new Retention(this, props.retention, props.acceptShortRetention);
    expectOptional(this, 'externalLabels', props.externalLabels, 'map');
    Object.entries(props.externalLabels ?? {}).forEach(([label, value]) => {
      validateLabelName(this, 'externalLabels', label);
      expectType(this, `externalLabels.${label}`, value, 'string');
    });
    // The same checks as the stack's replicas: a label no series carries, not among the external labels.
    const replicaLabel = Object.keys(replicaExternalLabels(this, props))[0];
    for (const key of ['remoteWrite', 'alertmanagers', 'scrapeJobs'] as const) expectOptional(this, key, props[key], 'array');
    const resources = operatorResources(this, props.resources ?? DEFAULT_RESOURCES, (q) => PrometheusSpecResourcesRequests.fromString(q));
    this.labels = programLabels(this.name, 'prometheus', imageVersion(image));
    const labels = this.labels;
    const remoteWriteSecret = validateDnsLabel(this, 'remoteWriteSecretName', props.remoteWriteSecretName ?? `${this.name}-remote-write`);
    const remoteWrite = this.renderRemoteWrite(props.remoteWrite ?? [], remoteWriteSecret);
    const serviceMonitors = renderSelection(this, 'serviceMonitors', props.serviceMonitors, this.namespace);
    const podMonitors = renderSelection(this, 'podMonitors', props.podMonitors, this.namespace);
    const rules = renderSelection(this, 'rules', props.rules, this.namespace);
    this.selections = { serviceMonitors, podMonitors, rules };
    // The Operator's own pod labels (pkg/prometheus/server makeSelectorLabels): what its StatefulSet selects.
    this.podSelector = { 'app.kubernetes.io/name': 'prometheus', 'prometheus': this.name };

    this.rbac = new PrometheusRbac(this, 'Rbac', { name: this.name, namespace: this.namespace, labels });
    // What the Operator's generated configuration discovers, as the scrape jobs PrometheusRbac derives grants from:
    // the endpoint slices (and their pods and services) of ServiceMonitors, the pods of PodMonitors.
    this.rbac.addScrapeJob(discoveryJob('servicemonitors', KubernetesSdRole.ENDPOINTSLICE, serviceMonitors.namespaces));
    this.rbac.addScrapeJob(discoveryJob('podmonitors', KubernetesSdRole.POD, podMonitors.namespaces));

    const storage = operatorStorage(props.persistence, dataSizeLimit, (q) => PrometheusSpecStorageVolumeClaimTemplateSpecResourcesRequests.fromString(q), (q) => PrometheusSpecStorageEmptyDirSizeLimit.fromString(q));

    (props.scrapeJobs ?? []).forEach((job) => this.addScrapeJob(job));

    this.resource = new Prometheus(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      spec: {
        image,
        ...(imageVersion(image) ? { version: imageVersion(image) } : {}),
        replicas,
        replicaExternalLabelName: replicaLabel,
        scrapeInterval: this.scrapeInterval,
        evaluationInterval,
        // Lazy: SLOs added later may grow it.
        retention: Lazy.any({ produce: () => this.retention.time }),
        retentionSize,
        ...(props.externalLabels && Object.keys(props.externalLabels).length ? { externalLabels: sortedMap(props.externalLabels) } : {}),
        serviceAccountName: this.name,
        // Kubernetes service discovery needs the token; the ServiceAccount itself does not mount it everywhere.
        automountServiceAccountToken: true,
        // EndpointSlice: the v1 Endpoints API is deprecated from Kubernetes 1.33.
        serviceDiscoveryRole: PrometheusSpecServiceDiscoveryRole.ENDPOINT_SLICE,
        // The stack's own pod labels, which its NetworkPolicies and Grafana's select; the Operator adds its own.
        podMetadata: { labels: selectorLabels(this.name) },
        securityContext: restrictedPodSecurityContext(),
        resources,
        storage,
        serviceMonitorSelector: serviceMonitors.selector,
        serviceMonitorNamespaceSelector: serviceMonitors.namespaceSelector,
        podMonitorSelector: podMonitors.selector,
        podMonitorNamespaceSelector: podMonitors.namespaceSelector,
        ruleSelector: rules.selector,
        ruleNamespaceSelector: rules.namespaceSelector,
        ...(remoteWrite.length ? { remoteWrite } : {}),
        alerting: Lazy.any({ produce: () => (this.alertmanagers.length ? { alertmanagers: this.alertmanagers.map(alertmanagerEndpoint) } : undefined) }),
        additionalScrapeConfigs: Lazy.any({ produce: () => (this.scrapeJobs.length ? { name: this.additionalScrapeConfigsName, key: SCRAPE_CONFIGS_KEY } : undefined) }),
      },
    });
    exposeOperatorPods(this, {
      name: this.name, namespace: this.namespace, labels, serviceName: this.serviceName, podSelector: this.podSelector, port: PORT,
      networkPolicy: props.networkPolicy ?? true, clients: this.clients,
    });
    addAllowedClients(this, this.clients, props.allowedClients);
    (props.alertmanagers ?? []).forEach((am) => this.addAlertmanager(am));
  }

  /**
   * Lets pods with these labels (in `namespace`, by default this one) reach Prometheus through its NetworkPolicy.
   * @param podSelector labels of the client pods
   * @param namespace the clients' namespace; by default this Prometheus's
   */
  public allowAccessFrom(podSelector: Record<string, string>, namespace?: string): this {
    addNetworkClient(this, this.clients, podSelector, namespace);
    return this;
  }

  /**
   * Sends alerts to one more Operator-managed Alertmanager (through its Service, whose endpoint slices this
   * Prometheus may then list).
   * @param alertmanager the Alertmanager
   */
  public addAlertmanager(alertmanager: OperatorAlertmanager): this {
    const field = `alertmanagers[${this.alertmanagers.length}]`;
    if (!(alertmanager instanceof OperatorAlertmanager)) fail(this, field, `must be an OperatorAlertmanager, got ${describeValue(alertmanager)}`);
    this.alertmanagers.push(alertmanager);
    alertmanager.allowAccessFrom(this.podSelector, this.namespace);
    this.rbac.addScrapeJob(discoveryJob(`alertmanager-${alertmanager.namespace}`, KubernetesSdRole.ENDPOINTSLICE, [alertmanager.namespace]));
    return this;
  }

  /**
   * The {@link OperatorTarget} of this Prometheus (and of `alertmanager`) for a {@link PrometheusOperatorDelivery}:
   * its monitors carry the labels both monitor selectors match, its rules those of the rule selector, its
   * AlertmanagerConfig those of the Alertmanager's; and the namespaces are those every one of them reads, so that
   * whatever the delivery accepts, this Prometheus and Alertmanager select.
   * @param alertmanager the Alertmanager that merges the applications' AlertmanagerConfigs
   */
  public operatorTarget(alertmanager?: OperatorAlertmanager): OperatorTarget {
    if (alertmanager !== undefined && !(alertmanager instanceof OperatorAlertmanager)) fail(this, 'alertmanager', `must be an OperatorAlertmanager, got ${describeValue(alertmanager)}`);
    const { serviceMonitors, podMonitors, rules } = this.selections;
    // One delivery labels its monitor one way: the labels of both selectors, which must not disagree.
    const monitorSelector = { ...serviceMonitors.selector.matchLabels };
    for (const [key, value] of Object.entries(podMonitors.selector.matchLabels)) {
      if (key in monitorSelector && monitorSelector[key] !== value) {
        fail(this, 'podMonitors.matchLabels', `"${key}" is "${value}" here and "${monitorSelector[key]}" for serviceMonitors: a delivery labels its monitor once, so both selectors must agree`);
      }
      monitorSelector[key] = value;
    }
    const read = [serviceMonitors, podMonitors, rules, ...(alertmanager ? [alertmanager._configSelection] : [])].map((s) => s.namespaces);
    const listed = read.filter((names): names is string[] => names !== undefined);
    const namespaces = listed.length ? listed.reduce((common, names) => common.filter((ns) => names.includes(ns))) : undefined;
    if (namespaces?.length === 0) {
      fail(this, 'rules.namespaces', `no namespace is read for monitors, rules${alertmanager ? ' and AlertmanagerConfigs' : ''} alike (${listed.map((names) => `[${names.join(', ')}]`).join(' ∩ ')}): an application delivered anywhere would be partly ignored`);
    }
    const target = OperatorTarget.custom({
      monitorSelector: sortedMap(monitorSelector),
      ruleSelector: rules.selector.matchLabels,
      ...(namespaces ? { namespaces } : {}),
      ...(alertmanager ? {
        alertmanagerConfigSelector: alertmanager._configSelection.selector.matchLabels,
        matcherStrategy: alertmanager.matcherStrategy,
        alertmanagerNamespace: alertmanager.namespace,
      } : {}),
    });
    target._retentionOwner = this;
    return target;
  }

  /**
   * Adds a scrape job no monitor describes, to the `additionalScrapeConfigs`; its `jobName` must be unique.
   * @param job the job, such as one of {@link ScrapeJobs}
   */
  public addScrapeJob(job: ScrapeConfig): this {
    expectType(this, 'scrapeJobs', job, 'object');
    if (!job.jobName) fail(this, 'scrapeJobs', 'a scrape job needs a jobName');
    expectType(this, 'scrapeJobs.jobName', job.jobName, 'string');
    claimUnique(this, 'scrapeJobs', this.jobNames, job.jobName, 'scrape job name');
    validateScrapeJob(this, `scrapeJobs[${job.jobName}]`, job, this.scrapeInterval);
    if (this.scrapeJobs.length === 0) {
      new k8s.KubeSecret(this, 'AdditionalScrapeConfigs', {
        metadata: { name: this.additionalScrapeConfigsName, namespace: this.namespace, labels: this.labels },
        // Scrape jobs hold no credential (their tokens and passwords are files), but the Operator reads them from a Secret only.
        stringData: Lazy.any({ produce: () => ({ [SCRAPE_CONFIGS_KEY]: toYaml(this.scrapeJobs.map(renderScrapeConfig)) }) }),
      });
    }
    this.scrapeJobs.push(job);
    this.rbac.addScrapeJob(job);
    return this;
  }

  /**
   * Keeps at least `window` of samples, which the rules of `what` read (see {@link PrometheusServer}).
   * @internal
   */
  public _requireRetention(window: string, what: string, budgetOnly: boolean): void {
    this.retention.require(window, what, budgetOnly);
  }

  /** The Secret of the `additionalScrapeConfigs`, made with the first scrape job. */
  private get additionalScrapeConfigsName(): string {
    return `${this.name}-additional-scrape-configs`;
  }

  /** {@link url} from this namespace, {@link clusterUrl} from any other. */
  public urlFrom(clientNamespace: string): string {
    return addressFrom(this.namespace, clientNamespace, this.url, this.clusterUrl);
  }

  /** Its pods and port, for clients' NetworkPolicies. */
  public networkDestination(): NetworkDestination | undefined {
    return { peer: { podLabels: this.podSelector, namespace: this.namespace }, port: this.port };
  }

  /** The remote-write targets as the Operator takes them; credentials as SecretKeySelectors, never values. */
  private renderRemoteWrite(targets: RemoteWrite[], secretName: string): PrometheusSpecRemoteWrite[] {
    targets.forEach((target, i) => {
      if (!(target instanceof RemoteWrite)) fail(this, `remoteWrite[${i}]`, `must be made by RemoteWrite.mimir(), RemoteWrite.thanosReceive() or RemoteWrite.victoriaMetrics(), got ${describeValue(target)}`);
    });
    const users: Record<string, string> = {};
    const names = new Set<string>();
    const rendered = targets.map((target, i): PrometheusSpecRemoteWrite => {
      const field = `remoteWrite[${i}]`;
      // The same checks and defaults as the stack's prometheus.yml; the file paths it writes are not used here.
      const config = target._render(this, field, targets.filter((t) => t.store === target.store).length > 1 ? `${target.store}-${i}` : target.store, '/unused');
      claimUnique(this, `${field}.name`, names, config.name, 'remote_write name');
      const o = target.options;
      if (o.basicAuthUsername !== undefined) users[`username-${i}`] = o.basicAuthUsername;
      const q = config.queueConfig;
      return {
        url: config.url,
        name: config.name,
        ...(config.headers ? { headers: config.headers } : {}),
        ...(o.passwordSecretKey !== undefined
          ? { basicAuth: { username: { name: `${this.name}-remote-write-users`, key: `username-${i}` }, password: { name: secretName, key: o.passwordSecretKey } } }
          : {}),
        ...(o.bearerTokenSecretKey !== undefined ? { authorization: { type: 'Bearer', credentials: { name: secretName, key: o.bearerTokenSecretKey } } } : {}),
        ...(q ? { queueConfig: { ...q } } : {}),
        ...(config.writeRelabelConfigs ? {
          writeRelabelConfigs: config.writeRelabelConfigs.map((r) => ({
            sourceLabels: r.sourceLabels, separator: r.separator, regex: r.regex, targetLabel: r.targetLabel, replacement: r.replacement, modulus: r.modulus,
            action: r.action as string | undefined as PrometheusSpecRemoteWriteWriteRelabelConfigsAction | undefined,
          })),
        } : {}),
      };
    });
    if (Object.keys(users).length) {
      new k8s.KubeSecret(this, 'RemoteWriteUsers', {
        metadata: { name: `${this.name}-remote-write-users`, namespace: this.namespace, labels: this.labels },
        // User names only (the Operator reads them from a Secret); the passwords stay in the Secret made out of band.
        stringData: users,
      });
    }
    return rendered;
  }
}

/** An Alertmanager as the Operator's `alerting` finds it: the endpoints of its Service, port `web`, API v2. */
function alertmanagerEndpoint(alertmanager: OperatorAlertmanager): PrometheusSpecAlertingAlertmanagers {
  return {
    namespace: alertmanager.namespace,
    name: alertmanager.serviceName,
    port: PrometheusSpecAlertingAlertmanagersPort.fromString('web'),
    apiVersion: PrometheusSpecAlertingAlertmanagersApiVersion.V2,
  };
}

/** A scrape job standing for what the Operator's generated configuration discovers, for {@link PrometheusRbac}. */
function discoveryJob(jobName: string, role: KubernetesSdRole, namespaces: string[] | undefined): ScrapeConfig {
  return { jobName, kubernetesSdConfigs: [{ role, ...(namespaces ? { namespaces: { names: namespaces } } : {}) }] };
}
