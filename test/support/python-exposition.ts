import * as fs from 'fs';
import * as path from 'path';
import { always, MINUTE, seriesName, STEP } from './incidents';
import { InputSeries, withTempDir } from './promtool';
import { pythonVenv, runTool } from './python-package';
import { ServerBehaviour } from './model-server-series';

/*
 * A FastAPI model service's series produced by Python's real prometheus_client (fastapi_exposition.py): its
 * exposition text at every scrape, parsed back into promtool input series with the labels the scrape adds.
 * Whatever the client writes (`le="1.0"`, `_created` series, children that appear on their first request)
 * reaches the rules as it would in Prometheus.
 */

/** Whole requests of each step: fractions carry over to the next step, as real requests are counted. */
function wholeRequests(perSecond: (t: number) => number): (t: number) => number {
  let carry = 0;
  return (t) => {
    carry += perSecond(t) * STEP;
    const whole = Math.floor(carry + 1e-9);
    carry -= whole;
    return whole;
  };
}

/** One sample line of the text format: name, labels and value. */
function parseSample(line: string): { name: string; labels: Record<string, string>; value: number } | undefined {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
  if (!match) return undefined;
  const labels: Record<string, string> = {};
  for (const [, k, v] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k] = JSON.parse(`"${v}"`);
  return { name: match[1], labels, value: Number(match[3]) };
}

/** Every series of a FastAPI service's `replicas` over `minutes`, as the real Python client writes them. */
export function pythonFastApiSeries(job: string, b: ServerBehaviour, minutes: number, replicas = 2): InputSeries[] {
  const serving = b.serving ?? always;
  const loaded = b.loaded ?? always;
  const steps = Array.from({ length: (minutes * MINUTE) / STEP + 1 }, (_, i) => i * STEP);
  const spec = {
    replicas: Array.from({ length: replicas }, () => {
      const predict = wholeRequests((t) => (serving(t) ? (b.rps ?? (() => 5))(t) : 0));
      const failedShare = (t: number) => (loaded(t) ? (b.errorRatio ?? (() => 0.002))(t) : 1);
      const health = wholeRequests((t) => (serving(t) ? 0.2 : 0));
      let failedCarry = 0;
      return steps.map((t) => {
        const all = t === 0 ? 0 : predict(t - STEP);
        failedCarry += all * failedShare(t - STEP);
        const failed = Math.min(all, Math.floor(failedCarry + 1e-9));
        failedCarry -= failed;
        return { serving: serving(t), loaded: loaded(t), predict: all - failed, failed, seconds: (b.seconds ?? (() => 0.12))(t - STEP), health: t === 0 ? 0 : health(t - STEP) };
      });
    }),
  };
  const texts: (string | null)[][] = withTempDir('fastapi-exposition', (dir) => {
    fs.writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(spec));
    runTool(pythonVenv(), [path.join(__dirname, 'fastapi_exposition.py'), 'spec.json', 'out.json'], { cwd: dir });
    return JSON.parse(fs.readFileSync(path.join(dir, 'out.json'), 'utf8'));
  });
  const out: InputSeries[] = [];
  texts.forEach((scrapes, r) => {
    const target = { job, instance: `10.244.2.${20 + r}:8000`, namespace: 'mlops', service: job, pod: `${job}-6b7c9d-r${r}` };
    const values = new Map<string, (number | undefined)[]>();
    values.set(seriesName('up', target), scrapes.map((text) => (text === null ? 0 : 1)));
    scrapes.forEach((text, i) => {
      for (const line of (text ?? '').split('\n').filter((l) => l && !l.startsWith('#'))) {
        const sample = parseSample(line);
        if (!sample) continue;
        const key = seriesName(sample.name, { ...target, ...sample.labels });
        if (!values.has(key)) values.set(key, Array(scrapes.length).fill(undefined));
        values.get(key)![i] = sample.value;
      }
    });
    // A series that stops being scraped gets a staleness marker, as Prometheus writes it.
    for (const [series, samples] of values) {
      out.push({ series, values: samples.map((v, i) => (v !== undefined ? String(v) : i > 0 && samples[i - 1] !== undefined ? 'stale' : '_')).join(' ') });
    }
  });
  return out;
}
