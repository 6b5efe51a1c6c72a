// The list of vitest projects. Vitest 5 ignores a workspace file on its own: vitest.config.ts imports this list.
export default ['packages/*', 'apps/*'];
