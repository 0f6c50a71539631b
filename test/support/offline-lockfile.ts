import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/*
 * A package-lock.json for a consumer app, cut out of this repository's lockfile, so that `npm ci --offline`
 * installs the consumer from the npm cache alone. A plain `npm install --offline pkg` would need each
 * package's registry metadata, which `npm ci` (what CI runs) never caches: only tarballs, by integrity.
 */

interface LockEntry {
  version?: string;
  integrity?: string;
  resolved?: string;
  inBundle?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

/** The consumer's package.json and package-lock.json. */
export interface ConsumerManifests {
  readonly packageJson: object;
  readonly packageLock: object;
}

/**
 * `dependencies` of the consumer: the packed tarball (`file:`) plus registry packages at the versions this
 * repository's lockfile holds (and so the npm cache has).
 */
export function consumerManifests(repoRoot: string, tarball: string, appDir: string, registryDeps: string[]): ConsumerManifests {
  const repoLock = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const entries = repoLock.packages;
  const selected = new Map<string, LockEntry>();

  // The location npm would find `name` from `from`: nested first, then each enclosing node_modules.
  const locate = (from: string, name: string): string | undefined => {
    for (let dir = from; ; dir = dir.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, '')) {
      const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (entries[candidate]) return candidate;
      if (!dir) return undefined;
    }
  };
  const visit = (location: string): void => {
    if (selected.has(location)) return;
    const { dev, devOptional, peer, ...entry } = entries[location];
    void dev; void devOptional; void peer; // the consumer depends on these for real
    selected.set(location, entry);
    const optionalPeers = entry.peerDependenciesMeta ?? {};
    const needs = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...Object.keys(entry.peerDependencies ?? {}).filter((p) => !optionalPeers[p]?.optional),
    ];
    for (const name of needs) {
      const found = locate(location, name);
      if (found) visit(found);
    }
  };
  const roots = [...registryDeps, ...Object.keys(pkg.dependencies ?? {})];
  for (const name of roots) {
    const found = locate('', name);
    if (!found) throw new Error(`${name} is not in package-lock.json: run npm install in the repository`);
    visit(found);
  }
  // Bundled dependencies ship inside their parent's tarball; npm still expects their entries.
  for (const location of Object.keys(entries)) {
    if (entries[location].inBundle && [...selected.keys()].some((parent) => location.startsWith(`${parent}/node_modules/`))) {
      selected.set(location, entries[location]);
    }
  }

  const tarballSpec = `file:${path.relative(appDir, tarball)}`;
  const integrity = `sha512-${createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`;
  const dependencies: Record<string, string> = { [pkg.name]: tarballSpec };
  for (const name of registryDeps) dependencies[name] = entries[`node_modules/${name}`].version!;
  const packages: Record<string, LockEntry> = {
    '': { name: 'consumer-app', version: '1.0.0', dependencies },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: tarballSpec,
      integrity,
      dependencies: pkg.dependencies,
      peerDependencies: pkg.peerDependencies,
    },
  };
  for (const location of [...selected.keys()].sort()) packages[location] = selected.get(location)!;
  return {
    packageJson: { name: 'consumer-app', version: '1.0.0', private: true, dependencies },
    packageLock: { name: 'consumer-app', version: '1.0.0', lockfileVersion: 3, requires: true, packages },
  };
}
