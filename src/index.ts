// Public API of the package: exports only. Internal helpers (validation, rendering) stay unexported.

// The whole stack, and the ten-file layout of this repository's app.
export { MonitoringStack, type MonitoringStackProps, type ApplicationMonitoringOptions } from './stack';
export { FileLayout, writeManifests, WRITTEN_FILES_LIST } from './layout/file-layout';
export { monitoringStackLayout } from './layout/monitoring-layout';

// Prometheus.
export { PrometheusServer, type PrometheusServerOptions, type PrometheusServerProps, CUSTOM_RULES_FILE, MONITORING_RULES_FILE } from './prometheus/prometheus-server';
export { ShardRuleEvaluation, shardRelabeling } from './prometheus/sharding';
export { RemoteWrite, LongTermStore, type RemoteWriteOptions, type RemoteWriteQueueOptions, type RemoteWriteConfig } from './prometheus/remote-write';
export { POD_NAME_ENV } from './prometheus/high-availability';
export { ALERTMANAGER_CLUSTER_PORT } from './alertmanager/cluster';
export { PrometheusRbac, type PrometheusRbacProps } from './prometheus/prometheus-rbac';
export { ScrapeJobs, type KubernetesServiceScrapeOptions } from './prometheus/scrape-jobs';
export {
  type ScrapeConfig, type RelabelConfig, type KubernetesSdConfig, type StaticConfig,
  type PrometheusConfigFile,
} from './prometheus/config-model';
export { type AlertRule, type RecordingRule, type RuleGroup, AlertSeverity, isAlertRule } from './prometheus/rules';
export { infrastructureAlertRules, type InfrastructureAlertOptions, INFRASTRUCTURE_COMPONENT } from './prometheus/infrastructure-rules';
export { selfMonitoringAlertRules, type SelfMonitoringAlertOptions, MONITORING_ALERT_COMPONENT } from './prometheus/self-monitoring-rules';
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
export { Dashboard, type IDashboard, type DashboardVariable, type ProvisionedDashboardOptions } from './grafana/dashboard';
export {
  Panel, type PanelOptions, type PanelQuery, type GridPosition, type TimeseriesPanelOptions, type StatPanelOptions,
  type ValueMapping, type ThresholdStep,
} from './grafana/panels';
export { Dashboards } from './grafana/built-in-dashboards';
export { type KubernetesInfrastructureDashboardOptions } from './grafana/dashboards/kubernetes-infrastructure';

// Monitored applications: generic, and the Iris API.
export { type MonitoredApplication } from './application/monitored-application';
export { ApplicationServiceMonitor, type ApplicationServiceMonitorProps } from './application/application-service-monitor';
export { IRIS_API, IRIS_API_METRICS, type InferenceApiMetrics, type ResolvedInferenceApiMetrics } from './iris/iris-api';
export { inferenceApiAlertRules, type InferenceApiAlertOptions } from './iris/inference-api-alerts';
export { type InferenceApiDashboardOptions } from './iris/inference-api-dashboard';
export { IrisApiServiceMonitor, type IrisApiServiceMonitorProps } from './iris/iris-api-service-monitor';
export { inferenceApiSlos, type InferenceApiSloOptions } from './iris/inference-api-slos';
export { ServiceMonitor, type ServiceMonitorProps, type ServiceMonitorSpec } from '../imports/monitoring.coreos.com';

// Service level objectives: multi-window, multi-burn-rate alerts and dashboards for any application.
export { ServiceLevelObjective, type ServiceLevelObjectiveOptions } from './slo/service-level-objective';
export { AvailabilitySlo, type AvailabilitySloProps } from './slo/availability-slo';
export { LatencySlo, type LatencySloProps } from './slo/latency-slo';
export { ApplicationSlos, type ApplicationSlosProps } from './slo/application-slos';
export { type SloDashboardOptions } from './slo/slo-dashboard';

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
