import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// API.md is generated from the doc comments (`npm run docs`, also run by the build's post-compile step).
// This regenerates it into a temporary folder with the same typedoc.json and compares.
const ROOT = path.join(__dirname, '..');

test('API.md is up to date with the doc comments (else: run `npm run docs`)', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'api-docs-'));
  try {
    const typedoc = path.join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc');
    execFileSync(process.execPath, [typedoc, '--options', 'typedoc.json', '--out', out, '--logLevel', 'Error'], {
      cwd: ROOT, stdio: 'pipe', encoding: 'utf8',
    });
    const fresh = fs.readFileSync(path.join(out, 'API.md'), 'utf8');
    const committed = fs.existsSync(path.join(ROOT, 'API.md')) ? fs.readFileSync(path.join(ROOT, 'API.md'), 'utf8') : '';
    if (fresh !== committed) {
      const freshLines = fresh.split('\n');
      const committedLines = committed.split('\n');
      const first = freshLines.findIndex((line, i) => line !== committedLines[i]);
      throw new Error(`API.md is stale: run \`npm run docs\` and commit API.md.\n`
        + `First difference at line ${first + 1}:\n  committed: ${committedLines[first]}\n  generated: ${freshLines[first]}`);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 30_000);
