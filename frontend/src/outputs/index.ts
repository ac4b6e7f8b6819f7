// Package outputs: one renderer per MIME type and the registry keyed by MIME.
export * from "./registry";
export * from "./markdown";
export * from "./ansi";
export * from "./frame";
export * from "./styles";
export * from "./widgets";
