// Package notebook: the domain model (cells, outputs, run state). No DOM.
export * from "./model";
export * from "./outputs";
export * from "./errors";
export * from "./text";
export * from "./drafts";
export * from "./runqueue";
export * from "./widgets";
