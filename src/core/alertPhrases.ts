// Runaway and budget warnings and the routing hint for one display language and currency. In
// English with US dollars they are the core's own sentences (`RunawayAlert.message`,
// `BudgetNotification.message`, `LiveRoutingHint.text`, what the CLI prints); otherwise they are
// rebuilt from the numbers behind them. Pure, like format.ts.
import type { Formatter } from './format';
import type { PacingWarning, WindowPacing } from './pacing';
import type { LiveRoutingHint } from './router';
import { largeContextTokens, shortSessionId, timesText, type RunawayAlert, type RunawayStatus } from './runaway';
import { describeDay, type BudgetNotification, type ThresholdInput } from './thresholds';

/** The notification sentence for one runaway alert. */
export function runawayAlertText(fmt: Formatter, a: RunawayAlert): string {
  if (fmt.speaksCoreText) return a.message;
  const zh = fmt.language === 'zh-cn';
  const money = (usd: number) => fmt.money(usd);
  const id = shortSessionId(a.sessionId);
  const who = zh ? `会话 ${id}（${a.project || '未知项目'}，${a.model || '未知模型'}）` : `Session ${id} (${a.project || 'unknown project'}, ${a.model || 'unknown model'})`;
  let what: string;
  switch (a.kind) {
    case 'parallel-agents':
      what = zh ? `${who}正同时运行 ${a.activeAgents} 个子代理` : `${who} is running ${a.activeAgents} sub-agents at once`;
      break;
    case 'loop': {
      const repeats = a.loopRepeats ?? (zh ? '多' : 'many');
      what = zh ? `${who}似乎陷入循环：10 分钟内 ${repeats} 次几乎相同的请求` : `${who} looks stuck in a loop: ${repeats} near-identical requests in 10 min`;
      break;
    }
    case 'budget-projection': {
      const left = a.remainingBudgetUsd !== undefined ? money(Math.max(0, a.remainingBudgetUsd)) : undefined;
      what = zh ? `${who}将在一小时内用完剩余预算${left ? `（${left}）` : ''}` : `${who} will overrun the remaining budget${left ? ` of ${left}` : ''} within the hour`;
      break;
    }
    case 'burn-rate':
    default: {
      const threshold = a.burnThresholdUsdPerHour !== undefined ? money(a.burnThresholdUsdPerHour) : undefined;
      const context = a.contextTokens !== undefined && a.contextTokens >= largeContextTokens ? fmt.tokens(a.contextTokens) : undefined;
      if (a.relative !== undefined) {
        const times = timesText(a.relative.timesUsualPeak);
        const usual = a.relative.unit === 'tokens' ? fmt.tokens(a.relative.usualPeak) + (zh ? '/分钟' : '/min') : `${money(a.relative.usualPeak)}${zh ? '/小时' : '/h'}`;
        what = zh
          ? `${who}已连续 10 分钟以平常峰值的 ${times} 倍运行（平常峰值 ${usual}）${context ? `，每次请求重发 ${context} 的上下文` : ''}`
          : `${who} has been running at ${times}× your usual peak ${a.relative.unit === 'tokens' ? 'token rate' : 'spend rate'} for 10 min (usual peak ${usual})${context ? ` re-sending ${context} of context per request` : ''}`;
        break;
      }
      what = zh
        ? `${who}的消耗远高于平常${threshold ? `（告警线 ${threshold}/小时）` : ''}${context ? `，每次请求重发 ${context} 的上下文` : ''}`
        : `${who} is burning far above your usual rate${threshold ? ` (alert above ${threshold}/h)` : ''}${context ? ` re-sending ${context} of context per request` : ''}`;
    }
  }
  const [rate, perMinute, running, soFar, nextHour] = [money(a.usdPerHour), fmt.tokens(a.tokensPerMinute), fmt.duration(a.runningForMs), money(a.costSoFarUsd), money(a.projectedNextHourUsd)];
  let text = zh
    ? `${what}：${rate}/小时（${perMinute}/分钟），已运行 ${running}，已花 ${soFar}，按此速度下一小时还将花 ${nextHour}。`
    : `${what}: ${rate}/h (${perMinute}/min), running ${running}, ${soFar} so far, ${nextHour} more in the next hour at this rate.`;
  if (a.windowSharePercent !== undefined && a.windowSharePercent >= 1) {
    const share = Math.round(a.windowSharePercent);
    text += zh ? `最近 10 分钟用掉了 5 小时额度的 ${share}%。` : ` It used ${share}% of your 5-hour window in the last 10 min.`;
  }
  if (a.windowExhaustedInMin !== undefined) {
    const minutes = Math.max(1, Math.round(a.windowExhaustedInMin));
    text += zh ? `5 小时额度约 ${minutes} 分钟后用完。` : ` 5-hour window exhausted in ~${minutes} min.`;
  }
  return text;
}

/** The status bar text and tooltip lines while a runaway is in force. */
export function runawayStatusTexts(fmt: Formatter, status: RunawayStatus): { text: string; lines: string[] } {
  if (fmt.speaksCoreText || status.alerts.length === 0) return { text: status.text, lines: status.tooltip ? status.tooltip.split('\n') : [] };
  const worst = status.alerts.reduce((a, b) => (b.usdPerHour > a.usdPerHour ? b : a));
  const sessions = new Set(status.alerts.map((a) => a.sessionId)).size;
  const rate = fmt.money(worst.usdPerHour);
  const text = fmt.language === 'zh-cn'
    ? `$(flame) 失控 ${rate}/小时${sessions > 1 ? `（${sessions} 个会话）` : ''}`
    : `$(flame) Runaway ${rate}/h${sessions > 1 ? ` (${sessions} sessions)` : ''}`;
  return { text, lines: status.alerts.map((a) => runawayAlertText(fmt, a)) };
}

/** The notification sentence for a budget warning, from the same input `evaluateThresholds` saw. */
export function budgetNotificationText(fmt: Formatter, n: BudgetNotification, input: ThresholdInput): string {
  if (fmt.speaksCoreText) return n.message;
  const zh = fmt.language === 'zh-cn';
  const label = input.budgetLabel;
  const offset = input.utcOffsetMinutes ?? 0;
  // In Chinese a day that starts with a digit ("30 日") is set off from the character before it.
  const day = (atMs: number) => describeDay(atMs, input.nowMs, offset, fmt.language).replace(/^(?=\d)/, zh ? ' ' : '');
  const spent = input.unit === 'percent' ? undefined : { spent: fmt.money(input.spentUsd), limit: fmt.capMoney(input.limitUsd) };
  switch (n.kind) {
    case 'threshold': {
      const pct = Math.floor(n.usedPct);
      return zh
        ? `${label} 已用 ${pct}%${spent ? `：已花 ${spent.spent} / ${spent.limit}` : ''}。`
        : `${label} at ${pct}%${spent ? `: ${spent.spent} of ${spent.limit} spent` : ''}.`;
    }
    case 'capReached': {
      const resetMs = input.resetsAt ? Date.parse(input.resetsAt) : NaN;
      const until = Number.isNaN(resetMs) ? undefined : day(resetMs);
      return zh
        ? `${label} 已达上限${spent ? `：已花 ${spent.spent} / ${spent.limit}` : ''}。${until ? `在${until}重置之前，` : ''}请求可能被拒绝。`
        : `${label} reached${spent ? `: ${spent.spent} of ${spent.limit} spent` : ''}. Requests may be refused${until ? ` until it resets ${until}` : ''}.`;
    }
    case 'overrun':
      return zh
        ? `${label}：按今天的速度，将在${day(n.runsOutAtMs)}用完。`
        : `${label}: At today's rate the ${label.charAt(0).toLowerCase()}${label.slice(1)} runs out ${day(n.runsOutAtMs)}.`;
  }
}

/** The routing hint's status bar text (without its icon) and hover detail. */
export function routingHintTexts(fmt: Formatter, hint: LiveRoutingHint): { text: string; detail: string } {
  if (fmt.speaksCoreText) return { text: hint.text, detail: hint.detail };
  const b = hint.basis;
  const [would, spent, context] = [fmt.money(b.wouldUsd), fmt.money(b.spentUsd), fmt.tokens(b.medianContextTokens)];
  if (fmt.language === 'zh-cn') {
    return {
      text: `${b.suggestedModelName} 即可 · −${hint.savingPct}%`,
      detail: [
        `最近 ${b.requests} 次 ${b.currentModelName} 请求看起来很简单：`,
        `回复中位数 ${b.medianReplyTokens} tokens，新输入中位数 ${b.medianNewInputTokens} tokens，上下文 ${context}。`,
        `用 ${b.suggestedModelName} 只需 ${would}，而不是 ${spent}（−${hint.savingPct}%）。`,
        '如果工作一直这么简单，可在 Claude Code 中用 /model 切换。',
      ].join('\n'),
    };
  }
  return {
    text: hint.text,
    detail: [
      `The last ${b.requests} requests on ${b.currentModelName} look simple:`,
      `median reply ${b.medianReplyTokens} tokens, median new input ${b.medianNewInputTokens} tokens, context ${context}.`,
      `${b.suggestedModelName} would have cost ${would} instead of ${spent} (−${hint.savingPct}%).`,
      'Switch with /model in Claude Code if the work stays this simple.',
    ].join('\n'),
  };
}

const windowWords: Record<string, { en: string; zh: string }> = {
  '5h': { en: 'the 5-hour window', zh: '5 小时额度' },
  '7d': { en: 'the week', zh: '本周额度' },
};

/**
 * One window's pace: "Claude 7d: 41% used, 29% of the week gone: ahead of pace, runs out Thu 14:00, resets Fri 09:00".
 * For the tooltip, the dashboard and the CLI.
 */
export function pacingLineText(fmt: Formatter, p: WindowPacing): string {
  const zh = fmt.language === 'zh-cn';
  const name = `${p.source === 'claude' ? 'Claude' : 'Codex'} ${p.window}`;
  const used = `${Math.round(p.usedPercent)}%`;
  const words = windowWords[p.window] ?? { en: 'the window', zh: '额度' };
  const parts: string[] = [zh ? `${name}：已用 ${used}` : `${name}: ${used} used`];
  if (p.resetSinceReading && p.elapsedPercent === null) {
    parts.push(zh ? '记录后已重置' : 'reset since it was recorded');
    return parts.join(zh ? '，' : ', ');
  }
  if (p.elapsedPercent !== null) {
    const gone = `${Math.round(p.elapsedPercent)}%`;
    parts[0] += zh ? `，${words.zh}时间已过 ${gone}` : `, ${gone} of ${words.en} gone`;
    const ahead = p.aheadByPercent ?? 0;
    parts.push(p.runsOutBeforeReset ? (zh ? '超前于进度' : 'ahead of pace') : ahead > 0 ? (zh ? '略超进度' : 'slightly ahead of pace') : (zh ? '进度正常' : 'on pace'));
  }
  if (p.projectedRunOutAtMs !== null) parts.push(zh ? `${fmt.dateTime(p.projectedRunOutAtMs)} 用完` : `runs out ${fmt.dateTime(p.projectedRunOutAtMs)}`);
  if (p.resetsAtMs !== null) parts.push(zh ? `${fmt.dateTime(p.resetsAtMs)} 重置` : `resets ${fmt.dateTime(p.resetsAtMs)}`);
  return zh ? `${parts[0]}：${parts.slice(1).join('，')}` : `${parts[0]}: ${parts.slice(1).join(', ')}`;
}

/** The status bar's short pacing text when a window runs out before its reset: "Claude 5h out in 1 h 10 min". */
export function pacingStatusText(fmt: Formatter, p: WindowPacing, nowMs: number): string {
  const name = `${p.source === 'claude' ? 'Claude' : 'Codex'} ${p.window}`;
  const inText = fmt.duration(Math.max(0, (p.projectedRunOutAtMs ?? nowMs) - nowMs));
  return fmt.language === 'zh-cn' ? `${name} 约 ${inText}后用完` : `${name} out in ${inText}`;
}

/** The one-time warning: "At this pace Claude's 5-hour window runs out at 14:10, 2 h 5 min before it resets (16:15)." */
export function pacingWarningText(fmt: Formatter, w: PacingWarning): string {
  const p = w.pacing;
  const name = p.source === 'claude' ? 'Claude' : 'Codex';
  const words = { '5h': { en: '5-hour window', zh: '5 小时额度' }, '7d': { en: 'weekly limit', zh: '每周额度' } }[p.window] ?? { en: `${p.window} window`, zh: `${p.window} 额度` };
  const runOut = fmt.dateTime(p.projectedRunOutAtMs!);
  const reset = fmt.dateTime(p.resetsAtMs!);
  const lead = fmt.duration(w.leadMs);
  return fmt.language === 'zh-cn'
    ? `按当前速度，${name} 的${words.zh}将在 ${runOut} 用完，比重置（${reset}）早 ${lead}。已用 ${Math.round(p.usedPercent)}%，时间已过 ${Math.round(p.elapsedPercent ?? 0)}%。`
    : `At this pace ${name}'s ${words.en} runs out ${runOut}, ${lead} before it resets (${reset}): ${Math.round(p.usedPercent)}% used with ${Math.round(p.elapsedPercent ?? 0)}% of the time gone.`;
}
