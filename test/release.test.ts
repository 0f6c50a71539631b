import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The release path (CONTRIBUTING.md): semantic versions, a CHANGELOG section per release, and the API of each
// release kept: `npm run compat` (tools/release/api-compat.js) runs jsii-diff of the compiled assembly (.jsii,
// written by the test task's jsii compile) against the last released one (release/<version>.jsii), and fails on
// any breaking change release/allowed-breaking-changes.txt does not list with a reason.

const ROOT = path.join(__dirname, '..');
const SCRIPT = path.join(ROOT, 'tools', 'release', 'api-compat.js');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const { compareVersions, releasedAssemblies } = require(SCRIPT) as {
  compareVersions: (a: string, b: string) => number;
  releasedAssemblies: () => Array<{ version: string; file: string }>;
};

function compat(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'release-test-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test('the compiled API keeps the API of the last release, but for the allowed breaking changes, each explained (jsii-diff)', () => {
  const latest = releasedAssemblies().pop()!;
  const { status, output } = compat();
  if (status !== 0) throw new Error(`npm run compat failed:\n${output}`);
  expect(output).toContain(`The API is compatible with ${latest.version}`);
});

test('a breaking change fails the check; it passes once allowed with a reason, never without one', () => {
  // A release that had one more method than the current API: for jsii-diff, the current API removed it.
  const latest = releasedAssemblies().pop()!;
  const assembly = JSON.parse(fs.readFileSync(latest.file, 'utf8'));
  const stack = assembly.types[`${PKG.name}.MonitoringStack`];
  expect(stack.methods.map((m: any) => m.name)).not.toContain('addWidget');
  stack.methods.push({ name: 'addWidget', docs: { summary: 'A method the current API does not have.' }, locationInModule: { filename: 'src/stack.ts', line: 1 } });
  const released = path.join(work, `${latest.version}.jsii`);
  fs.writeFileSync(released, JSON.stringify(assembly));
  const key = `removed:${PKG.name}.MonitoringStack.addWidget`;

  const broken = compat('--released', released, '--allow', path.join(work, 'missing.txt'));
  expect(broken.status).toBe(1);
  expect(broken.output).toContain(`err  - METHOD ${PKG.name}.MonitoringStack.addWidget: has been removed [${key}]`);

  const allowList = path.join(work, 'allowed.txt');
  fs.writeFileSync(allowList, `# a comment\n${key}  # replaced by addWidgets, which Python can call with built widgets\n`);
  const allowed = compat('--released', released, '--allow', allowList);
  expect({ status: allowed.status, output: allowed.output }).toMatchObject({ status: 0, output: expect.stringContaining('but for 1 allowed breaking change') });

  fs.writeFileSync(allowList, `${key}\n`);
  const unexplained = compat('--released', released, '--allow', allowList);
  expect(unexplained.status).toBe(2);
  expect(unexplained.output).toContain(`allowed.txt:1: "${key}": write the jsii-diff key, then "  # " and why the break is needed`);
});

test('CHANGELOG: Unreleased first, then one section per release, newest first, each with its released assembly', () => {
  const changelog = fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
  const sections = [...changelog.matchAll(/^## \[([^\]]+)\](.*)$/gm)].map((m) => ({ name: m[1], rest: m[2].trim() }));
  expect(sections[0]).toEqual({ name: 'Unreleased', rest: '' });
  const released = sections.slice(1);
  for (const { name, rest } of released) {
    expect({ name, rest }).toEqual({ name: expect.stringMatching(/^\d+\.\d+\.\d+$/), rest: expect.stringMatching(/^- \d{4}-\d{2}-\d{2}$/) });
  }
  const versions = released.map((s) => s.name);
  expect([...versions].sort((a, b) => compareVersions(b, a))).toEqual(versions);

  // Each release section has its assembly, each assembly its section, and an assembly is the release it is named after.
  const assemblies = releasedAssemblies();
  expect(assemblies.map((a) => a.version).sort(compareVersions)).toEqual([...versions].sort(compareVersions));
  for (const { version, file } of assemblies) {
    const assembly = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect({ file: path.basename(file), name: assembly.name, version: assembly.version }).toEqual({ file: path.basename(file), name: PKG.name, version });
  }
  // The package is the last release, or a later version being prepared.
  expect(compareVersions(PKG.version, versions[0])).toBeGreaterThanOrEqual(0);
});
