import { z } from 'zod';
import type { PlanQuota } from '../../core/budgetReading';
import { priceAdjustments } from '../../core/priceData';
import { ensureOk, httpGet, parseBody, requireKey, toNumber, type AdapterDeps } from './http';

const LABEL = 'GitHub Copilot';
export const COPILOT_USER_URL = 'https://api.github.com/copilot_internal/user';

const quotaSchema = z
  .object({
    entitlement: z.number().nullish(),
    remaining: z.number().nullish(),
    percent_remaining: z.number().nullish(),
    unlimited: z.boolean().nullish(),
    overage_count: z.number().nullish(),
  })
  .passthrough();

// GET https://api.github.com/copilot_internal/user (undocumented; what VS Code's Copilot uses for its
// quota display): {copilot_plan, quota_reset_date, quota_reset_date_utc?, quota_snapshots: {premium_interactions: {...}}}.
export const copilotUserSchema = z
  .object({
    copilot_plan: z.string().nullish(),
    quota_reset_date: z.string().nullish(),
    quota_reset_date_utc: z.string().nullish(),
    quota_snapshots: z.object({ premium_interactions: quotaSchema.optional(), ai_credits: quotaSchema.optional() }).passthrough()
      .refine((q) => q.premium_interactions || q.ai_credits, 'no premium_interactions or ai_credits quota'),
  })
  .passthrough();

/**
 * The premium-request quota of the GitHub account whose token is `deps.apiKey` (in the editor,
 * the token of VS Code's own GitHub sign-in: vscode.authentication.getSession('github', ['user:email'])).
 */
export async function fetchCopilotQuota(adapterDeps: AdapterDeps, url = COPILOT_USER_URL): Promise<PlanQuota> {
  const deps: AdapterDeps = { ...adapterDeps, authHint: adapterDeps.authHint ?? 'Sign in to GitHub in VS Code (Accounts menu) and refresh.' };
  const token = requireKey(LABEL, deps);
  const res = await httpGet(url, { Authorization: `token ${token}`, Accept: 'application/json', 'User-Agent': 'tokenmeter' }, LABEL, deps);
  ensureOk(res, LABEL, deps, { permissionHint: 'This GitHub account may not have Copilot.' });
  const body = parseBody(res, copilotUserSchema, LABEL, deps);
  // Since GitHub's switch to AI credits (2026-06-01, a dated data entry) the same allowance counts credits
  // (1 credit = $0.01). An `ai_credits` snapshot is preferred when present (name unverified); else the
  // premium_interactions snapshot, which clients read as the credits allowance after the switch.
  const q = (body.quota_snapshots.ai_credits ?? body.quota_snapshots.premium_interactions)!;
  const credits = body.quota_snapshots.ai_credits !== undefined || deps.nowMs >= Date.parse(`${priceAdjustments.copilot.aiCreditsSince}T00:00:00Z`);
  const entitlement = toNumber(q.entitlement);
  const remaining = toNumber(q.remaining);
  const usedPercent =
    q.unlimited === true
      ? 0
      : q.percent_remaining != null
        ? 100 - q.percent_remaining
        : entitlement && remaining !== undefined
          ? ((entitlement - remaining) / entitlement) * 100
          : 0;
  const resetRaw = body.quota_reset_date_utc ?? body.quota_reset_date ?? undefined;
  const resetMs = resetRaw ? Date.parse(resetRaw) : NaN;
  const quota: PlanQuota = credits
    ? { source: 'copilot', window: 'AI credits', unit: 'credits', usdPerUnit: priceAdjustments.copilot.usdPerAiCredit, usedPercent, fetchedAtMs: deps.nowMs, stale: false }
    : { source: 'copilot', window: 'premium requests', unit: 'requests', usedPercent, fetchedAtMs: deps.nowMs, stale: false };
  if (entitlement !== undefined && remaining !== undefined) {
    quota.entitlement = entitlement;
    quota.used = entitlement - remaining + (toNumber(q.overage_count) ?? 0);
  }
  if (q.unlimited != null) quota.unlimited = q.unlimited;
  if (!Number.isNaN(resetMs)) quota.resetsAt = new Date(resetMs).toISOString();
  return quota;
}

/**
 * The CLI has no editor sign-in: it reads a GitHub token from `GH_TOKEN`, else `GITHUB_TOKEN` (the gh CLI's
 * and GitHub Actions' names; `GH_TOKEN=$(gh auth token)` gives the gh CLI's OAuth token). `GITHUB_API_URL`
 * (GitHub Enterprise Cloud with data residency: `https://api.<name>.ghe.com`) replaces api.github.com; the
 * token only goes there, over https unless the host is this machine.
 */
export async function fetchCopilotQuotaFromEnv(env: NodeJS.ProcessEnv, deps: Omit<AdapterDeps, 'apiKey' | 'authHint'>): Promise<PlanQuota> {
  const token = (env.GH_TOKEN?.trim() || env.GITHUB_TOKEN?.trim()) ?? '';
  if (!token) throw new Error(`${LABEL}: no token. Set GH_TOKEN or GITHUB_TOKEN, e.g. GH_TOKEN=$(gh auth token) tokenmeter status --copilot.`);
  const base = env.GITHUB_API_URL?.trim() || 'https://api.github.com';
  let url: URL;
  try {
    url = new URL('copilot_internal/user', base.endsWith('/') ? base : `${base}/`);
  } catch {
    throw new Error(`${LABEL}: GITHUB_API_URL is not a URL.`);
  }
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw new Error(`${LABEL}: GITHUB_API_URL must be https (the token would travel in clear text).`);
  return fetchCopilotQuota({ ...deps, apiKey: token, authHint: 'Check GH_TOKEN / GITHUB_TOKEN: the Copilot quota needs a token of the GitHub account with Copilot (gh auth token).' }, url.toString());
}
