// Finds the policy modules of a directory: every **/*.policy.ts, in a stable order.
import { readdirSync } from "node:fs";
import path from "node:path";
import { dslDir } from "./paths.ts";

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

/** A source the policies wrote themselves: inside the directory, not a package or the authoring API. */
export function isPolicySource(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative) &&
    !relative.split(path.sep).includes("node_modules") && !path.resolve(file).startsWith(dslDir + path.sep);
}
