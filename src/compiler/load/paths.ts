// Where the compiler's own modules live on disk, for the type checker's `typemesh` mapping and the
// bundler's import allow-list.
import path from "node:path";
import { packagePath } from "../../package-root.ts";

export const dslEntry = packagePath("src/dsl/index.ts");
export const dslDir = path.dirname(dslEntry);
export const sandboxCollector = packagePath("src/compiler/load/sandbox-collect.ts");
