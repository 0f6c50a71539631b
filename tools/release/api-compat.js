#!/usr/bin/env node
// The API compatibility check (`npm run compat`, and test/release.test.ts): jsii-diff of the current assembly
// (.jsii, written by `npx jsii`) against the last released one (release/<version>.jsii, the highest version
// there). It fails on any breaking change that release/allowed-breaking-changes.txt does not list, and on any
// entry of that list without a reason.
//
// usage: node tools/release/api-compat.js [--released <file.jsii>] [--allow <file>]
//
// jsii-diff loads an assembly file without its dependencies (and then fails on `constructs.Construct`), so the
// released assembly is laid out as the package it was (package.json + .jsii) in a scratch folder whose
// node_modules is this repository's: its dependencies resolve as the current assembly's do.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');
const RELEASES = path.join(ROOT, 'release');
const ALLOW_LIST = path.join(RELEASES, 'allowed-breaking-changes.txt');

/** `1.2.3` as numbers, for ordering; pre-releases are not used here. */
function semver(version) {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!m) throw new Error(`"${version}" is not a release version (MAJOR.MINOR.PATCH)`);
  return m.slice(1).map(Number);
}

function compareVersions(a, b) {
  const [x, y] = [semver(a), semver(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/** The released assemblies, oldest first: release/<version>.jsii. */
function releasedAssemblies() {
  return fs.readdirSync(RELEASES)
    .filter((f) => /^\d+\.\d+\.\d+\.jsii$/.test(f))
    .map((f) => ({ version: f.replace(/\.jsii$/, ''), file: path.join(RELEASES, f) }))
    .sort((a, b) => compareVersions(a.version, b.version));
}

/**
 * The allowed breaking changes: one per line, `<jsii-diff key>  # <why>`; `#` lines are comments. An entry
 * without a reason is an error: every break a release ships is explained.
 */
function readAllowList(file) {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').flatMap((line, i) => {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) return [];
    const m = /^(\S+)\s+#\s*(\S.*)$/.exec(text);
    if (!m) throw new Error(`${path.relative(ROOT, file)}:${i + 1}: "${text}": write the jsii-diff key, then "  # " and why the break is needed`);
    return [{ key: m[1], reason: m[2] }];
  });
}

/** A package folder holding the released assembly, whose dependencies resolve from this repository. */
function releasedPackage(assemblyFile, work) {
  const assembly = JSON.parse(fs.readFileSync(assemblyFile, 'utf8'));
  const dir = path.join(work, 'released');
  fs.mkdirSync(dir);
  fs.copyFileSync(assemblyFile, path.join(dir, '.jsii'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: assembly.name, version: assembly.version, jsii: { targets: assembly.targets ?? {} },
    // jsii-diff loads these assemblies before comparing (base classes such as constructs.Construct).
    peerDependencies: assembly.dependencies ?? {},
  }, undefined, 2));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return { dir, version: assembly.version };
}

function main(argv) {
  const option = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const releases = releasedAssemblies();
  const releasedFile = option('--released') ?? releases[releases.length - 1]?.file;
  if (!releasedFile) throw new Error('no released assembly in release/ (release/<version>.jsii)');
  if (!fs.existsSync(path.join(ROOT, '.jsii'))) throw new Error('no .jsii: compile first (npx jsii, or npx projen compile)');
  const allowed = readAllowList(option('--allow') ?? ALLOW_LIST);

  const work = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'api-compat-'));
  try {
    const released = releasedPackage(releasedFile, work);
    const ignoreFile = path.join(work, 'ignore.txt');
    fs.writeFileSync(ignoreFile, allowed.map((a) => a.key).join('\n'));
    const result = spawnSync(process.execPath, [
      require.resolve('jsii-diff/bin/jsii-diff', { paths: [ROOT] }), released.dir, ROOT, '--keys', '--ignore-file', ignoreFile,
    ], { encoding: 'utf8', env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] } });
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    if (result.status !== 0) {
      process.stderr.write(`\nBreaking API changes since ${released.version} (above, "err"): keep the API, or list each key in `
        + `${path.relative(ROOT, ALLOW_LIST)} with why, and release a new major version (minor before 1.0).\n`);
      return result.status ?? 1;
    }
    process.stdout.write(`The API is compatible with ${released.version}`
      + `${allowed.length ? ` but for ${allowed.length} allowed breaking change(s)` : ''}.\n`);
    return 0;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`api-compat: ${e.message}\n`);
    process.exitCode = 2;
  }
}

module.exports = { compareVersions, releasedAssemblies, readAllowList };
