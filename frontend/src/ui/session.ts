// KernelSession: the notebook's kernel through the Jupyter Server session
// API and the channels WebSocket; follows kernel restarts and server restarts.

import { Api, ApiError, KernelConnection, channelsURL, newId, type Message, type RequestHandlers, type SessionModel } from "../wire";

/** What the status indicator shows. */
export type KernelState = "connecting" | "starting" | "idle" | "busy" | "restarting" | "dead" | "reconnecting" | "no kernel";

/** KernelSession owns one notebook's kernel connection. */
export class KernelSession {
  state: KernelState = "connecting";
  kernelId = "";
  sessionId = "";
  /** lastError explains the "no kernel" state (e.g. the kernel cap's 503). */
  lastError = "";
  private conn: KernelConnection | null = null;
  private clientSession = newId();
  private stateFns: Array<(s: KernelState) => void> = [];
  private restartFns: Array<(why: string) => void> = [];
  private iopubFns: Array<(m: Message) => void> = [];
  private watch: ReturnType<typeof setInterval> | null = null;
  private busyFor = new Set<string>();
  private lastLost = 0;

  constructor(private api: Api, public path: string) {}

  /** onState registers a status listener. */
  onState(fn: (s: KernelState) => void): void {
    this.stateFns.push(fn);
  }

  /** onRestart is told when the kernel lost its state (restart, crash, server restart). */
  onRestart(fn: (why: string) => void): void {
    this.restartFns.push(fn);
  }

  /** onIOPub sees every iopub message (update_display_data for all cells). */
  onIOPub(fn: (m: Message) => void): void {
    this.iopubFns.push(fn);
  }

  private set(s: KernelState): void {
    if (s === this.state) return;
    this.state = s;
    for (const fn of this.stateFns) fn(s);
  }

  /** start creates (or joins) the notebook's session and connects. */
  async start(): Promise<void> {
    let s: SessionModel;
    try {
      s = await this.api.startSession(this.path);
    } catch (e) {
      this.lastError = e instanceof ApiError ? e.message : String(e);
      this.set("no kernel");
      this.startWatch();
      throw e;
    }
    this.attach(s);
  }

  private attach(s: SessionModel): void {
    this.sessionId = s.id;
    const k = s.kernel;
    if (!k) {
      this.set("no kernel");
      return;
    }
    const changed = this.kernelId !== "" && this.kernelId !== k.id;
    this.kernelId = k.id;
    const url = channelsURL(location, k.id, this.clientSession);
    if (this.conn && !changed) {
      this.conn.reconnectNow(url);
      return;
    }
    if (this.conn) {
      this.conn.abandonAll("the kernel was replaced; its state is lost");
      this.conn.close();
      for (const fn of this.restartFns) fn("The server restarted; the kernel's state was lost.");
    }
    const conn = new KernelConnection({ url, session: this.clientSession });
    this.conn = conn;
    conn.onState((cs) => {
      if (this.conn !== conn) return;
      if (cs === "reconnecting") {
        this.set("reconnecting");
        this.startWatch();
      } else if (cs === "connected") {
        this.stopWatch();
        this.set(this.busyFor.size ? "busy" : "idle");
        void conn.call("kernel_info_request", {}).catch(() => undefined);
      }
    });
    conn.onIOPub((m) => {
      if (this.conn !== conn) return;
      if (m.header.msg_type === "status") {
        const es = String((m.content as { execution_state?: string }).execution_state ?? "");
        const pid = m.parent_header?.msg_id ?? "";
        if (es === "busy") {
          if (pid) this.busyFor.add(pid);
          this.set("busy");
        } else if (es === "idle") {
          this.busyFor.delete(pid);
          this.set(this.busyFor.size ? "busy" : "idle");
        } else if (es === "restarting" || es === "starting") {
          if (es === "restarting") this.lost("The kernel restarted; its state was lost.");
          this.set(es);
        } else if (es === "dead") {
          this.lost("The kernel died; its state was lost.");
          this.set("dead");
        }
      }
      for (const fn of this.iopubFns) fn(m);
    });
  }

  private lost(why: string): void {
    this.busyFor.clear();
    this.conn?.abandonAll(why);
    // A restart we asked for is followed by the server's "restarting" status: tell once.
    if (Date.now() - this.lastLost < 5000) return;
    this.lastLost = Date.now();
    for (const fn of this.restartFns) fn(why);
  }

  // While the socket is down, ask the server every few seconds which kernel
  // the notebook has: after a server restart it is a new one.
  private startWatch(): void {
    if (this.watch) return;
    this.watch = setInterval(() => {
      void this.api
        .startSession(this.path)
        .then((s) => {
          this.lastError = "";
          if (!this.conn || (s.kernel && s.kernel.id !== this.kernelId)) this.attach(s);
        })
        .catch((e) => {
          this.lastError = e instanceof ApiError ? e.message : String(e);
        });
    }, 3000);
  }

  private stopWatch(): void {
    if (this.watch) clearInterval(this.watch);
    this.watch = null;
  }

  /** mine reports whether a message answers a request of this tab. */
  mine(m: Message): boolean {
    return (m.parent_header?.session ?? "") === this.clientSession;
  }

  /** connected reports whether requests go out now (else they queue). */
  get connected(): boolean {
    return this.conn?.state === "connected";
  }

  /** execute sends code to the kernel; handlers get its iopub messages and reply. */
  execute(code: string, h: RequestHandlers, stopOnError: boolean): string {
    if (!this.conn) throw new Error("no kernel: " + (this.lastError || "not started"));
    return this.conn.request("execute_request", {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: stopOnError,
    }, h);
  }

  /**
   * send sends any message (comm_open, comm_msg... for widgets) with
   * handlers for what answers it; it returns the msg_id.
   */
  send<C>(msgType: string, content: C, h: RequestHandlers = {}, channel: "shell" | "control" = "shell"): string {
    if (!this.conn) throw new Error("no kernel: " + (this.lastError || "not started"));
    return this.conn.request(msgType, content, h, channel);
  }

  /** done drops a finished request's handlers. */
  done(msgId: string): void {
    this.conn?.forget(msgId);
  }

  /** complete asks for completions (positions in UTF-16 units). */
  async complete(code: string, pos: number): Promise<{ matches: string[]; start: number; end: number; types?: string[] } | null> {
    if (!this.conn || !this.connected) return null;
    const r = await this.conn.call("complete_request", { code, cursor_pos: pos }, "shell", 5000);
    const c = r.content as { status?: string; matches?: string[]; cursor_start?: number; cursor_end?: number; metadata?: Record<string, unknown> };
    if (c.status !== "ok" || !Array.isArray(c.matches)) return null;
    const types = (c.metadata?._jupyter_types_experimental as Array<{ type?: string }> | undefined)?.map((t) => t.type ?? "");
    return { matches: c.matches, start: c.cursor_start ?? pos, end: c.cursor_end ?? pos, types };
  }

  /** inspect asks for documentation of the name at pos. */
  async inspect(code: string, pos: number): Promise<string | null> {
    if (!this.conn || !this.connected) return null;
    const r = await this.conn.call("inspect_request", { code, cursor_pos: pos, detail_level: 0 }, "shell", 5000);
    const c = r.content as { status?: string; found?: boolean; data?: Record<string, unknown> };
    if (c.status !== "ok" || !c.found) return null;
    const t = c.data?.["text/plain"];
    return typeof t === "string" ? t : null;
  }

  /** interrupt interrupts the running cell. */
  async interrupt(): Promise<void> {
    if (this.kernelId) await this.api.interrupt(this.kernelId);
  }

  /** restart restarts the kernel; pending cells are reported lost. */
  async restart(): Promise<void> {
    if (!this.kernelId) {
      await this.start();
      return;
    }
    this.set("restarting");
    this.lost("The kernel was restarted; its state was lost.");
    await this.api.restart(this.kernelId);
    // Same kernel id, same socket: the server announces starting → idle on
    // iopub; ask for a status too in case those went by already.
    void this.conn?.call("kernel_info_request", {}).catch(() => undefined);
  }

  /** rename follows a notebook rename. */
  async rename(path: string): Promise<void> {
    this.path = path;
    if (this.sessionId) await this.api.renameSession(this.sessionId, path).catch(() => undefined);
  }

  /** close disconnects (the kernel keeps running for other tabs). */
  close(): void {
    this.stopWatch();
    this.conn?.close();
  }
}
