// FileBrowser: folders and notebooks (new, rename, duplicate, delete) and
// the running kernels. The folder lives in the URL hash: /#/sub/dir.

import { Api, ApiError, SIGNED_OUT, type ContentsModel, type SessionModel } from "../wire";
import { confirmDialog, promptDialog, toast } from "./dialog";
import { h, humanSize, icon, iconButton, relTime } from "./dom";
import { themeButton } from "./theme";

/** notebookURL is the page URL of a notebook. */
export function notebookURL(path: string): string {
  return "/notebooks/" + path.split("/").map(encodeURIComponent).join("/");
}

/** FileBrowser renders one folder. */
export class FileBrowser {
  readonly el: HTMLElement;
  private list: HTMLElement;
  private crumbs: HTMLElement;
  private running: HTMLElement;
  private dir = "";

  constructor(private api: Api) {
    this.crumbs = h("nav", { class: "crumbs", "aria-label": "Folder" });
    this.list = h("div", { class: "file-list" });
    this.running = h("section", { class: "running", "aria-labelledby": "running-title" });
    const header = h("header", { class: "topbar" },
      h("a", { href: "/", class: "brand", "aria-label": "Tandem home" }, h("span", { class: "brand-mark" }, "⟂"), "Tandem"),
      h("div", { class: "spacer" }),
      themeButton());
    const actions = h("div", { class: "browser-actions" },
      h("button", { type: "button", class: "btn primary", onclick: () => void this.create("notebook") }, icon("plus"), "New notebook"),
      h("button", { type: "button", class: "btn", onclick: () => void this.create("directory") }, icon("folder"), "New folder"),
      iconButton("refresh", "Refresh", () => void this.refresh()));
    this.el = h("div", { class: "browser-page" }, header,
      h("main", { class: "browser" },
        h("div", { class: "browser-head" }, this.crumbs, actions),
        this.list,
        this.running));
    window.addEventListener("hashchange", () => void this.open(this.hashDir()));
  }

  private hashDir(): string {
    const raw = location.hash.replace(/^#\/?/, "");
    try {
      return decodeURIComponent(raw).replace(/^\/+|\/+$/g, "");
    } catch {
      return "";
    }
  }

  /** load shows the folder named by the URL. */
  async load(): Promise<void> {
    document.title = "Files — Tandem";
    await this.open(this.hashDir());
    (window as unknown as { tandem: Record<string, unknown> }).tandem = { ready: performance.now(), page: this };
    document.body.dataset.ready = "1";
  }

  private async open(dir: string): Promise<void> {
    this.dir = dir;
    this.renderCrumbs();
    await this.refresh();
  }

  private renderCrumbs(): void {
    const parts = this.dir ? this.dir.split("/") : [];
    const items: Node[] = [h("a", { href: "#/" }, "Home")];
    parts.forEach((p, i) => {
      items.push(h("span", { class: "crumb-sep", "aria-hidden": "true" }, "/"));
      const target = parts.slice(0, i + 1).join("/");
      items.push(i === parts.length - 1 ? h("span", { "aria-current": "page" }, p) : h("a", { href: "#/" + target.split("/").map(encodeURIComponent).join("/") }, p));
    });
    this.crumbs.replaceChildren(...items);
  }

  /** refresh re-reads the folder and the sessions. */
  async refresh(): Promise<void> {
    let listing: ContentsModel;
    let sessions: SessionModel[] = [];
    try {
      [listing, sessions] = await Promise.all([this.api.get(this.dir), this.api.sessions().catch(() => [])]);
    } catch (e) {
      const msg = e instanceof ApiError && e.signedOut ? SIGNED_OUT : `Cannot list ${this.dir || "the home folder"}: ${(e as Error).message}`;
      this.list.replaceChildren(h("div", { class: "load-error", role: "alert" }, msg));
      return;
    }
    const byPath = new Map(sessions.map((s) => [s.path, s]));
    const items = (Array.isArray(listing.content) ? (listing.content as ContentsModel[]) : [])
      .filter((m) => !m.name.startsWith("."))
      .sort((a, b) => (a.type === "directory" ? 0 : 1) - (b.type === "directory" ? 0 : 1) || a.name.localeCompare(b.name));
    const rows = items.map((m) => this.row(m, byPath.get(m.path)));
    const table = h("table", { class: "files" },
      h("caption", { class: "visually-hidden" }, `Contents of ${this.dir || "the home folder"}`),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, "Name"), h("th", { scope: "col" }, "Modified"), h("th", { scope: "col", class: "num" }, "Size"),
        h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")))),
      h("tbody", {}, ...rows));
    if (this.dir) {
      const up = this.dir.includes("/") ? this.dir.slice(0, this.dir.lastIndexOf("/")) : "";
      table.tBodies[0].prepend(h("tr", {}, h("td", { colspan: "4" }, h("a", { href: "#/" + up, class: "file-link" }, icon("folder"), ".."))));
    }
    this.list.replaceChildren(items.length || this.dir ? table : h("p", { class: "empty" }, "This folder is empty. Create a notebook to start."));
    this.renderRunning(sessions);
  }

  private row(m: ContentsModel, s: SessionModel | undefined): HTMLElement {
    const href = m.type === "directory" ? "#/" + m.path.split("/").map(encodeURIComponent).join("/") : m.type === "notebook" ? notebookURL(m.path) : null;
    const name = href
      ? h("a", { href, class: "file-link" }, icon(m.type === "directory" ? "folder" : "notebook"), m.name)
      : h("span", { class: "file-link plain" }, icon("file"), m.name);
    const acts = h("div", { class: "row-actions" },
      iconButton("edit", `Rename ${m.name}`, () => void this.rename(m)),
      m.type !== "directory" ? iconButton("copy", `Duplicate ${m.name}`, () => void this.duplicate(m)) : null,
      iconButton("trash", `Delete ${m.name}`, () => void this.remove(m)));
    if (s?.kernel) {
      acts.prepend(iconButton("power", `Shut down the kernel of ${m.name}`, () => void this.shutdown(s)));
    }
    return h("tr", { "data-path": m.path },
      h("td", {}, name, s?.kernel ? h("span", { class: "badge running-badge", title: "A kernel is running for this notebook" }, "running") : null),
      h("td", { title: m.last_modified }, relTime(m.last_modified)),
      h("td", { class: "num" }, m.type === "directory" ? "" : humanSize(m.size)),
      h("td", {}, acts));
  }

  private renderRunning(sessions: SessionModel[]): void {
    const live = sessions.filter((s) => s.kernel);
    this.running.replaceChildren(
      h("h2", { id: "running-title" }, "Running kernels"),
      live.length === 0
        ? h("p", { class: "empty" }, "No kernels are running.")
        : h("ul", { class: "running-list" }, ...live.map((s) => h("li", {},
          h("a", { href: notebookURL(s.path) }, s.path),
          h("span", { class: "kernel-state", "data-state": s.kernel?.execution_state ?? "" }, s.kernel?.execution_state ?? ""),
          h("button", { type: "button", class: "btn small", onclick: () => void this.shutdown(s) }, "Shut down")))));
  }

  private async create(type: "notebook" | "directory"): Promise<void> {
    try {
      const m = await this.api.newUntitled(this.dir, type);
      if (type === "notebook") location.assign(notebookURL(m.path));
      else {
        await this.refresh();
        await this.rename(m);
      }
    } catch (e) {
      toast(`Could not create the ${type === "notebook" ? "notebook" : "folder"}: ${(e as Error).message}`, "error");
    }
  }

  private async rename(m: ContentsModel): Promise<void> {
    const v = await promptDialog(`Rename ${m.type === "directory" ? "folder" : "file"}`, "New name", m.name);
    if (!v || v === m.name) return;
    if (/[\\/]/.test(v)) {
      toast("A name cannot contain a slash.", "error");
      return;
    }
    const dir = m.path.includes("/") ? m.path.slice(0, m.path.lastIndexOf("/") + 1) : "";
    try {
      await this.api.rename(m.path, dir + v);
      await this.refresh();
    } catch (e) {
      toast(`Rename failed: ${(e as Error).message}`, "error");
    }
  }

  private async duplicate(m: ContentsModel): Promise<void> {
    try {
      await this.api.copy(m.path, this.dir);
      await this.refresh();
    } catch (e) {
      toast(`Duplicate failed: ${(e as Error).message}`, "error");
    }
  }

  private async remove(m: ContentsModel): Promise<void> {
    if (!(await confirmDialog(`Delete ${m.name}?`, "This cannot be undone from here.", "Delete", true))) return;
    try {
      await this.api.remove(m.path);
      await this.refresh();
    } catch (e) {
      toast(`Delete failed: ${(e as Error).message}`, "error");
    }
  }

  private async shutdown(s: SessionModel): Promise<void> {
    try {
      await this.api.deleteSession(s.id).catch(async () => {
        if (s.kernel) await this.api.shutdown(s.kernel.id);
      });
      await this.refresh();
    } catch (e) {
      toast(`Shut down failed: ${(e as Error).message}`, "error");
    }
  }
}
