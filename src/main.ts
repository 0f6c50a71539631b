import { App, Chart } from 'cdk8s';
import { writeManifests } from './layout/file-layout';
import { monitoringStackLayout } from './layout/monitoring-layout';
import { MonitoringStack } from './stack';

// The app of this repository: the SPEC's stack, written as the ten files GitOps repositories commit.
// `cdk8s synth` deletes its output folder before running the app, so cdk8s.yaml points the CLI at a scratch
// folder, and the app itself replaces dist/k8s/monitoring only once every file has rendered.
const outdir = process.env.MONITORING_OUTDIR ?? 'dist/k8s/monitoring';

const app = new App();
const chart = new Chart(app, 'monitoring');
const stack = new MonitoringStack(chart, 'stack');
const files = monitoringStackLayout(stack).render(app);

writeManifests(files, outdir);
// What the CLI lists, prints or validates. `cdk8s synth --stdout` concatenates the files as they are, so each
// starts with a document separator there: the printed stream is then valid multi-document YAML.
if (process.env.CDK8S_OUTDIR) writeManifests(new Map([...files].map(([name, yaml]) => [name, `---\n${yaml}`])), process.env.CDK8S_OUTDIR);
console.log(`${files.size} files written to ${outdir}`);
