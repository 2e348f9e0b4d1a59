// Finds where each part of a declaration was written. The sandbox tells us where a defineService call
// happened; here we find that call in the TypeScript AST and walk its object literal, so that a value
// path such as routes/2/split points at the exact line of the split. Identifiers are followed to the
// literal they were declared with (also across files), so shared route constants get precise locations.
import path from "node:path";
import type { CallExpression, Expression, Node, Program, PropertyName, SourceFile, TypeChecker } from "typescript";
import type { SourceLocation } from "../diagnostics/diagnostic.ts";
import type { DeclarationSite, LocationIndex } from "./declaration-site.ts";
import { relativePolicyPath } from "./policy-files.ts";
import { ts } from "./typescript.ts";

// A declaration's index names its file once per literal it walks: path.relative for each took most of
// the time locating 1,000 declarations (0.5 of 0.9 s), so the relative name is kept per parsed file.
const relativeNames = new WeakMap<SourceFile, { root: string; name: string }>();

function relativeName(root: string, file: SourceFile): string {
  const known = relativeNames.get(file);
  if (known?.root === root) return known.name;
  const name = relativePolicyPath(root, file.fileName);
  relativeNames.set(file, { root, name });
  return name;
}

function locationOf(root: string, node: Node): SourceLocation {
  const file = node.getSourceFile();
  const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
  return { file: relativeName(root, file), line: line + 1, column: character + 1 };
}

function findCallAt(file: SourceFile, position: number): CallExpression | undefined {
  let found: CallExpression | undefined;
  const visit = (node: Node): void => {
    if (position < node.getFullStart() || position > node.getEnd()) return;
    if (ts.isCallExpression(node) && position >= node.getStart(file)) found = node;
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function propertyName(name: PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

/** What one declaration's walk reads: the files it looked at are what a cached site depends on. */
interface Walk {
  root: string;
  checker: TypeChecker;
  index: LocationIndex;
  files: Set<SourceFile>;
}

/** Follows `x` (or `{ x }`) to the literal `const x = …` was declared with. */
function followIdentifier(node: Expression, walk: Walk): Expression {
  let current = node;
  for (let hops = 0; hops < 8 && ts.isIdentifier(current); hops++) {
    let symbol = walk.checker.getSymbolAtLocation(current);
    // Each alias hop (an import, an `export { x } from`) is a file the answer depends on.
    for (let alias = 0; alias < 8 && symbol && symbol.flags & ts.SymbolFlags.Alias; alias++) {
      for (const declaration of symbol.declarations ?? []) walk.files.add(declaration.getSourceFile());
      symbol = walk.checker.getImmediateAliasedSymbol(symbol);
    }
    const declaration = symbol?.valueDeclaration;
    if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) break;
    walk.files.add(declaration.getSourceFile());
    current = declaration.initializer;
  }
  while (ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isParenthesizedExpression(current)) {
    current = current.expression;
  }
  return current;
}

function indexLiteral(node: Expression, prefix: string, walk: Walk, depth: number): void {
  walk.index[prefix] = locationOf(walk.root, node);
  if (depth > 12) return;
  const value = followIdentifier(node, walk);
  const join = (key: string) => (prefix === "" ? key : `${prefix}/${key}`);
  if (ts.isObjectLiteralExpression(value)) {
    for (const property of value.properties) {
      if (ts.isPropertyAssignment(property)) {
        const key = propertyName(property.name);
        if (key !== undefined) indexLiteral(property.initializer, join(key), walk, depth + 1);
      } else if (ts.isShorthandPropertyAssignment(property)) {
        indexLiteral(property.name, join(property.name.text), walk, depth + 1);
        walk.index[join(property.name.text)] = locationOf(walk.root, property);
      }
    }
  } else if (ts.isArrayLiteralExpression(value)) {
    // After a spread the indices of the literal no longer match the value's.
    for (const [i, element] of value.elements.entries()) {
      if (ts.isSpreadElement(element)) break;
      indexLiteral(element, join(String(i)), walk, depth + 1);
    }
  }
}

/** A declaration's site and the parsed files it was read from. */
export interface LocatedSite {
  site: DeclarationSite;
  files: ReadonlySet<SourceFile>;
}

/** Locations for the declaration whose call the sandbox saw at `call`, and the files they came from. */
export function locateDeclarationIn(root: string, program: Program, call: SourceLocation): LocatedSite {
  const file = program.getSourceFile(path.resolve(root, call.file));
  if (!file) return { site: { at: call, locations: { "": call } }, files: new Set() };
  const files = new Set<SourceFile>([file]);
  const position = file.getPositionOfLineAndCharacter(call.line - 1, call.column - 1);
  const expression = findCallAt(file, position);
  const spec = expression?.arguments[0];
  if (!expression || !spec) return { site: { at: call, locations: { "": call } }, files };
  const walk: Walk = { root, checker: program.getTypeChecker(), index: {}, files };
  indexLiteral(spec, "", walk, 0);
  return { site: { at: locationOf(root, expression), locations: walk.index }, files };
}
