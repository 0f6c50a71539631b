// Runs the compiled TypeScript examples of docs/*.md in one Node.js process, for test/docs.test.ts: the twin of
// run_snippets.py. usage: node run-snippets.js MANIFEST RESULTS, MANIFEST a JSON list of {"id", "file"} (compiled
// .js files). Each block writes to cdk8s's default output folder, `dist`, which is then moved to `out/<id>`.
'use strict';
const fs = require('fs');
const path = require('path');

const [manifestPath, resultsPath] = process.argv.slice(2);
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
const results = {};
fs.mkdirSync('out', { recursive: true });
for (const snippet of manifest) {
  fs.rmSync('dist', { recursive: true, force: true });
  try {
    require(path.resolve(snippet.file));
    results[snippet.id] = null;
  } catch (e) {
    results[snippet.id] = (e && e.stack) || String(e);
  }
  if (fs.existsSync('dist')) fs.renameSync('dist', path.join('out', snippet.id));
}
fs.writeFileSync(resultsPath, JSON.stringify(results));
