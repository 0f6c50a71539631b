import { MonitoredApplication, validateApplication } from '../application/monitored-application';
import { definedFields } from '../common/serialize';
import { factoryOptions, validateDuration, validateHttpUrl, validateNumber } from '../common/validation';
import { Runbooks } from '../common/runbooks';
import { Dashboard } from '../grafana/dashboard';
import { Panel } from '../grafana/panels';
import { AlertSeverity, forPhrase, RuleGroup } from '../prometheus/rules';
import type { ModelServerMonitoring } from './model-servers';

/*
 * The NVIDIA DCGM exporter (NVIDIA/dcgm-exporter, etc/default-counters.csv), port 9400 at /metrics: gauges
 * DCGM_FI_DEV_GPU_UTIL (%), DCGM_FI_DEV_FB_USED and DCGM_FI_DEV_FB_FREE (MiB), DCGM_FI_DEV_GPU_TEMP (C),
 * DCGM_FI_DEV_POWER_USAGE (W), DCGM_FI_DEV_XID_ERRORS (the last XID error's code, 0 when none); the throttling
 * counters (DCGM_FI_DEV_THERMAL_VIOLATION, microseconds) are commented out in the default counters file, so
 * thermal throttling reads it where enabled and the temperature otherwise. Labels gpu, UUID, modelName,
 * Hostname, and the pod holding the GPU as `pod`, `namespace`, `container`: scraped without honor_labels,
 * those become `exported_pod`, `exported_namespace`, `exported_container` (the target's own labels win).
 */

/** Joins GPU series to the pods that hold them: `exported_namespace`/`exported_pod` as `namespace`/`pod`. */
export function gpusOfPods(metric: string): string {
  return `label_replace(label_replace(${metric}, "namespace", "$1", "exported_namespace", "(.+)"), "pod", "$1", "exported_pod", "(.+)")`;
}

/** Options of {@link GpuMonitoring.dcgmExporter}. */
export interface DcgmExporterOptions {
  /**
   * Name of the application: the `job` label of its series.
   * @default 'dcgm-exporter'
   */
  readonly name?: string;
  /**
   * Its Service.
   * @default 'dcgm-exporter'
   */
  readonly serviceName?: string;
  /**
   * Namespace it runs in (the GPU Operator's is `gpu-operator`).
   * @default - the monitoring stack's
   */
  readonly namespace?: string;
  /**
   * Name of the Service port serving metrics (9400).
   * @default 'metrics'
   */
  readonly portName?: string;
  /**
   * Labels of its Service, for a ServiceMonitor's selector.
   * @default - { app: 'nvidia-dcgm-exporter' }
   */
  readonly serviceLabels?: Record<string, string>;
  /**
   * Share of a GPU's memory in use above which GpuMemoryNearlyFull fires, 0 < value < 1. Servers that reserve
   * memory up front (vLLM's `--gpu-memory-utilization`, 0.9 by default) sit at that share by design.
   * @default 0.95
   */
  readonly maxMemoryUsage?: number;
  /**
   * GPU temperature, in degrees Celsius, above which GpuThermalThrottling fires when the throttling counter is not exported.
   * @default 85
   */
  readonly maxTemperatureCelsius?: number;
  /**
   * Share of time a GPU may be thermally throttled (DCGM_FI_DEV_THERMAL_VIOLATION, where exported) before GpuThermalThrottling fires.
   * @default 0.1
   */
  readonly maxThrottledRatio?: number;
  /**
   * How long memory, temperature and throttling conditions must hold.
   * @default '5m'
   */
  readonly degradedFor?: string;
  /**
   * Base URL of the runbooks: alerts link to `<base>/model-servers/<AlertName>.md`.
   * @default - this repository's docs/runbooks
   */
  readonly runbookBaseUrl?: string;
}

/** The GPUs under the model servers, through NVIDIA's DCGM exporter. */
export class GpuMonitoring {
  /**
   * The DCGM exporter as a scrape target, the GPU alerts (memory nearly full, XID errors, thermal throttling,
   * exporter down) and a GPU dashboard. A model server preset with `gpu: true` adds GPU panels and
   * GpuIdleWhileQueued beside its own.
   */
  public static dcgmExporter(options: DcgmExporterOptions = {}): ModelServerMonitoring {
    const f = 'GpuMonitoring.dcgmExporter';
    const o = factoryOptions(f, options);
    const ratio = { min: 0, max: 1, minExclusive: true, maxExclusive: true };
    if (o.maxMemoryUsage !== undefined) validateNumber(f, 'options.maxMemoryUsage', o.maxMemoryUsage, ratio);
    if (o.maxThrottledRatio !== undefined) validateNumber(f, 'options.maxThrottledRatio', o.maxThrottledRatio, ratio);
    if (o.maxTemperatureCelsius !== undefined) validateNumber(f, 'options.maxTemperatureCelsius', o.maxTemperatureCelsius, { min: 0, max: 120, minExclusive: true });
    if (o.degradedFor !== undefined) validateDuration(f, 'options.degradedFor', o.degradedFor, { allowZero: true });
    if (o.runbookBaseUrl !== undefined) validateHttpUrl(f, 'options.runbookBaseUrl', o.runbookBaseUrl);
    const name = o.name ?? 'dcgm-exporter';
    const application = definedFields({
      name,
      namespace: o.namespace,
      serviceName: o.serviceName ?? 'dcgm-exporter',
      portName: o.portName ?? 'metrics',
      metricsPath: '/metrics',
      serviceLabels: o.serviceLabels ?? { app: 'nvidia-dcgm-exporter' },
    }) as MonitoredApplication;
    validateApplication(f, 'options', application);
    return { application, monitoring: { alerts: [gpuAlerts(name, o)], dashboards: [gpuDashboard(name)] } };
  }

  private constructor() {}
}

function gpuAlerts(job: string, o: DcgmExporterOptions): RuleGroup {
  const sel = `job="${job}"`;
  const degradedFor = o.degradedFor ?? '5m';
  const maxMemory = o.maxMemoryUsage ?? 0.95;
  const maxTemp = o.maxTemperatureCelsius ?? 85;
  const maxThrottled = o.maxThrottledRatio ?? 0.1;
  const runbook = (alert: string) => Runbooks.urlOf(`model-servers/${alert}`, o.runbookBaseUrl);
  const where = 'GPU {{ $labels.gpu }} of {{ $labels.Hostname }}';
  const common = { component: 'gpu', ...(o.namespace ? { labels: { namespace: o.namespace } } : {}) };
  return {
    name: `${job}-alerts`,
    rules: [
      {
        ...common,
        alert: 'GpuExporterDown',
        expr: `sum by (namespace, job) (up{${sel}}) == 0 or absent(up{${sel}})`,
        forDuration: '5m',
        severity: AlertSeverity.WARNING,
        summary: 'No DCGM exporter can be scraped: the GPU alerts are blind',
        description: `No ${job} target has been up for 5m: GPU memory, XID and thermal alerts cannot fire.`,
        runbookUrl: runbook('GpuExporterDown'),
      },
      {
        ...common,
        alert: 'GpuMemoryNearlyFull',
        expr: `DCGM_FI_DEV_FB_USED{${sel}} / (DCGM_FI_DEV_FB_USED{${sel}} + DCGM_FI_DEV_FB_FREE{${sel}}) > ${maxMemory}`,
        forDuration: degradedFor,
        severity: AlertSeverity.WARNING,
        summary: `${where} uses {{ $value | humanizePercentage }} of its memory`,
        description: `Framebuffer used / total has been above ${maxMemory * 100}%${forPhrase(degradedFor)}: the next larger batch or model load runs out of memory (CUDA OOM).`,
        runbookUrl: runbook('GpuMemoryNearlyFull'),
      },
      {
        ...common,
        alert: 'GpuXidError',
        // The gauge holds the last XID's code: any non-zero value within 5m is an error the driver reported.
        expr: `max_over_time(DCGM_FI_DEV_XID_ERRORS{${sel}}[5m]) > 0`,
        severity: AlertSeverity.WARNING,
        summary: `${where} reported XID error {{ $value }}`,
        description: 'The NVIDIA driver reported an XID error on this GPU in the last 5 minutes: 48 (double-bit ECC), 63/64 (row remapping), 79 (fallen off the bus) and 92-95 mean a failing GPU; 13, 31, 43 an application fault.',
        runbookUrl: runbook('GpuXidError'),
      },
      {
        ...common,
        alert: 'GpuThermalThrottling',
        expr: `rate(DCGM_FI_DEV_THERMAL_VIOLATION{${sel}}[5m]) / 1e6 > ${maxThrottled} or DCGM_FI_DEV_GPU_TEMP{${sel}} > ${maxTemp}`,
        forDuration: degradedFor,
        severity: AlertSeverity.WARNING,
        summary: `${where} is throttled by heat ({{ $value }})`,
        description: `The GPU has been thermally throttled more than ${maxThrottled * 100}% of the time, or above ${maxTemp} C,${forPhrase(degradedFor)}: its clocks drop and inference slows.`,
        runbookUrl: runbook('GpuThermalThrottling'),
      },
    ],
  };
}

function gpuDashboard(job: string): Dashboard {
  const scope = 'namespace=~"$namespace", job=~"$job", instance=~"$instance"';
  const pos = (i: number) => ({ x: (i % 2) * 12, y: Math.floor(i / 2) * 8, width: 12, height: 8 });
  const legend = '{{Hostname}} GPU {{gpu}} {{exported_pod}}';
  const panels = [
    Panel.timeseries({ title: 'GPU utilization', description: 'DCGM_FI_DEV_GPU_UTIL: share of time a kernel ran.', unit: 'percent', min: 0, max: 100, queries: [{ expr: `DCGM_FI_DEV_GPU_UTIL{${scope}}`, legend }], position: pos(0) }),
    Panel.timeseries({ title: 'GPU memory used', description: 'Framebuffer used / total (GpuMemoryNearlyFull above its threshold).', unit: 'percentunit', min: 0, max: 1, queries: [{ expr: `DCGM_FI_DEV_FB_USED{${scope}} / (DCGM_FI_DEV_FB_USED{${scope}} + DCGM_FI_DEV_FB_FREE{${scope}})`, legend }], position: pos(1) }),
    Panel.timeseries({ title: 'GPU temperature', description: 'DCGM_FI_DEV_GPU_TEMP, degrees Celsius.', unit: 'celsius', min: 0, queries: [{ expr: `DCGM_FI_DEV_GPU_TEMP{${scope}}`, legend }], position: pos(2) }),
    Panel.timeseries({ title: 'Power and last XID', description: 'Power draw in watts, and the last XID error code (0: none).', unit: 'watt', min: 0, queries: [{ expr: `DCGM_FI_DEV_POWER_USAGE{${scope}}`, legend }, { expr: `DCGM_FI_DEV_XID_ERRORS{${scope}} > 0`, legend: `XID {{gpu}} {{Hostname}}` }], position: pos(3) }),
  ];
  return Dashboard.provisioned({
    uid: `${job}-gpus`,
    title: 'GPUs (DCGM)',
    tags: ['mlops', 'gpu'],
    variables: [
      { name: 'namespace', selector: `up{job="${job}"}` },
      { name: 'job', selector: 'up{namespace=~"$namespace"}', defaults: [job] },
      { name: 'instance', selector: 'up{namespace=~"$namespace", job=~"$job"}' },
    ],
    panels,
  });
}
