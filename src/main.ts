import { App, Chart } from 'cdk8s';
import { FileLayout } from './layout/file-layout';
import { MonitoringStackLayout } from './layout/monitoring-layout';
import { MonitoringStack } from './stack';

// The app of this repository: the default stack, written as the ten files GitOps repositories commit.
// `cdk8s synth` deletes its output folder before running the app, so cdk8s.yaml points the CLI at a scratch
// folder, and the app itself replaces dist/k8s/monitoring only once every file has rendered.
const outdir = process.env.MONITORING_OUTDIR ?? 'dist/k8s/monitoring';

const app = new App();
const chart = new Chart(app, 'monitoring');
const stack = new MonitoringStack(chart, 'stack');
const files = new MonitoringStackLayout(stack).render(app);

FileLayout.writeFiles(files, outdir);
// What the CLI lists, prints or validates. `cdk8s synth --stdout` concatenates the files as they are, so each
// starts with a document separator there: the printed stream is then valid multi-document YAML.
if (process.env.CDK8S_OUTDIR) {
  const separated = Object.fromEntries(Object.entries(files).map(([name, yaml]) => [name, `---\n${yaml}`]));
  FileLayout.writeFiles(separated, process.env.CDK8S_OUTDIR);
}
console.log(`${Object.keys(files).length} files written to ${outdir}`);
