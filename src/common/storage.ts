import { Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { fail } from './errors';
import { canonicalQuantity } from './quantity';
import { expectOptional, expectType, validateDnsSubdomain, validateQuantity } from './validation';

/** A size in bytes, as a Kubernetes quantity: a number with a binary or decimal suffix, or a positive exponent. */
const SIZE = /^\+?(\d+(?:\.\d*)?|\.\d+)(?:([KMGTPE]i)|([kMGTPE])|[eE]\+?(\d+))?$/;
const BINARY_POWERS = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const DECIMAL_POWERS = ['k', 'M', 'G', 'T', 'P', 'E'];

/**
 * A size of data (`512Mi`, `10Gi`, `10G`, `0.5Gi`), in MiB (possibly fractional); `field` names it in the error.
 * At least 1Mi, at most 8Pi (the API server refuses more: the milli-value of the byte count overflows an int64).
 */
export function mebibytesOf(scope: Construct, field: string, quantity: string): number {
  const match = typeof quantity === 'string' ? SIZE.exec(quantity) : null;
  if (!match) fail(scope, field, `${JSON.stringify(quantity)} is not a size in bytes (e.g. 512Mi, 10Gi, 10G)`);
  const [, number, binary, decimal, exponent] = match;
  const bytes = Number(number) * (binary ? 1024 ** (BINARY_POWERS.indexOf(binary) + 1)
    : decimal ? 1000 ** (DECIMAL_POWERS.indexOf(decimal) + 1) : 10 ** Number(exponent ?? 0));
  const mebibytes = bytes / 2 ** 20;
  if (mebibytes < 1) fail(scope, field, `"${quantity}" is less than 1Mi`);
  if (mebibytes > MAX_MEBIBYTES) fail(scope, field, `"${quantity}" is more than 8Pi`);
  return mebibytes;
}

const MAX_MEBIBYTES = 2 ** 33;

/** An emptyDir size limit of `mebibytes` MiB (cdk8s-plus writes it in Mi). */
export function sizeLimitOf(mebibytes: number): Size {
  return Size.mebibytes(mebibytes);
}

/** A PersistentVolumeClaim for a program's data. */
export interface PersistenceOptions {
  /**
   * Requested size, a Kubernetes quantity.
   * @default '10Gi'
   */
  readonly size?: string;
  /**
   * StorageClass of the claim.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
}

/** Props of {@link ProgramDataClaim}. */
export interface ProgramDataClaimProps extends PersistenceOptions {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
}

/** Checks the options, naming the fields as the user wrote them on `scope`. */
export function validatePersistence(scope: Construct, options: PersistenceOptions): void {
  expectType(scope, 'persistence', options, 'object');
  expectOptional(scope, 'persistence.size', options.size, 'string');
  expectOptional(scope, 'persistence.storageClassName', options.storageClassName, 'string');
  validateQuantity(scope, 'persistence.size', options.size ?? '10Gi');
  mebibytesOf(scope, 'persistence.size', options.size ?? '10Gi');
  // '' is valid: it asks for a pre-provisioned volume of no class (no dynamic provisioning).
  if (options.storageClassName) validateDnsSubdomain(scope, 'persistence.storageClassName', options.storageClassName);
}

/**
 * A ReadWriteOnce PVC holding one program's data (its workload must then use the Recreate strategy). The
 * caller validates the options with {@link validatePersistence}, so errors name the user's construct.
 */
export class ProgramDataClaim extends Construct {
  public readonly claimName: string;

  constructor(scope: Construct, id: string, props: ProgramDataClaimProps) {
    super(scope, id);
    this.claimName = props.name;
    new k8s.KubePersistentVolumeClaim(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: props.storageClassName,
        // Canonical (`10240Mi` → `10Gi`), as the API server stores it: otherwise every apply would see a change.
        resources: { requests: { storage: k8s.Quantity.fromString(canonicalQuantity(props.size ?? '10Gi')) } },
      },
    });
  }
}
