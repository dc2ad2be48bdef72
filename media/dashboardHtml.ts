/**
 * The dashboard page shell, shared by the webview panel and the standalone
 * browser test so both run under the same Content-Security-Policy. Everything
 * visible is built by `dashboard.js` from validated messages.
 */
export interface DashboardHtmlOptions {
  /** `webview.cspSource` (or the test server's origin). */
  cspSource: string;
  /** Fresh per page load, from `crypto.randomBytes`. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  /** Extra scripts loaded before the bundle, by the same nonce (the standalone test's host stub). */
  preludeScriptUris?: string[];
  /** Extra stylesheets (the standalone test's theme variables). */
  extraStyleUris?: string[];
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function dashboardHtml(options: DashboardHtmlOptions): string {
  const nonce = attr(options.nonce);
  const styles = [options.styleUri, ...(options.extraStyleUris ?? [])].map((href) => `<link rel="stylesheet" href="${attr(href)}">`).join('\n    ');
  const scripts = [...(options.preludeScriptUris ?? []), options.scriptUri].map((src) => `<script nonce="${nonce}" src="${attr(src)}"></script>`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(options.cspSource, options.nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>Tokenmeter Dashboard</title>
  </head>
  <body>
    <main id="app" aria-busy="true"><p class="loading">Loading usage…</p></main>
    ${scripts}
  </body>
</html>`;
}
