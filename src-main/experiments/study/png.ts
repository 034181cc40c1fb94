/**
 * PNG copies of the report's SVG figures, for places that show no SVG (some slide tools, chat). Rendered by resvg
 * (`@resvg/resvg-js`, a prebuilt native module from npm) with the system's fonts, DejaVu Sans first: the figures
 * name it, and it is what Debian's Chromium brings. docs/study/README.md.
 */

/** Twice the SVG's size, so text stays sharp on high-density screens. */
const SCALE = 2;

/**
 * Loaded on first use, not when the app starts: a platform without resvg's prebuilt binary then loses only the PNG
 * copies, with an error that says so, never the whole app.
 */
export async function svgToPng(svg: string): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: SCALE },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    background: '#ffffff',
  });
  return resvg.render().asPng();
}
