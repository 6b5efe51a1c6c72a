/** One problem found in a config file: where (a dotted key path) and what was expected. */
export interface ConfigProblem {
  path: string;
  message: string;
}

/** The config could not be found, read, parsed or validated. Lists every problem, not only the first. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];
  readonly filepath: string | undefined;

  constructor(problems: readonly ConfigProblem[], filepath?: string, options?: { cause?: unknown }) {
    const where = filepath ? ` in ${filepath}` : '';
    const lines = problems.map((p) => (p.path ? `  ${p.path}: ${p.message}` : `  ${p.message}`));
    super(`invalid config${where}:\n${lines.join('\n')}`, options);
    this.problems = problems;
    this.filepath = filepath;
  }
}
