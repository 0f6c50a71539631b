import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { canonicalQuantity } from './quantity';
import { validateDnsSubdomain, validateQuantity } from './validation';

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
  if (options.storageClassName !== undefined) validateDnsSubdomain(scope, 'persistence.storageClassName', options.storageClassName);
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
