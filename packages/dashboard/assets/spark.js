// The fleet's sparklines: a line on a small canvas, drawn directly (a chart library per card would cost more than
// the line). The first one drawn marks `janitor:first-chart` for the benchmark.

let firstDrawn = false;

/**
 * Draws `values` (null where there is no data) as a line across `canvas`, scaled to 0..`max` (or to the values).
 * @param {HTMLCanvasElement} canvas
 * @param {readonly (number | null)[]} values
 * @param {{ max?: number }} [options]
 */
export function drawSpark(canvas, values, options = {}) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 120;
  const height = canvas.clientHeight || 32;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  ctx.scale(ratio, ratio);
  ctx.clearRect(0, 0, width, height);
  let low = 0;
  let high = options.max ?? Number.NEGATIVE_INFINITY;
  if (options.max === undefined) {
    low = Number.POSITIVE_INFINITY;
    for (const v of values) {
      if (v === null || !Number.isFinite(v)) continue;
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    if (!Number.isFinite(low)) return;
    if (high === low) high = low + 1;
  }
  const style = getComputedStyle(canvas);
  ctx.strokeStyle = style.color;
  ctx.lineWidth = 1.5;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  const step = values.length > 1 ? (width - 2) / (values.length - 1) : 0;
  let drawing = false;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      drawing = false;
      return;
    }
    const x = 1 + i * step;
    const y = height - 2 - ((Math.min(high, Math.max(low, v)) - low) / (high - low)) * (height - 4);
    if (drawing) ctx.lineTo(x, y);
    else ctx.moveTo(x, y);
    drawing = true;
  });
  ctx.stroke();
  canvas.dataset.drawn = String(values.length);
  if (!firstDrawn) {
    firstDrawn = true;
    performance.mark('janitor:first-chart');
  }
}
