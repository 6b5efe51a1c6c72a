import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'publisher', testTimeout: 20_000, hookTimeout: 20_000 } });
