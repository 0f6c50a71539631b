import * as http from 'http';
import { closeServer, listenOnLoopback } from './loopback';

/** What the simulated API goes through: no model (every request fails), then healthy. */
export type IrisApiHealth = 'model-not-loaded' | 'healthy';

/**
 * Rates of the simulated traffic. HighErrorRate compares rate() over 5m windows, so the errors of the
 * broken phase stay in the window after recovery: healthy traffic must outweigh them (19 predictions per
 * error for the default 5% threshold) within a scrape or two. 10 000 predictions/s against 2 errors/s for
 * at most a minute (120 errors) does so within a second of healthy traffic.
 */
const ERRORS_PER_SECOND_BROKEN = 2;
const PREDICTIONS_PER_SECOND_HEALTHY = 10_000;
const CLASSES = ['setosa', 'versicolor', 'virginica'];

/**
 * A stand-in for the Iris API's `/metrics` on loopback, with the metric names of the SPEC. Counters are
 * functions of time and of the current health, so each scrape (1s apart) sees them grow as a real API's
 * would, and `rate()` has a value after two scrapes.
 */
export class IrisApiSimulator {
  public static async start(health: IrisApiHealth): Promise<IrisApiSimulator> {
    const simulator = new IrisApiSimulator(health);
    const { server, address } = await listenOnLoopback((request, response) => simulator.handle(request, response));
    simulator.server = server;
    simulator.address = address;
    return simulator;
  }

  /** `127.0.0.1:port`, the scrape target. */
  public address = '';
  /** Number of scrapes served: proof that Prometheus reached the target. */
  public scrapes = 0;
  private server?: http.Server;
  private predictions = 0;
  private errors = 0;
  private since = Date.now();

  private constructor(private health: IrisApiHealth) {}

  /** Changes the health from now on; the counters keep what they counted so far, as a live process would. */
  public setHealth(health: IrisApiHealth): void {
    this.advance();
    this.health = health;
  }

  public async close(): Promise<void> {
    if (this.server) await closeServer(this.server);
  }

  /** The exposition text of the current state. */
  public metrics(): string {
    this.advance();
    const perClass = this.predictions / CLASSES.length;
    return [
      '# HELP model_loaded 1 when the model is loaded, 0 when not.',
      '# TYPE model_loaded gauge',
      `model_loaded ${this.health === 'healthy' ? 1 : 0}`,
      '# HELP model_predictions_total Predictions served, by predicted class.',
      '# TYPE model_predictions_total counter',
      ...CLASSES.map((c) => `model_predictions_total{class="${c}"} ${perClass}`),
      '# HELP api_errors_total Failed requests, by error type and endpoint.',
      '# TYPE api_errors_total counter',
      `api_errors_total{type="model_not_loaded",endpoint="/predict"} ${this.errors}`,
      '',
    ].join('\n');
  }

  private advance(): void {
    const now = Date.now();
    const seconds = (now - this.since) / 1000;
    if (this.health === 'healthy') this.predictions += seconds * PREDICTIONS_PER_SECOND_HEALTHY;
    else this.errors += seconds * ERRORS_PER_SECOND_BROKEN;
    this.since = now;
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    if (request.method !== 'GET' || request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    this.scrapes++;
    response.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(this.metrics());
  }
}
