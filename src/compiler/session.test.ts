// A compile session re-checks after edits with the type checker's thread and the located sites it
// keeps: every diagnostic must still point where the code now is, whichever file the edit was in.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Diagnostic } from "./diagnostics/diagnostic.ts";
import { createCompileSession } from "./session.ts";

const scratch = mkdtempSync(path.join(tmpdir(), "typemesh-session-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const mesh = readFileSync(fileURLToPath(new URL("../../test/fixtures/invalid/rule-retry-budget-exceeds-timeout/mesh.policy.ts", import.meta.url)), "utf8");

const service = (routesFrom: string) => `import { defineService } from "typemesh";
import { reads } from "${routesFrom}";

export const catalog = defineService({
  name: "catalog",
  namespace: "shop",
  port: 8080,
  versions: { v1: {} },
  routes: [reads, { name: "default", to: "v1", timeout: "2s" }],
});
`;

// The route whose retries exceed its timeout (TM1007), written in a shared module, not the service's.
const reads = (blankLines: number) => `${"\n".repeat(blankLines)}export const reads = {
  name: "reads",
  match: { method: ["GET", "HEAD"] },
  to: "v1",
  timeout: "1s",
  retries: { attempts: 3, perTryTimeout: "400ms", retryOn: ["5xx"] },
} as const;
`;

function directory(name: string, files: Record<string, string>): string {
  const root = path.join(scratch, name);
  cpSync(fileURLToPath(new URL("../../test/fixtures/invalid/rule-retry-budget-exceeds-timeout", import.meta.url)), root, { recursive: true });
  rmSync(path.join(root, "expect.json"));
  writeFileSync(path.join(root, "mesh.policy.ts"), mesh);
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(root, file), text);
  return root;
}

const budget = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.code === "TM1007").map((d) => d.location);

test("a site followed into another module moves when that module is edited", async () => {
  const root = directory("shared", { "catalog.policy.ts": service("./routes"), "routes.ts": reads(0) });
  const session = createCompileSession(root);
  try {
    assert.deepEqual(budget((await session.compile()).diagnostics), [{ file: "routes.ts", line: 6, column: 12 }]);
    writeFileSync(path.join(root, "routes.ts"), reads(3));
    assert.deepEqual(budget((await session.compile()).diagnostics), [{ file: "routes.ts", line: 9, column: 12 }]);
    // An edit elsewhere keeps what was located, and it is still right.
    writeFileSync(path.join(root, "mesh.policy.ts"), `// edited\n${mesh}`);
    assert.deepEqual(budget((await session.compile()).diagnostics), [{ file: "routes.ts", line: 9, column: 12 }]);
  } finally {
    await session.dispose();
  }
});

test("a barrel that re-exports from another module is followed after it changes", async () => {
  const root = directory("barrel", {
    "catalog.policy.ts": service("./barrel"),
    "barrel.ts": `export * from "./routes";\n`,
    "routes.ts": reads(0),
    "other-routes.ts": reads(6),
  });
  const session = createCompileSession(root);
  try {
    assert.deepEqual(budget((await session.compile()).diagnostics), [{ file: "routes.ts", line: 6, column: 12 }]);
    writeFileSync(path.join(root, "barrel.ts"), `export * from "./other-routes";\n`);
    assert.deepEqual(budget((await session.compile()).diagnostics), [{ file: "other-routes.ts", line: 12, column: 12 }]);
  } finally {
    await session.dispose();
  }
});

test("a type error and a fixed one are reported by the session's type checker", async () => {
  const root = directory("typed", { "catalog.policy.ts": service("./routes"), "routes.ts": reads(0) });
  const session = createCompileSession(root);
  try {
    writeFileSync(path.join(root, "routes.ts"), reads(0).replace("attempts: 3", `attempts: "3"`));
    const broken = await session.compile();
    assert.ok(broken.diagnostics.some((d) => d.code === "TM0001" && d.location?.file === "catalog.policy.ts"), JSON.stringify(broken.diagnostics));
    assert.equal(broken.ir, undefined);
    writeFileSync(path.join(root, "routes.ts"), reads(0));
    const fixed = await session.compile();
    assert.deepEqual(fixed.diagnostics.map((d) => d.code), ["TM1007"]);
    assert.ok(fixed.ir);
  } finally {
    await session.dispose();
  }
});
