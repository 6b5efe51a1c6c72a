import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pyRound } from './round.ts';

/** hwmon drivers that measure the CPU package, best first (temp1 is the package or Tctl sensor of each). */
const CPU_HWMON_NAMES = ['coretemp', 'k10temp', 'zenpower', 'cpu_thermal', 'cpu-thermal', 'soc_thermal'];

/**
 * Thermal zone types, best first: Intel's package sensor, the SoC/CPU zones of ARM boards (Raspberry Pi:
 * `cpu-thermal`), then ACPI's board zone as a last resort.
 */
const CPU_ZONE_TYPES = [/^x86_pkg_temp$/, /^(cpu|soc)\d*[-_]?thermal$/, /^(cpu|soc)$/, /^acpitz$/];

interface Candidate {
  path: string;
  rank: number;
}

/**
 * Finds the sensor file that best reports the CPU temperature under `sysRoot` (default `/sys`): an hwmon CPU
 * driver's `temp1_input`, else a CPU-like thermal zone's `temp`. Undefined when the machine has none (VMs, most
 * containers).
 */
export async function findCpuSensor(sysRoot: string): Promise<string | undefined> {
  const candidates: Candidate[] = [];
  const hwmonDir = join(sysRoot, 'class/hwmon');
  for (const entry of await listDir(hwmonDir)) {
    const name = (await readText(join(hwmonDir, entry, 'name')))?.trim();
    const rank = name === undefined ? -1 : CPU_HWMON_NAMES.indexOf(name);
    if (rank >= 0) candidates.push({ path: join(hwmonDir, entry, 'temp1_input'), rank });
  }
  const thermalDir = join(sysRoot, 'class/thermal');
  for (const entry of (await listDir(thermalDir)).filter((e) => e.startsWith('thermal_zone'))) {
    const type = (await readText(join(thermalDir, entry, 'type')))?.trim() ?? '';
    const rank = CPU_ZONE_TYPES.findIndex((pattern) => pattern.test(type));
    if (rank >= 0) candidates.push({ path: join(thermalDir, entry, 'temp'), rank: CPU_HWMON_NAMES.length + rank });
  }
  candidates.sort((a, b) => a.rank - b.rank || a.path.localeCompare(b.path, 'en', { numeric: true }));
  for (const candidate of candidates) {
    if ((await readCelsius(candidate.path)) !== undefined) return candidate.path;
  }
  return undefined;
}

/**
 * Reads a sensor file in millidegrees Celsius and returns degrees with one decimal. Undefined when it cannot be read
 * or the value is implausible: zero or below means "no reading" on several drivers, and the Raspberry Pi firmware
 * has been seen to return huge negative values now and then.
 */
export async function readCelsius(path: string): Promise<number | undefined> {
  const text = await readText(path);
  if (text === undefined) return undefined;
  const milli = Number(text.trim());
  if (!Number.isFinite(milli) || milli <= 0 || milli > 150_000) return undefined;
  return pyRound(milli / 1000, 1);
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  } catch {
    return [];
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}
