import { IConstruct } from 'constructs';

/**
 * Thrown when a construct is given bad input. The message always starts with the construct path and
 * the field, so the failing prop can be found from the error alone.
 */
export class MonitoringValidationError extends Error {
  public readonly constructPath: string;
  public readonly field: string;

  constructor(scope: IConstruct, field: string, message: string) {
    const path = scope.node.path || '<root>';
    super(`[${path}] ${field}: ${message}`);
    this.name = 'MonitoringValidationError';
    this.constructPath = path;
    this.field = field;
  }
}

/** Throws a {@link MonitoringValidationError} for `field` of `scope`. */
export function fail(scope: IConstruct, field: string, message: string): never {
  throw new MonitoringValidationError(scope, field, message);
}
