import { ChildProcess, spawn } from 'child_process';
import { httpGet, waitFor } from './loopback';

/** Options of {@link Daemon.start}. */
export interface DaemonOptions {
  /** Name used in messages. */
  readonly name: string;
  readonly binary: string;
  readonly args: string[];
  readonly cwd: string;
  /** URL that answers 200 once the program is ready (`/-/ready` for Prometheus and Alertmanager). */
  readonly readyUrl: string;
  /**
   * Instead of a plain GET of `readyUrl`: resolves true once the program is ready (HTTPS servers with
   * their own CA and credentials, or readiness seen through another server).
   * @default - GET readyUrl answers 200
   */
  readonly isReady?: () => Promise<boolean>;
  readonly readyTimeoutMs: number;
  /**
   * Environment variables added to this process's (the downward API's `POD_NAME`, say).
   * @default - this process's environment
   */
  readonly env?: Record<string, string>;
}

const LOG_LIMIT = 16_000;

/**
 * A long-running program started for a test. It is stopped by its own pid only (SIGTERM, then SIGKILL if
 * it does not exit in time); the tail of its output is kept for failure messages.
 */
export class Daemon {
  /** Starts the program and returns at once, without waiting for it to be ready. */
  public static spawn(options: Pick<DaemonOptions, 'name' | 'binary' | 'args' | 'cwd' | 'env'>): Daemon {
    const child = spawn(options.binary, options.args, {
      cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: options.env ? { ...process.env, ...options.env } : undefined,
    });
    return new Daemon(options.name, child);
  }

  /** Starts the program and waits until it is ready; on failure it is stopped before the error is thrown. */
  public static async start(options: DaemonOptions): Promise<Daemon> {
    const daemon = Daemon.spawn(options);
    try {
      await waitFor(`${options.name} to be ready at ${options.readyUrl}`, async () => {
        if (daemon.exited) throw new Error(`${options.name} exited (${daemon.exitReason}) before it was ready:\n${daemon.logTail()}`);
        const ready = options.isReady ? await options.isReady() : (await httpGet(options.readyUrl)).status === 200;
        return ready ? true : undefined;
      }, { timeoutMs: options.readyTimeoutMs, diagnostics: async () => `${options.name} output:\n${daemon.logTail()}` });
    } catch (error) {
      await daemon.stop();
      throw error;
    }
    return daemon;
  }

  public readonly pid: number;
  private log = '';
  private exitReason?: string;
  private readonly exit: Promise<void>;

  private constructor(public readonly name: string, child: ChildProcess) {
    if (child.pid === undefined) throw new Error(`${name} could not be started`);
    this.pid = child.pid;
    const keep = (chunk: Buffer) => { this.log = (this.log + chunk.toString('utf8')).slice(-LOG_LIMIT); };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => {
      this.exitReason = signal ? `signal ${signal}` : `code ${code}`;
      resolve();
    }));
  }

  public get exited(): boolean {
    return this.exitReason !== undefined;
  }

  /** The last lines the program wrote. */
  public logTail(): string {
    return this.log;
  }

  /** SIGTERM, up to `graceMs` to exit, then SIGKILL; resolves once the process is gone. */
  public async stop(graceMs = 5_000): Promise<void> {
    if (this.exited) return;
    this.signal('SIGTERM');
    if (await this.exitedWithin(graceMs)) return;
    this.signal('SIGKILL');
    if (!(await this.exitedWithin(graceMs))) throw new Error(`${this.name} (pid ${this.pid}) survived SIGKILL`);
  }

  private signal(signal: NodeJS.Signals): void {
    try {
      process.kill(this.pid, signal);
    } catch {
      // Already gone between the check and the signal (ESRCH): nothing left to stop.
    }
  }

  private async exitedWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.exit, new Promise((resolve) => { timer = setTimeout(resolve, ms); })]);
    clearTimeout(timer); // no timer outlives the test
    return this.exited;
  }
}
