import { Construct } from 'constructs';
import { fail } from '../common/errors';
import { validateLabelName } from '../common/validation';

/** The environment variable holding the pod's name (downward API), expanded by Prometheus in external labels. */
export const POD_NAME_ENV = 'POD_NAME';

/**
 * Labels the stack's series and alerts carry themselves. An external label never overrides a series' own
 * label, and the replica label is dropped from every alert: none of these can name the replica.
 */
const LABELS_IN_USE = ['alertname', 'severity', 'component', 'job', 'instance', 'namespace', 'pod', 'service', 'slo', 'le', 'shard'];

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
  const label = options.replicaLabel ?? 'replica';
  // Mimir's HA tracker and Thanos drop `__replica__` on ingestion: a reserved name, but a valid one.
  if (label !== '__replica__') validateLabelName(scope, 'replicaLabel', label);
  if (LABELS_IN_USE.includes(label)) {
    fail(scope, 'replicaLabel', `"${label}" is a label the series or alerts already carry: as an external label it would not tell replicas apart, and dropping it from the alerts would break their routing. Choose another (replica, or __replica__ for Mimir)`);
  }
  if (options.externalLabels && label in options.externalLabels) {
    fail(scope, 'externalLabels', `"${label}" is the replica label, set per pod: choose another replicaLabel or drop it`);
  }
  return { [label]: `\${${POD_NAME_ENV}}` };
}
