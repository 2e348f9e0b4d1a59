// Runs INSIDE the module sandbox: what its driver needs from typemesh, bundled once per session
// (module-runtime.ts): the authoring API that `import … from "typemesh"` gives a policy module, the
// registry's declarations, and their description as JSON (sandbox-collect.ts).
export * as typemesh from "../../dsl/index.ts";
export { takeDeclarations } from "../../dsl/registry.ts";
export { describeDeclarations } from "./sandbox-collect.ts";
