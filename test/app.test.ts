import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { removeDir, tempDir } from './support/tools';
import { parseAllDocuments } from 'yaml';
import { FileLayout } from '../src';

// These tests run the bundled app (lib/app.js), as `npm run synth` and `cdk8s synth` do. The test task
// compiles and bundles before running jest.
const ROOT = path.resolve(__dirname, '..');
const MAIN = path.join(ROOT, 'lib', 'app.js');
const COMMITTED = path.join(ROOT, 'dist', 'k8s', 'monitoring');

function runApp(outdir: string, extraEnv: Record<string, string> = {}): string {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: build it first (npx projen compile && npx projen bundle)`);
  const result = spawnSync(process.execPath, [MAIN], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, MONITORING_OUTDIR: outdir, ...extraEnv },
  });
  if (result.status !== 0) throw new Error(`synth failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

function readDir(dir: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

let work: string;
beforeEach(() => { work = tempDir('app-test'); });
afterEach(() => removeDir(work));

test('the committed dist/k8s/monitoring is exactly a fresh synth (GitOps drift check)', () => {
  const outdir = path.join(work, 'out');
  runApp(outdir);
  const fresh = readDir(outdir);
  const committed = readDir(COMMITTED);
  expect(Object.keys(committed)).toEqual(Object.keys(fresh));
  for (const file of Object.keys(fresh)) {
    // A failure here means src/ changed without `npm run synth` and a commit of dist/.
    expect([file, committed[file]]).toEqual([file, fresh[file]]);
  }
});

test('two synths are byte-identical (no timestamps, no random names)', () => {
  runApp(path.join(work, 'a'));
  runApp(path.join(work, 'b'));
  expect(readDir(path.join(work, 'b'))).toEqual(readDir(path.join(work, 'a')));
});

test('the code cache of lib/app.js is written once, reused, and never used for another bundle', () => {
  // A copy of the loader and the bundle (self-contained: only Node.js built-ins are left to require).
  const lib = path.join(work, 'lib');
  fs.mkdirSync(lib);
  for (const file of ['app.js', 'app-bundle.js']) fs.copyFileSync(path.join(ROOT, 'lib', file), path.join(lib, file));
  const cache = path.join(lib, 'app-bundle.cache');
  const synth = (out: string) => {
    const result = spawnSync(process.execPath, [path.join(lib, 'app.js')], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, MONITORING_OUTDIR: path.join(work, out) } });
    expect([out, result.status, result.stderr]).toEqual([out, 0, '']);
    expect(readDir(path.join(work, out))).toEqual(readDir(COMMITTED));
  };
  synth('first');
  const written = fs.readFileSync(cache);
  synth('cached');
  expect(fs.readFileSync(cache).equals(written)).toBe(true);
  // Another bundle of the same length (V8 itself would accept the cache): the cache is replaced.
  const bundle = path.join(lib, 'app-bundle.js');
  fs.writeFileSync(bundle, fs.readFileSync(bundle, 'utf8').replace('"use strict";', "'use strict';"));
  synth('rebuilt');
  const rewritten = fs.readFileSync(cache);
  expect(rewritten.equals(written)).toBe(false);
  expect(rewritten.subarray(0, 200).toString('latin1').split('\n')[0]).toMatch(/^v\d+\.\d+\.\d+ \w+ [0-9a-f]{64}$/);
});

test('a synth removes the files it wrote before and no longer writes, and nothing else', () => {
  const outdir = path.join(work, 'out');
  expect(runApp(outdir)).toContain('10 files written');
  // A file of an older layout, listed as written by the app; and the user's own files in the folder.
  fs.writeFileSync(path.join(outdir, 'renamed-long-ago.yaml'), 'kind: ConfigMap\n');
  fs.appendFileSync(path.join(outdir, FileLayout.WRITTEN_FILES_LIST), 'renamed-long-ago.yaml\n');
  fs.writeFileSync(path.join(outdir, 'README.md'), 'ours\n');
  fs.writeFileSync(path.join(outdir, 'extra-objects.yaml'), 'kind: ConfigMap\n');
  fs.mkdirSync(path.join(outdir, '.git'));
  expect(runApp(outdir)).toContain('10 files written');
  expect(fs.existsSync(path.join(outdir, 'renamed-long-ago.yaml'))).toBe(false);
  for (const kept of ['README.md', 'extra-objects.yaml', '.git']) expect([kept, fs.existsSync(path.join(outdir, kept))]).toEqual([kept, true]);
  expect(fs.readFileSync(path.join(outdir, FileLayout.WRITTEN_FILES_LIST), 'utf8').split('\n').filter(Boolean)).toHaveLength(10);
});

test('`cdk8s synth` runs the compiled app and produces the same ten files', () => {
  const outdir = path.join(work, 'out');
  const cliOut = path.join(work, 'cli');
  const cli = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--no-check-upgrade', '--output', cliOut], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, MONITORING_OUTDIR: outdir },
  });
  expect(cli.status).toBe(0);
  const listed = cli.stdout.split('\n').filter((line) => line.trim().startsWith('- ')).map((line) => path.basename(line.trim().slice(2)));
  expect(listed.sort()).toEqual(Object.keys(readDir(COMMITTED)).filter((f) => f !== FileLayout.WRITTEN_FILES_LIST));
  // The CLI's copy starts each file with a document separator, for `--stdout`; otherwise the same files.
  const separated = Object.fromEntries(Object.entries(readDir(COMMITTED)).map(([f, yaml]) => [f, f === FileLayout.WRITTEN_FILES_LIST ? yaml : `---\n${yaml}`]));
  expect(readDir(cliOut)).toEqual(separated);
  expect(readDir(outdir)).toEqual(readDir(COMMITTED));
});

test('`cdk8s synth --stdout` prints every object as valid multi-document YAML, and leaves dist/ as it is', () => {
  const before = readDir(COMMITTED);
  const cli = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--no-check-upgrade', '--stdout'], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, MONITORING_OUTDIR: path.join(work, 'out') },
  });
  expect(cli.status).toBe(0);
  const docs = parseAllDocuments(cli.stdout).filter((d) => d.contents !== null);
  expect(docs.filter((d) => d.errors.length > 0)).toEqual([]);
  const committedObjects = Object.entries(before).filter(([f]) => f.endsWith('.yaml'))
    .flatMap(([, yaml]) => parseAllDocuments(yaml).map((d) => d.toJSON()));
  const sorted = (objects: unknown[]) => objects.map((o) => JSON.stringify(o)).sort();
  expect(sorted(docs.map((d) => d.toJSON()))).toEqual(sorted(committedObjects));
  expect(readDir(COMMITTED)).toEqual(before);
});
