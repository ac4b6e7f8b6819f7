// Light and dark themes: a data-theme attribute on <html>, remembered in
// localStorage, defaulting to the system preference.

import { icon, iconButton } from "./dom";

const key = "tandem.theme";

/** initTheme applies the saved (or system) theme. */
export function initTheme(): void {
  let t: string | null = null;
  try {
    t = localStorage.getItem(key);
  } catch {
    /* storage disabled */
  }
  if (t !== "light" && t !== "dark") t = matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  document.documentElement.dataset.theme = t;
}

/** themeButton toggles the theme. */
export function themeButton(): HTMLButtonElement {
  const show = () => b.replaceChildren(icon(document.documentElement.dataset.theme === "dark" ? "sun" : "moon"));
  const b = iconButton("moon", "Switch between light and dark theme", () => {
    const next = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
    document.documentElement.dataset.theme = next;
    show();
    try {
      localStorage.setItem(key, next);
    } catch {
      /* storage disabled */
    }
  });
  show();
  return b;
}
