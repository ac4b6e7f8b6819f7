// Entry point: wiring only. The route decides the page: /notebooks/{path}
// opens a notebook, anything else the file browser.

import "katex/dist/katex.min.css";
import "./ui/styles.css";
import { Api } from "./wire";
import { FileBrowser, NotebookPage, initTheme } from "./ui";

initTheme();
const api = new Api("");
const root = document.getElementById("app") ?? document.body;
const m = /^\/notebooks\/(.+)$/.exec(location.pathname);
if (m) {
  const path = m[1].split("/").map(decodeURIComponent).join("/");
  const page = new NotebookPage(api, path);
  root.replaceChildren(page.el);
  void page.load();
} else {
  const page = new FileBrowser(api);
  root.replaceChildren(page.el);
  void page.load();
}
