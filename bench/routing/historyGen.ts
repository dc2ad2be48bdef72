// Generated Claude Code histories with known per-kind token distributions, for estimator calibration.
import type { HistorySession, TokenMix } from '../../src/core/estimator';
import type { TaskKind } from '../../src/core/taskKind';
import { mulberry32 } from '../../test/helpers/mulberry32.mjs';

export const seededRandom = mulberry32;

export function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Ground truth per kind: log-normal total tokens (median, sigma of ln) and first-prompt templates. */
export const generatedKinds: Partial<Record<TaskKind, { medianTokens: number; sigma: number; prompts: string[] }>> = {
  bugfix: { medianTokens: 900_000, sigma: 0.9, prompts: ['fix the crash when saving an empty form', 'The upload fails with a 413 error, fix it', '修复登录页面的报错', 'fix this bug: the totals are wrong after a refund'] },
  feature: { medianTokens: 2_500_000, sigma: 0.8, prompts: ['add CSV export to the reports page', 'build a settings screen for notifications', '实现用户头像上传功能', 'add support for dark mode'] },
  docs: { medianTokens: 600_000, sigma: 0.7, prompts: ['update the README with the new install steps', 'write documentation for the REST API', '更新项目文档'] },
  review: { medianTokens: 400_000, sigma: 0.6, prompts: ['review this PR for bugs', 'code review of the payment module', '代码审查一下这个改动'] },
  architecture: { medianTokens: 5_000_000, sigma: 1.0, prompts: ['design the architecture for the sync service', 'propose a migration plan from the monolith to services', '设计一个分布式缓存架构'] },
  test: { medianTokens: 1_200_000, sigma: 0.8, prompts: ['write unit tests for the cart service', 'add integration tests for the orders API', '给 UserService 写单元测试'] },
};

/** `count` sessions per kind; the mix varies per session around a Claude Code-like split. */
export function generateHistory(countPerKind: number, seed: number): (HistorySession & { kind: TaskKind })[] {
  const random = seededRandom(seed);
  const out: (HistorySession & { kind: TaskKind })[] = [];
  for (const [kind, spec] of Object.entries(generatedKinds) as [TaskKind, NonNullable<(typeof generatedKinds)[TaskKind]>][]) {
    for (let i = 0; i < countPerKind; i++) {
      const totalTokens = Math.round(spec.medianTokens * Math.exp(spec.sigma * normal(random)));
      const outputShare = 0.01 + 0.02 * random();
      const writeShare = 0.04 + 0.06 * random();
      const inputShare = 0.002 + 0.01 * random();
      const mix: TokenMix = {
        inputTokens: Math.round(totalTokens * inputShare),
        outputTokens: Math.round(totalTokens * outputShare),
        cacheWrite5mTokens: Math.round(totalTokens * writeShare),
        cacheWrite1hTokens: 0,
        cacheReadTokens: 0,
      };
      mix.cacheReadTokens = totalTokens - mix.inputTokens - mix.outputTokens - mix.cacheWrite5mTokens;
      // Sonnet 4.5 list prices.
      const costUsd = (mix.inputTokens * 3 + mix.outputTokens * 15 + mix.cacheWrite5mTokens * 3.75 + mix.cacheReadTokens * 0.3) / 1e6;
      out.push({ kind, firstPrompt: spec.prompts[i % spec.prompts.length], totalTokens, costUsd, model: 'claude-sonnet-4-5', mix });
    }
  }
  return out;
}
