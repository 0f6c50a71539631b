#!/usr/bin/env node
// How much slower a Python user's synth is than a TypeScript user's: the same app (test/consumers/python/app.py and
// its twin test/consumers/typescript/app.ts) run as a process each, 5 times (RUNS), wall-clock medians.
// Needs the compiled assembly (`npx jsii`) and the Python venv (tools/python/install.sh). Usage: node bench/consumers.js
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const RUNS = Number(process.env.RUNS ?? 5);
const env = { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' };
const sh = (cmd, args, extra = {}) => execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: 'pipe', env: { ...env, ...extra } });

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function timeRuns(label, cmd, args, extra) {
  const ms = [];
  for (let i = 0; i < RUNS; i++) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-bench-out-'));
    const start = process.hrtime.bigint();
    sh(cmd, [...args, outdir], extra);
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  console.log(`${label.padEnd(12)} median ${median(ms).toFixed(0)} ms  (runs: ${ms.map((m) => m.toFixed(0)).join(', ')})`);
  return median(ms);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-bench-'));
try {
  if (!fs.existsSync(path.join(ROOT, '.jsii'))) throw new Error('no .jsii: run `npx jsii` first');
  // The Python package, as test/consumers.test.ts builds and installs it.
  const venv = sh('bash', ['tools/python/install.sh']).trim().split('\n').pop();
  const python = path.join(venv, 'bin', 'python');
  sh('node_modules/.bin/jsii-pacmak', ['--no-npmignore', '--no-fingerprint', '--force', '--code-only', '--target', 'python', '-o', path.join(work, 'pkg')]);
  sh(python, ['-m', 'pip', 'wheel', '-q', '--no-deps', '--no-build-isolation', '-w', path.join(work, 'wheels'), path.join(work, 'pkg', 'python')]);
  const wheel = fs.readdirSync(path.join(work, 'wheels')).find((f) => f.endsWith('.whl'));
  sh(python, ['-m', 'pip', 'install', '-q', '--no-deps', '--target', path.join(work, 'site'), path.join(work, 'wheels', wheel)]);
  // The TypeScript twin compiled to one JavaScript file that loads the packages as a compiled TypeScript app does
  // (lib/ for this library, through the package's own `exports`): in lib/ so that the self-reference resolves.
  const twin = path.join(ROOT, 'lib', 'consumer-twin.js');
  sh('node_modules/.bin/esbuild', ['test/consumers/typescript/app.ts', '--bundle', '--packages=external', '--platform=node', `--outfile=${twin}`, '--log-level=warning']);

  console.log(`synth of the consumer app (the Iris API + one application), ${RUNS} runs each, whole process:`);
  const ts = timeRuns('TypeScript', process.execPath, [twin]);
  const py = timeRuns('Python', python, ['test/consumers/python/app.py'], { PYTHONPATH: path.join(work, 'site') });
  console.log(`Python / TypeScript: ${(py / ts).toFixed(2)}x (+${(py - ts).toFixed(0)} ms)`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
