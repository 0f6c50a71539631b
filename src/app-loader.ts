// lib/app.js, what `npm run synth` and cdk8s.yaml run: it runs the bundled app (lib/app-bundle.js, from
// src/main.ts) through a V8 code cache. Compiling the 2.6 MB bundle and the functions a synth calls is about a
// tenth of a synth's CPU time; Node.js 20 has no compile cache of its own (22's module.enableCompileCache() is
// off unless enabled, and V8 flags are no option for `node lib/app.js`). Nothing here changes what the app writes.
import { createHash } from 'crypto';
import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';
import * as vm from 'vm';

const bundle = path.join(__dirname, 'app-bundle.js');
const cacheFile = path.join(__dirname, 'app-bundle.cache');

const code = fs.readFileSync(bundle);
// V8 checks its version, its flags and the source's length, not the source itself: the key is the bundle's
// digest, so a rebuilt bundle of the same length never runs stale bytecode.
const key = Buffer.from(`${process.version} ${process.arch} ${createHash('sha256').update(code).digest('hex')}\n`);
let cached: Buffer | undefined;
try {
  const file = fs.readFileSync(cacheFile);
  if (file.subarray(0, key.length).equals(key)) cached = file.subarray(key.length);
} catch {
  // no cache yet: this run writes it
}

const script = new vm.Script(Module.wrap(code.toString('utf8')), { filename: bundle, cachedData: cached });
const app = new Module(bundle, module);
app.filename = bundle;
script.runInThisContext()(app.exports, Module.createRequire(bundle), app, bundle, __dirname);

// After the run, the cache holds the bytecode of every function the synth compiled, not only the top level.
if (cached === undefined || script.cachedDataRejected) {
  const temporary = `${cacheFile}.${process.pid}`;
  try {
    fs.writeFileSync(temporary, Buffer.concat([key, script.createCachedData()]));
    fs.renameSync(temporary, cacheFile); // atomic: a concurrent synth reads the old cache or the new one
  } catch {
    fs.rmSync(temporary, { force: true }); // a read-only checkout runs without a cache
  }
}
