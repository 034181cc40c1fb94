/**
 * Pages of the local site bundles: `<sites>/<host>/<path>.html`. The URL comes from the model, so the file's real
 * path (symlinks resolved) must lie inside the real sites folder plus a separator: `..`, a sibling folder that shares
 * the prefix (`sites-private/`) and a symlink pointing out are all refused.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

/** The HTML of a local page, or undefined when the URL names none (or names something outside the folder). */
export function readSitePage(sitesDir: string, url: string): string | undefined {
  const match = /^https?:\/\/([^/?#]+)(\/[^?#]*)?/i.exec(url);
  if (!match) return undefined;
  let root: string;
  let file: string;
  try {
    root = realpathSync(sitesDir);
    file = realpathSync(
      resolve(
        join(
          root,
          decodeURIComponentSafe(match[1]!),
          decodeURIComponentSafe(match[2] ?? '/').replace(/\/$/, '/index') + '.html',
        ),
      ),
    );
  } catch {
    return undefined; // no such page (or folder)
  }
  if (!file.startsWith(root + sep)) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // a folder, or unreadable
  }
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
