// Where the compiler's own modules live on disk, for the type checker's `typemesh` mapping and the
// bundler's import allow-list.
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

export const dslEntry = path.resolve(here, "../../dsl/index.ts");
export const dslDir = path.dirname(dslEntry);
export const sandboxCollector = path.resolve(here, "sandbox-collect.ts");
