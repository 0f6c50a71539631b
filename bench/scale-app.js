#!/usr/bin/env node
// A cdk8s app that builds a MonitoringStack monitoring N applications through the public API of the compiled
// library (../lib/src/index.js) and renders the ten-file layout (plus one ServiceMonitor file per application)
// to a folder. Used by bench/run.js for the scale rows; runnable by hand:
//
//   node bench/scale-app.js 1000                  # renders to a temporary folder, removed at exit
//   node bench/scale-app.js 1000 /tmp/out         # renders to /tmp/out (kept)
//
// Per application: one scrape job (Kubernetes service discovery), one ServiceMonitor, one alert group (two
// alerts with application-specific names: the stock InferenceApiAlerts.rules() uses fixed alert names such as
// HighErrorRate, which must be unique per Prometheus server, so it can serve one application only) and one
// dashboard (Dashboards.inferenceApi with the application's job, uid and title).
//
// Environment:
//   SCALE_DASHBOARDS=each|none   dashboard per application (default each)
//   SCALE_SHARDS=S               S > 1: Prometheus sharded S ways (each job on the shard its name's hashmod
//                                picks, its alerts evaluated there), SCALE_REPLICAS replicas per shard (default
//                                2), a 3-member Alertmanager cluster, remote write to a Mimir; default: one Prometheus
// Dashboards, rule files and scrape jobs that outgrow a ConfigMap are spread over several (200 KiB each), so
// every size synthesizes a stack the API server and client-side `kubectl apply` accept; the JSON line reports
// how many ConfigMaps each needed.
// Prints one JSON line (phase timings in ms, counts, bytes) on stdout.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const now = () => performance.now();
const t0 = now();
const { App, Chart } = require('cdk8s');
const lib = require('../lib/src/index.js');
const tLoaded = now();

const n = Number(process.argv[2] ?? process.env.SCALE_APPS ?? 1);
if (!Number.isInteger(n) || n < 0) throw new Error(`scale-app: N must be a non-negative integer, got ${process.argv[2]}`);
const keepOutdir = process.argv[3] ?? process.env.MONITORING_OUTDIR;
const outdir = keepOutdir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scale-'));
const dashboards = (process.env.SCALE_DASHBOARDS ?? 'each') !== 'none';

const app = new App();
const chart = new Chart(app, 'monitoring');
const shards = Number(process.env.SCALE_SHARDS ?? 1);
const replicas = Number(process.env.SCALE_REPLICAS ?? 2);
const mimir = lib.RemoteWrite.mimir({
  url: 'http://mimir-distributor.mimir.svc:8080/api/v1/push', tenant: 'bench',
  queryUrl: 'http://mimir-query-frontend.mimir.svc:8080/prometheus',
});
const stack = new lib.MonitoringStack(chart, 'stack', shards > 1
  ? {
    irisApi: { enabled: false },
    prometheus: { shards, replicas, remoteWrite: [mimir] },
    alertmanager: { replicas: 3 },
  }
  : { irisApi: { enabled: false } });
const width = String(Math.max(n, 1)).length;
for (let i = 1; i <= n; i++) {
  const name = `app-${String(i).padStart(width, '0')}`;
  const job = `job="${name}"`;
  const alerts = [{
    name: `${name}-alerts`,
    rules: [
      {
        alert: `App${i}Down`,
        expr: `up{${job}} == 0 or absent(up{${job}})`,
        for: '1m',
        severity: 'critical',
        component: name,
        summary: `${name} is down`,
        description: `Prometheus could not scrape ${name} for 1m.`,
      },
      {
        alert: `App${i}HighErrorRate`,
        expr: `sum(rate(http_requests_total{${job},code=~"5.."}[5m])) / sum(rate(http_requests_total{${job}}[5m])) > 0.05`,
        for: '5m',
        severity: 'warning',
        component: name,
        summary: `${name} answers more than 5% of requests with 5xx`,
        description: 'Error ratio {{ $value | humanizePercentage }} over 5m.',
      },
    ],
  }];
  stack.monitorApplication(
    { name, serviceName: `${name}-service`, portName: 'http', metricsPath: '/metrics' },
    {
      alerts,
      dashboards: dashboards ? [lib.Dashboards.inferenceApi({ job: name, uid: `${name}-overview`, title: `${name} - Overview` })] : [],
    },
  );
}
const tBuilt = now();

const files = new lib.MonitoringStackLayout(stack).render(app);
const tRendered = now();
lib.FileLayout.writeFiles(files, outdir);
const tWritten = now();

let bytes = 0;
for (const yaml of Object.values(files)) bytes += Buffer.byteLength(yaml);
const dashboardsFileBytes = Buffer.byteLength(files['grafana-dashboards-configmap.yaml'] ?? '');
if (!keepOutdir) fs.rmSync(outdir, { recursive: true, force: true });

const ms = (x) => Math.round(x * 10) / 10;
console.log(JSON.stringify({
  apps: n,
  shards: stack.prometheus.shards,
  replicas: stack.prometheus.replicas,
  files: Object.keys(files).length,
  bytes,
  dashboardsFileBytes, // the dashboards ConfigMaps, as YAML
  // prometheus.yml (one file per shard) in one ConfigMap: above 1 MiB the API server refuses it
  prometheusConfigFileBytes: Buffer.byteLength(files['prometheus-configmap.yaml'] ?? ''),
  dashboardConfigMaps: stack.grafana.dashboardFiles.shards.length,
  ruleConfigMaps: stack.prometheus.rules.shards.length + Object.values(stack.prometheus.shardRules).reduce((sum, rules) => sum + rules.shards.length, 0),
  // scrape jobs that outgrew prometheus.yml, one file each
  scrapeConfigMaps: stack.prometheus.scrapeConfigFiles.reduce((sum, files) => sum + files.shards.length, 0),
  phases: {
    startToMain: ms(t0), // node bootstrap, before this file ran
    load: ms(tLoaded - t0), // require cdk8s + the library (cdk8s-plus, Grafana SDK, yaml ...)
    build: ms(tBuilt - tLoaded), // constructs
    render: ms(tRendered - tBuilt), // validation, resolution, toJson, YAML
    write: ms(tWritten - tRendered),
  },
  heapUsedMB: Math.round(process.memoryUsage().heapUsed / 1048576),
}));
