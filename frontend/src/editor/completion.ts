// Completion popup fed by the kernel's complete_request.

import { autocompletion, type Completion, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import type { Extension } from "@codemirror/state";

/** KernelCompletion is the kernel's answer (offsets in UTF-16 units). */
export interface KernelCompletion {
  matches: string[];
  cursorStart: number;
  cursorEnd: number;
  types?: string[];
}

/** CompleteFn asks the kernel for completions of code at pos. */
export type CompleteFn = (code: string, pos: number) => Promise<KernelCompletion | null>;

/** kernelCompletion shows the kernel's completions as the user types or on Ctrl+Space. */
export function kernelCompletion(complete: CompleteFn): Extension {
  const source = async (ctx: CompletionContext): Promise<CompletionResult | null> => {
    const word = ctx.matchBefore(/[\w.]+/);
    if (!ctx.explicit && (!word || word.text.length < 2 || /^\d/.test(word.text))) return null;
    const r = await complete(ctx.state.doc.toString(), ctx.pos);
    if (!r || ctx.aborted || r.matches.length === 0) return null;
    const options: Completion[] = r.matches.slice(0, 500).map((m, i) => ({
      label: m,
      type: kind(r.types?.[i]),
    }));
    return { from: r.cursorStart, to: r.cursorEnd, options, validFor: /^[\w]*$/ };
  };
  return autocompletion({ override: [source], activateOnTypingDelay: 150, icons: true, maxRenderedOptions: 200 });
}

function kind(t?: string): string | undefined {
  switch (t) {
    case "func": case "function": case "method": return "function";
    case "type": return "type";
    case "var": case "variable": return "variable";
    case "const": case "constant": return "constant";
    case "package": case "module": return "namespace";
    case "keyword": return "keyword";
  }
  return undefined;
}
