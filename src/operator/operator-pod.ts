import { Construct } from 'constructs';
import { canonicalQuantity } from '../common/quantity';
import { ResourceSpec, validateResources } from '../common/resources';

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
