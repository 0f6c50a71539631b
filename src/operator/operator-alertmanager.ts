import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  Alertmanager, AlertmanagerSpecAlertmanagerConfigMatcherStrategyType, AlertmanagerSpecResourcesRequests,
  AlertmanagerSpecStorageEmptyDirSizeLimit, AlertmanagerSpecStorageVolumeClaimTemplateSpecResourcesRequests,
} from '../../imports/alertmanagers-monitoring.coreos.com';
import { ALERTMANAGER_CLUSTER_PORT } from '../alertmanager/cluster';
import { AlertmanagerConfigMatcherStrategy } from '../delivery/operator/operator-target';
import { IAlertmanagerEndpoint, NetworkPeer } from '../common/endpoints';
import { fail } from '../common/errors';
import { imageVersion, programLabels, selectorLabels } from '../common/labels';
import { ResourceSpec } from '../common/resources';
import { mebibytesOf, PersistenceOptions, validatePersistence } from '../common/storage';
import { describeValue, durationSeconds, expectOptional, expectType, validateDnsLabel, validateDnsSubdomain, validateDuration, validateImage, validateInteger } from '../common/validation';
import { Versions } from '../common/versions';
import { checkUniqueObjects } from '../common/unique-objects';
import { OperatorSelection, RenderedSelection, renderSelection } from './operator-selection';
import { addAllowedClients, addNetworkClient, exposeOperatorPods, operatorResources, operatorStorage, restrictedPodSecurityContext } from './operator-pod';

/** Props of {@link OperatorAlertmanager}. */
export interface OperatorAlertmanagerProps {
  /**
   * Name of the Alertmanager resource (the Operator's StatefulSet is `alertmanager-<name>`) and of its
   * ServiceAccount; the Service Prometheus sends to is `<name>-service`.
   * @default 'alertmanager'
   */
  readonly name?: string;
  /**
   * Namespace of every object.
   * @default - the chart's namespace, else 'mlops'
   */
  readonly namespace?: string;
  /**
   * Container image, pinned; the Operator is told its version (from the tag) to choose the flags.
   * @default - Versions.ALERTMANAGER_IMAGE
   */
  readonly image?: string;
  /**
   * Number of Alertmanager pods; with more than one the Operator makes them a gossip cluster, which
   * deduplicates notifications.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * How long silences and the notification log are kept: a duration in hours, minutes or seconds (Alertmanager
   * parses it as a Go duration, without days).
   * @default '120h'
   */
  readonly retention?: string;
  /**
   * Keep silences and the notification log in a PersistentVolumeClaim per pod (the StatefulSet's
   * volumeClaimTemplate).
   * @default - an emptyDir of `dataSizeLimit`: silences are lost when a pod goes
   */
  readonly persistence?: PersistenceOptions;
  /**
   * Size limit of the emptyDir data volume when there is no `persistence`.
   * @default '1Gi'
   */
  readonly dataSizeLimit?: string;
  /**
   * Requests and limits of the alertmanager container.
   * @default - 50m/200m CPU, 64Mi/256Mi memory
   */
  readonly resources?: ResourceSpec;
  /**
   * The AlertmanagerConfig (in this namespace) that is the whole configuration's top: its route is the root
   * route, its receivers and inhibit rules global, and the Operator adds no namespace matcher to it. It is an
   * AlertmanagerConfig rather than a `configSecret` so that it is a typed object the API server checks against
   * the CRD, whose credentials are SecretKeySelectors (never a whole alertmanager.yaml, secrets included, in a
   * Secret written at synth), and of the same kind as the applications' configs.
   * @default - the Operator's default configuration (one `null` receiver), plus the selected AlertmanagerConfigs
   */
  readonly globalConfigName?: string;
  /**
   * The AlertmanagerConfigs merged into the configuration (applications' routes and receivers).
   * @default - every AlertmanagerConfig in this Alertmanager's namespace
   */
  readonly alertmanagerConfigs?: OperatorSelection;
  /**
   * The namespace matcher the Operator adds to the selected AlertmanagerConfigs' routes.
   * @default AlertmanagerConfigMatcherStrategy.ON_NAMESPACE
   */
  readonly matcherStrategy?: AlertmanagerConfigMatcherStrategy;
  /**
   * Create a NetworkPolicy: only the OperatorPrometheus servers that send to it, the pods given to
   * `allowedClients` and (for gossip, on 9094) its own pods reach it.
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * Pods allowed through the NetworkPolicy besides the Prometheus servers (e.g. a Prometheus elsewhere). The same
   * as `allowAccessFrom`.
   * @default - none
   */
  readonly allowedClients?: NetworkPeer[];
}

const PORT = 9093;
const DEFAULT_RESOURCES: ResourceSpec = { cpuRequestMillis: 50, cpuLimitMillis: 200, memoryRequestMebibytes: 64, memoryLimitMebibytes: 256 };

/**
 * An Alertmanager run by the Prometheus Operator (a `monitoring.coreos.com/v1` Alertmanager resource) with this
 * library's opinions: a pinned image, Pod Security "restricted" (the Operator itself drops every capability,
 * forbids privilege escalation and mounts the root filesystem read-only), bounded storage, its own
 * ServiceAccount without a token (Alertmanager calls no Kubernetes API), and a Service for Prometheus.
 */
export class OperatorAlertmanager extends Construct implements IAlertmanagerEndpoint {
  /** Name of the Alertmanager resource. */
  public readonly name: string;
  /** Namespace of every object. */
  public readonly namespace: string;
  /** Name of the Service in front of the pods (port `web`, 9093). */
  public readonly serviceName: string;
  /** `<service>.<namespace>.svc:9093`. */
  public readonly address: string;
  /** Port of the API. */
  public readonly port = PORT;
  /** Labels the Operator puts on the Alertmanager pods (their selector). */
  public readonly podSelector: Record<string, string>;
  /** The Alertmanager custom resource. */
  public readonly resource: ApiObject;

  /** The namespace matcher the Operator adds to the selected AlertmanagerConfigs' routes. */
  public readonly matcherStrategy: AlertmanagerConfigMatcherStrategy;
  /**
   * The AlertmanagerConfigs it selects, as rendered.
   * @internal
   */
  public readonly _configSelection: RenderedSelection;

  private readonly clients: NetworkPeer[] = [];

  /**
   * @param scope the parent construct
   * @param id the construct's id
   * @param props name, namespace, replicas, storage, and the configs it merges
   */
  constructor(scope: Construct, id: string, props: OperatorAlertmanagerProps = {}) {
    super(scope, id);
    checkUniqueObjects(this);
    props ??= {};
    expectType(this, 'props', props, 'object');
    this.name = validateDnsLabel(this, 'name', props.name ?? 'alertmanager');
    this.namespace = validateDnsLabel(this, 'namespace', props.namespace ?? Chart.of(this).namespace ?? 'mlops');
    this.serviceName = `${this.name}-service`;
    this.address = `${this.serviceName}.${this.namespace}.svc:${PORT}`;
    const image = validateImage(this, 'image', props.image ?? Versions.ALERTMANAGER_IMAGE);
    const replicas = validateInteger(this, 'replicas', props.replicas ?? 1, 1);
    const retention = validateDuration(this, 'retention', props.retention ?? '120h');
    // Alertmanager parses it as a Go duration (the CRD's pattern): no days, weeks or years.
    if (/[dwy]/.test(retention)) fail(this, 'retention', `"${retention}" has days, weeks or years, which Alertmanager does not take: give hours (e.g. ${durationSeconds(retention) / 3600}h)`);
    if (props.persistence) validatePersistence(this, props.persistence);
    const dataSizeLimit = props.dataSizeLimit ?? '1Gi';
    if (!props.persistence) mebibytesOf(this, 'dataSizeLimit', dataSizeLimit);
    const resources = operatorResources(this, props.resources ?? DEFAULT_RESOURCES, (q) => AlertmanagerSpecResourcesRequests.fromString(q));
    expectOptional(this, 'globalConfigName', props.globalConfigName, 'string');
    if (props.globalConfigName !== undefined) validateDnsSubdomain(this, 'globalConfigName', props.globalConfigName);
    const strategy = props.matcherStrategy ?? AlertmanagerConfigMatcherStrategy.ON_NAMESPACE;
    if (!Object.values(AlertmanagerConfigMatcherStrategy).includes(strategy)) {
      fail(this, 'matcherStrategy', `${describeValue(strategy)} is not an AlertmanagerConfigMatcherStrategy (${Object.keys(AlertmanagerConfigMatcherStrategy).join(', ')})`);
    }
    this.matcherStrategy = strategy;
    const configs = renderSelection(this, 'alertmanagerConfigs', props.alertmanagerConfigs, this.namespace);
    this._configSelection = configs;
    const labels = programLabels(this.name, 'alertmanager', imageVersion(image));
    // The Operator's own pod labels (pkg/alertmanager makeSelectorLabels): what its StatefulSet selects.
    this.podSelector = { 'alertmanager': this.name, 'app.kubernetes.io/name': 'alertmanager' };

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      automountServiceAccountToken: false,
    });
    const storage = operatorStorage(props.persistence, dataSizeLimit, (q) => AlertmanagerSpecStorageVolumeClaimTemplateSpecResourcesRequests.fromString(q), (q) => AlertmanagerSpecStorageEmptyDirSizeLimit.fromString(q));
    this.resource = new Alertmanager(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      spec: {
        image,
        ...(imageVersion(image) ? { version: imageVersion(image) } : {}),
        replicas,
        retention,
        serviceAccountName: this.name,
        automountServiceAccountToken: false,
        // The stack's own pod labels, which its NetworkPolicies select; the Operator adds its own.
        podMetadata: { labels: selectorLabels(this.name) },
        securityContext: restrictedPodSecurityContext(),
        resources,
        storage,
        ...(props.globalConfigName !== undefined ? { alertmanagerConfiguration: { name: props.globalConfigName } } : {}),
        alertmanagerConfigSelector: configs.selector,
        alertmanagerConfigNamespaceSelector: configs.namespaceSelector,
        alertmanagerConfigMatcherStrategy: { type: strategy as string as AlertmanagerSpecAlertmanagerConfigMatcherStrategyType },
      },
    });

    exposeOperatorPods(this, {
      name: this.name, namespace: this.namespace, labels, serviceName: this.serviceName, podSelector: this.podSelector, port: PORT,
      networkPolicy: props.networkPolicy ?? true, clients: this.clients,
      // The Operator makes replicas a gossip cluster on 9094 (TCP and UDP).
      peerPorts: replicas > 1 ? [ALERTMANAGER_CLUSTER_PORT] : undefined,
    });
    addAllowedClients(this, this.clients, props.allowedClients);
  }

  /**
   * Lets pods with these labels (in `namespace`, by default this one) reach Alertmanager through its NetworkPolicy.
   * @param podSelector labels of the client pods
   * @param namespace the clients' namespace; by default this Alertmanager's
   */
  public allowAccessFrom(podSelector: Record<string, string>, namespace?: string): this {
    addNetworkClient(this, this.clients, podSelector, namespace);
    return this;
  }

  /**
   * Where Prometheus sends alerts, as `host:port`: this Alertmanager's Service.
   * @param _clientNamespace the namespace of the Prometheus (the address names the namespace anyway)
   */
  public targetsFrom(_clientNamespace: string): string[] {
    return [this.address];
  }
}
