// One sidecar pair for bench/proxy/mtls.ts, in its own process: a control plane, an upstream app that
// answers 1 kB, the callee's sidecar (shop/frontend, strict, no ALLOW rules) and the caller's (shop/shopper), with mTLS or in
// plaintext (--plaintext). Prints {"outbound": port, "app": port} when the pair is ready.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { untimedBundle } from "../../test/runtime/zero-trust/harness.ts";
import { ControlPlane } from "../../src/runtime/control-plane/control-plane.ts";
import { Proxy } from "../../src/runtime/proxy/proxy.ts";

const mtls = !process.argv.includes("--plaintext");
const work = mkdtempSync(path.join(os.tmpdir(), "typemesh-bench-pair-"));
const body = Buffer.alloc(1024, "x");
const app = createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200, { "content-type": "text/plain", "content-length": body.length }).end(body));
});
await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
const appPort = (app.address() as AddressInfo).port;

const cp = new ControlPlane({ stateDir: path.join(work, "cp"), adminToken: "bench", port: 0, endpointDebounceMs: 10 });
const { url } = await cp.listen();
// The demo mesh without route timeouts and retries: the bench measures the sidecars, not the policies.
cp.apply(await untimedBundle(), "bench");
const proxies: Proxy[] = [];
let outbound = 0;
for (const service of ["frontend", "shopper"]) {
  const proxy = new Proxy({
    service, version: "v1", app: { host: "127.0.0.1", port: appPort }, controlPlane: url, stateDir: path.join(work, "px"),
    id: `${service}-v1`, joinToken: cp.issueJoinToken(service).token, mtls, statsIntervalMs: 60_000,
  });
  proxies.push(proxy);
  outbound = (await proxy.start()).outbound;
}
const deadline = Date.now() + 30_000;
while (Date.now() < deadline) {
  const proxies = cp.status().proxies;
  if (proxies.length === 2 && proxies.every((p) => p.state === "SYNCED")) break;
  await new Promise((r) => setTimeout(r, 25));
}
process.stdout.write(`${JSON.stringify({ outbound, app: appPort, mtls })}\n`);
process.on("SIGTERM", async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await cp.close();
  app.close();
  rmSync(work, { recursive: true, force: true });
  process.exit(0);
});
