// Public API of the package: exports only. Internal helpers (validation, rendering) stay unexported.

// The whole stack, and the ten-file layout of this repository's app.
export { MonitoringStack, type MonitoringStackProps } from './stack';
export { FileLayout } from './layout/file-layout';
export { MonitoringStackLayout } from './layout/monitoring-layout';

// Prometheus.
export { PrometheusServer, type PrometheusServerOptions, type PrometheusServerProps } from './prometheus/prometheus-server';
export { ShardBy, ShardRuleEvaluation, Sharding } from './prometheus/sharding';
export {
  RemoteWrite, LongTermStore, type RemoteWriteOptions, type RemoteWriteQueueOptions, type RemoteWriteConfig, type BasicAuthConfig,
} from './prometheus/remote-write';
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
export { Runbooks } from './common/runbooks';

// Alertmanager.
export { AlertRouter, type AlertRouterOptions, type AlertRouterProps, type Route, type InhibitRule, type WatchdogOptions } from './alertmanager/alert-router';
export { MatchOperator, type LabelMatcher } from './alertmanager/matchers';
export { AlertmanagerAlerts, type AlertmanagerAlertOptions } from './alertmanager/alertmanager-rules';
export {
  type Receiver, type SlackIntegration, type EmailIntegration, type PagerDutyIntegration,
  type WebhookIntegration,
} from './alertmanager/receivers';

// Grafana.
export { GrafanaWithDashboards, type GrafanaWithDashboardsOptions, type GrafanaWithDashboardsProps } from './grafana/grafana-with-dashboards';
export { Dashboard, type IDashboard, type DashboardVariable, type ProvisionedDashboardOptions } from './grafana/dashboard';
export {
  Panel, type PanelOptions, type PanelQuery, type GridPosition, type TimeseriesPanelOptions, type StatPanelOptions,
  type ValueMapping, type ThresholdStep,
} from './grafana/panels';
export { Dashboards } from './content/dashboards';
export { type KubernetesInfrastructureDashboardOptions } from './grafana/dashboards/kubernetes-infrastructure';

// What is monitored of an application, built once (content/), and written out by a delivery: the stack's own
// programs (MonitoringStack.addApplication) or the Prometheus Operator's objects (delivery/operator/).
export {
  ApplicationMonitoring, type ApplicationMonitoringProps, type ApplicationMonitoringOptions, type ApplicationModelHealthOptions,
} from './content/application-monitoring';
export { IrisApiMonitoring, type IrisApiMonitoringProps } from './content/iris-api-monitoring';
export { PrometheusOperatorDelivery, type PrometheusOperatorDeliveryProps, MonitorKind } from './delivery/operator/prometheus-operator-delivery';
export { OperatorTarget, type OperatorTargetProps, AlertmanagerConfigMatcherStrategy } from './delivery/operator/operator-target';

// Monitored applications: generic, and the Iris API.
export { type MonitoredApplication, type MonitoredApplicationOverrides } from './application/monitored-application';
export { ApplicationServiceMonitor, type ApplicationServiceMonitorProps } from './application/application-service-monitor';
export { IrisApi, type IrisApiOptions, type IrisModelHealthOptions, type InferenceApiMetrics } from './iris/iris-api';
export { InferenceApiAlerts, type InferenceApiAlertOptions, type InferenceApiAlertSettings } from './iris/inference-api-alerts';
export { type InferenceApiDashboardOptions } from './iris/inference-api-dashboard';
export { IrisApiServiceMonitor, type IrisApiServiceMonitorProps } from './iris/iris-api-service-monitor';
export { InferenceApiSlos, type InferenceApiSloOptions } from './iris/inference-api-slos';
// The ServiceMonitor custom resource, as `cdk8s import` generated it (imports/), with every type it uses.
export {
  ServiceMonitor, type ServiceMonitorProps, type ServiceMonitorSpec, type ServiceMonitorSpecAttachMetadata,
  type ServiceMonitorSpecEndpoints, ServiceMonitorSpecFallbackScrapeProtocol,
  type ServiceMonitorSpecNamespaceSelector, ServiceMonitorSpecNativeHistogramMinBucketFactor,
  ServiceMonitorSpecScrapeProtocols, type ServiceMonitorSpecSelector, ServiceMonitorSpecSelectorMechanism,
  ServiceMonitorSpecServiceDiscoveryRole, type ServiceMonitorSpecEndpointsAuthorization,
  type ServiceMonitorSpecEndpointsBasicAuth, type ServiceMonitorSpecEndpointsBearerTokenSecret,
  type ServiceMonitorSpecEndpointsMetricRelabelings, type ServiceMonitorSpecEndpointsOauth2,
  type ServiceMonitorSpecEndpointsProxyConnectHeader, type ServiceMonitorSpecEndpointsRelabelings,
  ServiceMonitorSpecEndpointsScheme, ServiceMonitorSpecEndpointsTargetPort,
  type ServiceMonitorSpecEndpointsTlsConfig, type ServiceMonitorSpecSelectorMatchExpressions,
  type ServiceMonitorSpecEndpointsAuthorizationCredentials, type ServiceMonitorSpecEndpointsBasicAuthPassword,
  type ServiceMonitorSpecEndpointsBasicAuthUsername, ServiceMonitorSpecEndpointsMetricRelabelingsAction,
  type ServiceMonitorSpecEndpointsOauth2ClientId, type ServiceMonitorSpecEndpointsOauth2ClientSecret,
  type ServiceMonitorSpecEndpointsOauth2ProxyConnectHeader, type ServiceMonitorSpecEndpointsOauth2TlsConfig,
  ServiceMonitorSpecEndpointsRelabelingsAction, type ServiceMonitorSpecEndpointsTlsConfigCa,
  type ServiceMonitorSpecEndpointsTlsConfigCert, type ServiceMonitorSpecEndpointsTlsConfigKeySecret,
  ServiceMonitorSpecEndpointsTlsConfigMaxVersion, ServiceMonitorSpecEndpointsTlsConfigMinVersion,
  type ServiceMonitorSpecEndpointsOauth2ClientIdConfigMap, type ServiceMonitorSpecEndpointsOauth2ClientIdSecret,
  type ServiceMonitorSpecEndpointsOauth2TlsConfigCa, type ServiceMonitorSpecEndpointsOauth2TlsConfigCert,
  type ServiceMonitorSpecEndpointsOauth2TlsConfigKeySecret, ServiceMonitorSpecEndpointsOauth2TlsConfigMaxVersion,
  ServiceMonitorSpecEndpointsOauth2TlsConfigMinVersion, type ServiceMonitorSpecEndpointsTlsConfigCaConfigMap,
  type ServiceMonitorSpecEndpointsTlsConfigCaSecret, type ServiceMonitorSpecEndpointsTlsConfigCertConfigMap,
  type ServiceMonitorSpecEndpointsTlsConfigCertSecret, type ServiceMonitorSpecEndpointsOauth2TlsConfigCaConfigMap,
  type ServiceMonitorSpecEndpointsOauth2TlsConfigCaSecret,
  type ServiceMonitorSpecEndpointsOauth2TlsConfigCertConfigMap,
  type ServiceMonitorSpecEndpointsOauth2TlsConfigCertSecret,
} from '../imports/monitoring.coreos.com';

// The model's own health: class distribution shift and confidence collapse against a 7-day baseline.
export { ModelHealth, type ModelHealthOptions, type ModelHealthThresholds, type ModelHealthMetrics } from './model-health/model-health-rules';

// Model servers: presets per runtime (scrape job, alerts, SLOs, dashboard) for MonitoringStack.monitorApplication.
export {
  ModelServers, type ModelServerOptions, type TritonServerOptions, type VllmServerOptions, type BentoMlServerOptions, type RayServeOptions,
  type FastApiServiceOptions, type ModelServerMonitoring,
} from './model-servers/model-servers';
export { GpuMonitoring, type DcgmExporterOptions } from './model-servers/dcgm';

// The stack's own Prometheus and Alertmanager run by the Prometheus Operator (its custom resources).
export { OperatorPrometheus, type OperatorPrometheusProps } from './operator/operator-prometheus';
export { OperatorAlertmanager, type OperatorAlertmanagerProps } from './operator/operator-alertmanager';
export { type OperatorSelection } from './operator/operator-selection';

// Service level objectives: multi-window, multi-burn-rate alerts and dashboards for any application.
export { ServiceLevelObjective, type ServiceLevelObjectiveOptions } from './slo/service-level-objective';
export { AvailabilitySlo, type AvailabilitySloProps } from './slo/availability-slo';
export { LatencySlo, type LatencySloProps } from './slo/latency-slo';
export { ApplicationSlos, type ApplicationSlosProps } from './slo/application-slos';
export { type SloDashboardOptions } from './slo/slo-dashboard';

// Shared handles and options.
export {
  type IPrometheusEndpoint, type IAlertmanagerEndpoint, type NetworkPeer, type NetworkDestination, type DnsEgress,
} from './common/endpoints';
export { type IngressOptions, IngressAuthentication } from './common/exposure';
export { type PersistenceOptions } from './common/storage';
export { type ResourceSpec } from './common/resources';
export { ConfigMapShards, type ConfigMapShardsProps, type ConfigMapShard } from './common/config-map-shards';
export {
  ProgramWorkload, type ProgramWorkloadProps, type ProgramMount, type ProgramStatefulSet, type ProgramNetworkAccess, type IProgramConfig, type ProgramStartup,
} from './common/program-workload';
export { Versions } from './common/versions';
