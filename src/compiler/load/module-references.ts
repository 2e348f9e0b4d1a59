// What a module can see of other modules, read from its syntax alone: the module specifiers it names,
// and whether it reaches past its imports (globals, augmentations, reference directives). A policy file
// re-checked against its imports' declarations (declaration-check.ts) is right only when its imports
// are all it sees, and only when every import is known: both the file's own, to tell which files a
// changed declaration concerns, and those of an emitted .d.ts, which the file's program will load.
import type { Node, SourceFile, StringLiteralLike } from "typescript";
import { ts } from "./typescript.ts";

/**
 * Every module specifier of `file` that a program resolves: import and export declarations, `import x =
 * require()`, import types (`import("./x").T`, which a .d.ts writes for a type it cannot name otherwise)
 * and import() calls with a literal specifier.
 */
export function moduleReferences(file: SourceFile): StringLiteralLike[] {
  const found: StringLiteralLike[] = [];
  const literal = (node: Node | undefined) => {
    if (node && ts.isStringLiteralLike(node)) found.push(node);
  };
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) literal(statement.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) {
      literal(statement.moduleReference.expression);
    }
  }
  // Import types and import() calls may be anywhere; most files have neither, and the walk is skipped.
  if (/\bimport\s*\(/.test(file.text)) {
    const visit = (node: Node): void => {
      if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) literal(node.argument.literal);
      else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) literal(node.arguments[0]);
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(file, visit);
  }
  return found;
}

/**
 * Whether `file` can change what other files see besides through their imports of it: a script (its
 * declarations are global), `declare global`, `declare module "…"` (an augmentation or an ambient
 * module) or a reference directive (which adds files or libs to every program that loads it).
 */
export function reachesPastImports(file: SourceFile): boolean {
  if (!ts.isExternalModule(file)) return true;
  if (file.referencedFiles.length > 0 || file.typeReferenceDirectives.length > 0 || file.libReferenceDirectives.length > 0) return true;
  return file.statements.some((statement) =>
    ts.isModuleDeclaration(statement) && (ts.isStringLiteral(statement.name) || (statement.flags & ts.NodeFlags.GlobalAugmentation) !== 0));
}
