// Entry point: wiring only. The route decides the page: /notebooks/{path}
// opens a notebook, anything else the file browser.

import "katex/dist/katex.min.css";
import "./ui/styles.css";
import { Api } from "./wire";
import { initTheme } from "./ui/theme";

initTheme();
const api = new Api("");
const root = document.getElementById("app") ?? document.body;
const m = /^\/notebooks\/(.+)$/.exec(location.pathname);
// Each page loads only its own code (the file browser needs no editor).
if (m) {
  const path = m[1].split("/").map(decodeURIComponent).join("/");
  void import("./ui/notebook").then(({ NotebookPage }) => {
    const page = new NotebookPage(api, path);
    root.replaceChildren(page.el);
    void page.load();
  });
} else {
  void import("./ui/browser").then(({ FileBrowser }) => {
    const page = new FileBrowser(api);
    root.replaceChildren(page.el);
    void page.load();
  });
}
