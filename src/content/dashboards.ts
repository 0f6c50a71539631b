import { factoryOptions } from '../common/validation';
import { inferenceApiDashboard, InferenceApiDashboardOptions } from '../iris/inference-api-dashboard';
import { sloDashboard, SloDashboardOptions } from '../slo/slo-dashboard';
import { Dashboard } from '../grafana/dashboard';
import { kubernetesInfrastructureDashboard, KubernetesInfrastructureDashboardOptions } from '../grafana/dashboards/kubernetes-infrastructure';

/**
 * The built-in dashboards. Each has a datasource variable and label drop-downs, and passes Grafana's
 * dashboard-linter. Add them to a {@link GrafanaWithDashboards} with `addDashboard`.
 */
export class Dashboards {
  /**
   * **Kubernetes - Infrastructure**: container CPU and memory against their limits (cAdvisor) and pod status
   * and restarts (kube-state-metrics). Variables: datasource, namespace and pod.
   */
  public static kubernetesInfrastructure(options: KubernetesInfrastructureDashboardOptions): Dashboard {
    return kubernetesInfrastructureDashboard(factoryOptions('Dashboards.kubernetesInfrastructure', options, { namespaces: 'array' }));
  }

  /**
   * **Iris API - Overview** (for any inference API with these metrics): prediction rate by class, confidence
   * distribution, error rate and errors, request latency, model status and total predictions. Variables:
   * datasource, namespace, job (the given job by default) and instance (replicas).
   */
  public static inferenceApi(options: InferenceApiDashboardOptions): Dashboard {
    return inferenceApiDashboard(factoryOptions('Dashboards.inferenceApi', options, { job: 'string' }));
  }

  /**
   * **`<job>` - SLOs**: per SLO, the SLI over its window, the error budget left and the burn rate over every
   * alerting window, from the series the SLO recording rules produce.
   */
  public static slo(options: SloDashboardOptions): Dashboard {
    return sloDashboard(factoryOptions('Dashboards.slo', options, { job: 'string', slos: 'array' }));
  }

  private constructor() {}
}
