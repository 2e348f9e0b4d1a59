// Calls the control plane's admin API for the CLI, turning failures into errors a user can act on.
import { CommandError } from "./errors.ts";

export async function adminRequest<T>(controlPlane: string, token: string | undefined, method: string, pathname: string, body?: string): Promise<T> {
  if (!token) throw new CommandError("no admin token: pass --token or set TYPEMESH_ADMIN_TOKEN");
  let response: Response;
  try {
    response = await fetch(new URL(pathname, controlPlane), {
      method, headers: { authorization: `Bearer ${token}`, ...(body && { "content-type": "application/json" }) }, ...(body && { body }),
    });
  } catch (error) {
    throw new CommandError(`cannot reach the control plane at ${controlPlane}: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`);
  }
  const text = await response.text();
  if (response.status === 401) throw new CommandError("the control plane refused the admin token (401)");
  if (!response.ok) {
    let detail = text;
    try {
      const parsed = JSON.parse(text) as { error?: string; problems?: string[] };
      detail = [parsed.error, ...(parsed.problems ?? [])].filter(Boolean).join("\n  ");
    } catch { /* not JSON: show as is */ }
    throw new CommandError(`${method} ${pathname} failed (${response.status}): ${detail}`);
  }
  return JSON.parse(text) as T;
}
