// Authorization and mTLS semantics: for every caller (each service, and a plaintext client), method and
// path that the rules mention, the emitted Istio and Linkerd policy decides as typemesh's authorize()
// does. Istio must agree exactly; Linkerd, which has no deny rules, may only ever deny more — and
// exactly where it said so with TM3011/TM3012.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { emitTarget } from "../../src/compiler/emit/targets/index.ts";
import type { MeshIR, ServiceIR } from "../../src/compiler/ir/schema.ts";
import { authorize } from "../../src/compiler/simulate/authorize.ts";
import { TRUST_DOMAIN, authzCase } from "./support/cases.ts";
import { istioAuthorize } from "./support/istio-oracle.ts";
import { linkerdAuthorize } from "./support/linkerd-authz-oracle.ts";
import { demoIR, manifests, ofKind } from "./support/manifests.ts";

const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];

function probes(service: ServiceIR): { method: string; path: string }[] {
  const rules = [...service.authorization.allow, ...service.authorization.deny];
  const paths = new Set(["/", "/other"]);
  for (const p of rules.flatMap((r) => r.paths ?? [])) {
    paths.add(p.replace(/\*$/, "x").replace(/^\*/, "/x"));
    if (p.endsWith("*")) paths.add(`${p.slice(0, -1)}secret/deep`);
  }
  return [...paths].flatMap((path) => METHODS.map((method) => ({ method, path })));
}

/** Plaintext, every service of the mesh, and a meshed workload the policies do not know. */
function callers(ir: MeshIR): (Pick<ServiceIR, "id" | "name" | "namespace"> | undefined)[] {
  return [undefined, ...ir.services, { id: "elsewhere/stranger", name: "stranger", namespace: "elsewhere" }];
}

async function istioCheck(ir: MeshIR, trustDomain: string): Promise<number> {
  const objects = manifests(emitTarget("istio", ir).files);
  let n = 0;
  for (const service of ir.services) {
    const policies = ofKind(objects, "AuthorizationPolicy", service.namespace).filter((p) => p.spec.selector.matchLabels.app === service.name);
    const peer = ofKind(objects, "PeerAuthentication", service.namespace).find((p) => p.metadata.name === service.name);
    for (const caller of callers(ir)) {
      // Independent of the emitter: the principal Istio sees for a workload of this mesh.
      const principal = caller && `${trustDomain}/ns/${caller.namespace}/sa/${caller.name}`;
      for (const { method, path } of probes(service)) {
        const want = authorize(service, { ...(caller && { service: caller.id }) }, method, path).decision === "allow";
        assert.equal(istioAuthorize(policies, peer, principal, method, path), want, `istio ${service.id} ← ${caller?.id ?? "plaintext"} ${method} ${path}`);
        n += 1;
      }
    }
  }
  return n;
}

async function linkerdCheck(ir: MeshIR): Promise<{ checked: number; narrowed: Set<string> }> {
  const { files, diagnostics } = emitTarget("linkerd", ir);
  const objects = manifests(files);
  const narrowed = new Set<string>();
  let checked = 0;
  for (const service of ir.services) {
    const warned = diagnostics.some((d) => (d.code === "TM3011" || (d.code === "TM3012" && d.message.includes("both"))) && d.message.includes(` ${service.id} `));
    for (const caller of callers(ir)) {
      for (const { method, path } of probes(service)) {
        const want = authorize(service, { ...(caller && { service: caller.id }) }, method, path).decision === "allow";
        const got = linkerdAuthorize(objects, service, caller, method, path);
        const where = `linkerd ${service.id} ← ${caller?.id ?? "plaintext"} ${method} ${path}`;
        assert.notEqual(got, "ambiguous", where);
        if (got === true) assert.ok(want, `${where}: allowed, but typemesh denies (authorization widened)`);
        if (got !== want) {
          assert.ok(warned, `${where}: denied without a diagnostic saying so`);
          narrowed.add(service.id);
        }
        checked += 1;
      }
    }
  }
  return { checked, narrowed };
}

describe("authorization semantics", () => {
  test("istio: every decision matches typemesh's, principals in the mesh's trust domain (authz case)", async () => {
    assert.ok(await istioCheck(authzCase(), TRUST_DOMAIN) > 500);
  });

  test("istio: every decision matches typemesh's (demo)", async () => {
    const ir = await demoIR();
    assert.ok(await istioCheck(ir, ir.mesh.trustDomain) > 500);
  });

  test("istio: allow and deny rules become separate ALLOW and DENY policies", () => {
    const ir = authzCase();
    const policies = ofKind(manifests(emitTarget("istio", ir).files), "AuthorizationPolicy");
    for (const service of ir.services) {
      const mine = policies.filter((p) => p.spec.selector.matchLabels.app === service.name && p.metadata.namespace === service.namespace);
      const { allow, deny } = service.authorization;
      assert.deepEqual(mine.map((p) => [p.metadata.name, p.spec.action, p.spec.rules.length]).sort(), [
        ...(allow.length > 0 ? [[`${service.name}-allow`, "ALLOW", allow.length]] : []),
        ...(deny.length > 0 ? [[`${service.name}-deny`, "DENY", deny.length]] : []),
      ]);
    }
    const principals = policies.flatMap((p) => p.spec.rules.flatMap((r: any) => (r.from ?? []).flatMap((f: any) => f.source.principals)));
    assert.ok(principals.length > 0);
    for (const p of principals) assert.match(p, new RegExp(`^${TRUST_DOMAIN.replace(".", "\\.")}/ns/[a-z0-9-]+/sa/[a-z0-9-]+$`));
  });

  test("linkerd: never allows what typemesh denies; denies more only where it reported it (authz case)", async () => {
    const { checked, narrowed } = await linkerdCheck(authzCase());
    assert.ok(checked > 500);
    assert.deepEqual([...narrowed].sort(), ["shop/files", "shop/quotes"]);
  });

  test("linkerd: the demo's decisions match typemesh's exactly", async () => {
    const { checked, narrowed } = await linkerdCheck(await demoIR());
    assert.ok(checked > 500);
    assert.deepEqual([...narrowed], []);
  });

  test("linkerd: a service without rules states its mTLS mode as the Server's default policy", () => {
    const objects = manifests(emitTarget("linkerd", authzCase()).files);
    const server = (name: string) => ofKind(objects, "Server").find((s) => s.metadata.name === name);
    assert.equal(server("web").spec.accessPolicy, "all-authenticated");
    assert.equal(server("open").spec.accessPolicy, "all-unauthenticated");
    assert.equal(server("ledger").spec.accessPolicy, "deny");
  });
});
