/**
 * The study report's two kinds of chart as standalone SVG text: grouped values with 95 % whiskers (bars or dots),
 * and lines with bands over training steps in side-by-side panels. Same data, same bytes; white background so the
 * PNG rendering (png.ts) and a dark viewer both show it as drawn.
 */

/**
 * Okabe–Ito and two more distinguishable hues, one per algorithm in every figure: AEPO vermillion, ARPO blue, the
 * ablations in AEPO's neighbourhood of wine and teal, the base checkpoint light grey.
 */
export const ALGORITHM_COLOURS: Record<string, string> = {
  base: '#bbbbbb',
  grpo: '#000000',
  dapo: '#E69F00',
  reinforce_pp: '#56B4E9',
  gppo: '#009E73',
  cispo: '#999999',
  gigpo: '#CC79A7',
  arpo: '#0072B2',
  aepo: '#D55E00',
  aepo_rollout_only: '#882255',
  aepo_update_only: '#44AA99',
};
export const colourOf = (algorithm: string) => ALGORITHM_COLOURS[algorithm] ?? '#666666';
/** Drawn last and thicker, so it stays visible among the baselines. */
const HIGHLIGHTED = 'aepo';

export const escapeXml = (text: string) =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface Series {
  label: string;
  colour: string;
  values: number[];
  /** 95 % interval per value (absent: no whisker). */
  low?: number[];
  high?: number[];
}

const f = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '0');

function header(width: number, height: number, title: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="22" font-size="14">${escapeXml(title)}</text>`,
  ];
}

/** Round tick step for a range: 1, 2 or 5 times a power of ten, about five ticks. */
function ticks(low: number, high: number): number[] {
  const span = high - low || 1;
  const raw = span / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let t = Math.ceil(low / step) * step; t <= high + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

interface Frame {
  left: number;
  top: number;
  right: number;
  bottom: number;
  yMin: number;
  yMax: number;
}

const yOf = (fr: Frame, v: number) => fr.bottom - ((fr.bottom - fr.top) * (v - fr.yMin)) / (fr.yMax - fr.yMin || 1);

function axes(fr: Frame, yLabel: string, fewestDigits: number): string[] {
  const marks = ticks(fr.yMin, fr.yMax);
  // Enough decimals that neighbouring ticks never print alike.
  const step = marks.length > 1 ? marks[1]! - marks[0]! : 1;
  const digits = Math.max(fewestDigits, step < 1 ? Math.ceil(-Math.log10(step) - 1e-9) : 0);
  const parts = marks.flatMap((t) => [
    `<line x1="${fr.left}" y1="${f(yOf(fr, t))}" x2="${fr.right}" y2="${f(yOf(fr, t))}" stroke="#e6e6e6"/>`,
    `<text x="${fr.left - 6}" y="${f(yOf(fr, t) + 4)}" text-anchor="end">${t.toFixed(digits)}</text>`,
  ]);
  parts.push(
    `<rect x="${fr.left}" y="${fr.top}" width="${fr.right - fr.left}" height="${fr.bottom - fr.top}" fill="none" stroke="#666666"/>`,
    `<text transform="translate(${fr.left - 44} ${(fr.top + fr.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
  );
  return parts;
}

function legend(series: { label: string; colour: string }[], x: number, y: number): string[] {
  return series.flatMap((s, i) => [
    `<rect x="${x}" y="${y + 18 * i - 9}" width="14" height="10" fill="${s.colour}"/>`,
    `<text x="${x + 20}" y="${y + 18 * i}">${escapeXml(s.label)}</text>`,
  ]);
}

function range(values: number[], floor?: number, ceiling?: number): [number, number] {
  const finite = values.filter(Number.isFinite);
  let low = floor ?? Math.min(...finite);
  let high = ceiling ?? Math.max(...finite);
  if (!Number.isFinite(low) || !Number.isFinite(high)) [low, high] = [0, 1];
  if (high === low) high = low + 1;
  const pad = (high - low) * 0.05;
  return [floor ?? low - pad, ceiling ?? high + pad];
}

/**
 * Values per category and series, as bars (from 0) or dots, each with its whisker. `footer` says what the whiskers
 * are and how many units are behind them.
 */
export function groupedChart(options: {
  title: string;
  categories: string[];
  series: Series[];
  yLabel: string;
  kind: 'bars' | 'dots';
  yMin?: number;
  yMax?: number;
  footer: string;
  digits?: number;
}): string {
  const { categories, series } = options;
  const width = Math.max(760, 110 + categories.length * (24 + 18 * series.length) + 190);
  const height = 460;
  const all = series.flatMap((s) => [...s.values, ...(s.low ?? []), ...(s.high ?? [])]);
  const [yMin, yMax] = range(all, options.kind === 'bars' ? 0 : options.yMin, options.yMax);
  const fr: Frame = { left: 70, top: 40, right: width - 190, bottom: 330, yMin, yMax };
  const parts = [...header(width, height, options.title), ...axes(fr, options.yLabel, options.digits ?? 0)];
  const slot = (fr.right - fr.left) / categories.length;
  const barWidth = Math.min(24, (slot - 12) / series.length);
  categories.forEach((category, c) => {
    const start = fr.left + slot * c + (slot - barWidth * series.length) / 2;
    series.forEach((s, k) => {
      const v = s.values[c]!;
      if (!Number.isFinite(v)) return;
      const x = start + barWidth * k;
      const mid = x + barWidth / 2;
      if (options.kind === 'bars')
        parts.push(
          `<rect x="${f(x)}" y="${f(yOf(fr, v))}" width="${f(barWidth - 2)}" height="${f(yOf(fr, 0) - yOf(fr, v))}" fill="${s.colour}"/>`,
        );
      else parts.push(`<circle cx="${f(mid)}" cy="${f(yOf(fr, v))}" r="4" fill="${s.colour}"/>`);
      const [low, high] = [s.low?.[c], s.high?.[c]];
      if (low !== undefined && high !== undefined && Number.isFinite(low) && Number.isFinite(high))
        parts.push(
          `<line x1="${f(mid)}" y1="${f(yOf(fr, low))}" x2="${f(mid)}" y2="${f(yOf(fr, high))}" stroke="#333333" stroke-width="1.5"/>`,
          `<line x1="${f(mid - 4)}" y1="${f(yOf(fr, low))}" x2="${f(mid + 4)}" y2="${f(yOf(fr, low))}" stroke="#333333"/>`,
          `<line x1="${f(mid - 4)}" y1="${f(yOf(fr, high))}" x2="${f(mid + 4)}" y2="${f(yOf(fr, high))}" stroke="#333333"/>`,
        );
    });
    parts.push(
      `<text transform="translate(${f(fr.left + slot * (c + 0.5))} ${fr.bottom + 14}) rotate(25)" text-anchor="start" font-size="11">${escapeXml(category)}</text>`,
    );
  });
  if (series.length > 1) parts.push(...legend(series, fr.right + 16, fr.top + 10));
  parts.push(
    `<text x="16" y="${height - 10}" font-size="10" fill="#555555">${escapeXml(options.footer)}</text>`,
    '</svg>',
  );
  return parts.join('\n') + '\n';
}

export interface LinePanel {
  title: string;
  yLabel: string;
  lines: { label: string; colour: string; points: { x: number; y: number; low: number; high: number }[] }[];
}

/** Lines with shaded 95 % bands, one panel per metric side by side, one legend for all. */
export function bandChart(options: { title: string; xLabel: string; panels: LinePanel[]; footer: string }): string {
  const panelWidth = 380;
  const width = 70 + options.panels.length * (panelWidth + 70) + 150;
  const height = 420;
  const parts = header(width, height, options.title);
  options.panels.forEach((panel, p) => {
    const points = panel.lines.flatMap((l) => l.points);
    const [yMin, yMax] = range(points.flatMap((q) => [q.low, q.high, q.y]));
    const [xMin, xMax] = range(
      points.map((q) => q.x),
      Math.min(...points.map((q) => q.x)),
      Math.max(...points.map((q) => q.x)),
    );
    const left = 70 + p * (panelWidth + 70);
    const fr: Frame = { left, top: 56, right: left + panelWidth, bottom: 360, yMin, yMax };
    const xOf = (x: number) => fr.left + ((fr.right - fr.left) * (x - xMin)) / (xMax - xMin || 1);
    parts.push(
      `<text x="${left}" y="48" font-size="12">${escapeXml(panel.title)}</text>`,
      ...axes(fr, panel.yLabel, yMax - yMin < 1 ? 2 : 1),
      ...ticks(xMin, xMax).map(
        (t) =>
          `<text x="${f(xOf(t))}" y="${fr.bottom + 16}" text-anchor="middle">${Number.isInteger(t) ? t : ''}</text>`,
      ),
      `<text x="${(fr.left + fr.right) / 2}" y="${fr.bottom + 34}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    );
    const order = [...panel.lines].sort((a, b) => Number(a.label === HIGHLIGHTED) - Number(b.label === HIGHLIGHTED));
    for (const line of order) {
      const usable = line.points.filter((q) => Number.isFinite(q.y));
      const band = [
        ...usable.filter((q) => Number.isFinite(q.high)).map((q) => `${f(xOf(q.x))},${f(yOf(fr, q.high))}`),
        ...usable
          .filter((q) => Number.isFinite(q.low))
          .reverse()
          .map((q) => `${f(xOf(q.x))},${f(yOf(fr, q.low))}`),
      ];
      parts.push(
        `<polygon points="${band.join(' ')}" fill="${line.colour}" fill-opacity="0.08" stroke="none"/>`,
        `<polyline points="${usable.map((q) => `${f(xOf(q.x))},${f(yOf(fr, q.y))}`).join(' ')}" fill="none" stroke="${line.colour}" stroke-width="${line.label === HIGHLIGHTED ? 3 : 1.5}"/>`,
      );
    }
  });
  parts.push(
    ...legend(options.panels[0]?.lines ?? [], width - 140, 66),
    `<text x="16" y="${height - 10}" font-size="10" fill="#555555">${escapeXml(options.footer)}</text>`,
    '</svg>',
  );
  return parts.join('\n') + '\n';
}
