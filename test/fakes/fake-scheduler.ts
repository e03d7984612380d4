import { sessionNameFor } from '#core/model/names.js';
import type { EventScheduler, DeliveryReport, Multiplexer } from '#core/ports.js';

/** Records wake-ups; `input` goes straight to the multiplexer (the lanes are the daemon's, tested there). */
export class FakeScheduler implements EventScheduler {
  wakes = 0;
  readonly inputs: Array<{ ea: number; name: string; text: string; submit: boolean }> = [];

  constructor(private readonly mux: Multiplexer) {}

  wake(): void {
    this.wakes += 1;
  }

  input(ea: number, name: string, text: string, options: { submit: boolean }): Promise<DeliveryReport> {
    this.inputs.push({ ea, name, text, submit: options.submit });
    return this.mux.deliver(sessionNameFor(ea, name), text, { submit: options.submit });
  }

  /** Runs the work at once, one at a time per agent. */
  exclusive<T>(ea: number, name: string, work: () => Promise<T>): Promise<T> {
    const key = `${ea}/${name}`;
    const run = (this.#running.get(key) ?? Promise.resolve()).then(work, work);
    this.#running.set(
      key,
      run.catch(() => undefined),
    );
    return run;
  }

  readonly #running = new Map<string, Promise<unknown>>();
}
