// The prebuilt sidecar validates config views with the MeshIR validator written at build time
// (scripts/mesh-ir-validator.mjs), in place of src/compiler/ir/validate.ts: it must answer exactly as
// validate.ts does, for a mesh that is valid and for views that are not.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { pathToFileURL } from "node:url";
import { Ajv } from "ajv";
import { WebSocketServer } from "ws";
import { compilePolicies } from "../../src/compiler/compile.ts";
import { validateMeshIR } from "../../src/compiler/ir/validate.ts";
// @ts-expect-error a plain JavaScript module of the build, without types
import { meshIrSchema, validatorModule } from "../../scripts/mesh-ir-validator.mjs";
// @ts-expect-error a plain JavaScript module of the bin, without types
import { prebuilt as prebuiltEntry } from "../../bin/prebuilt.js";

type Validate = (value: unknown) => string[];

const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-validator-"));
// The generated module imports ajv's runtime helpers by name: resolve them from the repository.
symlinkSync(path.resolve("node_modules"), path.join(work, "node_modules"), "dir");
after(() => rmSync(work, { recursive: true, force: true }));

let modules = 0;
async function load(schema: unknown): Promise<{ validateMeshIR: Validate; source: string }> {
  const file = path.join(work, `validator-${modules++}.mjs`);
  const source = validatorModule(schema) as string;
  writeFileSync(file, source);
  return { ...(await import(pathToFileURL(file).href) as { validateMeshIR: Validate }), source };
}

test("the prebuilt MeshIR validator answers as validate.ts does: the demo mesh, and views that are not valid", { timeout: 60_000 }, async () => {
  const { schema, inputs } = await meshIrSchema(path.resolve(".")) as { schema: unknown; inputs: string[] };
  assert.ok(inputs.includes("src/compiler/ir/schema.ts"), "the schema's sources are the prebuilt sidecar's inputs");
  const prebuilt = (await load(schema)).validateMeshIR;
  const compiled = await compilePolicies("policies");
  assert.ok(compiled.ir, "the demo policies compile");
  const ir = JSON.parse(JSON.stringify(compiled.ir)) as Record<string, any>;
  assert.deepEqual(prebuilt(ir), []);
  const broken: [string, (ir: Record<string, any>) => void][] = [
    ["no trust domain", (v) => delete v.mesh.trustDomain],
    ["a port that is a string", (v) => (v.services[0].port = "8080")],
    ["a property the schema does not have", (v) => (v.services[0].extra = true)],
    ["another apiVersion", (v) => (v.apiVersion = "typemesh.dev/v2")],
    ["a weight that is not a number, and an unknown load balancer", (v) => {
      v.services[0].routes[0].destinations[0].weight = "100";
      v.services[0].loadBalancer = "fastest";
    }],
    ["services that are not a list", (v) => (v.services = {})],
  ];
  for (const [what, change] of broken) {
    const view = structuredClone(ir);
    change(view);
    const expected = validateMeshIR(view);
    assert.ok(expected.length > 0, `${what}: validate.ts refuses it`);
    assert.deepEqual(prebuilt(view), expected, what);
  }
  for (const value of [null, [], "ir", 0]) assert.deepEqual(prebuilt(value), validateMeshIR(value));
});

test("a schema whose checks need ajv's runtime helpers gets them imported, not required", async () => {
  const schema = {
    type: "object", required: ["name", "tags"], additionalProperties: false,
    properties: { name: { type: "string", minLength: 2, maxLength: 4 }, tags: { type: "array", uniqueItems: true, items: { type: "object" } } },
  };
  const { validateMeshIR: prebuilt, source } = await load(schema);
  assert.match(source, /^import ajvRuntime\d from "ajv\/dist\/runtime\/ucs2length\.js";$/m);
  assert.doesNotMatch(source, /\brequire\(/);
  const ajv = new Ajv({ allErrors: true, strict: false }).compile(schema);
  const reference = (value: unknown) => ajv(value) ? [] : (ajv.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
  for (const value of [{ name: "ab", tags: [] }, { name: "😀😀😀", tags: [{ a: 1 }, { a: 2 }] }, { name: "😀😀😀😀😀", tags: [{ a: 1 }, { a: 1 }] }, { name: "a" }]) {
    assert.deepEqual(prebuilt(value), reference(value), JSON.stringify(value));
  }
});

test("the repository's prebuilt sidecar carries the generated validator, and neither ajv nor TypeBox", () => {
  const bundle = readFileSync("dist/proxy.mjs", "utf8");
  assert.match(bundle, /function validateMeshIR\(ir\)/);
  assert.doesNotMatch(bundle, /from ?"(ajv|@sinclair\/typebox|@peculiar\/x509|reflect-metadata)"/);
});

test("the prebuilt sidecar NACKs a view that does not match the schema, naming where", { timeout: 30_000 }, async (t) => {
  assert.ok(prebuiltEntry(pathToFileURL(`${path.resolve(".")}/`), "proxy"), "dist/proxy.mjs is missing or stale: npm ci (prepare) builds it");
  // A control plane of one message: the snapshot, whose one outbound service has no name.
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  t.after(() => server.close());
  const nack = new Promise<{ type: string; nonce: string; error: string }>((resolve) => server.on("connection", (socket) => {
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString()) as { type: string; nonce: string; error: string };
      if (message.type === "hello") {
        const view = { bundleVersion: "b1", trustDomain: "typemesh.local", self: { service: "shop/shopper", version: "v1" }, outbound: [{ id: "shop/cart" }], denied: [], endpoints: {} };
        socket.send(JSON.stringify({ type: "snapshot", nonce: "n1", version: "1", view }));
      } else if (message.type === "nack") resolve(message);
    });
  }));
  const { port } = server.address() as { port: number };
  const child = spawn(process.execPath, [path.resolve("bin/typemesh.js"), "proxy", "--service", "shop/shopper", "--version", "v1", "--app", "127.0.0.1:9",
    "--control-plane", `http://127.0.0.1:${port}`, "--no-mtls", "--outbound", "0", "--inbound", "0", "--admin", "0", "--state-dir", path.join(work, "proxy")],
  { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TYPEMESH_FROM_SOURCE: "" } });
  t.after(() => { child.kill("SIGKILL"); });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on("data", (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`the proxy exited (${code}):\n${output}`))));
  const answer = await Promise.race([nack, exited]);
  assert.equal(answer.nonce, "n1");
  assert.match(answer.error, /^config view does not match this proxy's schema: \/services\/0 must have required property 'name'/);
});
