// Finds the policy modules of a directory: every **/*.policy.ts, in a stable order.
import { readdirSync } from "node:fs";
import path from "node:path";

const SKIP = new Set(["node_modules", ".git", "dist"]);

export function findPolicyFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIP.has(entry.name) && !entry.name.startsWith(".")) walk(path.join(dir, entry.name));
      } else if (entry.isFile() && entry.name.endsWith(".policy.ts")) {
        found.push(path.join(dir, entry.name));
      }
    }
  };
  walk(root);
  return found.sort();
}

/** Policy paths in diagnostics and the IR are relative to the policies directory, with "/". */
export function relativePolicyPath(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join("/");
}
