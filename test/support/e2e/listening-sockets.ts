import * as fs from 'fs';

/**
 * The local addresses (`ip:port`) a process listens on: its TCP sockets in LISTEN state and its UDP
 * sockets, read from Linux's /proc (the sockets of the process's file descriptors, matched by inode in
 * /proc/net/{tcp,tcp6,udp,udp6}). IPv6 addresses are shown as `[hex]:port`; none is expected.
 */
export function listeningAddresses(pid: number): string[] {
  const inodes = new Set(fs.readdirSync(`/proc/${pid}/fd`)
    .map((fd) => readLinkOrEmpty(`/proc/${pid}/fd/${fd}`).match(/^socket:\[(\d+)\]$/)?.[1])
    .filter((inode): inode is string => inode !== undefined));
  const tables: { file: string; listening: (state: string) => boolean }[] = [
    { file: 'tcp', listening: (state) => state === '0A' }, // TCP_LISTEN
    { file: 'tcp6', listening: (state) => state === '0A' },
    { file: 'udp', listening: () => true }, // a bound UDP socket receives from anyone
    { file: 'udp6', listening: () => true },
  ];
  return tables.flatMap(({ file, listening }) => fs.readFileSync(`/proc/${pid}/net/${file}`, 'utf8')
    .split('\n').slice(1)
    .map((line) => line.trim().split(/\s+/))
    // columns: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    .filter((columns) => columns.length > 9 && inodes.has(columns[9]) && listening(columns[3]))
    .map((columns) => decodeAddress(columns[1])))
    .sort();
}

/** `0100007F:1F90` → `127.0.0.1:8080` (the kernel writes IPv4 addresses in host byte order: little-endian here). */
function decodeAddress(hex: string): string {
  const [ip, port] = hex.split(':');
  const portNumber = parseInt(port, 16);
  if (ip.length !== 8) return `[${ip}]:${portNumber}`;
  const bytes = [6, 4, 2, 0].map((i) => parseInt(ip.slice(i, i + 2), 16));
  return `${bytes.join('.')}:${portNumber}`;
}

function readLinkOrEmpty(link: string): string {
  try {
    return fs.readlinkSync(link);
  } catch {
    return ''; // the descriptor was closed while listing
  }
}
