// TM1015: exactly one defineMesh: the trust domain and default mTLS mode must not depend on which
// file happened to load last.
import type { Rule } from "../rule.ts";

const TRUST_DOMAIN = /^[a-z0-9]([a-z0-9.-]{0,253}[a-z0-9])?$/;

export const meshDefaults: Rule = {
  name: "mesh-defaults",
  scope: "graph", // reads every mesh declaration, and reports on the first service when there is none
  check(ctx) {
    const [first, ...others] = ctx.meshes;
    for (const other of others) {
      ctx.report("TM1015", other, [], `mesh defaults are already declared at ${first!.site.at.file}:${first!.site.at.line}`);
    }
    if (first && !TRUST_DOMAIN.test(first.spec.trustDomain)) {
      ctx.report("TM1015", first, ["trustDomain"], `trust domain ${JSON.stringify(first.spec.trustDomain)} is not a valid SPIFFE trust domain (lower-case letters, digits, dots, dashes)`);
    }
    if (!first && ctx.services.length > 0) {
      ctx.report("TM1015", ctx.services[0]!, [], "no policy file declares the mesh defaults",
        'add a mesh.policy.ts with defineMesh({ trustDomain: "cluster.local", mtls: "strict" })');
    }
  },
};
