// Applies the route's request and response header changes: set replaces, add appends, remove deletes.
import type { RouteIR } from "../../../compiler/ir/schema.ts";
import type { Headers, Layer } from "./types.ts";

type Changes = NonNullable<RouteIR["requestHeaders"]>;

/** A route's changes as arrays, made once when its stack is built rather than per request. */
interface CompiledChanges {
  remove: ReadonlySet<string>;
  set: readonly (readonly [string, string])[];
  add: readonly (readonly [string, string])[];
}

function compile(changes: Changes): CompiledChanges {
  return { remove: new Set(changes.remove), set: Object.entries(changes.set), add: Object.entries(changes.add) };
}

function apply(headers: Headers, changes: CompiledChanges): Headers {
  // Copied without the removed names rather than deleted from: `delete` makes the object a slow
  // dictionary for everything that reads it after.
  const out: Headers = {};
  for (const name in headers) if (!changes.remove.has(name)) out[name] = headers[name]!;
  for (const [name, value] of changes.set) out[name] = value;
  for (const [name, value] of changes.add) {
    const existing = out[name];
    out[name] = existing === undefined ? value : [...[existing].flat(), value];
  }
  return out;
}

export function headerChanges(route: RouteIR): Layer {
  return (next) => {
    const requestHeaders = route.requestHeaders && compile(route.requestHeaders);
    const responseHeaders = route.responseHeaders && compile(route.responseHeaders);
    if (!requestHeaders && !responseHeaders) return next; // nothing to change: not in the stack
    const forward = requestHeaders ? (request: Parameters<typeof next>[0]) => next({ ...request, headers: apply(request.headers, requestHeaders) }) : next;
    if (!responseHeaders) return forward;
    return async (request) => {
      const response = await forward(request);
      if (response.reason) return response; // the proxy's own replies are not the route's responses
      // Response header names arrive lower-cased (undici), as the IR's are.
      return { ...response, headers: apply(response.headers, responseHeaders) };
    };
  };
}
