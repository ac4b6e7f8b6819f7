// Error line marks: the line an error output points at is highlighted, with
// a marker in the gutter, until the cell is edited or run again.

import { RangeSetBuilder, StateEffect, StateField, type Extension } from "@codemirror/state";
import { Decoration, EditorView, GutterMarker, gutterLineClass, type DecorationSet } from "@codemirror/view";

/** ErrorMark is a 1-based line (and column, 0 if unknown) with its message. */
export interface ErrorMark {
  line: number;
  col: number;
  message: string;
}

const setMark = StateEffect.define<ErrorMark | null>();

const lineDeco = Decoration.line({ class: "cm-error-line", attributes: { "data-error-line": "true" } });

class ErrorGutter extends GutterMarker {
  elementClass = "cm-error-gutter";
}
const gutterMark = new ErrorGutter();

const markField = StateField.define<ErrorMark | null>({
  create: () => null,
  update(v, tr) {
    for (const e of tr.effects) if (e.is(setMark)) return e.value;
    return tr.docChanged ? null : v;
  },
  provide: (f) => [
    EditorView.decorations.compute([f], (state): DecorationSet => {
      const m = state.field(f);
      if (!m || m.line < 1 || m.line > state.doc.lines) return Decoration.none;
      const b = new RangeSetBuilder<Decoration>();
      const line = state.doc.line(m.line);
      b.add(line.from, line.from, lineDeco);
      return b.finish();
    }),
    gutterLineClass.compute([f], (state) => {
      const m = state.field(f);
      if (!m || m.line < 1 || m.line > state.doc.lines) return new RangeSetBuilder<GutterMarker>().finish();
      const b = new RangeSetBuilder<GutterMarker>();
      const line = state.doc.line(m.line);
      b.add(line.from, line.from, gutterMark);
      return b.finish();
    }),
  ],
});

/** errorMarks enables error line marks in an editor. */
export function errorMarks(): Extension {
  return markField;
}

/** setErrorMark shows (or, with null, clears) the error mark. */
export function setErrorMark(view: EditorView, mark: ErrorMark | null): void {
  view.dispatch({ effects: setMark.of(mark) });
}

/** errorMarkOf returns the mark shown in an editor, or null. */
export function errorMarkOf(view: EditorView): ErrorMark | null {
  return view.state.field(markField, false) ?? null;
}
