/**
 * The performance profile of a results table as a standalone SVG (rliable's figure): per row, the share of its
 * run × benchmark scores above each threshold τ, as a step line with its 95 % bootstrap band. The same bytes for the
 * same table: the app shows it and `aepo-lab export --profile FILE.svg` writes it. docs/statistics.md.
 */
import type { ResultsTable } from './results-table';

const WIDTH = 720;
const HEIGHT = 420;
const PLOT = { left: 56, top: 36, right: 560, bottom: 360 };
/** Distinguishable in light and dark, in print and for common colour-vision deficiencies (Okabe–Ito). */
const COLOURS = ['#000000', '#E69F00', '#56B4E9', '#009E73', '#D55E00', '#0072B2', '#CC79A7', '#999999', '#F0E442'];

const escape = (text: string) =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);
const x = (tau: number) => PLOT.left + ((PLOT.right - PLOT.left) * tau) / 100;
const y = (share: number) => PLOT.bottom - (PLOT.bottom - PLOT.top) * share;
const point = (px: number, py: number) => `${px.toFixed(1)},${py.toFixed(1)}`;

/** A step function through (τ, share) points: flat until the next threshold, then down. */
function steps(values: number[]): string[] {
  return values.flatMap((v, tau) => {
    const next = Math.min(100, tau + 1);
    return [point(x(tau), y(v)), point(x(next), y(v))];
  });
}

export function profileSvg(table: ResultsTable, title: string): string {
  const rows = table.rows.filter((r) => r.aggregates);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${PLOT.left}" y="20" font-size="14">${escape(title)}</text>`,
  ];
  for (let tick = 0; tick <= 100; tick += 20) {
    parts.push(
      `<line x1="${x(tick)}" y1="${PLOT.bottom}" x2="${x(tick)}" y2="${PLOT.top}" stroke="#e6e6e6"/>`,
      `<text x="${x(tick)}" y="${PLOT.bottom + 16}" text-anchor="middle">${tick}</text>`,
      `<line x1="${PLOT.left}" y1="${y(tick / 100)}" x2="${PLOT.right}" y2="${y(tick / 100)}" stroke="#e6e6e6"/>`,
      `<text x="${PLOT.left - 6}" y="${y(tick / 100) + 4}" text-anchor="end">${(tick / 100).toFixed(1)}</text>`,
    );
  }
  parts.push(
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#666666"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 34}" text-anchor="middle">${escape(`${table.metric} threshold τ (%)`)}</text>`,
    `<text transform="translate(16 ${(PLOT.top + PLOT.bottom) / 2}) rotate(-90)" text-anchor="middle">share of runs × benchmarks above τ</text>`,
  );
  rows.forEach((row, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const profile = row.aggregates!.profile;
    const upper = steps(profile.map((p) => p.high));
    const lower = steps(profile.map((p) => p.low)).reverse();
    parts.push(
      `<polygon points="${[...upper, ...lower].join(' ')}" fill="${colour}" fill-opacity="0.15" stroke="none"/>`,
      `<polyline points="${steps(profile.map((p) => p.value)).join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`,
      `<line x1="${PLOT.right + 16}" y1="${PLOT.top + 8 + 18 * i}" x2="${PLOT.right + 36}" y2="${PLOT.top + 8 + 18 * i}" stroke="${colour}" stroke-width="3"/>`,
      `<text x="${PLOT.right + 42}" y="${PLOT.top + 12 + 18 * i}">${escape(row.label)}</text>`,
    );
  });
  parts.push(
    `<text x="${PLOT.left}" y="${HEIGHT - 8}" font-size="10" fill="#555555">${escape(
      `Bands: 95 % stratified bootstrap (${table.bootstrap.resamples} resamples, seed ${table.bootstrap.seed}).`,
    )}</text>`,
    '</svg>',
  );
  return parts.join('\n') + '\n';
}
