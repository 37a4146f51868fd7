import pg from 'pg';
import { channel } from './schema.js';

type NotifyState = 'idle' | 'scheduled' | 'sending' | 'resend';

/**
 * LISTEN/NOTIFY for live subscribers, on one dedicated connection per store.
 *
 * Appends do not NOTIFY inside their own transaction: PostgreSQL serialises the commits of notifying transactions
 * on a database-wide lock held through the WAL flush, which would cap append throughput. Instead each store sends
 * one coalesced NOTIFY (its own tiny transaction, no WAL flush) after its appends commit. Writers outside this
 * code are still seen, by the subscribers' fallback polling.
 */
export class Wakeups {
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  #generation = 0;
  #waiters = new Set<() => void>();
  #notifyState: NotifyState = 'idle';
  #closed = false;

  constructor(private readonly config: pg.ClientConfig) {}

  /** Increases on every notification received; compare before and after a read to avoid a lost wake-up. */
  get generation(): number {
    return this.#generation;
  }

  async listen(): Promise<void> {
    await this.#connection();
  }

  /** Resolves on the next notification, after `timeoutMs`, or on abort; never rejects. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      this.#waiters.add(done);
      if (signal?.aborted === true) done();
    });
  }

  /** Coalesces: many appends finishing together cause one NOTIFY, plus one more if more arrive while it is sent. */
  notify(): void {
    if (this.#closed) return;
    if (this.#notifyState === 'sending') this.#notifyState = 'resend';
    if (this.#notifyState !== 'idle') return;
    this.#notifyState = 'scheduled';
    setImmediate(() => void this.#send());
  }

  async #send(): Promise<void> {
    this.#notifyState = 'sending';
    try {
      const client = await this.#connection();
      await client.query(`notify ${channel}`);
    } catch {
      // A lost NOTIFY only delays subscribers until their next poll; the append itself has committed.
    }
    const again = this.#state() === 'resend';
    this.#notifyState = 'idle';
    if (again) this.notify();
  }

  /** Read through a method: the state changes while #send awaits, which control-flow narrowing cannot see. */
  #state(): NotifyState {
    return this.#notifyState;
  }

  #connection(): Promise<pg.Client> {
    // A NOTIFY scheduled by the last append may run after close: it must not open a connection that nobody ends.
    if (this.#closed) return Promise.reject(new Error('wakeups closed'));
    if (this.#client !== undefined) return Promise.resolve(this.#client);
    this.#connecting ??= (async () => {
      const client = new pg.Client(this.config);
      client.on('notification', () => {
        this.#wakeAll();
      });
      client.on('error', () => {
        // Reconnect lazily on next use; wake everyone so that they poll meanwhile.
        if (this.#client === client) this.#client = undefined;
        this.#wakeAll();
      });
      try {
        await client.connect();
        await client.query(`listen ${channel}`);
      } catch (err) {
        this.#connecting = undefined;
        await client.end().catch(() => undefined);
        throw err;
      }
      this.#client = client;
      this.#connecting = undefined;
      return client;
    })();
    return this.#connecting;
  }

  #wakeAll(): void {
    this.#generation += 1;
    for (const wake of [...this.#waiters]) wake();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wakeAll();
    const client = this.#client ?? (await this.#connecting?.catch(() => undefined));
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }
}
