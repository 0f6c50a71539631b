import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The repository at `root` as a clone of it has it, copied to `dest`: the files git tracks or would track
 * (committed or not, but not ignored: no lib/, .jsii or dist/ packages), with `root`'s node_modules linked (what
 * `npm ci` installs). test/package.test.ts packs such a copy; test/consumers.test.ts builds its packages.
 */
export function freshCopy(root: string, dest: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && fs.existsSync(path.join(root, f)));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dest, f)), { recursive: true });
    fs.copyFileSync(path.join(root, f), path.join(dest, f));
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dest, 'node_modules'));
}
