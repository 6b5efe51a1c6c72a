import { readFileSync } from 'node:fs';

/** One measured case of the original Python Janitor v0.1: a request and what it posted (null: nothing). */
export interface Golden {
  name: string;
  request: {
    method: string;
    path: '/message' | '/sysinfo';
    content_type: string;
    form?: Record<string, string>;
    json?: { sys_data: Record<string, number | string> };
  };
  response_status: number;
  posted: { status: string; spoiler_text: string | null; visibility: string; content_type: string } | null;
}

export interface GoldenFile {
  cases: Golden[];
  remote_client_request: { method: string; path: string; headers: Record<string, string>; body: string };
}

/** The original's observed behaviour, copied from the shared compatibility file into this package's fixtures. */
export const goldens: GoldenFile = JSON.parse(
  readFileSync(new URL('../fixtures/original-v0.1.json', import.meta.url), 'utf8'),
) as GoldenFile;
