import { spawnSync } from 'child_process';
import * as path from 'path';
import { Manifest } from './synth';

/** A rule of the Pod Security Standards checker, as it ran. */
export interface PssRule {
  /** Monokle's id: PSS1xx are the "baseline" controls, PSS2xx the ones "restricted" adds. */
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
}

/** One violation: which rule, on which object (`Kind/name`), at which field. */
export interface PssFinding {
  readonly ruleId: string;
  readonly rule: string;
  readonly resource: string;
  readonly path: string;
}

export interface PssReport {
  readonly rules: PssRule[];
  readonly findings: PssFinding[];
}

/** Id of the findings of {@link appArmorFindings}, which supplements Monokle's PSS107. */
export const APPARMOR_SUPPLEMENT = 'PSS107-supplement';

const CHECKER = path.join(__dirname, 'pss-check.mjs');

/**
 * Checks manifests against the Pod Security Standard "restricted" (which includes "baseline"): the
 * pod-security-standards plugin of @monokle/validation with all 17 of its rules enabled, run offline in a
 * child process (see pss-check.mjs), plus {@link appArmorFindings}.
 */
export function checkPodSecurity(manifests: readonly object[]): PssReport {
  const result = spawnSync(process.execPath, [CHECKER], { input: JSON.stringify(manifests), encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(`pss-check failed (status ${result.status}):\n${result.stderr}`);
  }
  // With `debug`, a rule that crashed prints `rule_failed`: a crash must not pass for compliance.
  if (result.stderr.includes('rule_failed')) {
    throw new Error(`a Pod Security Standards rule crashed:\n${result.stderr}`);
  }
  const report = JSON.parse(result.stdout) as PssReport;
  return { rules: report.rules, findings: [...report.findings, ...manifests.flatMap((m) => appArmorFindings(m as Manifest))] };
}

const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';
const appArmorAllowed = (profile: string | undefined) =>
  profile === undefined || profile === 'runtime/default' || profile.startsWith('localhost/');
const appArmorTypeAllowed = (type: string | undefined) =>
  type === undefined || type === 'RuntimeDefault' || type === 'Localhost';

/**
 * The AppArmor control, which Monokle's PSS107 checks only under the literal annotation key
 * `container.apparmor.security.beta.kubernetes.io/*` (so a real per-container annotation escapes it):
 * every per-container annotation and every `appArmorProfile` (Kubernetes 1.30+) must be the runtime
 * default or a localhost profile, as the upstream baseline policy says.
 */
export function appArmorFindings(manifest: Manifest): PssFinding[] {
  const template = manifest.spec?.template;
  if (!template) return [];
  const resource = `${manifest.kind}/${manifest.metadata.name}`;
  const finding = (where: string): PssFinding => ({ ruleId: APPARMOR_SUPPLEMENT, rule: 'app-armor', resource, path: where });
  const annotations: Record<string, string> = template.metadata?.annotations ?? {};
  const badAnnotations = Object.entries(annotations)
    .filter(([key, value]) => key.startsWith(APPARMOR_ANNOTATION) && !appArmorAllowed(value))
    .map(([key]) => finding(`spec.template.metadata.annotations.${key}`));
  const pod = template.spec ?? {};
  const contexts: [string, { appArmorProfile?: { type?: string } } | undefined][] = [
    ['spec.template.spec.securityContext', pod.securityContext],
    ...(['containers', 'initContainers', 'ephemeralContainers'] as const).flatMap((list) =>
      ((pod[list] ?? []) as { securityContext?: object }[]).map((c, i): [string, object | undefined] => [`spec.template.spec.${list}.${i}.securityContext`, c.securityContext])),
  ];
  const badProfiles = contexts
    .filter(([, context]) => !appArmorTypeAllowed(context?.appArmorProfile?.type))
    .map(([where]) => finding(`${where}.appArmorProfile.type`));
  return [...badAnnotations, ...badProfiles];
}

/** The objects that carry a pod template (the stack's workloads). */
export function podTemplateOwners(objects: readonly Manifest[]): Manifest[] {
  return objects.filter((o) => o.spec?.template?.spec?.containers);
}
