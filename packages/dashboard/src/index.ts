export type { AssetAnswer, DashboardAsset } from './assets.ts';
export { assetAnswer, dashboardAssets, HTML_PAGE_HEADERS } from './assets.ts';
export type { LoginPageOptions } from './login-page.ts';
export { escapeHtml, loginPage } from './login-page.ts';
