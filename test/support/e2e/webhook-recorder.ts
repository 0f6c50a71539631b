import * as http from 'http';
import { closeServer, listenOnLoopback } from './loopback';

/** One alert in an Alertmanager webhook payload (version 4). */
export interface WebhookAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt: string;
  /** Link to the expression in the Prometheus that raised the alert. */
  readonly generatorURL: string;
}

/** The JSON body Alertmanager posts to a webhook receiver (version 4). */
export interface WebhookPayload {
  readonly version: string;
  readonly status: 'firing' | 'resolved';
  /** Name of the receiver that sent it. */
  readonly receiver: string;
  /** URL of the Alertmanager that sent it. */
  readonly externalURL: string;
  readonly groupLabels: Record<string, string>;
  readonly commonLabels: Record<string, string>;
  readonly alerts: WebhookAlert[];
}

/** A notification as received: the URL path it was posted to, when, and its body. */
export interface Notification {
  readonly path: string;
  readonly receivedAt: number;
  readonly payload: WebhookPayload;
}

/** A loopback HTTP server that records every webhook Alertmanager posts to it, whatever the path. */
export class WebhookRecorder {
  public static async start(): Promise<WebhookRecorder> {
    const recorder = new WebhookRecorder();
    const { server, address } = await listenOnLoopback((request, response) => recorder.handle(request, response));
    recorder.server = server;
    recorder.address = address;
    return recorder;
  }

  /** Every notification received, in order. */
  public readonly notifications: Notification[] = [];
  /** Bodies that were not JSON: none are expected, and the test says so. */
  public readonly malformed: string[] = [];
  public address = '';
  private server?: http.Server;

  private constructor() {}

  /** The URL of a receiver path, such as `/critical`. */
  public url(path: string): string {
    return `http://${this.address}${path}`;
  }

  /**
   * The first notification on `path` with group status `status` for alert `alertname`, received at or
   * after `since` (a timestamp).
   */
  public find(path: string, status: WebhookPayload['status'], alertname: string, since = 0): Notification | undefined {
    return this.notifications.find((n) => n.path === path && n.receivedAt >= since
      && n.payload.status === status && n.payload.groupLabels.alertname === alertname);
  }

  /** One line per notification, for failure messages. */
  public summary(): string {
    return this.notifications
      .map((n) => `${new Date(n.receivedAt).toISOString()} ${n.path} ${n.payload.status} ${n.payload.alerts.map((a) => `${a.labels.alertname}(${a.status})`).join(' ')}`)
      .join('\n') || '(no notification received)';
  }

  public async close(): Promise<void> {
    if (this.server) await closeServer(this.server);
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => { body += chunk; });
    request.on('end', () => {
      try {
        this.notifications.push({ path: request.url ?? '', receivedAt: Date.now(), payload: JSON.parse(body) as WebhookPayload });
      } catch {
        this.malformed.push(body);
      }
      response.writeHead(200).end();
    });
  }
}
