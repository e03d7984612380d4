/**
 * A bounded memory of recently seen keys: the oldest are forgotten first, so a chat
 * that runs for months keeps a constant footprint. Used to drop repeated deliveries of
 * one message and to answer a refused person at most once an hour.
 */
export class RecentKeys {
  readonly #seenAt = new Map<string, number>();

  constructor(
    private readonly max: number,
    /** How long a key is remembered; Infinity: until it is pushed out by newer ones. */
    private readonly ttlMs: number = Number.POSITIVE_INFINITY,
  ) {}

  /** True when `key` was remembered within the last `ttlMs`. */
  has(key: string, nowMs: number): boolean {
    const at = this.#seenAt.get(key);
    return at !== undefined && nowMs - at < this.ttlMs;
  }

  remember(key: string, nowMs: number): void {
    this.#seenAt.delete(key);
    this.#seenAt.set(key, nowMs);
    while (this.#seenAt.size > this.max) {
      const oldest = this.#seenAt.keys().next().value;
      if (oldest === undefined) break;
      this.#seenAt.delete(oldest);
    }
  }

  /** Remembers `key`; false when it was already remembered (a repeat). */
  firstTime(key: string, nowMs: number): boolean {
    if (this.has(key, nowMs)) return false;
    this.remember(key, nowMs);
    return true;
  }

  get size(): number {
    return this.#seenAt.size;
  }
}
