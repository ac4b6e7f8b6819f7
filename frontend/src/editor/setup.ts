// createEditor: a CodeMirror 6 editor for one cell.

import { EditorState, Prec, type Extension } from "@codemirror/state";
import {
  EditorView, drawSelection, highlightActiveLine, highlightSpecialChars, keymap, lineNumbers, placeholder, tooltips, type KeyBinding,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, indentOnInput, indentUnit } from "@codemirror/language";
import { closeBrackets, closeBracketsKeymap, closeCompletion, completionKeymap, completionStatus } from "@codemirror/autocomplete";
import { go } from "@codemirror/lang-go";
import { editorTheme, goHighlight } from "./theme";
import { kernelCompletion, type CompleteFn } from "./completion";
import { closeInspect, inspectOnShiftTab, type InspectFn } from "./inspect";
import { errorMarks } from "./errorline";

/** EditorOptions configure a cell editor. */
export interface EditorOptions {
  parent: HTMLElement;
  doc: string;
  language: "go" | "markdown" | "plain";
  /** keys are the cell's own bindings (run, command mode...); they win over the editor's. */
  keys: KeyBinding[];
  onChange: (doc: string) => void;
  onFocus?: () => void;
  complete?: CompleteFn;
  inspect?: InspectFn;
  label: string;
}

/** createEditor builds the editor inside opts.parent. */
export function createEditor(opts: EditorOptions): EditorView {
  const exts: Extension[] = [
    Prec.highest(keymap.of(opts.keys)),
    opts.language === "go" ? lineNumbers() : [],
    highlightSpecialChars(),
    history(),
    drawSelection(),
    indentOnInput(),
    indentUnit.of("\t"),
    EditorState.tabSize.of(4),
    bracketMatching(),
    closeBrackets(),
    highlightActiveLine(),
    editorTheme(),
    // Completion and docs tooltips live on <body>: cells clip their contents.
    tooltips({ parent: document.body }),
    goHighlight(),
    errorMarks(),
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, indentWithTab]),
    EditorView.contentAttributes.of({ "aria-label": opts.label }),
    EditorView.updateListener.of((u) => {
      if (u.docChanged) opts.onChange(u.state.doc.toString());
      if (u.focusChanged && u.view.hasFocus) opts.onFocus?.();
    }),
  ];
  if (opts.language === "go") {
    exts.push(go());
    if (opts.complete) exts.push(kernelCompletion(opts.complete));
    if (opts.inspect) exts.push(inspectOnShiftTab(opts.inspect));
  } else if (opts.language === "markdown") {
    exts.push(EditorView.lineWrapping, placeholder("Markdown: # heading, *emphasis*, $math$"));
  }
  return new EditorView({ parent: opts.parent, state: EditorState.create({ doc: opts.doc, extensions: exts }) });
}

/** atFirstLine reports whether the cursor is on the editor's first line. */
export function atFirstLine(view: EditorView): boolean {
  const s = view.state.selection.main;
  return s.empty && view.state.doc.lineAt(s.head).number === 1;
}

/** atLastLine reports whether the cursor is on the editor's last line. */
export function atLastLine(view: EditorView): boolean {
  const s = view.state.selection.main;
  return s.empty && view.state.doc.lineAt(s.head).number === view.state.doc.lines;
}

/** closePopups closes the completion list or docs tooltip; false if none was open. */
export function closePopups(view: EditorView): boolean {
  if (completionStatus(view.state) !== null) {
    closeCompletion(view);
    return true;
  }
  return closeInspect(view);
}

/** cursorOffset is the cursor position in the cell text (UTF-16 units). */
export function cursorOffset(view: EditorView): number {
  return view.state.selection.main.head;
}
