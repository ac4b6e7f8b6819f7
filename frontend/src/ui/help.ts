// The keyboard shortcut sheet (H in command mode).

import { showDialog } from "./dialog";
import { h } from "./dom";

const rows: Array<[string, string]> = [
  ["Shift+Enter", "Run cell, select below"],
  ["Ctrl+Enter", "Run cell"],
  ["Alt+Enter", "Run cell, insert below"],
  ["Esc / Enter", "Command mode / edit mode"],
  ["A / B", "Insert cell above / below"],
  ["D D", "Delete cell"],
  ["Z", "Undo cell deletion"],
  ["M / Y / R", "Markdown / code / raw cell"],
  ["C / X / V", "Copy / cut / paste cell"],
  ["Shift+M", "Merge with cell below"],
  ["O", "Hide / show the cell's outputs"],
  ["Ctrl+Shift+-", "Split cell at cursor (edit mode)"],
  ["↑ ↓ or K J", "Select cell above / below"],
  ["I I", "Interrupt the kernel"],
  ["0 0", "Restart the kernel"],
  ["Ctrl+S", "Save"],
  ["Tab / Ctrl+Space", "Indent / complete (edit mode)"],
  ["Shift+Tab", "Show documentation (edit mode)"],
];

/** shortcutHelp shows the shortcut sheet. */
export async function shortcutHelp(): Promise<void> {
  const table = h("table", { class: "shortcuts" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Keys"), h("th", { scope: "col" }, "Action"))),
    h("tbody", {}, ...rows.map(([k, a]) => h("tr", {}, h("td", {}, h("kbd", {}, k)), h("td", {}, a)))));
  await showDialog("Keyboard shortcuts", table, [{ label: "Close", value: "close", primary: true }]);
}
