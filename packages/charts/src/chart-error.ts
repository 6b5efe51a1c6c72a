/** One thing wrong with a chart's input: where (`values[3]`, `from`) and what was expected. */
export interface ChartInputProblem {
  /** The field: `host`, `t`, `values[3]`, `from`, `timeZone`. */
  path: string;
  /** What was expected and what came: `expected a finite number or null, got NaN`. */
  message: string;
}

/**
 * The input of {@link renderChart} or {@link describeChart} cannot be drawn. The message lists every problem with its
 * field (`chart input: values: expected 360 entries (one per t), got 359; from: expected a time before to`);
 * `problems` holds them one by one.
 */
export class ChartInputError extends Error {
  override name = 'ChartInputError';
  /** Every problem found, in the order of the input's fields. */
  readonly problems: readonly ChartInputProblem[];

  constructor(problems: readonly ChartInputProblem[]) {
    super(`chart input: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    this.problems = problems;
  }
}

/**
 * The chart could not be rendered to PNG: the renderer (`@resvg/resvg-js`) has no binary for this platform, or it
 * failed. Retrying the same chart will not help; the caller posts without the image.
 */
export class ChartRenderError extends Error {
  override name = 'ChartRenderError';
  /** Always false: the same chart fails the same way. */
  readonly retryable = false;
}
