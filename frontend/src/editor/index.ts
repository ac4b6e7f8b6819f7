// Package editor: CodeMirror 6 set up for notebook cells.
export * from "./setup";
export * from "./theme";
export * from "./completion";
export * from "./inspect";
export * from "./errorline";
export { EditorView } from "@codemirror/view";
