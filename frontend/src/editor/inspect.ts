// Shift+Tab shows the kernel's inspect_request answer (signature and doc)
// in a tooltip under the cursor.

import { StateEffect, StateField, Prec, type Extension } from "@codemirror/state";
import { EditorView, keymap, showTooltip, type Tooltip } from "@codemirror/view";

/** InspectFn asks the kernel about the name at pos; it returns plain text or null. */
export type InspectFn = (code: string, pos: number) => Promise<string | null>;

const setDoc = StateEffect.define<Tooltip | null>();

const docField = StateField.define<Tooltip | null>({
  create: () => null,
  update(v, tr) {
    for (const e of tr.effects) if (e.is(setDoc)) return e.value;
    if (tr.docChanged || tr.selection) return null;
    return v;
  },
  provide: (f) => showTooltip.from(f),
});

/** inspectOnShiftTab binds Shift+Tab to show documentation; Escape closes it. */
export function inspectOnShiftTab(inspect: InspectFn): Extension {
  return [
    docField,
    Prec.highest(
      keymap.of([
        {
          key: "Shift-Tab",
          run(view) {
            const pos = view.state.selection.main.head;
            const code = view.state.doc.toString();
            void inspect(code, pos).then((text) => {
              if (view.state.doc.toString() !== code || view.state.selection.main.head !== pos) return;
              const tip: Tooltip = {
                pos,
                above: false,
                create() {
                  const dom = document.createElement("div");
                  dom.className = "cm-inspect";
                  dom.setAttribute("role", "tooltip");
                  const pre = document.createElement("pre");
                  pre.textContent = text ?? "No documentation found.";
                  dom.append(pre);
                  return { dom };
                },
              };
              view.dispatch({ effects: setDoc.of(tip) });
            });
            return true;
          },
        },
        {
          key: "Escape",
          run(view) {
            if (!view.state.field(docField)) return false;
            view.dispatch({ effects: setDoc.of(null) });
            return true;
          },
        },
      ]),
    ),
    EditorView.baseTheme({
      ".cm-inspect": { maxWidth: "640px", maxHeight: "300px", overflow: "auto", padding: "8px 10px" },
      ".cm-inspect pre": { margin: 0, whiteSpace: "pre-wrap", fontFamily: "var(--mono)", fontSize: "12.5px" },
    }),
  ];
}

/** closeInspect closes an open documentation tooltip; false if none was open. */
export function closeInspect(view: EditorView): boolean {
  if (!view.state.field(docField, false)) return false;
  view.dispatch({ effects: setDoc.of(null) });
  return true;
}
