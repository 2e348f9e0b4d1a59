// Declarations made while policy modules evaluate. The compiler reads them once every module has run;
// the stack of each call is how it finds the declaration's file and line (through the source map).
import type { MeshDefinition } from "./mesh.ts";
import type { ServiceDefinition } from "./service.ts";

export type Declaration =
  | { kind: "service"; value: ServiceDefinition<string>; stack: string }
  | { kind: "mesh"; value: MeshDefinition; stack: string };

const declarations: Declaration[] = [];

export function registerDeclaration(declaration: Declaration): void {
  declarations.push(declaration);
}

export function takeDeclarations(): readonly Declaration[] {
  return declarations.splice(0, declarations.length);
}
