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
  /**
   * Name of the list of the files {@link FileLayout.writeFiles} wrote into a folder: kubectl reads only `.yaml`, `.yml`
   * and `.json` files of a folder, so this one is never applied.
   */
  public static readonly WRITTEN_FILES_LIST = '.written-files';

  /**
   * Writes `files` (file name to content) into `outdir`, and removes the files it wrote there before that are
   * no longer in the layout; every other file of the folder (a README, `.git`) is left alone. Files are
   * written to a staging folder first and then moved, so a failure never leaves half a layout.
   */
  public static writeFiles(files: Record<string, string>, outdir: string): void {
    fs.mkdirSync(outdir, { recursive: true });
    const listFile = path.join(outdir, FileLayout.WRITTEN_FILES_LIST);
    const writtenBefore = fs.existsSync(listFile) ? fs.readFileSync(listFile, 'utf8').split('\n').filter(isLayoutFileName) : [];
    const staging = fs.mkdtempSync(path.join(path.dirname(path.resolve(outdir)), '.layout-'));
    try {
      for (const [fileName, yaml] of Object.entries(files)) fs.writeFileSync(path.join(staging, fileName), yaml);
      fs.writeFileSync(path.join(staging, FileLayout.WRITTEN_FILES_LIST), Object.keys(files).sort().map((f) => `${f}\n`).join(''));
      for (const stale of writtenBefore.filter((f) => !Object.hasOwn(files, f))) fs.rmSync(path.join(outdir, stale), { force: true });
      for (const fileName of [...Object.keys(files), FileLayout.WRITTEN_FILES_LIST]) fs.renameSync(path.join(staging, fileName), path.join(outdir, fileName));
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }

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
  public render(app: App): Record<string, string> {
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
    const rendered: Record<string, string> = {};
    for (const fileName of [...files.keys()].sort()) {
      rendered[fileName] = files.get(fileName)!.map((doc) => toYaml(doc)).join('---\n');
    }
    return rendered;
  }

  /** Renders the app and writes the files into `outdir` (see {@link FileLayout.writeFiles}). */
  public write(app: App, outdir: string): string[] {
    const rendered = this.render(app);
    FileLayout.writeFiles(rendered, outdir);
    return Object.keys(rendered);
  }

  private fileOf(obj: ApiObject): string {
    for (const scope of [...obj.node.scopes].reverse()) {
      const fileName = this.assignments.get(scope);
      if (fileName) return fileName;
    }
    throw new Error(`[${obj.node.path}] layout: no file assigned to this ${obj.kind} "${obj.name}"`);
  }
}


/** A plain file name of the layout: the list is read back from disk, so nothing in it may point elsewhere. */
function isLayoutFileName(name: string): boolean {
  return /^[a-z0-9][a-z0-9.-]*\.yaml$/.test(name);
}
