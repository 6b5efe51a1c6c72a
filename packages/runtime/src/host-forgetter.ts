import type { History } from '@janitor/store';

/**
 * Forgets a decommissioned host everywhere the hub keeps it: its alerts and silence watch (the alert engine) and its
 * history. What `DELETE /api/v1/hosts/{hostname}` and `janitor hosts forget` do.
 * @returns whether anything of it was known
 * @example const forget = createHostForgetter({ alerts: engine, history: store.history }); await forget('old-pi');
 */
export function createHostForgetter(deps: {
  alerts: { forget(hostname: string): Promise<boolean> };
  history?: Pick<History, 'forgetHost'>;
}): (hostname: string) => Promise<boolean> {
  return async (hostname) => {
    const alerting = await deps.alerts.forget(hostname);
    const history = deps.history?.forgetHost(hostname) ?? false;
    return alerting || history;
  };
}
