// Api: the Jupyter Server REST routes the app uses, plus the Tandem save
// conflict addition (PUT with last_modified → 409 {"reason": "conflict"}).
// Authentication is the HttpOnly token cookie the server set; the app never
// sees the token.

import type { ContentsModel, KernelModel, SessionModel } from "./types";

/** ApiError is a non-2xx answer from the server. */
export class ApiError extends Error {
  readonly status: number;
  readonly reason: string;
  constructor(status: number, message: string, reason = "") {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.reason = reason;
  }
  /** signedOut reports a request without a valid token (the cookie is missing or stale). */
  get signedOut(): boolean {
    return this.status === 401;
  }
  /** conflict reports a save refused because the file changed on disk. */
  get conflict(): boolean {
    return this.status === 409;
  }
}

/** A fetch function (the browser's, or a fake in tests). */
export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

/** contentsPath encodes a notebook-relative path for a URL, segment by segment. */
export function contentsPath(path: string): string {
  return path
    .split("/")
    .filter((s) => s !== "")
    .map(encodeURIComponent)
    .join("/");
}

/** SIGNED_OUT explains a 401 to the user. */
export const SIGNED_OUT = "This browser is not signed in to the server. Open the link with ?token=… that `tandem serve` printed.";

/** Api talks to one Jupyter-compatible server. */
export class Api {
  private base: string;
  private fetchFn: Fetch;

  constructor(base = "", fetchFn?: Fetch) {
    this.base = base.replace(/\/$/, "");
    this.fetchFn = fetchFn ?? ((u, i) => fetch(u, i));
  }

  private async req<T>(method: string, url: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, credentials: "same-origin", headers: {} };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)["Content-Type"] = "application/json";
    }
    let res: Response;
    try {
      res = await this.fetchFn(this.base + url, init);
    } catch (e) {
      throw new ApiError(0, `server unreachable: ${(e as Error).message}`, "network");
    }
    const text = await res.text();
    let data: unknown = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
    if (!res.ok) {
      const d = (data ?? {}) as { message?: string; reason?: string };
      const msg = d.message || text.trim() || res.statusText || `HTTP ${res.status}`;
      throw new ApiError(res.status, msg, d.reason || "");
    }
    return data as T;
  }

  /** status checks that the server answers (used to detect a restart). */
  status(): Promise<unknown> {
    return this.req("GET", "/api/status");
  }

  /** get reads a file, notebook or directory listing. */
  get(path: string, content = true): Promise<ContentsModel> {
    return this.req("GET", `/api/contents/${contentsPath(path)}?content=${content ? 1 : 0}`);
  }

  /**
   * saveNotebook writes a notebook. With lastModified set, the server refuses
   * (409, ApiError.conflict) when the file changed on disk since then.
   */
  saveNotebook(path: string, content: unknown, lastModified?: string, force = false): Promise<ContentsModel> {
    const body: Record<string, unknown> = { type: "notebook", format: "json", content };
    if (lastModified && !force) body.last_modified = lastModified;
    const q = force ? "?force=1" : "";
    return this.req("PUT", `/api/contents/${contentsPath(path)}${q}`, body);
  }

  /** newUntitled creates an untitled notebook or folder inside dir. */
  newUntitled(dir: string, type: "notebook" | "directory" | "file"): Promise<ContentsModel> {
    const p = contentsPath(dir);
    return this.req("POST", `/api/contents${p ? "/" + p : ""}`, { type, ext: type === "notebook" ? ".ipynb" : undefined });
  }

  /** copy copies a file into dir. */
  copy(from: string, dir: string): Promise<ContentsModel> {
    const p = contentsPath(dir);
    return this.req("POST", `/api/contents${p ? "/" + p : ""}`, { copy_from: from });
  }

  /** rename moves a file or folder to newPath. */
  rename(path: string, newPath: string): Promise<ContentsModel> {
    return this.req("PATCH", `/api/contents/${contentsPath(path)}`, { path: newPath });
  }

  /** remove deletes a file or an empty folder. */
  remove(path: string): Promise<void> {
    return this.req("DELETE", `/api/contents/${contentsPath(path)}`);
  }

  /** sessions lists the notebook sessions (path → kernel). */
  sessions(): Promise<SessionModel[]> {
    return this.req("GET", "/api/sessions");
  }

  /** startSession returns the session for path, starting its kernel if needed. */
  startSession(path: string): Promise<SessionModel> {
    const name = path.split("/").pop() || path;
    return this.req("POST", "/api/sessions", { path, name, type: "notebook", kernel: { name: "tandem" } });
  }

  /** renameSession points a session at a renamed notebook. */
  renameSession(id: string, path: string): Promise<SessionModel> {
    return this.req("PATCH", `/api/sessions/${encodeURIComponent(id)}`, { path, name: path.split("/").pop() });
  }

  /** kernels lists the running kernels. */
  kernels(): Promise<KernelModel[]> {
    return this.req("GET", "/api/kernels");
  }

  /** interrupt interrupts a kernel. */
  interrupt(kernelId: string): Promise<void> {
    return this.req("POST", `/api/kernels/${encodeURIComponent(kernelId)}/interrupt`);
  }

  /** restart restarts a kernel (its state is lost). */
  restart(kernelId: string): Promise<KernelModel> {
    return this.req("POST", `/api/kernels/${encodeURIComponent(kernelId)}/restart`);
  }

  /** shutdown stops a kernel. */
  shutdown(kernelId: string): Promise<void> {
    return this.req("DELETE", `/api/kernels/${encodeURIComponent(kernelId)}`);
  }

  /** deleteSession ends a session and its kernel. */
  deleteSession(id: string): Promise<void> {
    return this.req("DELETE", `/api/sessions/${encodeURIComponent(id)}`);
  }
}
