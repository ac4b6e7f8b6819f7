// Inline styles under a strict Content-Security-Policy.

/**
 * applyInlineStyles moves style attributes (KaTeX emits many) into CSSOM,
 * which a strict Content-Security-Policy allows while it blocks the attributes.
 */
export function applyInlineStyles(root: HTMLElement): void {
  for (const e of root.querySelectorAll<HTMLElement>("[style]")) {
    const s = e.getAttribute("style") ?? "";
    e.removeAttribute("style");
    e.style.cssText = s;
  }
}
