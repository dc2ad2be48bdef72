// The live-sessions view (Tokenmeter: Show Runaway Sessions): every session with a request in the last 15 minutes,
// fastest-burning first, in the display language and currency. Markdown; pure (the editor writes and previews it).
import type { Formatter } from './format';
import { recommendMaxConcurrentSubagents, shortSessionId, type RunawayDetector } from './runaway';

/** Text from logs may contain Markdown; show it literally. */
function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

/** The details view: live sessions, fastest-burning first, with what each costs and the brake to apply. */
export function liveSessionsMarkdown(fmt: Formatter, detector: RunawayDetector | undefined, nowMs: number, focusSessionId?: string, remainingBudgetUsd?: number): string {
  const lines = [fmt.l10n.t('# Tokenmeter: live sessions'), ''];
  const sessions = detector?.activeSessions(nowMs) ?? [];
  if (sessions.length === 0) {
    lines.push(fmt.l10n.t('No agent session has made a request in the last 15 minutes.'));
    return lines.join('\n');
  }
  lines.push(fmt.l10n.t('Alert above {0}/h or {1} sub-agents at once. Sessions with a request in the last 15 minutes, fastest-burning first.', fmt.money(detector!.burnThresholdUsdPerHour), detector!.parallelAgentsLimit), '');
  const ordered = focusSessionId ? [...sessions.filter((s) => s.sessionId === focusSessionId), ...sessions.filter((s) => s.sessionId !== focusSessionId)] : sessions;
  const row = (label: string, value: string) => `| ${label} | ${value} |`;
  for (const s of ordered) {
    const alerting = s.activeAlerts.length > 0;
    const title = fmt.l10n.t('Session {0} · {1}', md(shortSessionId(s.sessionId)), md(s.project || fmt.l10n.t('unknown project')));
    lines.push(`## ${alerting ? fmt.l10n.t('Runaway: {0}', title) : title}`, '');
    lines.push('| | |', '|---|---|');
    lines.push(row(fmt.l10n.t('Model'), md(s.model || fmt.l10n.t('unknown model'))));
    lines.push(row(fmt.l10n.t('Burn rate'), fmt.l10n.t('**{0}/h** · {1}/min', fmt.money(s.usdPerHour), fmt.tokens(s.tokensPerMinute))));
    lines.push(row(fmt.l10n.t('Running for'), fmt.l10n.t('{0} (last request {1} ago)', fmt.duration(s.runningForMs), fmt.duration(nowMs - s.lastSeenMs))));
    lines.push(row(fmt.l10n.t('Cost so far'), `${fmt.money(s.costSoFarUsd)} · ${fmt.tokens(s.tokensSoFar)}`));
    lines.push(row(fmt.l10n.t('Next hour at this rate'), fmt.money(s.usdPerHour)));
    lines.push(row(fmt.l10n.t('Sub-agents'), fmt.l10n.t('{0} active now · {1} started in the last 10 min · {2} in total', s.activeAgents, s.agentsSpawnedLast10Min, s.agentsTotal)));
    lines.push(row(fmt.l10n.t('Context'), fmt.l10n.t('{0} in the latest request (peak {1})', fmt.tokens(s.contextTokens), fmt.tokens(s.peakContextTokens))));
    if (alerting) lines.push(row(fmt.l10n.t('Alerts'), s.activeAlerts.join(fmt.l10n.t(', '))));
    if (s.snoozedUntilMs) lines.push(row(fmt.l10n.t('Snoozed until'), fmt.time(s.snoozedUntilMs)));
    lines.push(row(fmt.l10n.t('Session id'), `\`${s.sessionId.replace(/`/g, '')}\``), '');
    if (s.activeAgents > 0 && s.usdPerHourPerAgent > 0 && remainingBudgetUsd !== undefined) {
      const horizonMs = 5 * 3_600_000;
      const advice = recommendMaxConcurrentSubagents({ remainingBudgetUsd, horizonMs, perAgentUsdPerHour: s.usdPerHourPerAgent });
      const [perAgent, left, horizon, n] = [fmt.money(s.usdPerHourPerAgent), fmt.money(Math.max(0, remainingBudgetUsd)), fmt.duration(horizonMs), advice.maxConcurrentSubagents];
      const reason = advice.basis === 'overruns' ? fmt.l10n.t('Even one sub-agent at {0}/h overruns the remaining {1} within {2}; run sub-agents one at a time.', perAgent, left, horizon)
        : n === 1 ? fmt.l10n.t('At {0}/h per sub-agent, 1 at once keeps the remaining {1} for {2}.', perAgent, left, horizon)
          : fmt.l10n.t('At {0}/h per sub-agent, {1} at once keep the remaining {2} for {3}.', perAgent, n, left, horizon);
      lines.push(fmt.l10n.t('Brake: {0} in the {1} block of Claude Code\'s settings. {2}', `\`${advice.envLine}\``, '`env`', md(reason)), '');
    }
  }
  lines.push(fmt.l10n.t('Stop an agent with Ctrl+C in its terminal. To have Claude Code stop itself, run **Tokenmeter: Install Claude Code Budget Hook**.'));
  return lines.join('\n');
}
