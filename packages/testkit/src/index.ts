export type { Golden, GoldenFile } from './goldens.ts';
export { goldens } from './goldens.ts';
