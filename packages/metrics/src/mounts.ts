/** One line of /proc/self/mounts. */
export interface MountEntry {
  /** The source, e.g. `/dev/sda1`, `tank/data`, `overlay`. */
  device: string;
  /** Where it is mounted, octal escapes (`\040` for a space) decoded. */
  mount: string;
  fsType: string;
  options: string;
}

/** Parses /proc/self/mounts (or /proc/mounts, or /etc/mtab: the same format). */
export function parseMounts(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const [device, mount, fsType, options] = line.trim().split(/\s+/);
    if (!device || !mount || !fsType) continue;
    out.push({ device: decodeOctal(device), mount: decodeOctal(mount), fsType, options: options ?? '' });
  }
  return out;
}

function decodeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_match, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/**
 * Filesystem types that hold no disk space of this machine, and so are not in `Sample.disks`:
 * - kernel interfaces and memory-backed filesystems: their usage is RAM (already in the memory metrics) or nothing;
 *   tmpfs is among them, so /run, /dev/shm and a tmpfs /tmp are left out;
 * - read-only images (squashfs snaps, ISO 9660, EROFS, cramfs): always 100% full by design, alerts would never end;
 * - network and shared filesystems (NFS, CIFS, sshfs, 9p, virtiofs...): another machine's disks, watched there,
 *   and a statfs on a dead server can hang;
 * - container layers (overlay), except when overlay is the root filesystem (inside a container).
 */
export const EXCLUDED_FS_TYPES: ReadonlySet<string> = new Set([
  // kernel interfaces
  'proc',
  'sysfs',
  'devtmpfs',
  'devpts',
  'cgroup',
  'cgroup2',
  'cpuset',
  'securityfs',
  'pstore',
  'efivarfs',
  'debugfs',
  'tracefs',
  'configfs',
  'fusectl',
  'mqueue',
  'hugetlbfs',
  'bpf',
  'autofs',
  'binfmt_misc',
  'rpc_pipefs',
  'nfsd',
  'nsfs',
  'selinuxfs',
  'binder',
  'binderfs',
  'pipefs',
  'sockfs',
  'rootfs',
  // memory-backed
  'tmpfs',
  'ramfs',
  'zram',
  // read-only images
  'squashfs',
  'iso9660',
  'erofs',
  'cramfs',
  // network and shared
  'nfs',
  'nfs4',
  'cifs',
  'smb3',
  'smbfs',
  'ceph',
  'glusterfs',
  '9p',
  'virtiofs',
  'vboxsf',
  'afs',
  'davfs',
  // container layers
  'overlay',
  'aufs',
  // BSD and macOS pseudo filesystems (systeminformation fallback)
  'devfs',
  'fdescfs',
  'procfs',
  'linprocfs',
  'linsysfs',
  'nullfs',
]);

/**
 * True when a mount holds real disk space of this machine (see {@link EXCLUDED_FS_TYPES}). FUSE filesystems count
 * only as `fuseblk` (ntfs-3g, exfat-fuse on a local disk); other `fuse.*` types are userspace views (lxcfs, gvfs,
 * portals, snapfuse, sshfs, rclone).
 */
export function isRealFilesystem(entry: Pick<MountEntry, 'fsType' | 'mount'>): boolean {
  const type = entry.fsType.toLowerCase();
  if (type === 'overlay' && entry.mount === '/') return true;
  if (type === 'fuse' || type.startsWith('fuse.')) return false;
  return !EXCLUDED_FS_TYPES.has(type);
}

/**
 * The real filesystems of a mount table, each once, in mount order:
 * 1. a mount point mounted over keeps only its last (visible) mount, since statfs sees that one;
 * 2. pseudo, image, network and container filesystems are dropped ({@link isRealFilesystem});
 * 3. a device mounted several times (bind mounts, btrfs subvolumes, systemd PrivateTmp) keeps its first mount,
 *    which is the original; statfs would report the same figures for each.
 */
export function selectRealFilesystems(entries: readonly MountEntry[]): MountEntry[] {
  const lastAt = new Map<string, number>();
  entries.forEach((entry, index) => {
    lastAt.set(entry.mount, index);
  });
  const seenDevices = new Set<string>();
  const out: MountEntry[] = [];
  entries.forEach((entry, index) => {
    if (lastAt.get(entry.mount) !== index || !isRealFilesystem(entry)) return;
    if (seenDevices.has(entry.device)) return;
    seenDevices.add(entry.device);
    out.push(entry);
  });
  return out;
}
