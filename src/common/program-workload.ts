import { ApiObject, Duration, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DnsEgress, NetworkDestination, NetworkPeer } from './endpoints';
import { DEFAULT_INGRESS_CONTROLLER_NAMESPACE, IngressOptions, ProgramIngress, validateIngress } from './exposure';
import { imageVersion, programLabels, selectorLabels } from './labels';
import { ProgramNetworkPolicy } from './network-policy';
import { canonicalResources, ResourceSpec, toContainerResources, validateResources } from './resources';
import { restrictedContainerSecurity, restrictedPodSecurity } from './security';
import { canonicalQuantity } from './quantity';
import { mebibytesOf, PersistenceOptions, ProgramDataClaim, sizeLimitOf, validatePersistence } from './storage';
import { claimUnique, expectOptional, expectType, validateCidr, validateDnsLabel, validateImage, validateInteger, validateKubernetesLabels } from './validation';
import { fail } from './errors';

/** A volume mounted into the program's container. */
export interface ProgramMount {
  /** The volume. */
  readonly volume: kplus.Volume;
  /** Mount path in the container. */
  readonly path: string;
  /**
   * Mount only this file or folder of the volume.
   * @default - the whole volume
   */
  readonly subPath?: string;
  /**
   * Mount read-only.
   * @default false
   */
  readonly readOnly?: boolean;
}

/** Who may talk to a program, enforced by a NetworkPolicy. */
export interface ProgramNetworkAccess {
  /**
   * Let in only the program's own pods, those given to `allowAccessFrom` and, with an Ingress, the ingress
   * controller's namespace; otherwise every source may connect to its port.
   */
  readonly restrictIngress: boolean;
  /**
   * When set, egress is restricted to DNS and these pods.
   * @default - egress is not restricted
   */
  readonly egressToPods?: NetworkDestination[];
  /**
   * The DNS servers egress may reach, with `egressToPods`.
   * @default - kube-dns/CoreDNS pods in any namespace, and NodeLocal DNSCache
   */
  readonly dns?: DnsEgress;
}

/** Props of {@link ProgramWorkload}. */
export interface ProgramWorkloadProps {
  /** Name of the Deployment and of the `app` label; the Service is `<name>-service`. */
  readonly name: string;
  /** Namespace of every object. */
  readonly namespace: string;
  /**
   * The `app` label of the pods and of their selector, when several workloads run one program (Prometheus
   * shards all carry `app: prometheus`).
   * @default - `name`
   */
  readonly app?: string;
  /**
   * More labels on the pods and in their selector, telling this workload's pods from the program's others.
   * @default - none
   */
  readonly extraSelectorLabels?: Record<string, string>;
  /** Which program runs (prometheus, alertmanager, grafana): the `app.kubernetes.io/name` label. */
  readonly program: string;
  /** Container image; must be pinned (a tag other than `latest`, or a digest). */
  readonly image: string;
  /**
   * Container arguments.
   * @default - the image's
   */
  readonly args?: string[];
  /**
   * Environment variables.
   * @default - none
   */
  readonly env?: Record<string, kplus.EnvValue>;
  /** The HTTP port the program listens on, exposed by the Service under the name `http`. */
  readonly port: number;
  /** HTTP path of the liveness probe. */
  readonly livenessPath: string;
  /** HTTP path of the readiness probe, which the startup probe asks too. */
  readonly readinessPath: string;
  /**
   * How the program starts: when the kubelet first asks whether it has (after a normal start), and how long a
   * slow start may take before the kubelet restarts it.
   * @default - first asked 5s after the container starts, restarted after 5 minutes
   */
  readonly startup?: ProgramStartup;
  /** The user the image runs as (and owns its files). */
  readonly uid: number;
  /** Requests and limits. */
  readonly resources: ResourceSpec;
  /** Number of pods (1 with `persistence`). */
  readonly replicas: number;
  /**
   * ServiceAccount of the pods.
   * @default - the namespace's default
   */
  readonly serviceAccount?: kplus.IServiceAccount;
  /**
   * Mount the ServiceAccount token (only Prometheus needs it, for Kubernetes service discovery).
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;
  /** Where the program writes its data: an emptyDir, or the PVC of `persistence`. */
  readonly dataPath: string;
  /**
   * Size limit of the emptyDir data volume, a size in bytes (`256Mi`, `1Gi`, `1G`): beyond it the kubelet evicts the
   * pod, instead of the node's disk filling up.
   */
  readonly dataSizeLimit: string;
  /**
   * Keep the data in a ReadWriteOnce PVC `<name>-data`; the Deployment then uses the Recreate strategy and
   * one replica, so two pods never open one volume.
   * @default - an emptyDir
   */
  readonly persistence?: PersistenceOptions;
  /**
   * Volumes besides the data volume.
   * @default - none
   */
  readonly mounts?: ProgramMount[];
  /**
   * The NetworkPolicy around the program.
   * @default - no NetworkPolicy
   */
  readonly networkPolicy?: ProgramNetworkAccess;
  /**
   * Expose the program's Service through an Ingress.
   * @default - no Ingress
   */
  readonly ingress?: IngressOptions;
  /**
   * The program authenticates its users itself (Grafana): an Ingress needs no `authentication`.
   * @default false
   */
  readonly hasLogin?: boolean;
  /**
   * The program's configuration, whose checksum is written as a pod annotation so that config changes roll
   * the pods.
   * @default - no checksum annotation
   */
  readonly config?: IProgramConfig;
  /**
   * Run the pods as a StatefulSet (stable names `<name>-0`, `<name>-1`, ..., resolvable through a headless
   * Service), with a PodDisruptionBudget and topology spread; `persistence` becomes a volumeClaimTemplate
   * (one PVC per pod). Used for clusters (Alertmanager's gossip) and highly available replicas.
   * @default - a Deployment
   */
  readonly statefulSet?: ProgramStatefulSet;
}

/**
 * How long a program takes to start, for its startup probe: the kubelet runs no readiness or liveness probe
 * before the startup probe (asking the readiness path) has succeeded once.
 */
export interface ProgramStartup {
  /**
   * Seconds from the container's start to the first probe. Longer than a normal start, so that no probe of a
   * normal start fails: each failure is logged as an `Unhealthy` event of the pod.
   */
  readonly firstProbeSeconds: number;
  /**
   * Seconds a start may take (replaying a write-ahead log, migrating a database) before the kubelet gives up
   * and restarts the container.
   */
  readonly maxSeconds: number;
}

/** A program's configuration, read at synth time (after every `addX()` call). */
export interface IProgramConfig {
  /** A checksum of the whole configuration. */
  checksum(): string;
}

/** How a program runs as a StatefulSet: see {@link ProgramWorkloadProps.statefulSet}. */
export interface ProgramStatefulSet {
  /** Name of the headless Service that gives each pod its DNS name `<pod>.<service>.<namespace>.svc`. */
  readonly headlessServiceName: string;
  /**
   * Ports the pods open to each other only (Alertmanager's gossip), TCP and UDP, named in the NetworkPolicy.
   * @default - none
   */
  readonly peerPorts?: number[];
}

/**
 * The Deployment and Service every program of the stack runs as: restricted security context, pinned image,
 * requests and limits, HTTP probes, stable selectors (independent of the construct path) and a config
 * checksum annotation.
 */
export class ProgramWorkload extends Construct {
  /** The Deployment, unless the program runs as a StatefulSet. */
  public readonly deployment?: kplus.Deployment;
  /** The StatefulSet, with `statefulSet` props. */
  public readonly statefulSet?: kplus.StatefulSet;
  /** The Deployment or the StatefulSet: the pods' controller. */
  public readonly podController: kplus.Workload;
  /** The headless Service of a StatefulSet. */
  public readonly headlessService?: kplus.Service;
  public readonly service: kplus.Service;
  public readonly container: kplus.Container;
  /** Labels of the pods, to select them from NetworkPolicies. */
  public readonly podSelector: Record<string, string>;

  private readonly clients: NetworkPeer[] = [];
  /** Names of the pod spec's volumes, in the order they are written. */
  private readonly podVolumeNames: string[];

  constructor(scope: Construct, id: string, props: ProgramWorkloadProps) {
    super(scope, id);
    validateDnsLabel(scope, 'name', props.name);
    // The Service is `<name>-service`, and Service names are DNS-1035 labels: a letter first, 63 characters at most.
    if (!/^[a-z]/.test(props.name) || props.name.length > 63 - '-service'.length) {
      fail(scope, 'name', `"${props.name}" cannot name the Service "${props.name}-service" (a DNS-1035 label: starting with a letter, at most 63 characters)`);
    }
    validateDnsLabel(scope, 'namespace', props.namespace);
    validateInteger(scope, 'replicas', props.replicas, 1);
    const stateful = props.statefulSet;
    // Every pod of a StatefulSet carries `controller-revision-hash: <name>-<hash of up to 10 characters>`, a label
    // value of at most 63 characters: with a longer name, the API server refuses every pod.
    if (stateful && props.name.length > MAX_STATEFUL_SET_NAME) {
      fail(scope, 'name', `"${props.name}" is ${props.name.length} characters: a StatefulSet's pods (with replicas > 1) carry the label controller-revision-hash: ${props.name}-<hash>, at most 63 characters, so its name can have at most ${MAX_STATEFUL_SET_NAME}`);
    }
    if (props.persistence && props.replicas > 1 && !stateful) {
      fail(scope, 'replicas', `${props.replicas} pods cannot share the ReadWriteOnce volume of \`persistence\`: use 1`);
    }
    validateImage(scope, 'image', props.image);
    if (props.persistence) validatePersistence(scope, props.persistence);
    if (props.ingress) validateIngress(scope, props.ingress, props.hasLogin ?? false);
    validateResources(scope, props.resources);
    const dns = props.networkPolicy?.dns;
    if (dns !== undefined) {
      expectType(scope, 'dnsEgress', dns, 'object');
      if (dns.podLabels !== undefined) validateKubernetesLabels(scope, 'dnsEgress.podLabels', dns.podLabels);
      if (dns.namespaceLabels !== undefined) validateKubernetesLabels(scope, 'dnsEgress.namespaceLabels', dns.namespaceLabels);
      expectOptional(scope, 'dnsEgress.ipBlocks', dns.ipBlocks, 'array');
      dns.ipBlocks?.forEach((cidr, i) => validateCidr(scope, `dnsEgress.ipBlocks[${i}]`, cidr));
      expectOptional(scope, 'dnsEgress.ports', dns.ports, 'array');
      if (dns.ports !== undefined && dns.ports.length === 0) fail(scope, 'dnsEgress.ports', 'is empty: the pods could resolve no name (omit it for port 53)');
      dns.ports?.forEach((port, i) => validateInteger(scope, `dnsEgress.ports[${i}]`, port, 1, 65535));
    }
    const startup = props.startup ?? DEFAULT_STARTUP;
    validateInteger(scope, 'startup.firstProbeSeconds', startup.firstProbeSeconds, 0, MAX_STARTUP_SECONDS);
    validateInteger(scope, 'startup.maxSeconds', startup.maxSeconds, startup.firstProbeSeconds, MAX_STARTUP_SECONDS);

    const app = props.app ?? props.name;
    const labels = { ...programLabels(app, props.program, imageVersion(props.image)), ...props.extraSelectorLabels };
    this.podSelector = { ...selectorLabels(app), ...props.extraSelectorLabels };
    const config = props.config;
    const claim = !stateful && props.persistence && new ProgramDataClaim(this, 'Data', {
      ...props.persistence, name: `${props.name}-data`, namespace: props.namespace, labels,
    });
    const dataVolume = claim || (stateful && props.persistence)
      // A StatefulSet's `data` volume is its volumeClaimTemplate (patched below): one PVC per pod.
      ? kplus.Volume.fromPersistentVolumeClaim(this, 'DataVolume', kplus.PersistentVolumeClaim.fromClaimName(this, 'Claim', claim ? claim.claimName : 'data'), { name: 'data' })
      : kplus.Volume.fromEmptyDir(this, 'DataVolume', 'data', { sizeLimit: sizeLimitOf(mebibytesOf(scope, 'dataSizeLimit', props.dataSizeLimit)) });

    const podProps = {
      metadata: { name: props.name, namespace: props.namespace, labels },
      replicas: props.replicas,
      select: false,
      podMetadata: {
        labels,
        annotations: config ? { 'checksum/config': Lazy.any({ produce: () => config.checksum() }) } : undefined,
      },
      securityContext: restrictedPodSecurity(props.uid),
      serviceAccount: props.serviceAccount,
      automountServiceAccountToken: props.automountServiceAccountToken ?? false,
    };
    if (stateful) {
      validateDnsLabel(scope, 'statefulSet.headlessServiceName', stateful.headlessServiceName);
      // Headless: no virtual IP, one DNS record per pod; not-ready pods too, so members find each other
      // while they start (Alertmanager's gossip needs its peers before it is ready).
      this.headlessService = new kplus.Service(this, 'HeadlessService', {
        metadata: { name: stateful.headlessServiceName, namespace: props.namespace, labels },
        clusterIP: 'None',
        publishNotReadyAddresses: true,
        ports: [{ name: 'http', port: props.port, targetPort: props.port }],
      });
      for (const [key, value] of Object.entries(this.podSelector)) this.headlessService.selectLabel(key, value);
      ApiObject.of(this.headlessService).addJsonPatch(JsonPatch.remove('/spec/externalIPs'));
      this.statefulSet = new kplus.StatefulSet(this, 'StatefulSet', {
        ...podProps,
        service: this.headlessService,
        // All pods at once: replicas are peers, none waits for another to be ready.
        podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
      });
      this.podController = this.statefulSet;
      // cdk8s-plus makes the Service select the pod template's construct-path hash, removed from the pods below.
      ApiObject.of(this.headlessService).addJsonPatch(JsonPatch.remove('/spec/selector/cdk8s.io~1metadata.addr'));
    } else {
      this.deployment = new kplus.Deployment(this, 'Deployment', {
        ...podProps,
        strategy: claim ? kplus.DeploymentStrategy.recreate() : kplus.DeploymentStrategy.rollingUpdate(),
      });
      this.podController = this.deployment;
    }
    this.podController.select(kplus.LabelSelector.of({ labels: this.podSelector }));
    const deployment = ApiObject.of(this.podController);
    // cdk8s-plus stamps a hash of the construct path on the pod template; our selectors do not use it.
    deployment.addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
    // The manifests say what the API server stores, so a second `kubectl apply` finds nothing to change: it drops
    // the zero values cdk8s-plus writes (`minReadySeconds: 0`, `hostNetwork: false`; `readOnly: false` and
    // `externalIPs: []` below), and keeps quantities in canonical form only.
    deployment.addJsonPatch(JsonPatch.remove('/spec/minReadySeconds'), JsonPatch.remove('/spec/template/spec/hostNetwork'));

    const mountPaths = new Set<string>();
    this.container = this.podController.addContainer({
      name: props.program,
      image: props.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: props.args,
      envVariables: props.env,
      ports: [{ number: props.port, name: 'http' }],
      securityContext: restrictedContainerSecurity(props.uid),
      resources: toContainerResources(props.resources),
      // The startup probe holds the other two back until the program is ready once: they need no delay of
      // their own, and liveness cannot restart a program during a slow start.
      startup: kplus.Probe.fromHttpGet(props.readinessPath, {
        port: props.port,
        initialDelaySeconds: Duration.seconds(startup.firstProbeSeconds),
        periodSeconds: Duration.seconds(STARTUP_PROBE_PERIOD_SECONDS),
        failureThreshold: startupFailureThreshold(startup),
      }),
      liveness: kplus.Probe.fromHttpGet(props.livenessPath, {
        port: props.port, periodSeconds: Duration.seconds(15), failureThreshold: 4,
      }),
      readiness: kplus.Probe.fromHttpGet(props.readinessPath, {
        port: props.port, periodSeconds: Duration.seconds(10), failureThreshold: 3,
      }),
    });
    // cdk8s-plus writes `1000m` and `2048Mi`; the API server stores `1` and `2Gi`. The program's container is the first.
    deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/resources', canonicalResources(props.resources)));
    // The data volume, mounted first, is the first volume; cdk8s-plus writes `readOnly: false` in a PVC volume.
    if (claim) deployment.addJsonPatch(JsonPatch.remove('/spec/template/spec/volumes/0/persistentVolumeClaim/readOnly'));
    if (stateful && props.persistence) {
      // The `data` volume comes from the claim template, not from the pod spec.
      // Written as the API server stores it (with the defaults it fills in: apiVersion, kind, volumeMode, a Pending
      // status): the templates are a list kubectl replaces whole, so any difference would report the StatefulSet
      // `configured` on every apply.
      deployment.addJsonPatch(JsonPatch.remove('/spec/template/spec/volumes/0'), JsonPatch.add('/spec/volumeClaimTemplates', [{
        metadata: { name: 'data', labels },
        spec: {
          accessModes: ['ReadWriteOnce'],
          // '' is kept: it asks for a pre-provisioned volume of no class (no dynamic provisioning).
          ...(props.persistence.storageClassName !== undefined ? { storageClassName: props.persistence.storageClassName } : {}),
          resources: { requests: { storage: k8s.Quantity.fromString(canonicalQuantity(props.persistence.size ?? '10Gi')) } },
          volumeMode: 'Filesystem',
        },
      }]));
      // The typed StatefulSet drops apiVersion, kind and status from the templates after the patches: add them last.
      const typed = deployment.toJson.bind(deployment);
      deployment.toJson = () => {
        const json = typed();
        json.spec.volumeClaimTemplates = json.spec.volumeClaimTemplates.map((t: object) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...t, status: { phase: 'Pending' } }));
        return json;
      };
    }
    if (stateful) {
      // Spread the replicas over nodes and zones: losing one node or zone leaves the others running.
      deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: this.podSelector } },
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: this.podSelector } },
      ]));
      // Voluntary disruptions (drains, upgrades) take one replica at a time.
      new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata: { name: props.name, namespace: props.namespace, labels },
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.podSelector } },
      });
    }
    // The data volume is mounted first (some programs mount read-only content inside it: Grafana's
    // dashboards), and so written first among the pod's volumes, unless a StatefulSet's claim template holds it.
    const dataInPod = !(stateful && props.persistence);
    this.podVolumeNames = [...new Set([...(dataInPod ? [dataVolume.name] : []), ...(props.mounts ?? []).map((m) => m.volume.name)])];
    for (const mount of [{ volume: dataVolume, path: props.dataPath }, ...props.mounts ?? []]) {
      claimUnique(scope, 'mounts', mountPaths, mount.path, 'mount path');
      this.container.mount(mount.path, mount.volume, { subPath: mount.subPath, readOnly: mount.readOnly ? true : undefined });
    }

    if (!claim && dataInPod) {
      // cdk8s-plus writes the limit in Mi; the API server stores it canonically (10Gi), and a second apply
      // must find it unchanged.
      const index = this.podVolumeIndex(dataVolume.name);
      ApiObject.of(this.podController).addJsonPatch(JsonPatch.replace(`/spec/template/spec/volumes/${index}/emptyDir/sizeLimit`, k8s.Quantity.fromString(canonicalQuantity(props.dataSizeLimit))));
    }

    this.service = new kplus.Service(this, 'Service', {
      metadata: { name: `${props.name}-service`, namespace: props.namespace, labels },
      ports: [{ name: 'http', port: props.port, targetPort: props.port }],
    });
    for (const [key, value] of Object.entries(this.podSelector)) {
      this.service.selectLabel(key, value);
    }
    ApiObject.of(this.service).addJsonPatch(JsonPatch.remove('/spec/externalIPs'));

    const access = props.networkPolicy;
    // The controller's pods, whatever their labels: they proxy the users of the Ingress.
    const controller: NetworkPeer[] = props.ingress
      ? [{ podLabels: {}, namespace: props.ingress.controllerNamespace ?? DEFAULT_INGRESS_CONTROLLER_NAMESPACE }]
      : [];
    if (access) {
      new ProgramNetworkPolicy(this, 'NetworkPolicy', {
        name: props.name, namespace: props.namespace, labels, podSelector: this.podSelector, port: props.port,
        peerPorts: stateful?.peerPorts,
        allowFromPods: access.restrictIngress ? () => [{ podLabels: this.podSelector }, ...this.clients, ...controller] : undefined,
        egressToPods: access.egressToPods,
        dns: access.dns,
      });
    }
    if (props.ingress) {
      new ProgramIngress(this, 'Ingress', {
        ...props.ingress, name: props.name, namespace: props.namespace, labels, serviceName: this.service.name, servicePort: props.port,
      });
    }
  }

  /** Index of a volume in the written pod spec, for JSON patches of it. */
  public podVolumeIndex(volumeName: string): number {
    const index = this.podVolumeNames.indexOf(volumeName);
    if (index < 0) throw new Error(`no volume ${volumeName} in the pod of ${this.node.path}`);
    return index;
  }

  /** Lets these pods through the program's NetworkPolicy. */
  public allowAccessFrom(peer: NetworkPeer): void {
    const scope = this.node.scope!;
    expectType(scope, 'allowedClients', peer, 'object');
    validateKubernetesLabels(scope, 'allowedClients.podLabels', peer.podLabels);
    if (peer.namespace !== undefined) validateDnsLabel(scope, 'allowedClients.namespace', peer.namespace);
    this.clients.push(peer);
  }
}

/** The longest StatefulSet name whose pods the API server accepts (see where it is checked). */
const MAX_STATEFUL_SET_NAME = 52;
/** Seconds between two startup probes while a program starts. */
const STARTUP_PROBE_PERIOD_SECONDS = 5;
const DEFAULT_STARTUP: ProgramStartup = { firstProbeSeconds: 5, maxSeconds: 300 };
/** An hour: a start that takes longer is a failure to find, not to wait for. */
const MAX_STARTUP_SECONDS = 3600;

/** Failures in a row after which the kubelet restarts a starting container: the last one comes at `maxSeconds`. */
function startupFailureThreshold(startup: ProgramStartup): number {
  return Math.ceil((startup.maxSeconds - startup.firstProbeSeconds) / STARTUP_PROBE_PERIOD_SECONDS) + 1;
}
