import * as kplus from 'cdk8s-plus-28';

/**
 * Pod security context for the Pod Security Standard "restricted": a fixed non-root user that owns the
 * program's files in its image, and volumes group-owned by it.
 */
export function restrictedPodSecurity(uid: number): kplus.PodSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: uid,
    group: uid,
    fsGroup: uid,
    fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
  };
}

/**
 * Container security context for the "restricted" profile: no privilege escalation, every capability
 * dropped, the runtime's default seccomp profile and a read-only root filesystem (programs write only to
 * the volumes mounted for them).
 */
export function restrictedContainerSecurity(uid: number): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: uid,
    group: uid,
    privileged: false,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: [kplus.Capability.ALL] },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  };
}
