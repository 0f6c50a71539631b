import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { toYaml } from '../common/serialize';

/**
 * Which manifest file each object goes to, decided by construct: every ApiObject is written to the file of
 * its nearest assigned ancestor (the most specific assignment wins).
 *
 * Why not cdk8s's file-per-chart writer: constructs must work inside any single chart, while the GitOps
 * layout splits one stack over ten files; and the stock writer prefixes every file with `0000-` (and hashes
 * nested charts) as soon as charts depend on each other. A layout keeps names exactly as given.
 */
export class FileLayout {
  private readonly assignments = new Map<IConstruct, string>();

  /** Sends every object under `scope` (unless a deeper assignment says otherwise) to `fileName`. */
  public assign(scope: IConstruct, fileName: string): this {
    if (!isLayoutFileName(fileName)) {
      throw new Error(`[${scope.node.path}] layout: "${fileName}" must be a lowercase file name ending in .yaml`);
    }
    this.assignments.set(scope, fileName);
    return this;
  }

  /**
   * Validates the app (every construct's validations), resolves every object and groups them by file, in
   * construct-tree order. Throws, writing nothing, on any validation error or unassigned object.
   */
  public render(app: App): Map<string, string> {
    // As cdk8s's App.synth() does: each message is prefixed with the path of the construct that reported it.
    const errors = app.node.findAll().flatMap((c) => c.node.validate().map((e) => `[${c.node.path}] ${e}`));
    if (errors.length) {
      throw new Error(`Validation failed:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
    }
    const files = new Map<string, unknown[]>();
    for (const chart of app.node.findAll().filter((c): c is Chart => Chart.isChart(c))) {
      for (const obj of chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)) {
        if (Chart.of(obj) !== chart) continue; // an object of a nested chart belongs to that chart
        const fileName = this.fileOf(obj);
        const docs = files.get(fileName) ?? [];
        docs.push(obj.toJson());
        files.set(fileName, docs);
      }
    }
    const rendered = new Map<string, string>();
    for (const fileName of [...files.keys()].sort()) {
      rendered.set(fileName, files.get(fileName)!.map((doc) => toYaml(doc)).join('---\n'));
    }
    return rendered;
  }

  /** Renders the app and writes the files into `outdir` (see {@link writeManifests}). */
  public write(app: App, outdir: string): string[] {
    const rendered = this.render(app);
    writeManifests(rendered, outdir);
    return [...rendered.keys()];
  }

  private fileOf(obj: ApiObject): string {
    for (const scope of [...obj.node.scopes].reverse()) {
      const fileName = this.assignments.get(scope);
      if (fileName) return fileName;
    }
    throw new Error(`[${obj.node.path}] layout: no file assigned to this ${obj.kind} "${obj.name}"`);
  }
}

/**
 * Name of the list of the files {@link writeManifests} wrote into a folder: kubectl reads only `.yaml`, `.yml`
 * and `.json` files of a folder, so this one is never applied.
 */
export const WRITTEN_FILES_LIST = '.written-files';

/**
 * Writes `files` (file name to content) into `outdir`, and removes the files it wrote there before that are
 * no longer in the layout; every other file of the folder (a README, `.git`) is left alone. Files are
 * written to a staging folder first and then moved, so a failure never leaves half a layout.
 */
export function writeManifests(files: ReadonlyMap<string, string>, outdir: string): void {
  fs.mkdirSync(outdir, { recursive: true });
  const listFile = path.join(outdir, WRITTEN_FILES_LIST);
  const writtenBefore = fs.existsSync(listFile) ? fs.readFileSync(listFile, 'utf8').split('\n').filter(isLayoutFileName) : [];
  const staging = fs.mkdtempSync(path.join(path.dirname(path.resolve(outdir)), '.layout-'));
  try {
    for (const [fileName, yaml] of files) fs.writeFileSync(path.join(staging, fileName), yaml);
    fs.writeFileSync(path.join(staging, WRITTEN_FILES_LIST), [...files.keys()].sort().map((f) => `${f}\n`).join(''));
    for (const stale of writtenBefore.filter((f) => !files.has(f))) fs.rmSync(path.join(outdir, stale), { force: true });
    for (const fileName of [...files.keys(), WRITTEN_FILES_LIST]) fs.renameSync(path.join(staging, fileName), path.join(outdir, fileName));
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** A plain file name of the layout: the list is read back from disk, so nothing in it may point elsewhere. */
function isLayoutFileName(name: string): boolean {
  return /^[a-z0-9][a-z0-9.-]*\.yaml$/.test(name);
}
