import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { removeDir, tempDir } from './support/tools';

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

test('a synth removes stale files from its output folder', () => {
  const outdir = path.join(work, 'out');
  fs.mkdirSync(outdir);
  fs.writeFileSync(path.join(outdir, 'renamed-long-ago.yaml'), 'kind: ConfigMap\n');
  expect(runApp(outdir)).toContain('10 files written');
  expect(fs.readdirSync(outdir)).toHaveLength(10);
  expect(fs.existsSync(path.join(outdir, 'renamed-long-ago.yaml'))).toBe(false);
});

test('`cdk8s synth` runs the compiled app and produces the same ten files', () => {
  const outdir = path.join(work, 'out');
  const cliOut = path.join(work, 'cli');
  const cli = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--no-check-upgrade', '--output', cliOut], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, MONITORING_OUTDIR: outdir },
  });
  expect(cli.status).toBe(0);
  const listed = cli.stdout.split('\n').filter((line) => line.trim().startsWith('- ')).map((line) => path.basename(line.trim().slice(2)));
  expect(listed.sort()).toEqual(Object.keys(readDir(COMMITTED)));
  expect(readDir(cliOut)).toEqual(readDir(COMMITTED));
  expect(readDir(outdir)).toEqual(readDir(COMMITTED));
});
