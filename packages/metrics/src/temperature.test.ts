import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findCpuSensor, readCelsius } from './temperature.ts';

let sysRoot: string;

beforeEach(async () => {
  sysRoot = await mkdtemp(join(tmpdir(), 'janitor-metrics-sys-'));
});
afterEach(async () => {
  await rm(sysRoot, { recursive: true, force: true });
});

async function zone(n: number, type: string, milli: string) {
  const dir = join(sysRoot, 'class/thermal', `thermal_zone${n}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'type'), `${type}\n`);
  await writeFile(join(dir, 'temp'), `${milli}\n`);
}

async function hwmon(n: number, name: string, milli: string) {
  const dir = join(sysRoot, 'class/hwmon', `hwmon${n}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'name'), `${name}\n`);
  await writeFile(join(dir, 'temp1_input'), `${milli}\n`);
}

describe('findCpuSensor', () => {
  it('finds nothing on a machine without /sys/class/thermal or hwmon (a VM)', async () => {
    expect(await findCpuSensor(sysRoot)).toBeUndefined();
  });

  it("takes a Raspberry Pi's cpu-thermal zone", async () => {
    await zone(0, 'cpu-thermal', '36024');
    expect(await findCpuSensor(sysRoot)).toBe(join(sysRoot, 'class/thermal/thermal_zone0/temp'));
  });

  it('prefers the coretemp package sensor over thermal zones, and x86_pkg_temp over acpitz', async () => {
    await zone(0, 'acpitz', '27800');
    await zone(1, 'x86_pkg_temp', '45000');
    expect(await findCpuSensor(sysRoot)).toBe(join(sysRoot, 'class/thermal/thermal_zone1/temp'));
    await hwmon(3, 'coretemp', '44000');
    expect(await findCpuSensor(sysRoot)).toBe(join(sysRoot, 'class/hwmon/hwmon3/temp1_input'));
  });

  it('ignores zones that are not the CPU (wifi, battery) and sensors reading nonsense', async () => {
    await zone(0, 'iwlwifi_1', '41000');
    await zone(1, 'cpu-thermal', '-650788984');
    expect(await findCpuSensor(sysRoot)).toBeUndefined();
    await zone(2, 'soc_thermal', '51234');
    expect(await findCpuSensor(sysRoot)).toBe(join(sysRoot, 'class/thermal/thermal_zone2/temp'));
  });
});

describe('readCelsius', () => {
  it.each([
    ['millidegrees to one decimal', '36024', 36],
    ['rounding', '51250', 51.2],
    ['zero means no reading', '0', undefined],
    ['a negative glitch', '-650788984', undefined],
    ['garbage', 'N/A', undefined],
    ['implausibly hot', '250000', undefined],
  ])('%s', async (_what, content, expected) => {
    await zone(0, 'cpu-thermal', content);
    expect(await readCelsius(join(sysRoot, 'class/thermal/thermal_zone0/temp'))).toBe(expected);
  });

  it('is undefined for a missing file', async () => {
    expect(await readCelsius(join(sysRoot, 'nope'))).toBeUndefined();
  });
});
