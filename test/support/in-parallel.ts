// Bounded concurrency for tests that put load on a mesh: a fixed number of tasks, a fixed number at once.

/** Runs `task` `count` times with at most `concurrency` at once; results in task order. */
export async function inParallel<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  }));
  return results;
}
