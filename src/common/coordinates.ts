// Where the package is published and where its sources live: the one file a fork edits (then `npx projen`
// rewrites package.json and the jsii targets). .projenrc.ts reads it for the package coordinates; the library
// reads it for its default runbook links, so a fork's alerts link to the fork's runbooks. Not exported.

/** The repository, as browsed (no `.git`). */
const REPOSITORY = 'https://github.com/iris-mlops/cdk8s-mlops-monitoring';

export const COORDINATES = {
  /** npm package name: also the module every TypeScript example imports. */
  npmName: 'cdk8s-mlops-monitoring',
  /** Git URL of the repository (package.json `repository`). */
  repositoryUrl: `${REPOSITORY}.git`,
  /** Who publishes it (package.json `author`). */
  author: { name: 'Iris MLOps platform team', url: 'https://github.com/iris-mlops' },
  /** The built-in alerts' `runbook_url` base: docs/runbooks of the default branch, `<base>/<AlertName>.md`. */
  runbookBaseUrl: `${REPOSITORY}/blob/main/docs/runbooks`,
  /** PyPI distribution and Python module (cdk8s-plus-28 is `cdk8s-plus-28` / `cdk8s_plus_28`). */
  python: { distName: 'cdk8s-mlops-monitoring', module: 'cdk8s_mlops_monitoring' },
  /**
   * Go: jsii-pacmak writes the module `<moduleName>/<packageName>`, published from a repository of its own
   * (cdk8s's is github.com/cdk8s-team/cdk8s-core-go).
   */
  go: { moduleName: 'github.com/iris-mlops/cdk8s-mlops-monitoring-go', packageName: 'cdk8smlopsmonitoring' },
  /** Maven: a group you can publish to on Maven Central (a verified namespace), and the Java package. */
  java: { mavenGroupId: 'io.github.iris-mlops', mavenArtifactId: 'cdk8s-mlops-monitoring', javaPackage: 'io.github.irismlops.cdk8s.monitoring' },
  /** NuGet package and .NET namespace. */
  dotnet: { packageId: 'IrisMlops.Cdk8s.Monitoring', dotNetNamespace: 'IrisMlops.Cdk8s.Monitoring' },
} as const;
