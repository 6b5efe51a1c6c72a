// The list of vitest projects. Vitest 5 ignores a workspace file on its own: vitest.config.ts imports this list.
// `scripts` holds the repository-wide checks (import boundaries).
export default ['packages/*', 'apps/*', 'scripts'];
