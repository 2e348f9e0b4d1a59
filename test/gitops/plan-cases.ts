// The kinds of policy change the golden plan reports cover: each edits a copy of
// test/fixtures/plan/base (the demo shop) the way an author would.
export interface PlanCase {
  name: string;
  /** What a reviewer must learn from the report; the golden test checks the markdown says each. */
  mustSay: string[];
  edit: Record<string, ((text: string) => string) | null>;
}

const replace = (from: string, to: string) => (text: string) => {
  if (!text.includes(from)) throw new Error(`plan case edit: ${JSON.stringify(from)} not found`);
  return text.replace(from, to);
};

export const planCases: PlanCase[] = [
  {
    name: "split-shift",
    mustSay: ["v1 90% · v2 10% → v1 50% · v2 50%", "+40 points to v2"],
    edit: { "checkout.policy.ts": replace(`match: { path: { prefix: "/cart" }, method: ["GET", "PUT", "DELETE"] },\n      split: { v1: 90, v2: 10 }`, `match: { path: { prefix: "/cart" }, method: ["GET", "PUT", "DELETE"] },\n      split: { v1: 50, v2: 50 }`) },
  },
  {
    name: "new-route",
    mustSay: ["new route recommendations at #4", "🆕 added"],
    edit: { "catalog.policy.ts": replace(`    { name: "writes", to: "v1", timeout: "2s" },`, `    { name: "recommendations", match: { path: { prefix: "/recommendations" } }, to: "v2", timeout: "300ms" },\n    { name: "writes", to: "v1", timeout: "2s" },`) },
  },
  {
    name: "removed-route",
    mustSay: ["route search", "removed: its requests now go to route reads"],
    edit: { "catalog.policy.ts": replace(`    {
      name: "search",
      match: { path: { exact: "/search" }, query: { q: { regex: "^[\\\\w -]{1,64}$" } }, method: "GET" },
      to: "v1",
      timeout: "800ms",
      retries: { attempts: 2, perTryTimeout: "250ms", retryOn: ["5xx", "reset"] },
    },
`, "") },
  },
  {
    name: "authz-widened",
    mustSay: ["authorization widened", "shop/shopper → shop/checkout"],
    edit: { "checkout.policy.ts": (t) => replace(`allow: [{ from: [frontend] }]`, `allow: [{ from: [frontend] }, { from: [shopper] }]`)(replace(`import { frontend } from "./frontend.policy";`, `import { frontend } from "./frontend.policy";\nimport { shopper } from "./shopper.policy";`)(t)) },
  },
  {
    name: "authz-narrowed",
    mustSay: ["allow rule removed: shop/checkout", "◐ some"],
    edit: { "catalog.policy.ts": replace(`      { from: [checkout] },\n`, "") },
  },
  {
    name: "mtls-weakened",
    mustSay: ["mTLS weakened", "shop/frontend: strict → permissive"],
    edit: { "frontend.policy.ts": replace(`  versions: { v1: {} },`, `  versions: { v1: {} },\n  mtls: "permissive",`) },
  },
  {
    name: "timeout-raised",
    mustSay: ["timeout 1s → 5s", "worst case 1s → 5s"],
    edit: { "payments.policy.ts": replace(`      name: "default",\n      to: "v1",\n      timeout: "1s",`, `      name: "default",\n      to: "v1",\n      timeout: "5s",`) },
  },
  {
    name: "retries-post",
    mustSay: ["retries on a non-idempotent method", "POST and PATCH requests to shop/checkout route default are retried up to 3 times"],
    edit: { "checkout.policy.ts": replace(`      split: { v1: 90, v2: 10 },\n      timeout: "3s",`, `      split: { v1: 90, v2: 10 },\n      timeout: "3s",\n      retries: { attempts: 3, perTryTimeout: "1s", retryOn: ["5xx"], retryNonIdempotent: true },`) },
  },
  {
    name: "service-added",
    mustSay: ["new service shop/inventory", "1 service added"],
    edit: {
      "inventory.policy.ts": () => `import { defineService } from "typemesh";
import { checkout } from "./checkout.policy";

export const inventory = defineService({
  name: "inventory",
  namespace: "shop",
  port: 8080,
  versions: { v1: {} },
  routes: [{ name: "default", to: "v1", timeout: "1s" }],
  authorization: { allow: [{ from: [checkout], methods: ["GET", "PUT"] }] },
});
`,
    },
  },
  {
    name: "service-removed",
    mustSay: ["service shop/shopper removed", "1 service removed"],
    edit: { "shopper.policy.ts": null },
  },
];
