import { MonitoredApplication } from '../application/monitored-application';
import { anyOf, bucketBound } from '../common/promql';
import { Runbooks } from '../common/runbooks';
import { gpusOfPods } from './dcgm';
import { Dashboard } from '../grafana/dashboard';
import { Panel, PanelQuery } from '../grafana/panels';
import { AlertRule, AlertSeverity, forPhrase, RuleGroup } from '../prometheus/rules';
import { AvailabilitySlo } from '../slo/availability-slo';
import { LatencySlo } from '../slo/latency-slo';
import { ServiceLevelObjective } from '../slo/service-level-objective';
import type { ApplicationMonitoringOptions } from '../content/application-monitoring';

/*
 * The signal model every preset maps its runtime onto: request rate, error rate, latency, saturation and
 * model readiness, as PromQL over the runtime's own metric names. The alerts, SLOs and dashboard are built
 * from it alone, so that every runtime gets the same ones.
 */

/** PromQL of a signal for one job: `selector` is the job's label matchers, `window` a range such as `5m`. */
export type SignalQuery = (selector: string, window: string) => string;

/** Latency measured by a histogram in seconds (vLLM, KServe, FastAPI): a share of slow requests, and an SLO. */
export interface HistogramLatency {
  readonly histogram: string;
  /** The label naming the route, and the inference routes measured (none: every request). */
  readonly handlerLabel?: string;
  readonly handlers?: string[];
  readonly what: string;
  /** Units of the histogram per second: 1000 for milliseconds (Ray Serve). @default 1 */
  readonly unitsPerSecond?: number;
}

/** Latency measured only as cumulative duration and count counters (Triton): a mean, no percentile, no SLO. */
export interface AverageLatency {
  /** Seconds spent per second, summed per job. */
  readonly busySeconds: SignalQuery;
  /** Requests finished per second, per job. */
  readonly finished: SignalQuery;
  readonly what: string;
}

/** A gauge that saturates: the queue, the KV cache. */
export interface SaturationSignal {
  /** Alert name suffix: `<Prefix><suffix>`. */
  readonly alertSuffix: string;
  /** Worst value over the job's targets and models, per job. */
  readonly value: (selector: string) => string;
  readonly threshold: number;
  readonly what: string;
  readonly unit: string;
  readonly runbook: string;
  /** The queue gauge, exported by the server's own pods (for the GPU join), when this is a queue. */
  readonly queueGauge?: string;
}

/** What one runtime exposes, mapped onto the signals. */
export interface ModelServerSignals {
  /** Display name: `Triton`. */
  readonly runtime: string;
  /** Requests per second, per job (`sum by (namespace, job)`). */
  readonly requests: SignalQuery;
  /** Failed requests per second, per job; none when the runtime does not count failures. */
  readonly errors?: SignalQuery;
  /** Counters for the availability SLO: every request, and the failed ones. */
  readonly availability?: { readonly requestCounters: string[]; readonly errorCounter: string };
  readonly latency: HistogramLatency | AverageLatency;
  readonly saturation: SaturationSignal[];
  /** Series per job while no model is ready; none when the runtime does not say. */
  readonly notReady?: (selector: string) => string;
  /** Panels of the runtime's own (batch size, tokens), after the common ones. */
  readonly extraPanels?: (scope: string) => { title: string; description: string; unit: string; queries: PanelQuery[] }[];
}

/** Thresholds common to every preset, resolved. */
export interface ResolvedServerThresholds {
  readonly errorRatio: number;
  readonly latencySeconds: number;
  readonly slowRequestRatio: number;
  readonly downFor: string;
  readonly degradedFor: string;
  readonly alertPrefix: string;
  readonly runbookBaseUrl?: string;
  readonly availabilityObjectivePercent: number;
  readonly latencyObjectivePercent: number;
  /** The server runs on GPUs watched by the DCGM exporter. */
  readonly gpu: boolean;
}

const BY = 'namespace, job';

export function isHistogram(latency: HistogramLatency | AverageLatency): latency is HistogramLatency {
  return (latency as HistogramLatency).histogram !== undefined;
}

/** The histogram's matchers besides the job: its inference routes. */
function routeMatchers(latency: HistogramLatency): string[] {
  return latency.handlers?.length ? [`${latency.handlerLabel ?? 'handler'}=~${anyOf(latency.handlers)}`] : [];
}

/** `my-model-server` → `MyModelServer`, the default alert-name prefix. */
export function pascalCase(name: string): string {
  return name.split(/[^a-zA-Z0-9]+/).map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
}

/** The runbook page shared by one alert of every preset: `<base>/model-servers/<page>.md`. */
function runbookOf(page: string, base?: string): string {
  return Runbooks.urlOf(`model-servers/${page}`, base);
}

/** The scrape job, alerts, SLOs and dashboard of one model server. */
export function modelServerMonitoring(application: MonitoredApplication, namespace: string | undefined, s: ModelServerSignals, t: ResolvedServerThresholds): ApplicationMonitoringOptions {
  return {
    alerts: [alertRules(application.name, namespace, s, t)],
    slos: slos(s, t),
    dashboards: [dashboard(application.name, s, t)],
  };
}

function alertRules(job: string, namespace: string | undefined, s: ModelServerSignals, t: ResolvedServerThresholds): RuleGroup {
  const sel = `job="${job}"`;
  // A namespace label for Alertmanager's inhibition: the given one, else the series' own (`by (namespace, job)`).
  const common = { component: job, ...(namespace ? { labels: { namespace } } : {}) };
  const rules: AlertRule[] = [{
    ...common,
    alert: `${t.alertPrefix}Down`,
    // No target of the job up, or none discovered: one replica of several down is TargetDown's business.
    expr: `sum by (namespace, job) (up{${sel}}) == 0 or absent(up{${sel}})`,
    forDuration: t.downFor,
    severity: AlertSeverity.CRITICAL,
    summary: `${job} (${s.runtime}) is not serving: no replica can be scraped`,
    description: `No ${job} target has been up${forPhrase(t.downFor)}: every replica fails its scrape, or none is left in service discovery.`,
    runbookUrl: runbookOf('ModelServerDown', t.runbookBaseUrl),
  }];
  if (s.errors) {
    const errors = s.errors(sel, '5m');
    rules.push({
      ...common,
      alert: `${t.alertPrefix}HighErrorRate`,
      expr: `${errors} / (${s.requests(sel, '5m')} > 0) > ${t.errorRatio}`,
      forDuration: t.degradedFor,
      severity: AlertSeverity.WARNING,
      summary: `${job} fails {{ $value | humanizePercentage }} of its inference requests`,
      description: `Failed / all ${s.runtime} inference requests, over 5m, has been above ${t.errorRatio * 100}%${forPhrase(t.degradedFor)}.`,
      runbookUrl: runbookOf('ModelServerHighErrorRate', t.runbookBaseUrl),
    });
  }
  const latency = s.latency;
  if (isHistogram(latency)) {
    const matchers = [sel, ...routeMatchers(latency)].join(', ');
    const all = `sum by (${BY}) (rate(${latency.histogram}_count{${matchers}}[5m]))`;
    const fast = `sum by (${BY}) (rate(${latency.histogram}_bucket{${matchers}, le=~${bucketBound(t.latencySeconds * (latency.unitsPerSecond ?? 1))}}[5m]))`;
    rules.push({
      ...common,
      alert: `${t.alertPrefix}HighLatency`,
      // The share above the threshold's bucket, not histogram_quantile, which cannot exceed the highest finite bucket.
      expr: `(${all} - ${fast}) / (${all} > 0) > ${t.slowRequestRatio}`,
      forDuration: t.degradedFor,
      severity: AlertSeverity.WARNING,
      summary: `{{ $value | humanizePercentage }} of ${job} requests take longer than ${t.latencySeconds}s (${latency.what})`,
      description: `More than ${t.slowRequestRatio * 100}% of ${s.runtime} requests (over 5m) have had a ${latency.what} above ${t.latencySeconds}s${forPhrase(t.degradedFor)}.`,
      runbookUrl: runbookOf('ModelServerHighLatency', t.runbookBaseUrl),
    });
  } else {
    rules.push({
      ...common,
      alert: `${t.alertPrefix}HighLatency`,
      expr: `${latency.busySeconds(sel, '5m')} / (${latency.finished(sel, '5m')} > 0) > ${t.latencySeconds}`,
      forDuration: t.degradedFor,
      severity: AlertSeverity.WARNING,
      summary: `${job} takes {{ $value | humanizeDuration }} per request on average (${latency.what})`,
      description: `The mean ${latency.what} of ${s.runtime} requests (over 5m) has been above ${t.latencySeconds}s${forPhrase(t.degradedFor)}. ${s.runtime} exports cumulative durations, not histograms: a mean, not a percentile.`,
      runbookUrl: runbookOf('ModelServerHighLatency', t.runbookBaseUrl),
    });
  }
  for (const sat of s.saturation) {
    rules.push({
      ...common,
      alert: `${t.alertPrefix}${sat.alertSuffix}`,
      expr: `${sat.value(sel)} > ${sat.threshold}`,
      forDuration: t.degradedFor,
      severity: AlertSeverity.WARNING,
      summary: `${job} is saturated: ${sat.what} is {{ $value }}`,
      description: `The ${sat.what} of a ${job} replica has been above ${sat.threshold}${forPhrase(t.degradedFor)}: requests wait, latency grows. Add replicas or capacity.`,
      runbookUrl: runbookOf(sat.runbook, t.runbookBaseUrl),
    });
  }
  const queue = s.saturation.find((sat) => sat.queueGauge)?.queueGauge;
  if (t.gpu && queue) {
    rules.push({
      ...common,
      alert: `${t.alertPrefix}GpuIdleWhileQueued`,
      // Per pod: the GPUs a pod holds (the DCGM exporter's exported_pod) idle while that pod's queue is not empty.
      expr: `(sum by (namespace, pod) (${queue}{${sel}}) > 0) and on (namespace, pod) (max by (namespace, pod) (${gpusOfPods('DCGM_FI_DEV_GPU_UTIL')}) < 5)`,
      forDuration: t.degradedFor,
      severity: AlertSeverity.WARNING,
      summary: `${job} pod {{ $labels.pod }} has a queue while its GPUs are idle`,
      description: `Requests have waited on {{ $labels.pod }} while every GPU it holds stayed under 5% utilization${forPhrase(t.degradedFor)}: the server is stuck (a hung CUDA context, a deadlocked batcher), not busy.`,
      runbookUrl: runbookOf('GpuIdleWhileQueued', t.runbookBaseUrl),
    });
  }
  if (s.notReady) {
    rules.push({
      ...common,
      alert: `${t.alertPrefix}ModelNotReady`,
      expr: s.notReady(sel),
      forDuration: t.downFor,
      severity: AlertSeverity.CRITICAL,
      summary: `${job} has no ready model`,
      description: `No ${s.runtime} replica of ${job} has reported a ready model${forPhrase(t.downFor)}: it answers, but cannot predict.`,
      runbookUrl: runbookOf('ModelServerModelNotReady', t.runbookBaseUrl),
    });
  }
  return { name: `${job}-alerts`, rules };
}

function slos(s: ModelServerSignals, t: ResolvedServerThresholds): ServiceLevelObjective[] {
  const out: ServiceLevelObjective[] = [];
  if (s.availability) {
    out.push(new AvailabilitySlo({ name: 'availability', objectivePercent: t.availabilityObjectivePercent, ...s.availability }));
  }
  // A mean cannot say which requests were slow: only a histogram runtime has a latency SLO, and LatencySlo
  // reads seconds (Ray Serve's milliseconds histogram has its alert, not an SLO).
  if (isHistogram(s.latency) && (s.latency.unitsPerSecond ?? 1) === 1) {
    out.push(new LatencySlo({
      name: 'latency',
      objectivePercent: t.latencyObjectivePercent,
      histogram: s.latency.histogram,
      thresholdSeconds: t.latencySeconds,
      handlerLabel: s.latency.handlerLabel,
      handlers: s.latency.handlers,
    }));
  }
  return out;
}

function dashboard(job: string, s: ModelServerSignals, t: ResolvedServerThresholds): Dashboard {
  const scope = 'namespace=~"$namespace", job=~"$job", instance=~"$instance"';
  const panel = (i: number) => ({ x: (i % 2) * 12, y: Math.floor(i / 2) * 8, width: 12, height: 8 });
  const latency = s.latency;
  const panels: Panel[] = [
    Panel.timeseries({
      title: 'Inference requests', description: `${s.runtime} inference requests per second.`, unit: 'reqps', min: 0,
      queries: [{ expr: `sum by (job) (${s.requests(scope, '$__rate_interval')})`, legend: '{{job}}' }], position: panel(0),
    }),
    Panel.timeseries({
      title: 'Error ratio',
      description: s.errors ? `Failed / all inference requests (alert above ${t.errorRatio * 100}%).` : `${s.runtime} does not count failed requests: see its HTTP layer or an ingress.`,
      unit: 'percentunit', min: 0,
      queries: s.errors ? [{ expr: `sum by (job) (${s.errors(scope, '$__rate_interval')}) / sum by (job) (${s.requests(scope, '$__rate_interval')})`, legend: '{{job}}' }]
        : [{ expr: `sum by (job) (up{${scope}}) * 0`, legend: 'not counted' }],
      position: panel(1),
    }),
    Panel.timeseries({
      title: isHistogram(latency) ? `Latency p50, p95 (${latency.what})` : `Mean latency (${latency.what})`,
      description: isHistogram(latency) ? `Quantiles of ${latency.histogram} (alert when more than ${t.slowRequestRatio * 100}% exceed ${t.latencySeconds}s).`
        : `Mean of the cumulative duration counters (alert above ${t.latencySeconds}s); ${s.runtime} has no latency histogram.`,
      unit: 's', min: 0,
      queries: isHistogram(latency)
        ? [0.5, 0.95].map((q) => ({
          expr: `histogram_quantile(${q}, sum by (le) (rate(${latency.histogram}_bucket{${[scope, ...routeMatchers(latency)].join(', ')}}[$__rate_interval])))${(latency.unitsPerSecond ?? 1) === 1 ? '' : ` / ${latency.unitsPerSecond}`}`,
          legend: `p${q * 100}`,
        }))
        : [{ expr: `sum by (job) (${latency.busySeconds(scope, '$__rate_interval')}) / sum by (job) (${latency.finished(scope, '$__rate_interval')})`, legend: 'mean' }],
      position: panel(2),
    }),
    ...s.saturation.map((sat, i) => Panel.timeseries({
      title: sat.what.charAt(0).toUpperCase() + sat.what.slice(1),
      description: `The worst replica's ${sat.what} (alert above ${sat.threshold}).`,
      unit: sat.unit, min: 0,
      queries: [{ expr: sat.value(scope), legend: '{{job}}' }],
      position: panel(3 + i),
    })),
    ...(s.extraPanels?.(scope) ?? []).map((p, i) => Panel.timeseries({ ...p, min: 0, position: panel(3 + s.saturation.length + i) })),
  ];
  if (t.gpu) {
    // The GPUs the server's pods hold, from the DCGM exporter: joined on the pods `up` lists for the selection.
    const held = (metric: string) => `${gpusOfPods(metric)} and on (namespace, pod) up{${scope}}`;
    const at = panels.length;
    panels.push(
      Panel.timeseries({ title: 'GPU utilization', description: 'Utilization of the GPUs held by the selected pods (DCGM exporter).', unit: 'percent', min: 0, max: 100, queries: [{ expr: held('DCGM_FI_DEV_GPU_UTIL'), legend: '{{pod}} GPU {{gpu}}' }], position: panel(at) }),
      Panel.timeseries({ title: 'GPU memory used', description: 'Framebuffer used / total of the GPUs held by the selected pods.', unit: 'percentunit', min: 0, max: 1, queries: [{ expr: `${held('DCGM_FI_DEV_FB_USED')} / (${held('DCGM_FI_DEV_FB_USED')} + ${held('DCGM_FI_DEV_FB_FREE')})`, legend: '{{pod}} GPU {{gpu}}' }], position: panel(at + 1) }),
    );
  }
  return Dashboard.provisioned({
    uid: `${job}-model-server`,
    title: `${job} - ${s.runtime}`,
    tags: ['mlops', 'model-server', s.runtime.toLowerCase()],
    variables: [
      { name: 'namespace', selector: `up{job="${job}"}` },
      { name: 'job', selector: 'up{namespace=~"$namespace"}', defaults: [job] },
      { name: 'instance', selector: 'up{namespace=~"$namespace", job=~"$job"}' },
    ],
    panels,
  });
}
