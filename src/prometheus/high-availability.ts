import { Construct } from 'constructs';
import { fail } from '../common/errors';
import { validateLabelName } from '../common/validation';

/** The environment variable holding the pod's name (downward API), expanded by Prometheus in external labels. */
export const POD_NAME_ENV = 'POD_NAME';

/** What {@link replicaExternalLabels} reads of a PrometheusServer's props. */
export interface ReplicaLabelOptions {
  readonly externalLabels?: Record<string, string>;
  readonly replicaLabel?: string;
}

/**
 * The external label that tells replicas apart: `replica: ${POD_NAME}`. Prometheus 3 expands `${VAR}` in
 * external label values from its environment, where the downward API puts the pod's name
 * (`prometheus-0`, `prometheus-1`, ...), so one prometheus.yml serves every replica.
 */
export function replicaExternalLabels(scope: Construct, options: ReplicaLabelOptions): Record<string, string> {
  const label = validateLabelName(scope, 'replicaLabel', options.replicaLabel ?? 'replica');
  if (options.externalLabels && label in options.externalLabels) {
    fail(scope, 'externalLabels', `"${label}" is the replica label, set per pod: choose another replicaLabel or drop it`);
  }
  return { [label]: `\${${POD_NAME_ENV}}` };
}
