import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchConfig, Phase } from './config.js';
import type { StoreFigures } from './figures.js';
import type { FromWorker, ToWorker } from './protocol.js';

/** A store's worker process, driven one phase at a time so that the stores' runs of a phase follow each other. */
export class StoreWorker {
  readonly #child: ChildProcess;
  readonly #inbox: FromWorker[] = [];
  #waiting: { resolve: (message: FromWorker) => void; reject: (err: Error) => void } | undefined;
  #ended: Error | undefined;

  private constructor(
    readonly store: string,
    url: string,
    config: BenchConfig,
    cpuProfileDir?: string,
  ) {
    const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), `worker${path.extname(fileURLToPath(import.meta.url))}`);
    // The worker's stdout goes to our stderr: stdout carries only the table and the JSON line.
    // With a profile directory, the worker writes a V8 CPU profile (`.cpuprofile`) there when it exits.
    const profile = cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${path.resolve(cpuProfileDir)}`];
    this.#child = fork(worker, [store, url, JSON.stringify(config)], {
      stdio: ['ignore', 2, 2, 'ipc'],
      execArgv: [...process.execArgv, ...profile],
    });
    this.#child.on('message', (message: FromWorker) => {
      if (this.#waiting === undefined) this.#inbox.push(message);
      else this.#waiting.resolve(message);
      this.#waiting = undefined;
    });
    const end = (reason: string) => {
      this.#ended ??= new Error(`${store} worker ${reason}`);
      this.#waiting?.reject(this.#ended);
      this.#waiting = undefined;
    };
    this.#child.on('error', (err) => {
      end(`failed: ${err.message}`);
    });
    this.#child.on('exit', (code, signal) => {
      end(`ended with ${signal ?? `code ${code}`}`);
    });
  }

  static async start(store: string, url: string, config: BenchConfig, cpuProfileDir?: string): Promise<StoreWorker> {
    const worker = new StoreWorker(store, url, config, cpuProfileDir);
    await worker.#expect('ready');
    return worker;
  }

  async run(phase: Phase): Promise<void> {
    this.#send({ kind: 'phase', phase });
    await this.#expect('done');
  }

  async finish(): Promise<StoreFigures> {
    this.#send({ kind: 'finish' });
    const message = await this.#expect('figures');
    await new Promise<void>((resolve) => {
      if (this.#child.exitCode !== null || this.#child.signalCode !== null) resolve();
      else
        this.#child.once('exit', () => {
          resolve();
        });
    });
    return message.figures;
  }

  /** Ends the worker whatever it is doing (after a failure elsewhere). */
  kill(): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill();
  }

  #send(message: ToWorker): void {
    this.#child.send(message);
  }

  async #expect<K extends FromWorker['kind']>(kind: K): Promise<Extract<FromWorker, { kind: K }>> {
    const message = await this.#receive();
    if (message.kind === 'failed') throw new Error(`${this.store} worker failed:\n${message.error}`);
    if (message.kind !== kind) throw new Error(`${this.store} worker sent ${message.kind}, expected ${kind}`);
    return message as Extract<FromWorker, { kind: K }>;
  }

  #receive(): Promise<FromWorker> {
    const next = this.#inbox.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (this.#ended !== undefined) return Promise.reject(this.#ended);
    return new Promise((resolve, reject) => (this.#waiting = { resolve, reject }));
  }
}
