import { setImmediate as nextTurn } from 'node:timers/promises';
import type { MaintainOptions, MaintainResult } from './history-maintain.ts';

/** Options of {@link maintainHistory}. */
export interface HistoryUpkeepOptions {
  /** The time the tiers and retention are brought up to. @default the store's clock at each step */
  nowMs?: number;
  /** How long one step (one transaction) may take: what a report arriving meanwhile may wait. @default 10 */
  stepBudgetMs?: number;
  /** Stop after this many steps even if work remains (the next call goes on). @default 10_000 */
  maxSteps?: number;
}

/** What {@link maintainHistory} did, summed over its steps. */
export interface HistoryUpkeepResult extends Omit<MaintainResult, 'more'> {
  steps: number;
  /** Whether it stopped at `maxSteps` with work left. */
  more: boolean;
}

/**
 * Tiers and applies retention until nothing is left to do: `history.maintain` in short steps (each one transaction of
 * about `stepBudgetMs`), yielding to the event loop between them so that reports are taken meanwhile. What a hub's
 * timer (every minute) and a local-mode run call.
 *
 * @example await maintainHistory(store.history);
 */
export async function maintainHistory(
  history: { maintain(options?: MaintainOptions): MaintainResult },
  options: HistoryUpkeepOptions = {},
): Promise<HistoryUpkeepResult> {
  const { stepBudgetMs = 10, maxSteps = 10_000 } = options;
  const total: HistoryUpkeepResult = {
    steps: 0,
    more: false,
    rows: 0,
    tenMinuteBlocks: 0,
    hourBlocks: 0,
    lateReports: 0,
    expired: 0,
    freedPages: 0,
  };
  for (;;) {
    const step = history.maintain({
      budgetMs: stepBudgetMs,
      ...(options.nowMs === undefined ? {} : { nowMs: options.nowMs }),
    });
    total.steps += 1;
    total.rows += step.rows;
    total.tenMinuteBlocks += step.tenMinuteBlocks;
    total.hourBlocks += step.hourBlocks;
    total.lateReports += step.lateReports;
    total.expired += step.expired;
    total.freedPages += step.freedPages;
    if (!step.more) return total;
    if (total.steps >= maxSteps) {
      total.more = true;
      return total;
    }
    await nextTurn();
  }
}
