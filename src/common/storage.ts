import { Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { fail } from './errors';
import { canonicalQuantity } from './quantity';
import { validateDnsSubdomain, validateQuantity } from './validation';

/** Binary suffixes a data size may use, in MiB. */
const MEBIBYTES: Record<string, number> = { Mi: 1, Gi: 1024, Ti: 1024 * 1024 };
const BINARY_SIZE = /^([1-9]\d*)(Mi|Gi|Ti)$/;

/** A size of data written `<n>Mi`, `<n>Gi` or `<n>Ti`, as MiB; `field` names it in the error. */
export function mebibytesOf(scope: Construct, field: string, quantity: string): number {
  const match = BINARY_SIZE.exec(quantity);
  if (!match) fail(scope, field, `"${quantity}" must be a whole number of Mi, Gi or Ti (e.g. 512Mi, 10Gi)`);
  const mebibytes = Number(match[1]) * MEBIBYTES[match[2]];
  // The API server refuses more (the milli-value of the byte count overflows an int64).
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
