export type { DashboardAsset } from './assets.ts';
export { dashboardAssets } from './assets.ts';
export type { LoginPageOptions } from './login-page.ts';
export { escapeHtml, loginPage } from './login-page.ts';
