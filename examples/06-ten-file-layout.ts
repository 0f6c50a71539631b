import { App, Chart } from 'cdk8s';
import { MonitoringStack, MonitoringStackLayout } from 'cdk8s-mlops-monitoring';

/**
 * The stack as ten files (prometheus-rbac.yaml ... servicemonitor-iris-api.yaml) in any folder. Stale YAML
 * files of that folder are removed; nothing is written if any construct fails validation.
 */
export function tenFileLayout(outdir: string): string[] {
  const app = new App();
  const chart = new Chart(app, 'monitoring');
  const stack = new MonitoringStack(chart, 'monitoring');
  return new MonitoringStackLayout(stack).write(app, outdir);
}

if (require.main === module) {
  const files = tenFileLayout(process.argv[2] ?? 'k8s/monitoring');
  console.log(`${files.length} files written`);
}
