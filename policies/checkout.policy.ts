// Checkout: a canary of v2, reached first by testers with a header, then by 10% of everyone.
import { defineService } from "typemesh";
import { frontend } from "./frontend.policy";

export const checkout = defineService({
  name: "checkout",
  namespace: "shop",
  port: 8080,
  versions: { v1: {}, v2: { labels: { track: "canary" } } },
  routes: [
    {
      name: "testers",
      match: [
        { headers: { "x-canary": { exact: "always" } } },
        { headers: { cookie: { prefix: "canary=1" } } },
      ],
      to: "v2",
      headers: { request: { set: { "x-canary-route": "testers" } } },
    },
    {
      name: "cart",
      match: { path: { prefix: "/cart" }, method: ["GET", "PUT", "DELETE"] },
      split: { v1: 90, v2: 10 },
      timeout: "1500ms",
      retries: { attempts: 2, perTryTimeout: "400ms", retryOn: ["5xx", "gateway-error"], backoff: { base: "25ms" } },
    },
    {
      name: "default",
      split: { v1: 90, v2: 10 },
      timeout: "3s",
    },
  ],
  authorization: {
    allow: [{ from: [frontend] }],
  },
});
