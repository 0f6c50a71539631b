// Public API of the package: exports only. Internal helpers (validation, rendering) stay unexported.

// The whole stack, and the ten-file layout of this repository's app.
export { MonitoringStack, type MonitoringStackProps, type ApplicationMonitoringOptions } from './stack';
export { FileLayout, writeManifests, WRITTEN_FILES_LIST } from './layout/file-layout';
export { monitoringStackLayout } from './layout/monitoring-layout';

// Prometheus.
export { PrometheusServer, type PrometheusServerOptions, type PrometheusServerProps } from './prometheus/prometheus-server';
export { ShardRuleEvaluation, Sharding } from './prometheus/sharding';
export {
  RemoteWrite, LongTermStore, type RemoteWriteOptions, type RemoteWriteQueueOptions, type RemoteWriteConfig, type BasicAuthConfig,
} from './prometheus/remote-write';
export { ALERTMANAGER_CLUSTER_PORT } from './alertmanager/cluster';
export { PrometheusRbac, type PrometheusRbacProps } from './prometheus/prometheus-rbac';
export { ScrapeJobs, type KubernetesServiceScrapeOptions } from './prometheus/scrape-jobs';
export {
  KubernetesSdRole, RelabelAction, Scheme,
  type ScrapeConfig, type RelabelConfig, type KubernetesSdConfig, type KubernetesSdNamespaces, type StaticConfig,
  type AuthorizationConfig, type TlsConfig, type PrometheusConfigFile, type PrometheusGlobalConfig, type PrometheusAlertingConfig,
  type PrometheusAlertmanagerConfig, type PrometheusStorageConfig, type TsdbConfig, type TsdbRetentionConfig,
} from './prometheus/config-model';
export { type AlertRule, type RecordingRule, type RuleGroup, AlertSeverity } from './prometheus/rules';
export { InfrastructureAlerts, type InfrastructureAlertOptions } from './prometheus/infrastructure-rules';
export { SelfMonitoringAlerts, type SelfMonitoringAlertOptions } from './prometheus/self-monitoring-rules';
export { DEFAULT_RUNBOOK_BASE_URL } from './common/runbooks';

// Alertmanager.
export { AlertRouter, type AlertRouterOptions, type AlertRouterProps, type Route, type InhibitRule, type WatchdogOptions } from './alertmanager/alert-router';
export { MatchOperator, type LabelMatcher } from './alertmanager/matchers';
export { alertmanagerAlertRules, type AlertmanagerAlertOptions } from './alertmanager/alertmanager-rules';
export {
  type Receiver, type SlackIntegration, type EmailIntegration, type PagerDutyIntegration,
  type WebhookIntegration,
} from './alertmanager/receivers';
export {
  type AlertmanagerConfigFile, type RouteFile, type InhibitRuleFile, type ReceiverFile, type SlackConfigFile,
  type EmailConfigFile, type PagerDutyConfigFile, type WebhookConfigFile,
} from './alertmanager/config-model';

// Grafana.
export { GrafanaWithDashboards, type GrafanaWithDashboardsOptions, type GrafanaWithDashboardsProps } from './grafana/grafana-with-dashboards';
export {
  Dashboards, type GrafanaDashboard, type IDashboardBuilder, dashboardQueries, PROMETHEUS_DATASOURCE_UID,
} from './grafana/dashboard';
export {
  timeseriesPanel, statPanel, provisionedDashboard, type PanelSpec, type PanelQuery, type TimeseriesPanelSpec, type StatPanelSpec,
  type DashboardVariable,
} from './grafana/panels';
export { kubernetesInfrastructureDashboard, type KubernetesInfrastructureDashboardOptions } from './grafana/dashboards/kubernetes-infrastructure';

// Monitored applications: generic, and the Iris API.
export { type MonitoredApplication } from './application/monitored-application';
export { ApplicationServiceMonitor, type ApplicationServiceMonitorProps } from './application/application-service-monitor';
export { IRIS_API, IRIS_API_METRICS, type InferenceApiMetrics, type ResolvedInferenceApiMetrics } from './iris/iris-api';
export { inferenceApiAlertRules, type InferenceApiAlertOptions } from './iris/inference-api-alerts';
export { inferenceApiDashboard, type InferenceApiDashboardOptions } from './iris/inference-api-dashboard';
export { IrisApiServiceMonitor, type IrisApiServiceMonitorProps } from './iris/iris-api-service-monitor';
export { inferenceApiSlos, type InferenceApiSloOptions } from './iris/inference-api-slos';
export { ServiceMonitor, type ServiceMonitorProps, type ServiceMonitorSpec } from '../imports/monitoring.coreos.com';

// Service level objectives: multi-window, multi-burn-rate alerts and dashboards for any application.
export { ServiceLevelObjective, type ServiceLevelObjectiveOptions } from './slo/service-level-objective';
export { AvailabilitySlo, type AvailabilitySloProps } from './slo/availability-slo';
export { LatencySlo, type LatencySloProps } from './slo/latency-slo';
export { ApplicationSlos, type ApplicationSlosProps } from './slo/application-slos';
export { sloDashboard, type SloDashboardOptions } from './slo/slo-dashboard';

// Shared handles and options.
export { type IPrometheusEndpoint, type IAlertmanagerEndpoint, type NetworkPeer, type DnsEgress } from './common/endpoints';
export { MonitoringValidationError } from './common/errors';
export { type IngressOptions, IngressAuthentication } from './common/exposure';
export { type PersistenceOptions } from './common/storage';
export { type ResourceSpec } from './common/resources';
export { ConfigMapShards, type ConfigMapShardsProps, type ConfigMapShard } from './common/config-map-shards';
export { ProgramWorkload, type ProgramWorkloadProps, type ProgramMount, type ProgramStatefulSet } from './common/program-workload';
export {
  PROMETHEUS_VERSION, ALERTMANAGER_VERSION, GRAFANA_VERSION,
  DEFAULT_PROMETHEUS_IMAGE, DEFAULT_ALERTMANAGER_IMAGE, DEFAULT_GRAFANA_IMAGE,
} from './common/versions';
