// Declarations made while policy modules evaluate. The compiler reads them once every module has run;
// the stack of each call is how it finds the declaration's file and line (through the source map). The
// call site is an Error captured at the call and formatted only when read: V8 formats a stack when its
// `stack` is first read, and formatting 1,000 of them took a third of running the modules, while a
// re-check reads only the declarations of the modules an edit touched.
import type { MeshDefinition } from "./mesh.ts";
import type { ServiceDefinition } from "./service.ts";

export type Declaration =
  | { kind: "service"; value: ServiceDefinition<string>; site: Error }
  | { kind: "mesh"; value: MeshDefinition; site: Error };

const declarations: Declaration[] = [];

export function registerDeclaration(declaration: Declaration): void {
  declarations.push(declaration);
}

export function takeDeclarations(): readonly Declaration[] {
  return declarations.splice(0, declarations.length);
}
