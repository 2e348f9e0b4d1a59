// The storefront: what the demo's traffic generator calls. One version, a generous timeout, and a
// response header that shows which proxy served the request.
import { defineService } from "typemesh";

export const frontend = defineService({
  name: "frontend",
  namespace: "shop",
  port: 8080,
  versions: { v1: {} },
  routes: [
    {
      name: "static",
      match: { path: { prefix: "/static/" }, method: ["GET", "HEAD"] },
      to: "v1",
      timeout: "1s",
      headers: { response: { set: { "cache-control": "public, max-age=60" } } },
    },
    {
      name: "pages",
      to: "v1",
      timeout: "3s",
      headers: {
        request: { add: { "x-mesh-entry": "frontend" } },
        response: { set: { "x-served-by": "typemesh" }, remove: ["x-powered-by"] },
      },
    },
  ],
});
