/**
 * Batched durable writes: collects the calls made in one turn of the event loop and hands them to `commitMany` at
 * once (which writes them in ONE transaction), so a burst of requests costs one disk sync instead of one each. Each
 * caller's promise resolves only after `commitMany` returned (its write is durable), with its own result, or rejects
 * with what `commitMany` threw.
 *
 * @param commitMany writes every input given in one transaction and returns one result per input, in order
 * @example
 * const enqueue = createGroupCommit((inputs: readonly EnqueueInput[]) => store.outbox.enqueueMany(inputs));
 * const entry = await enqueue({ payload, groupKey: 'pi1' }); // durable now: answer the request
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
