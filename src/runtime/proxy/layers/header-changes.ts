// Applies the route's request and response header changes: set replaces, add appends, remove deletes.
import type { RouteIR } from "../../../compiler/ir/schema.ts";
import type { Headers, Layer } from "./types.ts";

type Changes = NonNullable<RouteIR["requestHeaders"]>;

export function applyHeaderChanges(headers: Headers, changes: Changes | undefined): Headers {
  if (!changes) return headers;
  const out: Headers = { ...headers };
  for (const name of changes.remove) delete out[name];
  for (const [name, value] of Object.entries(changes.set)) out[name] = value;
  for (const [name, value] of Object.entries(changes.add)) {
    const existing = out[name];
    out[name] = existing === undefined ? value : [...[existing].flat(), value];
  }
  return out;
}

export function headerChanges(route: RouteIR): Layer {
  return (next) => async (request) => {
    const response = await next({ ...request, headers: applyHeaderChanges(request.headers, route.requestHeaders) });
    if (response.reason) return response; // the proxy's own replies are not the route's responses
    return { ...response, headers: applyHeaderChanges(lowerCaseKeys(response.headers), route.responseHeaders) };
  };
}

function lowerCaseKeys(headers: Headers): Headers {
  const out: Headers = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}
