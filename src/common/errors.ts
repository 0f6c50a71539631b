import { IConstruct } from 'constructs';

/**
 * Thrown when a construct is given bad input. The message always starts with the construct path and
 * the field, so the failing prop can be found from the error alone.
 */
export class MonitoringValidationError extends Error {
  public readonly constructPath: string;
  public readonly field: string;

  constructor(scope: ErrorScope, field: string, message: string) {
    const path = typeof scope === 'string' ? scope : scope.node.path || '<root>';
    super(`[${path}] ${field}: ${message}`);
    this.name = 'MonitoringValidationError';
    this.constructPath = path;
    this.field = field;
  }
}

/**
 * Where an error is: a construct, or for the arguments of a static factory (which has no construct path) the
 * factory's name, such as `InferenceApiAlerts.rules`.
 */
export type ErrorScope = IConstruct | string;

/** Throws a {@link MonitoringValidationError} for `field` of `scope`. */
export function fail(scope: ErrorScope, field: string, message: string): never {
  throw new MonitoringValidationError(scope, field, message);
}
