/**
 * Collects enqueue calls that arrive while a commit is running and writes them in one transaction, so a burst of
 * requests costs one disk sync instead of one each. Each caller's promise resolves only after its entry is durable.
 */
export function createGroupCommit<I, O>(commitMany: (inputs: readonly I[]) => readonly O[]) {
  let batch: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;

  function flush() {
    scheduled = false;
    const current = batch;
    batch = [];
    try {
      const out = commitMany(current.map((c) => c.input));
      current.forEach((c, i) => {
        c.resolve(out[i]!);
      });
    } catch (error) {
      for (const c of current) c.reject(error);
    }
  }

  return (input: I): Promise<O> =>
    new Promise<O>((resolve, reject) => {
      batch.push({ input, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}

/**
 * A promise that resolves in the check phase of the event loop's current turn (`setImmediate`), one shared by every
 * caller of the turn: the requests read in one turn are answered together, after the group commit of that turn.
 */
export function createTurn(): () => Promise<void> {
  let current: Promise<void> | undefined;
  return () =>
    (current ??= new Promise<void>((resolve) => {
      setImmediate(() => {
        current = undefined;
        resolve();
      });
    }));
}
