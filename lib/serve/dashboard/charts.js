// Line charts on a canvas, drawn by hand (no library): a time axis over the last minutes, a
// value axis from 0 to a rounded maximum, one line per series and a legend.

/** Series colours, in order. */
export const PALETTE = ['#5eb1ff', '#41d19a', '#f2b84b', '#c58cff', '#ff8c69', '#4dd4e6', '#ff6b9a', '#a3e05b'];

/** A "nice" step between the four gridlines, so that the top is at or above `max` (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^n). */
function niceStep(max) {
  if (!(max > 0)) return 0.25;
  const raw = max / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (step * power >= raw) return step * power;
  return 10 * power;
}

export class LineChart {
  /**
   * @param canvas - The canvas to draw on (sized by CSS).
   * @param format - Formats a value for the axis, given the step between gridlines.
   */
  constructor(canvas, format) {
    this.canvas = canvas;
    this.format = format;
  }

  /**
   * Draws `series` (`[{ name, color, dashed?, points: [[t, value], ...] }]`) over the window
   * that ends at `now` and lasts `windowMs`.
   */
  draw(series, now, windowMs) {
    const { canvas } = this;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const left = 48;
    const right = 8;
    const top = 22;
    const bottom = 20;
    const plotW = width - left - right;
    const plotH = height - top - bottom;
    const from = now - windowMs;
    let max = 0;
    for (const line of series) for (const [t, v] of line.points) if (t >= from && v > max) max = v;
    const step = niceStep(max * 1.05);
    const yMax = 4 * step;
    const x = (t) => left + ((t - from) / windowMs) * plotW;
    const y = (v) => top + plotH - (v / yMax) * plotH;

    g.font = '10px ui-monospace, DejaVu Sans Mono, monospace';
    g.textBaseline = 'middle';
    g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const value = step * i;
      const py = Math.round(y(value)) + 0.5;
      g.strokeStyle = i === 0 ? '#2c3b52' : '#1c2738';
      g.beginPath();
      g.moveTo(left, py);
      g.lineTo(left + plotW, py);
      g.stroke();
      g.fillStyle = '#7c8ca3';
      g.textAlign = 'right';
      g.fillText(this.format(value, step), left - 6, py);
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    const minutes = Math.round(windowMs / 60_000);
    for (let m = 0; m <= minutes; m++) {
      const px = x(now - m * 60_000);
      g.fillStyle = '#66768d';
      g.fillText(m === 0 ? 'now' : `-${m}m`, Math.min(Math.max(px, left + 10), left + plotW - 12), top + plotH + 5);
    }

    g.save();
    g.beginPath();
    g.rect(left, top - 2, plotW, plotH + 4);
    g.clip();
    for (const line of series) {
      const points = line.points.filter(([t]) => t >= from - 2000);
      if (points.length === 0) continue;
      g.strokeStyle = line.color;
      g.lineWidth = line.dashed ? 1.2 : 1.8;
      g.setLineDash(line.dashed ? [4, 3] : []);
      g.lineJoin = 'round';
      g.beginPath();
      for (const [i, [t, v]] of points.entries()) {
        if (i === 0) g.moveTo(x(t), y(v));
        else g.lineTo(x(t), y(v));
      }
      g.stroke();
      if (line.fill) {
        g.lineTo(x(points[points.length - 1][0]), y(0));
        g.lineTo(x(points[0][0]), y(0));
        g.closePath();
        g.globalAlpha = 0.12;
        g.fillStyle = line.color;
        g.fill();
        g.globalAlpha = 1;
      }
    }
    g.restore();
    g.setLineDash([]);

    // Legend, right-aligned along the top.
    g.textBaseline = 'middle';
    g.textAlign = 'left';
    g.font = '11px system-ui, DejaVu Sans, sans-serif';
    let lx = left + plotW;
    for (const line of [...series].reverse()) {
      const label = line.name;
      const w = g.measureText(label).width;
      lx -= w + 20;
      if (lx < left) break;
      g.fillStyle = line.color;
      g.fillRect(lx, 7, 10, 3);
      g.fillStyle = '#a9b6c8';
      g.fillText(label, lx + 14, 9);
    }
    if (series.every((line) => line.points.length === 0)) {
      g.fillStyle = '#66768d';
      g.textAlign = 'center';
      g.fillText('waiting for samples…', left + plotW / 2, top + plotH / 2);
    }
  }
}
