import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { PKG, ROOT, pythonPackage, runTool } from './support/python-package';

// Every example of the guides in docs/ runs (the convention is in docs/README.md): each ```ts block is a complete
// TypeScript cdk8s app and each ```python block a complete Python one; every ```ts block is followed by its
// ```python twin. The TypeScript blocks are type-checked and compiled together (tsc, strict, against the compiled
// lib/ through the package name), then run one after the other in one Node.js process; the Python blocks run in
// one Python process against the package jsii-pacmak generates (test/support/python-package.ts). Each block must
// synthesize without error at least one manifest, and the twins must write the same files with the same objects
// (the config files in ConfigMaps compared parsed), and the same bytes (but for the known differences listed below).

const DOCS = path.join(ROOT, 'docs');
/** Not guides: generated API reference, house rules, the index (which has no code). */
const NOT_GUIDES = new Set(['API.python.md', 'api-conventions.md', 'README.md']);

interface Block {
  readonly guide: string;
  readonly lang: 'ts' | 'python';
  readonly line: number;
  readonly section: string;
  readonly code: string;
  readonly id: string;
}

interface Twin {
  readonly ts: Block;
  readonly python: Block;
}

/** The fenced code blocks of a markdown file, with the `##`/`###` heading they are under. */
function codeBlocks(guide: string): Array<{ lang: string; line: number; section: string; code: string }> {
  const lines = fs.readFileSync(path.join(DOCS, guide), 'utf8').split('\n');
  const blocks: Array<{ lang: string; line: number; section: string; code: string }> = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^#{1,4} (.*)$/.exec(lines[i]);
    if (heading) section = heading[1];
    const fence = /^```(\S*)\s*$/.exec(lines[i]);
    if (!fence) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    if (i === lines.length) throw new Error(`docs/${guide}:${start + 1}: unclosed code block`);
    blocks.push({ lang: fence[1], line: start + 1, section, code: `${body.join('\n')}\n` });
  }
  return blocks;
}

const GUIDES = fs.readdirSync(DOCS).filter((f) => f.endsWith('.md') && !NOT_GUIDES.has(f)).sort();

/** The twins of every guide, in order: a ```ts block, then its ```python block. */
function twinsOf(guide: string): Twin[] {
  const blocks = codeBlocks(guide).filter((b) => b.lang === 'ts' || b.lang === 'python');
  const twins: Twin[] = [];
  for (let i = 0; i < blocks.length; i += 2) {
    const [ts, python] = [blocks[i], blocks[i + 1]];
    if (ts.lang !== 'ts' || python?.lang !== 'python' || python.section !== ts.section) {
      const at = ts.lang !== 'ts' ? ts : python ?? ts;
      throw new Error(`docs/${guide}:${at.line}: every \`\`\`ts block must be followed, in the same section, by its \`\`\`python twin`);
    }
    const id = `${guide.replace(/\.md$/, '')}-${i / 2 + 1}`.replace(/[^a-z0-9]+/gi, '_');
    twins.push({
      ts: { guide, lang: 'ts', line: ts.line, section: ts.section, code: ts.code, id },
      python: { guide, lang: 'python', line: python.line, section: python.section, code: python.code, id },
    });
  }
  return twins;
}

const TWINS = GUIDES.flatMap(twinsOf);

/** Every file an app wrote, parsed (file name → its objects), and as text. */
function synthesized(outdir: string): { objects: Record<string, unknown[]>; texts: Record<string, string> } {
  if (!fs.existsSync(outdir)) return { objects: {}, texts: {} };
  const files = fs.readdirSync(outdir).sort();
  const texts = Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(outdir, f), 'utf8')]));
  const objects = Object.fromEntries(files.filter((f) => f.endsWith('.yaml'))
    .map((f) => [f, parseAllDocuments(texts[f]).map((d) => withConfigFilesParsed(d.toJSON()))]));
  return { objects, texts };
}

/** A ConfigMap with the YAML and JSON files of its `data` (prometheus.yml, rule files, dashboards) parsed. */
function withConfigFilesParsed(object: any): any {
  if (object?.kind !== 'ConfigMap' || !object.data) return object;
  return {
    ...object,
    data: Object.fromEntries(Object.entries(object.data).map(([key, text]) => [key, /\.(ya?ml|json)$/.test(key) ? parse(text as string) : text])),
  };
}

let work: string;
const results: Record<'ts' | 'python', Record<string, string | null>> = { ts: {}, python: {} };

/** Writes the ```ts blocks as files of a tiny package, type-checks and compiles them, runs them in one process. */
function runTypeScript(): void {
  const dir = path.join(work, 'ts');
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  // The library by its name, as an app that installed it sees it: package.json `exports` → lib/src/index.js.
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'cdk8s-mlops-monitoring'));
  for (const dep of ['cdk8s', 'constructs']) fs.symlinkSync(path.join(ROOT, 'node_modules', dep), path.join(dir, 'node_modules', dep));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      module: 'Node16', moduleResolution: 'node16', target: 'ES2022', lib: ['es2022'], types: [],
      strict: true, noUnusedLocals: true, skipLibCheck: true, outDir: 'js', rootDir: 'src',
    },
    include: ['src/*.ts'],
  }));
  fs.mkdirSync(path.join(dir, 'src'));
  for (const { ts } of TWINS) fs.writeFileSync(path.join(dir, 'src', `${ts.id}.ts`), ts.code);
  const tsc = require.resolve('typescript/bin/tsc');
  try {
    runTool(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json')], { cwd: dir });
  } catch (e: any) {
    // Name the guide and line, not the scratch file.
    let message: string = e.message;
    for (const { ts } of TWINS) message = message.split(`src/${ts.id}.ts`).join(`docs/${ts.guide} (block at line ${ts.line})`);
    throw new Error(`the TypeScript examples of docs/ do not compile:\n${message}`);
  }
  const manifest = TWINS.map(({ ts }) => ({ id: ts.id, file: path.join(dir, 'js', `${ts.id}.js`) }));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  runTool(process.execPath, [path.join(__dirname, 'docs', 'run-snippets.js'), 'manifest.json', 'results.json'], { cwd: dir });
  results.ts = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'));
}

/** Writes the ```python blocks as files and runs them all in one Python process, against the generated package. */
function runPython(): void {
  const { python, pythonPath } = pythonPackage();
  const dir = path.join(work, 'python');
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  const manifest = TWINS.map(({ python: block }) => {
    const file = path.join(dir, 'src', `${block.id}.py`);
    fs.writeFileSync(file, block.code);
    return { id: block.id, file };
  });
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  runTool(python, [path.join(__dirname, 'docs', 'run_snippets.py'), 'manifest.json', 'results.json'], { cwd: dir, env: { PYTHONPATH: pythonPath } });
  results.python = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'));
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'cdk8s-mlops-monitoring-docs-'));
  runTypeScript();
  runPython();
}, 300_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('docs/README.md links every guide, and every guide has examples in both languages', () => {
  const index = fs.readFileSync(path.join(DOCS, 'README.md'), 'utf8');
  expect(GUIDES.length).toBeGreaterThanOrEqual(4);
  for (const guide of GUIDES) {
    expect({ guide, linked: index.includes(`(${guide})`) }).toEqual({ guide, linked: true });
    expect({ guide, twins: twinsOf(guide).length > 0 }).toEqual({ guide, twins: true });
    // Each guide says where the convention is written.
    expect({ guide, convention: fs.readFileSync(path.join(DOCS, guide), 'utf8').includes('(README.md#how-the-examples-are-tested)') })
      .toEqual({ guide, convention: true });
  }
  expect(codeBlocks('README.md').filter((b) => b.lang === 'ts' || b.lang === 'python')).toEqual([]);
});

test('README.md: links the guides and docs/API.python.md, and its Python quick start is a tested example', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  for (const guide of [...GUIDES, 'README.md', 'API.python.md']) {
    expect({ guide, linked: readme.includes(`(docs/${guide})`) }).toEqual({ guide, linked: true });
  }
  const pythonBlocks = [...readme.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(pythonBlocks.length).toBeGreaterThanOrEqual(1);
  for (const block of pythonBlocks) {
    const tested = TWINS.find(({ python }) => python.code === block);
    if (!tested) throw new Error(`README.md's Python block is no tested example of docs/ (copy one exactly):\n${block}`);
  }
});

test('README.md: the install section names the peer dependency ranges of package.json', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const peers = Object.entries(PKG.peerDependencies as Record<string, string>);
  expect(peers.length).toBeGreaterThanOrEqual(3);
  for (const [name, range] of peers) expect({ name, stated: readme.includes(`\`${name}\` (${range})`) }).toEqual({ name, stated: true });
});

describe.each(TWINS.map((twin) => [`docs/${twin.ts.guide} "${twin.ts.section}" (lines ${twin.ts.line}, ${twin.python.line})`, twin] as const))('%s', (_name, twin) => {
  test.each(['ts', 'python'] as const)('the %s example synthesizes without error', (lang) => {
    const error = results[lang][twin.ts.id];
    if (error !== null) throw new Error(`docs/${twin.ts.guide}:${twin[lang].line} (${lang}) failed:\n${error ?? 'did not run'}`);
    const { objects } = synthesized(path.join(work, lang, 'out', twin.ts.id));
    const all = Object.values(objects).flat() as any[];
    expect(all.length).toBeGreaterThan(0);
    for (const o of all) expect(o).toMatchObject({ apiVersion: expect.any(String), kind: expect.any(String), metadata: { name: expect.any(String) } });
  });

  test('the TypeScript and Python twins write the same files, with the same objects (config files parsed)', () => {
    const ts = synthesized(path.join(work, 'ts', 'out', twin.ts.id));
    const python = synthesized(path.join(work, 'python', 'out', twin.ts.id));
    expect(Object.keys(ts.objects).length).toBeGreaterThan(0);
    expect(Object.keys(python.texts)).toEqual(Object.keys(ts.texts));
    expect(python.objects).toEqual(ts.objects);
  });

  test('the TypeScript and Python twins write the same bytes', () => {
    const ts = synthesized(path.join(work, 'ts', 'out', twin.ts.id));
    const python = synthesized(path.join(work, 'python', 'out', twin.ts.id));
    expect(python.texts).toEqual(ts.texts);
  });
});
