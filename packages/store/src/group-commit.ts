/** How {@link createGroupCommit} spaces its commits. */
export interface GroupCommitOptions {
  /**
   * The least time between the starts of two commits, in ms. A call that comes sooner after the last commit waits
   * for the next one, with every call that comes meanwhile: under a steady stream of independent writes (a fleet's
   * reports, one every half millisecond) that is a few larger transactions instead of one per turn of the event
   * loop, each write answered at most this much later. A call after a quiet spell is committed in its own turn.
   *
   * Waiting only pays while other calls keep coming. It ends early at the end of a turn that brought the batch to
   * `maxBatch` calls; and when twice in a row a wait's second half brought no call (the callers wait for their
   * answers before they send again, as a client replaying its spool does), the commits of the next 100 ms are not
   * spaced.
   * @default 0 (one commit per turn of the event loop that had calls)
   */
  spacingMs?: number;
  /** With `spacingMs`: the batch size that is committed at the end of its turn without waiting more. @default 16 */
  maxBatch?: number;
}

/** How long the commits are not spaced after two waits that nothing joined late (GroupCommitOptions.spacingMs). */
const UNSPACED_AFTER_IDLE_WAIT_MS = 100;

/**
 * Batched durable writes: collects the calls made in one turn of the event loop (or, with `spacingMs`, until the
 * next commit is due) and hands them to `commitMany` at once (which writes them in ONE transaction), so a burst of
 * requests costs one transaction and one disk sync instead of one each. Each caller's promise resolves only after
 * `commitMany` returned (its write is durable), with its own result, or rejects with what `commitMany` threw.
 *
 * @param commitMany writes every input given in one transaction and returns one result per input, in order
 * @example
 * const enqueue = createGroupCommit((inputs: readonly EnqueueInput[]) => store.outbox.enqueueMany(inputs));
 * const entry = await enqueue({ payload, groupKey: 'pi1' }); // durable now: answer the request
 */
export function createGroupCommit<I, O>(
  commitMany: (inputs: readonly I[]) => readonly O[],
  options: GroupCommitOptions = {},
) {
  const { spacingMs = 0, maxBatch = 16 } = options;
  if (!(spacingMs >= 0 && spacingMs < Number.POSITIVE_INFINITY)) {
    throw new RangeError(`spacingMs must be a number of milliseconds >= 0, got ${spacingMs}`);
  }
  if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) {
    throw new RangeError(`maxBatch must be an integer >= 1, got ${maxBatch}`);
  }
  let batch: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;
  /** The pending wait for the spacing, if any, and its middle (a call after it joined late). */
  let waiting: NodeJS.Timeout | undefined;
  let waitMiddle = 0;
  /** When the last commit started, the last call came, and until when commits are not spaced (performance.now()). */
  let lastCommitAt = Number.NEGATIVE_INFINITY;
  let lastCallAt = 0;
  let unspacedUntil = Number.NEGATIVE_INFINITY;
  /** How many waits in a row nothing joined late. */
  let idleWaits = 0;

  function flush() {
    scheduled = false;
    if (waiting !== undefined) {
      clearTimeout(waiting);
      waiting = undefined;
    }
    lastCommitAt = performance.now();
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

  function waited() {
    waiting = undefined;
    // Judged after this turn's poll: a loop that was busy during the wait reads the calls that came meanwhile only
    // now, after the timers; they count as having joined.
    setImmediate(endWait);
  }

  function endWait() {
    // Twice in a row nothing joined in a wait's second half: the callers wait for their answers, they do not send
    // (once is a gap in a steady stream).
    idleWaits = lastCallAt < waitMiddle ? idleWaits + 1 : 0;
    if (idleWaits >= 2) {
      idleWaits = 0;
      unspacedUntil = performance.now() + UNSPACED_AFTER_IDLE_WAIT_MS;
    }
    flush();
  }

  return (input: I): Promise<O> =>
    new Promise<O>((resolve, reject) => {
      batch.push({ input, resolve, reject });
      if (spacingMs > 0) lastCallAt = performance.now();
      if (!scheduled) {
        scheduled = true;
        const waitMs = lastCommitAt + spacingMs - lastCallAt;
        if (spacingMs > 0 && waitMs > 0 && lastCallAt >= unspacedUntil) {
          waitMiddle = lastCallAt + waitMs / 2;
          waiting = setTimeout(waited, waitMs);
        } else {
          setImmediate(flush);
        }
      } else if (waiting !== undefined && batch.length === maxBatch) {
        // Large enough: committed at the end of this turn.
        clearTimeout(waiting);
        waiting = undefined;
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
