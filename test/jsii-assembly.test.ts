import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { Runbooks } from '../src';
import { COORDINATES } from '../src/common/coordinates';

// The package is a jsii assembly (.jsii, written by the test task's `jsii` compile): every export of
// src/index.ts must be in it, or Python, Go, Java and .NET users silently lose it (jsii drops free
// functions, constants and type aliases with a mere message).
const ROOT = path.join(__dirname, '..');
const assemblyFile = path.join(ROOT, '.jsii');

function readAssembly(): { name: string; types: Record<string, { name: string; kind: string }> } {
  if (!fs.existsSync(assemblyFile)) {
    throw new Error('.jsii is missing: the test task compiles with `jsii` first (npx projen compile)');
  }
  return JSON.parse(fs.readFileSync(assemblyFile, 'utf8'));
}

/** Every name src/index.ts exports, with what it is (class, interface, enum, function, variable, type alias). */
function exportsOfIndex(): Array<{ name: string; kind: string }> {
  const program = ts.createProgram([path.join(ROOT, 'src/index.ts')], { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(path.join(ROOT, 'src/index.ts'))!)!;
  return checker.getExportsOfModule(module).map((symbol) => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const f = target.flags;
    const kind = f & ts.SymbolFlags.Class ? 'class' : f & ts.SymbolFlags.Interface ? 'interface' : f & ts.SymbolFlags.Enum ? 'enum'
      : f & ts.SymbolFlags.Function ? 'function' : f & ts.SymbolFlags.Variable ? 'variable' : f & ts.SymbolFlags.TypeAlias ? 'type alias' : 'other';
    return { name: symbol.name, kind };
  });
}

describe('the jsii assembly', () => {
  const assembly = readAssembly();
  const inAssembly = new Set(Object.values(assembly.types).map((t) => t.name));
  const exported = exportsOfIndex();

  test('has every export of src/index.ts: nothing is dropped for other languages', () => {
    expect(exported.length).toBeGreaterThan(100);
    expect(exported.filter((e) => !inAssembly.has(e.name))).toEqual([]);
  });

  test('exports only classes, interfaces and enums (no free function, constant or type alias)', () => {
    expect(exported.filter((e) => !['class', 'interface', 'enum'].includes(e.kind))).toEqual([]);
  });

  test('targets Python, Go, Java and .NET at the coordinates of src/common/coordinates.ts, named as cdk8s names its packages', () => {
    const targets = (assembly as any).targets;
    expect({ name: assembly.name, repository: (assembly as any).repository.url }).toEqual({ name: COORDINATES.npmName, repository: COORDINATES.repositoryUrl });
    expect(targets.python).toEqual(COORDINATES.python);
    expect(targets.go).toEqual(COORDINATES.go);
    expect(targets.java).toEqual({ package: COORDINATES.java.javaPackage, maven: { groupId: COORDINATES.java.mavenGroupId, artifactId: COORDINATES.java.mavenArtifactId } });
    expect(targets.dotnet).toMatchObject({ namespace: COORDINATES.dotnet.dotNetNamespace, packageId: COORDINATES.dotnet.packageId });
    // cdk8s-plus-28 is cdk8s_plus_28 in Python and cdk8splus28 in Go: the npm name without dashes.
    expect([targets.python.module, targets.go.packageName]).toEqual([COORDINATES.python.distName.replace(/-/g, '_'), COORDINATES.npmName.replace(/-/g, '')]);
    // The alerts' runbook links follow the repository.
    expect(Runbooks.DEFAULT_BASE_URL).toBe(`${COORDINATES.repositoryUrl.replace(/\.git$/, '')}/blob/main/docs/runbooks`);
  });

  test('no type of a bundled, non-jsii dependency appears in the published declarations', () => {
    const declarations = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? declarations(path.join(dir, e.name)) : e.name.endsWith('.d.ts') ? [path.join(dir, e.name)] : []);
    const foreign = /from ['"](@grafana\/|@prometheus-io\/|@lezer\/|yaml['"])/;
    const offenders = declarations(path.join(ROOT, 'lib')).filter((f) => foreign.test(fs.readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(ROOT, f))).toEqual([]);
  });
});
