// Charts on posts: the outbox worker's `mediaFor`. An alert that fires or escalates carries a chart of its metric over
// the last hours (its limit drawn, the crossing shaded), and a bot answer the chart it asked for. Made when the post
// is first sent, never on the ingest path.
import { renderChart } from '@janitor/charts';
import { neutralize, type PostAbout } from '@janitor/protocol';
import type { ChartRequest, MediaUpload, OutboxPayload } from '@janitor/publisher';
import type { History } from '@janitor/store';
import { type AlertPlan, alertOfKey } from '@janitor/thresholds';

/** How far back an alert's chart looks. */
export const ALERT_CHART_WINDOW_MS = 6 * 3_600_000;
/** The points a chart is drawn from at most (an 800-pixel-wide image shows no more). */
const CHART_POINTS = 400;

/** What {@link createChartMedia} reads. */
export interface ChartMediaDeps {
  history: Pick<History, 'series'>;
  /** The alert rules: an alert's series and limit. */
  plan: AlertPlan;
  /** @default Date.now */
  now?: () => number;
  /** The time zone of the time axis and the alt text. @default 'UTC' */
  timeZone?: string;
}

/**
 * The outbox worker's `mediaFor`: a PNG chart for an alert post that fires or escalates, or for a bot answer that
 * asks for one; nothing for any other post, or when the history holds no point of the series in the window. The alt
 * text says the same in words, neutralised (it names the host).
 *
 * @example createOutboxWorker({ ..., mediaFor: createChartMedia({ history: store.history, plan: alerts.plan }) })
 */
export function createChartMedia(deps: ChartMediaDeps) {
  const { history, plan, now = Date.now, timeZone = 'UTC' } = deps;

  /** The series key and limit of an alert of a host. */
  function alertSeries(host: string, key: string): { metric: string; limit?: number } | undefined {
    const found = alertOfKey(plan.host(host), key);
    if (found === undefined) return undefined;
    const metric = found.mount === undefined ? found.alert.metric : `${found.alert.metric}@${found.mount}`;
    const limit = found.alert.levels[0]?.value;
    return limit === undefined ? { metric } : { metric, limit };
  }

  function requestOf(payload: OutboxPayload, about: unknown): ChartRequest | undefined {
    if (payload.kind === 'answer') {
      const chart = payload.answer.chart;
      if (chart === undefined || chart.limit !== undefined) return chart;
      const limit = alertSeries(chart.host, chart.metric)?.limit;
      return limit === undefined ? chart : { ...chart, limit };
    }
    const alert = about as PostAbout | undefined;
    if (alert?.kind !== 'alert' || (alert.reason !== 'firing' && alert.reason !== 'escalated')) return undefined;
    const series = alertSeries(alert.host, alert.key);
    if (series === undefined) return undefined;
    // The range's end is exclusive: the report that fired the alert, taken this very millisecond, is in it.
    const toMs = now() + 1;
    return { host: alert.host, ...series, fromMs: toMs - ALERT_CHART_WINDOW_MS, toMs };
  }

  /** The points of the series, or of the flat key the original's reports keep the root filesystem under. */
  function pointsOf(request: ChartRequest) {
    const keys = [request.metric];
    const flat = /^(disk_[a-z_]+)@\/$/.exec(request.metric)?.[1];
    if (flat) keys.push(flat);
    for (const metric of keys) {
      const read = history.series({
        hostname: request.host,
        metrics: [metric],
        fromMs: request.fromMs,
        toMs: request.toMs,
        maxPoints: CHART_POINTS,
      });
      const points = read.metrics[metric];
      if (points && read.t.length > 0) return { t: read.t, values: points.avg };
    }
    return undefined;
  }

  return async (payload: OutboxPayload, about: unknown): Promise<MediaUpload[]> => {
    const request = requestOf(payload, about);
    if (request === undefined) return [];
    // The report that fired the alert is written by the history's group commit (`store.history.keep`) at the end of
    // its turn of the event loop, while the alert's own commit, earlier in that turn, has already woken the worker:
    // read now, the chart would miss the very point that crossed the limit (its alt text saying "not exceeded").
    // An immediate set now runs after the commits already scheduled.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const points = pointsOf(request);
    if (points === undefined) return [];
    const chart = renderChart({
      host: request.host,
      metric: request.metric,
      t: points.t,
      values: points.values,
      from: request.fromMs,
      to: request.toMs,
      ...(request.limit === undefined ? {} : { limit: request.limit }),
      timeZone,
    });
    return [{ data: chart.png, mimeType: 'image/png', fileName: 'chart.png', description: neutralize(chart.alt) }];
  };
}
