// Wire types: the Jupyter messaging protocol 5.3 as it travels over the
// Jupyter Server WebSocket (JSON, one "channel" field per message), and the
// Jupyter Server REST models the app reads and writes.

/** A Jupyter channel name. */
export type Channel = "shell" | "control" | "iopub" | "stdin";

/** A message header (also used as parent_header). */
export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

/** One Jupyter message on the WebSocket. */
export interface Message<C = Record<string, unknown>> {
  channel: Channel;
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: C;
  buffers?: unknown[];
}

/** A MIME bundle: MIME type → value. */
export type MimeBundle = Record<string, unknown>;

export interface ExecuteRequest {
  code: string;
  silent: boolean;
  store_history: boolean;
  user_expressions: Record<string, string>;
  allow_stdin: boolean;
  stop_on_error: boolean;
}

export interface ExecuteReply {
  status: "ok" | "error" | "aborted";
  execution_count: number;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export interface CompleteReply {
  status: "ok" | "error";
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  metadata?: Record<string, unknown>;
}

export interface InspectReply {
  status: "ok" | "error";
  found: boolean;
  data: MimeBundle;
  metadata?: Record<string, unknown>;
}

export interface StatusContent {
  execution_state: "busy" | "idle" | "starting" | "restarting" | "dead";
}

export interface StreamContent {
  name: "stdout" | "stderr";
  text: string;
}

export interface DisplayDataContent {
  data: MimeBundle;
  metadata?: Record<string, unknown>;
  transient?: { display_id?: string };
}

export interface ExecuteResultContent extends DisplayDataContent {
  execution_count: number;
}

export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

export interface ClearOutputContent {
  wait: boolean;
}

export interface ExecuteInputContent {
  code: string;
  execution_count: number;
}

/** A Jupyter Server contents model. */
export interface ContentsModel {
  name: string;
  path: string;
  type: "notebook" | "directory" | "file";
  writable?: boolean;
  created?: string;
  last_modified: string;
  size?: number | null;
  mimetype?: string | null;
  format?: "json" | "text" | "base64" | null;
  content?: unknown;
}

/** A running kernel as /api/kernels lists it. */
export interface KernelModel {
  id: string;
  name: string;
  last_activity?: string;
  execution_state?: string;
  connections?: number;
}

/** A session as /api/sessions lists it. */
export interface SessionModel {
  id: string;
  path: string;
  name: string;
  type: string;
  kernel: KernelModel | null;
}
