import { Construct } from 'constructs';
import { NetworkPeer } from '../common/endpoints';
import { canonicalQuantity } from '../common/quantity';
import { ResourceSpec, validateResources } from '../common/resources';
import { validateDnsLabel, validateKubernetesLabels } from '../common/validation';

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

/** A container's requests and limits as canonical quantities (as the API server stores them), checked first. */
export function operatorResources(scope: Construct, spec: ResourceSpec): { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } } {
  validateResources(scope, spec);
  const cpu = (millis: number) => canonicalQuantity(`${millis}m`);
  const memory = (mebibytes: number) => canonicalQuantity(`${mebibytes}Mi`);
  return {
    requests: { cpu: cpu(spec.cpuRequestMillis), memory: memory(spec.memoryRequestMebibytes) },
    limits: { cpu: cpu(spec.cpuLimitMillis), memory: memory(spec.memoryLimitMebibytes) },
  };
}

/** Checks one more client of a NetworkPolicy (`allowedClients[i]` in errors) and adds it to `clients`. */
export function addNetworkClient(scope: Construct, clients: NetworkPeer[], podSelector: Record<string, string>, namespace: string | undefined): void {
  const field = `allowedClients[${clients.length}]`;
  // No pod labels would select every pod of the namespace.
  validateKubernetesLabels(scope, `${field}.podLabels`, podSelector, { nonEmpty: true });
  if (namespace !== undefined) validateDnsLabel(scope, `${field}.namespace`, namespace);
  clients.push({ podLabels: podSelector, namespace });
}
