#!/usr/bin/env node
// Compiles the library with jsii (`projen compile`) unless lib/ and the assembly (.jsii) are newer than everything
// jsii reads. `npm pack` runs it first (prepack), and so does every packaging task: a fresh clone has neither, and
// a package built without them ships no library (`Cannot find module .../lib/src/index.js`) and no assembly
// (`Expected to find .jsii file`). jsii writes .jsii last, so its time stands for the whole compile.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');
/** What the compile reads: the sources, the generated imports, and what jsii copies into the assembly. */
const INPUTS = ['src', 'imports', 'package.json', 'tsconfig.json', 'README.md'];

function newestInput(entry) {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(entry).map((name) => newestInput(path.join(entry, name))));
}

function staleReason() {
  const assembly = path.join(ROOT, '.jsii');
  if (!fs.existsSync(assembly) || !fs.existsSync(path.join(ROOT, 'lib', 'src', 'index.js'))) return 'no compiled library yet';
  const compiled = fs.statSync(assembly).mtimeMs;
  const newer = INPUTS.filter((input) => newestInput(path.join(ROOT, input)) > compiled);
  return newer.length > 0 ? `${newer.join(', ')} changed since the last compile` : undefined;
}

const reason = staleReason();
if (reason === undefined) {
  console.error('lib/ and .jsii are up to date');
} else {
  console.error(`Compiling with jsii (${reason})`);
  // Its output goes to stderr: `npm pack --json` (and jsii-pacmak, which reads it) print the tarball on stdout.
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'projen'), ['compile'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
}
