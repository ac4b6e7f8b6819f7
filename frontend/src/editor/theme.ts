// The editor's look: colours come from CSS variables, so one theme serves the
// light and the dark page theme.

import { EditorView } from "@codemirror/view";
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { tags as t } from "@lezer/highlight";
import type { Extension } from "@codemirror/state";

/** editorTheme styles the editor chrome with the page's CSS variables. */
export function editorTheme(): Extension {
  return EditorView.theme({
    "&": { backgroundColor: "var(--code-bg)", color: "var(--code-fg)", fontSize: "var(--code-size)" },
    "&.cm-focused": { outline: "none" },
    ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.5" },
    ".cm-content": { caretColor: "var(--accent)", padding: "6px 0" },
    ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--accent)", borderLeftWidth: "2px" },
    "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": { backgroundColor: "var(--selection) !important" },
    ".cm-gutters": { backgroundColor: "var(--code-bg)", color: "var(--muted)", border: "none" },
    ".cm-lineNumbers .cm-gutterElement": { padding: "0 6px 0 8px", minWidth: "28px" },
    ".cm-activeLine": { backgroundColor: "transparent" },
    "&.cm-focused .cm-activeLine": { backgroundColor: "var(--active-line)" },
    ".cm-matchingBracket, &.cm-focused .cm-matchingBracket": { backgroundColor: "var(--bracket-bg)", outline: "1px solid var(--bracket-outline)" },
    ".cm-nonmatchingBracket": { color: "var(--error)" },
    ".cm-tooltip": { backgroundColor: "var(--surface)", color: "var(--fg)", border: "1px solid var(--border)", borderRadius: "6px", boxShadow: "var(--shadow)" },
    ".cm-tooltip-autocomplete > ul": { fontFamily: "var(--mono)", maxHeight: "16em" },
    ".cm-tooltip-autocomplete > ul > li[aria-selected]": { backgroundColor: "var(--accent)", color: "var(--on-accent)" },
    ".cm-error-line": { backgroundColor: "var(--error-bg)" },
    ".cm-error-gutter": { color: "var(--error)", fontWeight: "700" },
  });
}

const style = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword], color: "var(--tok-keyword)", fontWeight: "600" },
  { tag: [t.string, t.special(t.string), t.character], color: "var(--tok-string)" },
  { tag: [t.number, t.bool, t.null, t.atom], color: "var(--tok-number)" },
  { tag: [t.comment, t.lineComment, t.blockComment], color: "var(--tok-comment)", fontStyle: "italic" },
  { tag: [t.typeName, t.standard(t.typeName)], color: "var(--tok-type)" },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: "var(--tok-func)" },
  { tag: [t.definition(t.variableName)], color: "var(--tok-def)" },
  { tag: [t.operator, t.punctuation], color: "var(--tok-op)" },
  { tag: t.invalid, color: "var(--error)" },
]);

/** goHighlight colours Go tokens with the page's token variables. */
export function goHighlight(): Extension {
  return syntaxHighlighting(style);
}
