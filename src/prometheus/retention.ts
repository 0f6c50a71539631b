import { Construct } from 'constructs';
import { fail } from '../common/errors';
import { durationSeconds, validateDuration } from '../common/validation';
import { mebibytesOf } from '../common/storage';

/** Retention of a server whose rules need no longer window. */
const DEFAULT_RETENTION = '15d';
/** Share of the data volume the TSDB's blocks may fill: the WAL, head chunks and compactions need the rest. */
const RETENTION_SHARE = 0.85;
/** The smallest data volume: see the error where it is checked. */
const MIN_VOLUME_MEBIBYTES = 512;

/**
 * How long a Prometheus keeps samples, whoever runs it (the stack's Deployment or the Operator): the given
 * retention, else 15d grown to the longest window its rules read (an SLO's), and a given one shorter than such a
 * window refused. Shared so that both refuse the same things with the same words.
 */
export class Retention {
  private longestRequiredWindow?: { readonly seconds: number; readonly duration: string };

  /**
   * @param scope the construct errors name
   * @param retention the user's `retention`, validated here
   * @param acceptShortRetention the user's `acceptShortRetention`
   */
  constructor(private readonly scope: Construct, private readonly retention: string | undefined, private readonly acceptShortRetention: boolean | undefined) {
    if (retention !== undefined) validateDuration(scope, 'retention', retention);
  }

  /**
   * Keeps at least `window` of samples, which the rules of `what` read: the default retention grows to it, and
   * an explicit shorter `retention` fails here, naming `what`, unless `acceptShortRetention` and `budgetOnly`
   * (only an error budget's figures, not an alert, would be counted over less).
   */
  public require(window: string, what: string, budgetOnly: boolean): void {
    const seconds = durationSeconds(window);
    const retention = this.retention;
    if (retention !== undefined && durationSeconds(retention) < seconds) {
      if (!budgetOnly) fail(this.scope, 'retention', `"${retention}" is shorter than ${window}, the longest window of ${what}: set it to at least ${window}`);
      if (!this.acceptShortRetention) {
        fail(this.scope, 'retention', `"${retention}" is shorter than the ${window} window of ${what}, whose error budget would be counted over ${retention} only: `
          + `set it to at least ${window}, or acceptShortRetention: true to accept that`);
      }
    }
    if (seconds > (this.longestRequiredWindow?.seconds ?? 0)) this.longestRequiredWindow = { seconds, duration: window };
  }

  /** `storage.tsdb.retention.time`: the given one, else 15d or the longest window the rules need. */
  public get time(): string {
    const required = this.longestRequiredWindow;
    return this.retention ?? (required && required.seconds > durationSeconds(DEFAULT_RETENTION) ? required.duration : DEFAULT_RETENTION);
  }
}

/**
 * `storage.tsdb.retention.size` for a data volume of `size` (a quantity; `field` names it in errors): 85% of it,
 * in Prometheus's MB (which are MiB). Volumes under 512Mi are refused.
 */
export function retentionSizeFor(scope: Construct, field: string, size: string): string {
  const volumeMebibytes = mebibytesOf(scope, field, size);
  if (volumeMebibytes < MIN_VOLUME_MEBIBYTES) {
    fail(scope, field, `"${size}" is smaller than ${MIN_VOLUME_MEBIBYTES}Mi: the write-ahead log alone (segments of up to 128MiB, which size-based retention does not delete) would fill it`);
  }
  return `${Math.floor(volumeMebibytes * RETENTION_SHARE)}MB`;
}
