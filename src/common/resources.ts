import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { canonicalQuantity } from './quantity';
import { expectType, validateInteger } from './validation';

/** CPU in millicores and memory in mebibytes, for a container's requests and limits. */
export interface ResourceSpec {
  /** CPU request, millicores. */
  readonly cpuRequestMillis: number;
  /** CPU limit, millicores. */
  readonly cpuLimitMillis: number;
  /** Memory request, MiB. */
  readonly memoryRequestMebibytes: number;
  /** Memory limit, MiB. */
  readonly memoryLimitMebibytes: number;
}

/** Converts a {@link ResourceSpec} to cdk8s-plus container resources. */
export function toContainerResources(spec: ResourceSpec): kplus.ContainerResources {
  return {
    cpu: { request: kplus.Cpu.millis(spec.cpuRequestMillis), limit: kplus.Cpu.millis(spec.cpuLimitMillis) },
    memory: { request: Size.mebibytes(spec.memoryRequestMebibytes), limit: Size.mebibytes(spec.memoryLimitMebibytes) },
  };
}

/**
 * The container `resources` of a {@link ResourceSpec} with quantities in canonical form, as the API server stores
 * them (`1000m` → `1`, `2048Mi` → `2Gi`). cdk8s-plus writes `<n>m` and `<n>Mi` whatever the value, so every
 * `kubectl apply` would otherwise see a change.
 */
export function canonicalResources(spec: ResourceSpec): k8s.ResourceRequirements {
  return canonicalResourcesAs(spec, (value) => k8s.Quantity.fromString(value));
}

/**
 * {@link canonicalResources} in the quantity class `quantity` makes (each generated CRD type has its own).
 */
export function canonicalResourcesAs<Q>(spec: ResourceSpec, quantity: (value: string) => Q): { requests: { cpu: Q; memory: Q }; limits: { cpu: Q; memory: Q } } {
  const cpu = (millis: number) => quantity(canonicalQuantity(`${millis}m`));
  const memory = (mebibytes: number) => quantity(canonicalQuantity(`${mebibytes}Mi`));
  return {
    requests: { cpu: cpu(spec.cpuRequestMillis), memory: memory(spec.memoryRequestMebibytes) },
    limits: { cpu: cpu(spec.cpuLimitMillis), memory: memory(spec.memoryLimitMebibytes) },
  };
}

/**
 * A million cores and 8Pi of memory: beyond any node. The API server refuses more memory (its milli-value overflows
 * an int64: "fractional byte value 1Ei is invalid"), and larger numbers print with an exponent.
 */
const MAX_CPU_MILLIS = 1_000_000_000;
const MAX_MEMORY_MEBIBYTES = 2 ** 33;

/** Checks a {@link ResourceSpec} given as `resources`: positive, each limit at least its request, within any node. */
export function validateResources(scope: Construct, spec: ResourceSpec): void {
  expectType(scope, 'resources', spec, 'object');
  validateInteger(scope, 'resources.cpuRequestMillis', spec.cpuRequestMillis, 1, MAX_CPU_MILLIS);
  validateInteger(scope, 'resources.cpuLimitMillis', spec.cpuLimitMillis, spec.cpuRequestMillis, MAX_CPU_MILLIS);
  validateInteger(scope, 'resources.memoryRequestMebibytes', spec.memoryRequestMebibytes, 1, MAX_MEMORY_MEBIBYTES);
  validateInteger(scope, 'resources.memoryLimitMebibytes', spec.memoryLimitMebibytes, spec.memoryRequestMebibytes, MAX_MEMORY_MEBIBYTES);
}
