import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NetworkPeer } from '../common/endpoints';
import { ProgramNetworkPolicy } from '../common/network-policy';
import { canonicalQuantity } from '../common/quantity';
import { canonicalResourcesAs, ResourceSpec, validateResources } from '../common/resources';
import { PersistenceOptions } from '../common/storage';
import { expectOptional, expectType, validateDnsLabel, validateKubernetesLabels } from '../common/validation';

/** "nobody", which the official Prometheus and Alertmanager images run as (and own their files as). */
export const OPERATOR_UID = 65534;

/**
 * The pod-level security context of an Operator-managed Prometheus or Alertmanager, for Pod Security
 * "restricted". The container-level half (no privilege escalation, every capability dropped, a read-only root
 * filesystem) the Operator v0.93 sets itself on each container it makes (pkg/prometheus/server/statefulset.go,
 * pkg/alertmanager/statefulset.go, pkg/operator/config_reloader.go); what "restricted" needs beyond it is
 * `runAsNonRoot` and the RuntimeDefault seccomp profile, which the Operator's own default (uid 1000, fsGroup 2000)
 * lacks.
 */
export function restrictedPodSecurityContext() {
  return {
    runAsNonRoot: true,
    runAsUser: OPERATOR_UID,
    runAsGroup: OPERATOR_UID,
    fsGroup: OPERATOR_UID,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * A container's requests and limits as canonical quantities (as the API server stores them), checked first, in
 * the quantity class `quantity` makes (each generated CRD type has its own).
 */
export function operatorResources<Q>(scope: Construct, spec: ResourceSpec, quantity: (value: string) => Q): { requests: { cpu: Q; memory: Q }; limits: { cpu: Q; memory: Q } } {
  validateResources(scope, spec);
  return canonicalResourcesAs(spec, quantity);
}

/**
 * The data volume of an Operator-managed StatefulSet: a ReadWriteOnce claim per pod with `persistence` (checked by
 * the caller), else an emptyDir of `dataSizeLimit`; sizes canonical, in the quantity classes `claimSize` and
 * `emptyDirSize` make.
 */
export function operatorStorage<C, E>(persistence: PersistenceOptions | undefined, dataSizeLimit: string, claimSize: (value: string) => C, emptyDirSize: (value: string) => E) {
  return persistence
    ? {
      volumeClaimTemplate: {
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: persistence.storageClassName,
          resources: { requests: { storage: claimSize(canonicalQuantity(persistence.size ?? '10Gi')) } },
        },
      },
    }
    : { emptyDir: { sizeLimit: emptyDirSize(canonicalQuantity(dataSizeLimit)) } };
}

/** Checks one more client of a NetworkPolicy (`allowedClients[i]` in errors) and adds it to `clients`. */
export function addNetworkClient(scope: Construct, clients: NetworkPeer[], podSelector: Record<string, string>, namespace: string | undefined): void {
  const field = `allowedClients[${clients.length}]`;
  // No pod labels would select every pod of the namespace.
  validateKubernetesLabels(scope, `${field}.podLabels`, podSelector, { nonEmpty: true });
  if (namespace !== undefined) validateDnsLabel(scope, `${field}.namespace`, namespace);
  clients.push({ podLabels: podSelector, namespace });
}

/** Checks the `allowedClients` prop and adds each, as {@link addNetworkClient} does. */
export function addAllowedClients(scope: Construct, clients: NetworkPeer[], allowedClients: NetworkPeer[] | undefined): void {
  expectOptional(scope, 'allowedClients', allowedClients, 'array');
  (allowedClients ?? []).forEach((peer, i) => {
    expectType(scope, `allowedClients[${i}]`, peer, 'object');
    addNetworkClient(scope, clients, peer.podLabels, peer.namespace);
  });
}

/** What {@link exposeOperatorPods} puts in front of the pods the Operator makes. */
export interface OperatorPodsAccess {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly serviceName: string;
  /** The labels the Operator puts on the pods. */
  readonly podSelector: Record<string, string>;
  /** The pods' port named `web`. */
  readonly port: number;
  /** Whether to isolate the pods with a NetworkPolicy. */
  readonly networkPolicy: boolean;
  /** Ports the pods open to each other only (gossip). */
  readonly peerPorts?: number[];
  /** The clients let in besides the pods themselves, read at synth. */
  readonly clients: NetworkPeer[];
}

/**
 * A Service (port `web`) in front of pods the Operator makes, and, with `networkPolicy`, the NetworkPolicy the
 * stack's Deployments have: ingress on that port only from the pods themselves and the clients.
 */
export function exposeOperatorPods(scope: Construct, access: OperatorPodsAccess): void {
  const { name, namespace, labels, podSelector, port } = access;
  new k8s.KubeService(scope, 'Service', {
    metadata: { name: access.serviceName, namespace, labels },
    spec: { selector: podSelector, ports: [{ name: 'web', port, targetPort: k8s.IntOrString.fromString('web') }] },
  });
  if (access.networkPolicy) {
    new ProgramNetworkPolicy(scope, 'NetworkPolicy', {
      name, namespace, labels, podSelector, port, peerPorts: access.peerPorts,
      allowFromPods: () => [{ podLabels: podSelector }, ...access.clients],
    });
  }
}
