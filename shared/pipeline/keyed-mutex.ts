/**
 * Runs tasks with the same key one at a time (in arrival order), different
 * keys concurrently. One instance serialises its own writes to a branch, so
 * concurrent image events on one instance do not race each other for the ref;
 * compare-and-swap still guards against other instances.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
