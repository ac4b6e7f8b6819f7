// Package wire: how the app talks to the server (REST + kernel WebSocket).
export * from "./types";
export * from "./protocol";
export * from "./client";
export * from "./api";
