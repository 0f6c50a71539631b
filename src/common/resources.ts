import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

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
