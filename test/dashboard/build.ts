import * as path from 'node:path';
import * as esbuild from 'esbuild';

const root = path.join(__dirname, '..', '..');

/**
 * Builds only the dashboard page, with the options of its entry in
 * esbuild.config.mjs, so the page tests do not depend on the other bundles.
 */
export async function buildDashboardBundle(production = false): Promise<void> {
  await esbuild.build({
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    entryPoints: { dashboard: path.join(root, 'media', 'dashboard.ts') },
    outdir: path.join(root, 'dist', 'media'),
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
  });
}
