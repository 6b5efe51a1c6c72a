import { describe, expect, it } from 'vitest';
import { isRealFilesystem, type MountEntry, parseMounts, selectRealFilesystems } from './mounts.ts';

const mount = (device: string, at: string, fsType: string): MountEntry => ({
  device,
  mount: at,
  fsType,
  options: 'rw',
});

describe('parseMounts', () => {
  it('decodes octal escapes in the device and the mount point', () => {
    const text = '/dev/sda1 /media/pi/PANTRY\\040USB vfat rw,nosuid 0 0\n/dev/sdb1 /mnt/a\\134b\\011c ext4 ro 0 0\n';
    expect(parseMounts(text)).toEqual([
      { device: '/dev/sda1', mount: '/media/pi/PANTRY USB', fsType: 'vfat', options: 'rw,nosuid' },
      { device: '/dev/sdb1', mount: '/mnt/a\\b\tc', fsType: 'ext4', options: 'ro' },
    ]);
  });

  it('skips blank and short lines', () => {
    expect(parseMounts('\n\nshort line\n')).toEqual([]);
  });
});

describe('isRealFilesystem', () => {
  it.each([
    ['ext4 on a disk', 'ext4', '/', true],
    ['vfat boot partition', 'vfat', '/boot/firmware', true],
    ['xfs', 'xfs', '/srv', true],
    ['btrfs', 'btrfs', '/home', true],
    ['zfs dataset', 'zfs', '/tank/data', true],
    ['ntfs-3g on a local disk (fuseblk)', 'fuseblk', '/mnt/windows', true],
    ['overlay as the root of a container', 'overlay', '/', true],
    ['overlay layer of a container on the host', 'overlay', '/var/lib/docker/overlay2/x/merged', false],
    ['tmpfs (memory)', 'tmpfs', '/run', false],
    ['devtmpfs', 'devtmpfs', '/dev', false],
    ['proc', 'proc', '/proc', false],
    ['sysfs', 'sysfs', '/sys', false],
    ['cgroup v1', 'cgroup', '/sys/fs/cgroup/cpu', false],
    ['cgroup v2', 'cgroup2', '/sys/fs/cgroup', false],
    ['snap image (squashfs)', 'squashfs', '/snap/core22/1380', false],
    ['CD image', 'iso9660', '/media/cdrom', false],
    ['NFS share', 'nfs4', '/mnt/nas', false],
    ['sshfs', 'fuse.sshfs', '/mnt/remote', false],
    ['lxcfs view', 'fuse.lxcfs', '/var/lib/lxcfs', false],
    ['autofs trigger', 'autofs', '/mnt/auto', false],
  ])('%s: %s at %s -> %s', (_what, fsType, at, expected) => {
    expect(isRealFilesystem({ fsType, mount: at })).toBe(expected);
  });
});

describe('selectRealFilesystems', () => {
  it('keeps the first mount of a device: bind mounts and PrivateTmp copies of / are dropped', () => {
    const got = selectRealFilesystems([
      mount('/dev/mmcblk0p2', '/', 'ext4'),
      mount('proc', '/proc', 'proc'),
      mount('/dev/mmcblk0p1', '/boot/firmware', 'vfat'),
      mount('/dev/mmcblk0p2', '/tmp', 'ext4'),
      mount('/dev/mmcblk0p2', '/var/tmp', 'ext4'),
      mount('tmpfs', '/run', 'tmpfs'),
    ]);
    expect(got.map((m) => m.mount)).toEqual(['/', '/boot/firmware']);
  });

  it('keeps only the visible mount of a mount point that was mounted over, even when that one is pseudo', () => {
    const got = selectRealFilesystems([
      mount('/dev/sda1', '/', 'ext4'),
      mount('/dev/sdb1', '/mnt/usb', 'ext4'),
      mount('tmpfs', '/mnt/usb', 'tmpfs'),
      mount('/dev/sdc1', '/data', 'ext4'),
      mount('/dev/sdd1', '/data', 'xfs'),
    ]);
    expect(got.map((m) => `${m.device} ${m.mount}`)).toEqual(['/dev/sda1 /', '/dev/sdd1 /data']);
  });

  it('keeps btrfs subvolumes of one device once', () => {
    const got = selectRealFilesystems([
      mount('/dev/nvme0n1p2', '/', 'btrfs'),
      mount('/dev/nvme0n1p2', '/home', 'btrfs'),
    ]);
    expect(got.map((m) => m.mount)).toEqual(['/']);
  });
});
