// Signing in: the admin token, kept in sessionStorage (gone when the tab closes) and sent as a Bearer
// header. `typemesh up` prints a link with the token in the URL fragment, which never reaches a server:
// the page takes it from there once and removes it from the address bar.
import { h } from "./dom.ts";

const TOKEN_KEY = "typemesh.adminToken";
const MESSAGE_KEY = "typemesh.loginMessage";

export function readToken(): { token?: string; message?: string } {
  const fromLink = /(?:^#|[#&])token=([^&]+)/.exec(location.hash)?.[1];
  if (fromLink) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(fromLink));
    history.replaceState(null, "", `${location.pathname}#/topology`);
  }
  const message = sessionStorage.getItem(MESSAGE_KEY) ?? undefined;
  sessionStorage.removeItem(MESSAGE_KEY);
  const token = sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  return { ...(token && { token }), ...(message && { message }) };
}

export function saveToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

/** Forgets the token; `message` is shown on the sign-in form after the reload. */
export function clearToken(message?: string): void {
  sessionStorage.removeItem(TOKEN_KEY);
  if (message) sessionStorage.setItem(MESSAGE_KEY, message);
}

/** The sign-in form; `submit` resolves to an error message, or undefined once signed in. */
export function loginView(message: string | undefined, submit: (token: string) => Promise<string | undefined>): HTMLElement {
  const input = h("input", { id: "token", name: "token", type: "password", autocomplete: "off", spellcheck: "false", required: true });
  const error = h("p", { class: "error-text", role: "alert", id: "login-error" }, message ?? "");
  const button = h("button", { class: "button button--primary", type: "submit" }, "Sign in");
  const form = h("form", {
    class: "login-form", "aria-labelledby": "login-title",
    onsubmit: (event: Event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      button.disabled = true;
      error.textContent = "";
      void submit(token).then((problem) => {
        button.disabled = false;
        if (problem) {
          error.textContent = problem;
          input.select();
        }
      });
    },
  },
  h("h1", { id: "login-title" }, h("span", { class: "brand-mark", "aria-hidden": "true" }), "typemesh dashboard"),
  h("p", {}, "Sign in with the control plane's admin token: the one ", h("code", {}, "typemesh up"), " or ", h("code", {}, "typemesh control-plane"), " printed, or its ", h("code", {}, "TYPEMESH_ADMIN_TOKEN"), "."),
  h("label", { for: "token" }, "Admin token"),
  input,
  button,
  error,
  h("p", { class: "muted" }, "The token stays in this tab only (sessionStorage) and is sent as an Authorization header."));
  queueMicrotask(() => input.focus());
  return h("main", { class: "login", id: "main" }, form);
}
