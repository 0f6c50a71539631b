/** Label value every workload of the stack carries as `component` (`kubectl get pods -l component=monitoring`). */
export const MONITORING_COMPONENT = 'monitoring';

/** The `app.kubernetes.io/part-of` value of every object of the stack. */
export const PART_OF = 'mlops-monitoring';

/**
 * Labels of one program of the stack: the short `app`/`component` pair of the original manifests plus the
 * recommended `app.kubernetes.io/*` labels.
 */
export function programLabels(app: string, program: string, version?: string): Record<string, string> {
  return {
    'app': app,
    'component': MONITORING_COMPONENT,
    'app.kubernetes.io/name': program,
    'app.kubernetes.io/instance': app,
    ...(version ? { 'app.kubernetes.io/version': version } : {}),
    'app.kubernetes.io/component': program === 'grafana' ? 'dashboards' : program === 'alertmanager' ? 'alerting' : 'metrics',
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
}

/**
 * The labels a workload's selector uses. Kept to two stable labels: a Deployment's selector is immutable,
 * so it must not depend on the construct path (as cdk8s-plus's default does) or on the image version.
 */
export function selectorLabels(app: string): Record<string, string> {
  return { app, component: MONITORING_COMPONENT };
}

/**
 * The image tag (`prom/prometheus:v1.2.3` → `v1.2.3`), used as `app.kubernetes.io/version`; none when the tag is
 * no label value (a valid tag may be 128 characters long, or end with '-' or '.': the API server would refuse the
 * label, and every object carrying it).
 */
export function imageVersion(image: string): string | undefined {
  const tag = image.split('@')[0].split('/').pop()!.split(':')[1];
  return tag && tag.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(tag) ? tag : undefined;
}
