// Keys never reach messages, logs or URLs: every error string that leaves an adapter (budget endpoints, the
// judge endpoint) passes through redactSecrets. Secrets shorter than 4 characters are ignored: replacing them
// would shred ordinary text and they are not real keys.

/** Shortest key prefix treated as the key: a clipped message may keep all of a key but its tail. */
export const MIN_REDACTED_PREFIX_CHARS = 8;

/**
 * Replaces every secret in `text` with `[redacted]`: the key as is, URL-encoded and JSON-escaped,
 * and also any run of at least 8 characters that starts like one of those forms (a key cut short
 * by a server or a clip is still most of the key). Call it before clipping, never after.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    forms.add(s);
    forms.add(encodeURIComponent(s));
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  // Longest first so a key that contains another secret is replaced whole.
  for (const f of [...forms].sort((a, b) => b.length - a.length)) {
    out = f.length < MIN_REDACTED_PREFIX_CHARS ? out.split(f).join('[redacted]') : redactPrefixRuns(out, f);
  }
  return out;
}

/** Replaces each run in `text` that matches the first 8 or more characters of `secret`. */
function redactPrefixRuns(text: string, secret: string): string {
  const head = secret.slice(0, MIN_REDACTED_PREFIX_CHARS);
  let out = '';
  let from = 0;
  for (let at = text.indexOf(head); at >= 0; at = text.indexOf(head, from)) {
    let end = at + head.length;
    while (end - at < secret.length && end < text.length && text[end] === secret[end - at]) end++;
    out += `${text.slice(from, at)}[redacted]`;
    from = end;
  }
  return out + text.slice(from);
}
