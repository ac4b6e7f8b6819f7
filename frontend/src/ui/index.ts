// Package ui: DOM components — file browser, notebook, cells, dialogs.
export { FileBrowser, notebookURL } from "./browser";
export { NotebookPage } from "./notebook";
export { initTheme } from "./theme";
