// KernelConnection: one WebSocket to /api/kernels/{id}/channels, with request
// ids, reply routing, queued sends while disconnected, and reconnects.

import { backoff, decodeMessage, encodeMessage, newId, newMessage, parentId } from "./protocol";
import type { Channel, Message } from "./types";

/** The connection state the status indicator shows. */
export type ConnectionState = "connecting" | "connected" | "reconnecting" | "closed";

/** Handlers for one request: iopub messages it caused and its reply. */
export interface RequestHandlers {
  onIOPub?: (m: Message) => void;
  onReply?: (m: Message) => void;
  /** onLost is called when the request can no longer be answered (kernel restarted). */
  onLost?: (reason: string) => void;
}

/** A minimal WebSocket surface, so tests can pass a fake. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Options for a KernelConnection. */
export interface ConnectionOptions {
  /** url is the full ws:// or wss:// channels URL (session_id included). */
  url: string;
  /** session is the Jupyter session id put in every header. */
  session: string;
  /** socket opens a WebSocket; defaults to the browser's. */
  socket?: (url: string) => SocketLike;
  /** schedule runs fn after ms; defaults to setTimeout (tests pass a fake clock). */
  schedule?: (fn: () => void, ms: number) => unknown;
}

const OPEN = 1;

/**
 * KernelConnection multiplexes requests over one kernel WebSocket. Requests
 * made while the socket is down are queued and sent after the reconnect;
 * handlers for requests in flight survive a reconnect (the server keeps the
 * kernel, so their replies still arrive).
 */
export class KernelConnection {
  readonly session: string;
  state: ConnectionState = "connecting";
  private url: string;
  private ws: SocketLike | null = null;
  private pending = new Map<string, RequestHandlers>();
  private outbox: string[] = [];
  private attempts = 0;
  private closed = false;
  private openSocket: (url: string) => SocketLike;
  private schedule: (fn: () => void, ms: number) => unknown;
  private stateListeners: Array<(s: ConnectionState) => void> = [];
  private iopubListeners: Array<(m: Message) => void> = [];
  private wireErrors = 0;

  constructor(opts: ConnectionOptions) {
    this.url = opts.url;
    this.session = opts.session;
    this.openSocket = opts.socket ?? ((u) => new WebSocket(u) as unknown as SocketLike);
    this.schedule = opts.schedule ?? ((fn, ms) => setTimeout(fn, ms));
    this.open();
  }

  /** onState registers a listener for connection state changes. */
  onState(fn: (s: ConnectionState) => void): void {
    this.stateListeners.push(fn);
  }

  /** onIOPub registers a listener for every iopub message (status, broadcasts). */
  onIOPub(fn: (m: Message) => void): void {
    this.iopubListeners.push(fn);
  }

  /** pendingCount is the number of requests still waiting for a reply. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** malformed counts frames that were not Jupyter messages (ignored). */
  get malformed(): number {
    return this.wireErrors;
  }

  /**
   * request sends a message and routes the messages that answer it to h.
   * It returns the request's msg_id.
   */
  request<C>(msgType: string, content: C, h: RequestHandlers = {}, channel: Channel = "shell"): string {
    const m = newMessage(msgType, content, this.session, channel);
    this.pending.set(m.header.msg_id, h);
    this.sendRaw(encodeMessage(m));
    return m.header.msg_id;
  }

  /** call sends a request and resolves with its reply. */
  call<C>(msgType: string, content: C, channel: Channel = "shell", timeoutMs = 10000): Promise<Message> {
    return new Promise((resolve, reject) => {
      let done = false;
      const id = this.request(msgType, content, {
        onReply: (m) => {
          done = true;
          this.pending.delete(id);
          resolve(m);
        },
        onLost: (reason) => {
          done = true;
          reject(new Error(reason));
        },
      }, channel);
      this.schedule(() => {
        if (!done) {
          this.pending.delete(id);
          reject(new Error(`${msgType}: no reply after ${timeoutMs} ms`));
        }
      }, timeoutMs);
    });
  }

  /** forget drops the handlers for a request. */
  forget(msgId: string): void {
    this.pending.delete(msgId);
  }

  /** abandonAll tells every pending request it will not be answered. */
  abandonAll(reason: string): void {
    const hs = [...this.pending.values()];
    this.pending.clear();
    for (const h of hs) h.onLost?.(reason);
  }

  /** close shuts the connection for good. */
  close(): void {
    this.closed = true;
    this.setState("closed");
    this.ws?.close(1000, "closed by client");
    this.ws = null;
  }

  /** reconnectNow drops the socket and reconnects at once (after a server restart). */
  reconnectNow(url?: string): void {
    if (url) this.url = url;
    this.attempts = 0;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = null;
      ws.close(1000, "reconnect");
    }
    this.open();
  }

  private sendRaw(frame: string): void {
    if (this.ws && this.ws.readyState === OPEN && this.state === "connected") {
      this.ws.send(frame);
    } else {
      this.outbox.push(frame);
    }
  }

  private setState(s: ConnectionState): void {
    if (this.state === s) return;
    this.state = s;
    for (const fn of this.stateListeners) fn(s);
  }

  private open(): void {
    if (this.closed) return;
    let ws: SocketLike;
    try {
      ws = this.openSocket(this.url);
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.attempts = 0;
      this.setState("connected");
      const queued = this.outbox;
      this.outbox = [];
      for (const f of queued) ws.send(f);
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      if (typeof ev.data !== "string") return;
      this.dispatch(ev.data);
    };
    ws.onerror = () => {};
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.retry();
    };
  }

  private retry(): void {
    if (this.closed) return;
    this.setState("reconnecting");
    const delay = backoff(this.attempts++);
    this.schedule(() => {
      if (!this.ws && !this.closed) this.open();
    }, delay);
  }

  /** dispatch routes one incoming frame; exported for tests through receive. */
  private dispatch(frame: string): void {
    let m: Message;
    try {
      m = decodeMessage(frame);
    } catch {
      this.wireErrors++;
      return;
    }
    const pid = parentId(m);
    const h = pid ? this.pending.get(pid) : undefined;
    if (m.channel === "iopub") {
      for (const fn of this.iopubListeners) fn(m);
      h?.onIOPub?.(m);
      return;
    }
    if (h) {
      if (m.header.msg_type.endsWith("_reply")) {
        h.onReply?.(m);
      }
    }
  }

  /** receive feeds a frame as if it came from the socket (tests). */
  receive(frame: string): void {
    this.dispatch(frame);
  }
}

/** channelsURL builds the WebSocket URL for a kernel from the page location. */
export function channelsURL(loc: { protocol: string; host: string }, kernelId: string, sessionId: string): string {
  const proto = loc.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${loc.host}/api/kernels/${encodeURIComponent(kernelId)}/channels?session_id=${encodeURIComponent(sessionId)}`;
}

export { newId };
