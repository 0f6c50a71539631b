import { COORDINATES } from './coordinates';
import { expectType } from './validation';

/** Where the built-in alerts link to: one runbook page per alert. */
export class Runbooks {
  /**
   * `docs/runbooks` of this repository, one Markdown page per alert (`<AlertName>.md`). Teams that keep
   * runbooks in their own wiki or fork set `runbookBaseUrl` there, with the same page names.
   */
  public static readonly DEFAULT_BASE_URL: string = COORDINATES.runbookBaseUrl;

  /** The `runbook_url` of a built-in alert: `<baseUrl>/<alertName>.md`. */
  public static urlOf(alertName: string, baseUrl: string = Runbooks.DEFAULT_BASE_URL): string {
    expectType('Runbooks.urlOf', 'alertName', alertName, 'string');
    expectType('Runbooks.urlOf', 'baseUrl', baseUrl, 'string');
    return `${baseUrl.replace(/\/+$/, '')}/${alertName}.md`;
  }

  private constructor() {}
}
