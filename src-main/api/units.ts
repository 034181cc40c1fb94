/**
 * How times and durations are written, in the CLI and in the UI alike. Dependency-free on purpose: this is the one
 * runtime module the renderer may import from src-main (the lint rules allow exactly this file).
 */

/** `2026-11-24 19:53` in local time; a dash for null. */
export function formatTime(ms: number | null): string {
  if (ms === null) return '—';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** `12 s`, `3 min 05 s`, `1 h 02 min`; a dash for a span that never started. */
export function formatDuration(startMs: number | null, endMs: number | null, now = Date.now()): string {
  if (startMs === null) return '—';
  const s = Math.max(0, Math.round(((endMs ?? now) - startMs) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
