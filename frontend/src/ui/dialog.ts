// Modal dialogs (a native <dialog>: focus trapping and Escape for free) and
// toasts.

import { h } from "./dom";

/** A dialog button: its value is what the dialog resolves with. */
export interface DialogButton {
  label: string;
  value: string;
  primary?: boolean;
  danger?: boolean;
}

/** showDialog opens a modal and resolves with the pressed button's value ("" on Escape). */
export function showDialog(title: string, body: Node | string, buttons: DialogButton[], cls = ""): Promise<string> {
  return new Promise((resolve) => {
    const d = h("dialog", { class: "modal " + cls, "aria-labelledby": "dlg-title" });
    const content = typeof body === "string" ? h("p", {}, body) : body;
    const row = h("div", { class: "modal-buttons" });
    for (const b of buttons) {
      const btn = h("button", { type: "button", class: "btn" + (b.primary ? " primary" : "") + (b.danger ? " danger" : ""), "data-value": b.value }, b.label);
      btn.addEventListener("click", () => {
        d.close(b.value);
      });
      row.append(btn);
    }
    d.append(h("h2", { id: "dlg-title" }, title), content, row);
    d.addEventListener("close", () => {
      d.remove();
      resolve(d.returnValue || "");
    });
    document.body.append(d);
    d.showModal();
    const primary = row.querySelector<HTMLButtonElement>(".primary") ?? row.querySelector("button");
    primary?.focus();
  });
}

/** confirmDialog asks a yes/no question. */
export async function confirmDialog(title: string, text: string, ok: string, danger = false): Promise<boolean> {
  const v = await showDialog(title, text, [
    { label: "Cancel", value: "cancel" },
    { label: ok, value: "ok", primary: !danger, danger },
  ]);
  return v === "ok";
}

/** promptDialog asks for a line of text; null when cancelled. */
export function promptDialog(title: string, label: string, value: string): Promise<string | null> {
  return new Promise((resolve) => {
    const input = h("input", { type: "text", class: "text-input", value, "aria-label": label, spellcheck: "false" });
    const form = h("form", { method: "dialog", class: "prompt-form" }, h("label", {}, label, input));
    const d = h("dialog", { class: "modal", "aria-labelledby": "dlg-title" });
    const row = h("div", { class: "modal-buttons" },
      h("button", { type: "button", class: "btn", onclick: () => d.close("") }, "Cancel"),
      h("button", { type: "submit", class: "btn primary", value: "ok" }, "OK"));
    form.append(row);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      d.close("ok");
    });
    d.append(h("h2", { id: "dlg-title" }, title), form);
    d.addEventListener("close", () => {
      d.remove();
      resolve(d.returnValue === "ok" ? input.value.trim() : null);
    });
    document.body.append(d);
    d.showModal();
    input.focus();
    const dot = value.lastIndexOf(".");
    input.setSelectionRange(0, dot > 0 ? dot : value.length);
  });
}

let toastBox: HTMLElement | null = null;

/** toast shows a short message at the bottom of the page. */
export function toast(text: string, kind: "info" | "error" | "ok" = "info", ms = 4000): void {
  if (!toastBox) {
    toastBox = h("div", { class: "toasts", role: "status", "aria-live": "polite" });
    document.body.append(toastBox);
  }
  const t = h("div", { class: "toast " + kind }, text);
  toastBox.append(t);
  setTimeout(() => t.remove(), ms);
}
