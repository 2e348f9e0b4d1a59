// The TypeScript compiler API, loaded with require(). typescript is one 9 MB CommonJS file; imported as
// an ES module, Node first scans all of it for export names (through tsx's loader, seconds per start).
import { createRequire } from "node:module";
import type * as TypeScript from "typescript";

export const ts = createRequire(import.meta.url)("typescript") as typeof TypeScript;
