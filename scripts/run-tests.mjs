// Runs every *.test.ts under src/ and test/ with node's built-in test runner (TypeScript through tsx).
// Node 20's runner takes no globs, so the files are found here. Pass paths or substrings to narrow.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const roots = ["src", "test", "bench"];
const skip = new Set(["node_modules", "fixtures", "generated", "golden"]);

function find(dir, out) {
  let entries;
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return out; }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) { if (!skip.has(entry.name)) find(full, out); }
    else if (entry.name.endsWith(".test.ts")) out.push(full);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = roots.flatMap((r) => find(r, [])).sort()
  .filter((f) => filters.length === 0 || filters.some((needle) => f.includes(needle)));
if (files.length === 0) {
  console.error("no test files matched");
  process.exit(1);
}
// The sidecars the tests start through the CLI run prebuilt (bin/typemesh.js): build it from the sources
// as they are now, so that an edit is tested, not a stale bundle.
const built = spawnSync(process.execPath, [fileURLToPath(new URL("prebuild.mjs", import.meta.url))], { stdio: "inherit" });
if (built.status !== 0) process.exit(built.status ?? 1);
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", ...files], { stdio: "inherit" });
process.exit(result.status ?? 1);
