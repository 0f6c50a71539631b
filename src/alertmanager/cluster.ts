/** Port of Alertmanager's gossip (memberlist), TCP and UDP, between the members of a cluster. */
export const ALERTMANAGER_CLUSTER_PORT = 9094;

/** Where the members of an Alertmanager cluster run: see {@link alertmanagerClusterArgs}. */
export interface AlertmanagerClusterMembers {
  /** Name of the StatefulSet: its pods are `<name>-0`, `<name>-1`, ... */
  readonly name: string;
  /** The headless Service that gives each pod a stable DNS name. */
  readonly headlessServiceName: string;
  readonly namespace: string;
  /** Number of members. */
  readonly replicas: number;
}

/** The stable DNS name of each member, `<name>-<i>.<headless>.<namespace>.svc`. */
export function alertmanagerMemberHosts(members: AlertmanagerClusterMembers): string[] {
  return Array.from({ length: members.replicas }, (_, i) => `${members.name}-${i}.${members.headlessServiceName}.${members.namespace}.svc`);
}

/**
 * Alertmanager's arguments for a cluster: gossip on 9094, every member as a peer (its own name too, as the
 * Prometheus Operator does: memberlist ignores itself), and the pod IP as the advertised address (a pod's
 * address may be outside the private ranges Alertmanager picks from by itself). With one replica gossip is off.
 */
export function alertmanagerClusterArgs(members: AlertmanagerClusterMembers): string[] {
  if (members.replicas <= 1) return ['--cluster.listen-address=']; // one replica: no gossip port to open
  return [
    `--cluster.listen-address=0.0.0.0:${ALERTMANAGER_CLUSTER_PORT}`,
    `--cluster.advertise-address=$(POD_IP):${ALERTMANAGER_CLUSTER_PORT}`,
    ...alertmanagerMemberHosts(members).map((host) => `--cluster.peer=${host}:${ALERTMANAGER_CLUSTER_PORT}`),
  ];
}
