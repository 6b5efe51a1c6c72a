import { describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.ts';

describe('launchBrowser', () => {
  it('says how to install the browser when it is missing', async () => {
    await expect(launchBrowser({ executablePath: '/nonexistent/chromium' })).rejects.toThrow(
      /no browser at \/nonexistent\/chromium: install Debian's chromium \(apt-get update && apt-get install -y chromium\)/,
    );
  });

  it('starts headless Chromium that runs scripts and draws on a canvas', { timeout: 60_000 }, async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.setContent('<canvas id="c" width="10" height="10"></canvas>');
      // A string: this project's types have no DOM.
      const drawn = await page.evaluate(`(() => {
        const ctx = document.getElementById('c').getContext('2d');
        ctx.fillStyle = '#ff0000';
        ctx.fillRect(0, 0, 10, 10);
        return [...ctx.getImageData(5, 5, 1, 1).data];
      })()`);
      expect(drawn).toEqual([255, 0, 0, 255]);
      expect(browser.version()).toMatch(/^\d+\./);
    } finally {
      await browser.close();
    }
  });
});
