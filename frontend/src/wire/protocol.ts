// Pure helpers for building and checking Jupyter messages. No I/O here.

import type { Channel, Header, Message } from "./types";

/** The Jupyter messaging protocol version this client speaks. */
export const PROTOCOL_VERSION = "5.3";

let counter = 0;

/** newId returns a random hex id (a UUID v4 when crypto is available). */
export function newId(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  counter++;
  return `${Date.now().toString(16)}-${counter.toString(16)}-${Math.random().toString(16).slice(2)}`;
}

/** newMessage builds a request message for the given channel. */
export function newMessage<C>(
  msgType: string,
  content: C,
  session: string,
  channel: Channel = "shell",
): Message<C> {
  const header: Header = {
    msg_id: newId(),
    session,
    username: "tandem",
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
  return { channel, header, parent_header: {}, metadata: {}, content, buffers: [] };
}

/** WireError reports a frame that is not a Jupyter message. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WireError";
  }
}

const channels = new Set(["shell", "control", "iopub", "stdin"]);

/**
 * decodeMessage parses one WebSocket text frame into a message. It throws a
 * WireError naming what is wrong when the frame is not a Jupyter message.
 */
export function decodeMessage(frame: string): Message {
  let v: unknown;
  try {
    v = JSON.parse(frame);
  } catch (e) {
    throw new WireError(`frame is not JSON: ${(e as Error).message}`);
  }
  if (!isObject(v)) throw new WireError("frame is not a JSON object");
  const header = v.header;
  if (!isObject(header)) throw new WireError("message has no header");
  if (typeof header.msg_type !== "string" || header.msg_type === "") {
    throw new WireError("message header has no msg_type");
  }
  if (typeof header.msg_id !== "string") throw new WireError("message header has no msg_id");
  const channel = v.channel;
  if (typeof channel !== "string" || !channels.has(channel)) {
    throw new WireError(`message has unknown channel ${JSON.stringify(channel)}`);
  }
  const parent = isObject(v.parent_header) ? v.parent_header : {};
  const content = isObject(v.content) ? v.content : {};
  const metadata = isObject(v.metadata) ? v.metadata : {};
  return {
    channel: channel as Channel,
    header: header as unknown as Header,
    parent_header: parent as Partial<Header>,
    metadata,
    content,
    buffers: Array.isArray(v.buffers) ? v.buffers : [],
  };
}

/** encodeMessage serialises a message for the WebSocket. */
export function encodeMessage(m: Message<unknown>): string {
  return JSON.stringify(m);
}

/** parentId returns the msg_id of the request a message answers, or "". */
export function parentId(m: Message<unknown>): string {
  return (m.parent_header && m.parent_header.msg_id) || "";
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** backoff returns the delay before reconnect attempt n (0-based), in ms. */
export function backoff(n: number): number {
  return Math.min(250 * 2 ** Math.min(n, 5), 5000);
}
