#!/usr/bin/env node
// Synth benchmark: whole-process wall time and peak RSS of each scenario, median of BENCH_RUNS runs after
// BENCH_WARMUP warm-up runs, printed as markdown tables and saved to bench/results/latest.md.
// Run with `npm run bench` (compiles first), or `node bench/run.js` when lib/ is up to date.
// See bench/README.md for the scenarios and the environment variables.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const RUNS = intEnv('BENCH_RUNS', 5, 1);
const WARMUP = intEnv('BENCH_WARMUP', 1, 0);
const SCALE = (process.env.BENCH_SCALE ?? '1,10,100,1000').split(',').filter(Boolean).map(Number);
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
const SHARDED_APPS = intEnv('BENCH_SHARDED_APPS', 10_000, 1);
const SHARDS = intEnv('BENCH_SHARDS', 8, 2);
const TIMEOUT_MS = intEnv('BENCH_TIMEOUT_MS', 300_000, 1);
const RESULTS = path.join(__dirname, 'results');

function intEnv(name, fallback, min) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

// ---- peak memory: GNU time's %M (max RSS of the process and its waited-for children, KB), else a preload ----
const GNU_TIME = '/usr/bin/time';
function hasGnuTime() {
  if (process.env.BENCH_RSS === 'node') return false;
  const out = path.join(os.tmpdir(), `bench-time-probe-${process.pid}`);
  const probe = spawnSync(GNU_TIME, ['-f', '%M %U %S', '-o', out, 'true'], { stdio: 'ignore' });
  const ok = probe.status === 0 && fs.existsSync(out) && /^\d+ [\d.]+ [\d.]+\s*$/.test(fs.readFileSync(out, 'utf8'));
  fs.rmSync(out, { force: true });
  return ok;
}
const USE_GNU_TIME = hasGnuTime();
const RSS_METHOD = USE_GNU_TIME
  ? '/usr/bin/time -f %M (peak RSS of the largest process of the run)'
  : 'process.resourceUsage().maxRSS of every Node.js process (NODE_OPTIONS=--require bench/maxrss-preload.js; install Debian package `time` for GNU time)';

/** Runs a command once: wall ms (spawn to exit, from this process) and peak RSS KB. */
function runOnce(scenario) {
  const probe = path.join(os.tmpdir(), `bench-rss-${process.pid}-${Date.now()}`);
  const env = { ...process.env, ...scenario.env(), NO_COLOR: '1', FORCE_COLOR: '0' };
  const cmd = typeof scenario.cmd === 'function' ? scenario.cmd(env) : scenario.cmd;
  let file = cmd[0];
  let args = cmd.slice(1);
  if (USE_GNU_TIME) {
    args = ['-f', '%M %U %S', '-o', probe, file, ...args];
    file = GNU_TIME;
  } else {
    env.BENCH_RSS_FILE = probe;
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --require ${path.join(__dirname, 'maxrss-preload.js')}`.trim();
  }
  const start = process.hrtime.bigint();
  const result = spawnSync(file, args, { cwd: ROOT, env, encoding: 'utf8', timeout: TIMEOUT_MS, maxBuffer: 64 << 20 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  // one line "maxRssKb userSeconds systemSeconds" per process (GNU time: one line for the whole tree)
  let rssKb = NaN;
  let cpuMs = NaN;
  if (fs.existsSync(probe)) {
    const rows = fs.readFileSync(probe, 'utf8').split('\n').map((l) => l.trim().split(/\s+/).map(Number)).filter((r) => r.length === 3 && r.every(Number.isFinite));
    if (rows.length) {
      rssKb = Math.max(...rows.map((r) => r[0]));
      cpuMs = rows.reduce((sum, r) => sum + (r[1] + r[2]) * 1000, 0);
    }
    fs.rmSync(probe, { force: true });
  }
  scenario.cleanup?.();
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit ${result.status}${result.signal ? ` (${result.signal})` : ''}`;
    throw new Error(`${scenario.id}: \`${cmd.join(' ')}\` failed: ${why}\n${(result.stderr || '').slice(-2000)}${(result.stdout || '').slice(-500)}`);
  }
  return { wallMs, rssKb, cpuMs, stdout: result.stdout };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function measure(scenario) {
  process.stderr.write(`  ${scenario.id.padEnd(16)} `);
  for (let i = 0; i < WARMUP; i++) {
    runOnce(scenario);
    process.stderr.write('w');
  }
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(runOnce(scenario));
    process.stderr.write('.');
  }
  const walls = runs.map((r) => r.wallMs);
  const rss = runs.map((r) => r.rssKb);
  const m = { wallMs: median(walls), minMs: Math.min(...walls), maxMs: Math.max(...walls), rssMb: median(rss) / 1024, cpuMs: median(runs.map((r) => r.cpuMs)), lastStdout: runs[runs.length - 1].stdout };
  process.stderr.write(` ${m.wallMs.toFixed(0)} ms (cpu ${m.cpuMs.toFixed(0)} ms), ${m.rssMb.toFixed(0)} MB\n`);
  return m;
}

// ---- scenarios ----
/** A fresh temporary output folder per run, removed after it: nothing is written under dist/. */
function tempOut() {
  let dir;
  return {
    env: (extra = {}) => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-out-'));
      return { MONITORING_OUTDIR: dir, ...extra };
    },
    dir: () => dir,
    cleanup: () => dir && fs.rmSync(dir, { recursive: true, force: true }),
  };
}

function scenarios() {
  const list = [];
  const add = (id, label, cmd, opts = {}) => list.push({ id, label, cmd, env: opts.env ?? (() => ({})), cleanup: opts.cleanup, group: opts.group ?? 'main' });
  add('node', 'node startup (`node -e ""`), for reference', ['node', '-e', '']);
  add('floor', 'floor: `node -e "require(\'cdk8s-plus-28\')"`', ['node', '-e', "require('cdk8s-plus-28')"]);
  {
    const out = tempOut();
    add('synth', 'full ten-file synth, the bundled app cdk8s.yaml runs: `node lib/app.js`', ['node', 'lib/app.js'], { env: () => out.env(), cleanup: out.cleanup });
  }
  {
    const out = tempOut();
    add('ts-node', 'same app through ts-node (stock template): `ts-node src/main.ts`', [path.join('node_modules', '.bin', 'ts-node'), 'src/main.ts'], { env: () => out.env(), cleanup: out.cleanup });
  }
  {
    // The CLI wipes its output folder: point it (--output) and the app (MONITORING_OUTDIR) at temp folders.
    const out = tempOut();
    const cli = tempOut();
    add('npx-cdk8s', '`npx cdk8s synth --no-check-upgrade` (CLI + app)', (env) => ['npx', 'cdk8s', 'synth', '--no-check-upgrade', '--output', env.BENCH_CLI_OUT], {
      env: () => ({ ...out.env(), BENCH_CLI_OUT: cli.env().MONITORING_OUTDIR }),
      cleanup: () => { out.cleanup(); cli.cleanup(); },
    });
  }
  {
    const out = tempOut();
    add('npm-synth', '`npm run synth`: esbuild bundles src/main.ts, then the app runs', ['npm', 'run', '--silent', 'synth'], { env: () => out.env(), cleanup: out.cleanup });
  }
  for (const n of SCALE) {
    add(`scale-${n}`, `${n} monitored application${n === 1 ? '' : 's'}: \`node bench/scale-app.js ${n}\``, ['node', 'bench/scale-app.js', String(n)], { group: 'scale' });
  }
  // Beyond one Prometheus: a sharded, highly available stack (issue 13) monitoring many applications. One
  // dashboard per application would be 10,000 dashboards: a fleet that size uses templated ones, so none here.
  add('sharded', `${SHARDED_APPS} applications, ${SHARDS} Prometheus shards x 2 replicas, 3 Alertmanagers, remote write: \`SCALE_SHARDS=${SHARDS} SCALE_DASHBOARDS=none node bench/scale-app.js ${SHARDED_APPS}\``,
    ['node', 'bench/scale-app.js', String(SHARDED_APPS)], { env: () => ({ SCALE_SHARDS: String(SHARDS), SCALE_DASHBOARDS: 'none' }), group: 'sharded' });
  return list.filter((s) => !ONLY || ONLY.has(s.id) || (ONLY.has('scale') && s.group === 'scale'));
}

// ---- report ----
const fmt = (x, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

function report(results, startLoad, endLoad, startedAt, seconds) {
  const byId = new Map(results.map((r) => [r.id, r]));
  const floor = byId.get('floor');
  const lines = [];
  lines.push(`# Synth benchmark (${startedAt})`);
  lines.push('');
  lines.push(`Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB; ` +
    `median of ${RUNS} runs after ${WARMUP} warm-up; load average ${startLoad} at start, ${endLoad} at end; ${seconds.toFixed(0)} s in all.`);
  lines.push(`Peak memory: ${RSS_METHOD}.`);
  lines.push('');
  lines.push('| scenario | median wall ms | min-max ms | median peak RSS MB | ratio to floor | median CPU ms (user+sys) | CPU ratio to floor |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const m = r.m;
    const ratio = floor?.m && m ? `${(m.wallMs / floor.m.wallMs).toFixed(2)}x` : 'n/a';
    const cpuRatio = floor?.m && m && Number.isFinite(m.cpuMs / floor.m.cpuMs) ? `${(m.cpuMs / floor.m.cpuMs).toFixed(2)}x` : 'n/a';
    lines.push(m
      ? `| ${r.label} | ${fmt(m.wallMs)} | ${fmt(m.minMs)}-${fmt(m.maxMs)} | ${fmt(m.rssMb, 1)} | ${ratio} | ${fmt(m.cpuMs)} | ${cpuRatio} |`
      : `| ${r.label} | FAILED | | | | | |`);
  }

  const scale = SCALE.map((n) => ({ n, r: byId.get(`scale-${n}`) })).filter((x) => x.r?.m);
  if (scale.length) {
    lines.push('');
    lines.push('## Scale: the stack monitoring N applications');
    lines.push('');
    lines.push('Per application: scrape job, ServiceMonitor (own file), alert group of two rules, inference dashboard. ' +
      '"per app" is the marginal cost from the previous size; "growth" is t(N)/t(previous N).');
    lines.push('');
    lines.push('| apps | files | output MB | ConfigMaps (dashboards / rules) | median wall ms | median peak RSS MB | ms per app | MB per app | growth (time) | growth (RSS) | in-process phases ms (load / build / render / write) |');
    lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
    let prev;
    for (const { n, r } of scale) {
      let info = {};
      try { info = JSON.parse(r.m.lastStdout.trim().split('\n').pop()); } catch { /* no info */ }
      const p = info.phases ?? {};
      const perApp = prev ? (r.m.wallMs - prev.r.m.wallMs) / (n - prev.n) : NaN;
      const mbPerApp = prev ? (r.m.rssMb - prev.r.m.rssMb) / (n - prev.n) : NaN;
      lines.push(`| ${n} | ${info.files ?? '?'} | ${fmt((info.bytes ?? NaN) / 2 ** 20, 1)} | ${info.dashboardConfigMaps ?? '?'} / ${info.ruleConfigMaps ?? '?'} | ${fmt(r.m.wallMs)} | ${fmt(r.m.rssMb, 1)} | ` +
        `${fmt(perApp, 2)} | ${fmt(mbPerApp, 3)} | ${prev ? `${(r.m.wallMs / prev.r.m.wallMs).toFixed(2)}x` : ''} | ${prev ? `${(r.m.rssMb / prev.r.m.rssMb).toFixed(2)}x` : ''} | ` +
        `${[p.load, p.build, p.render, p.write].map((x) => fmt(x)).join(' / ')} |`);
      prev = { n, r };
    }
  }

  // ---- targets of the issue ----
  lines.push('');
  lines.push('## Targets');
  lines.push('');
  const verdict = (ok) => (ok ? 'PASS' : 'MISS');
  const synth = byId.get('synth');
  if (synth?.m && floor?.m) {
    // Judged on CPU time (user + system): wall time on a shared machine follows the other load (README).
    const cpuRatio = synth.m.cpuMs / floor.m.cpuMs;
    lines.push(`- Full ten-file synth <= 1.3x the cdk8s-plus-28 floor in CPU time: ${cpuRatio.toFixed(2)}x ` +
      `(${fmt(synth.m.cpuMs)} ms vs ${fmt(floor.m.cpuMs)} ms; budget ${fmt(1.3 * floor.m.cpuMs)} ms) - ${verdict(cpuRatio <= 1.3)}; ` +
      `wall ${(synth.m.wallMs / floor.m.wallMs).toFixed(2)}x (${fmt(synth.m.wallMs)} ms vs ${fmt(floor.m.wallMs)} ms)`);
  }
  const s1000 = byId.get('scale-1000');
  if (s1000?.m) {
    lines.push(`- 1000 applications in <= 5 s and <= 500 MB: ${fmt(s1000.m.wallMs)} ms, ${fmt(s1000.m.rssMb)} MB - ${verdict(s1000.m.wallMs <= 5000 && s1000.m.rssMb <= 500)}`);
  }
  const [s10, s100] = [byId.get('scale-10'), byId.get('scale-100')];
  if (s10?.m && s100?.m && s1000?.m) {
    const a = (s100.m.wallMs - s10.m.wallMs) / 90;
    const b = (s1000.m.wallMs - s100.m.wallMs) / 900;
    lines.push(`- No worse than linear: marginal ${a.toFixed(2)} ms/app (10->100) vs ${b.toFixed(2)} ms/app (100->1000); ` +
      `t(1000)/t(100) = ${(s1000.m.wallMs / s100.m.wallMs).toFixed(2)}x, RSS ${(s1000.m.rssMb / s100.m.rssMb).toFixed(2)}x - ${verdict(b <= a * 1.25)}`);
  }
  const sharded = byId.get('sharded');
  if (sharded?.m) {
    const out = JSON.parse(sharded.m.lastStdout.trim().split('\n').pop());
    lines.push(`- Sharded (${out.shards} shards x ${out.replicas} replicas, ${out.apps} applications): median ${fmt(sharded.m.wallMs)} ms ` +
      `(${fmt(sharded.m.minMs)}-${fmt(sharded.m.maxMs)}), CPU ${fmt(sharded.m.cpuMs)} ms, ${fmt(sharded.m.rssMb)} MB; ${out.files} files, ` +
      `${(out.bytes / 1048576).toFixed(1)} MiB; prometheus-configmap.yaml ${(out.prometheusConfigFileBytes / 1048576).toFixed(1)} MiB ` +
      `(the shards' files and ${out.scrapeConfigMaps} ConfigMaps of scrape job files), ${out.ruleConfigMaps} rule ConfigMaps`);
  }
  const tsn = byId.get('ts-node');
  if (tsn?.m && synth?.m) lines.push(`- Compiled JS vs ts-node: ${(tsn.m.wallMs / synth.m.wallMs).toFixed(1)}x faster (${fmt(tsn.m.wallMs)} ms -> ${fmt(synth.m.wallMs)} ms).`);
  const cli = byId.get('npx-cdk8s');
  if (cli?.m && synth?.m) lines.push(`- npx cdk8s synth adds ${fmt(cli.m.wallMs - synth.m.wallMs)} ms (npx + CLI) to the app.`);
  lines.push('');
  return lines.join('\n');
}

function main() {
  const mainJs = path.join(ROOT, 'lib', 'app.js');
  if (!fs.existsSync(mainJs)) {
    console.error('lib/app.js is missing: run `npm run bench` (it compiles and bundles first).');
    process.exit(2);
  }
  const startedAt = new Date().toISOString();
  const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const startLoad = load();
  const t0 = Date.now();
  process.stderr.write(`bench: ${RUNS} runs + ${WARMUP} warm-up per scenario; peak RSS via ${USE_GNU_TIME ? 'GNU time' : 'the Node.js preload'}; load ${startLoad}\n`);
  const results = [];
  let failed = false;
  for (const s of scenarios()) {
    try {
      results.push({ ...s, m: measure(s) });
    } catch (e) {
      failed = true;
      process.stderr.write(`FAILED\n${e.message}\n`);
      results.push({ ...s, m: undefined });
    }
  }
  const md = report(results, startLoad, load(), startedAt, (Date.now() - t0) / 1000);
  console.log(md);
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(path.join(RESULTS, 'latest.md'), md + '\n');
  process.stderr.write(`saved to ${path.relative(ROOT, path.join(RESULTS, 'latest.md'))}\n`);
  if (failed) process.exitCode = 1;
}

main();
