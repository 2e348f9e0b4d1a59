// Finds where each part of a declaration was written. The sandbox tells us where a defineService call
// happened; here we find that call in the TypeScript AST and walk its object literal, so that a value
// path such as routes/2/split points at the exact line of the split. Identifiers are followed to the
// literal they were declared with (also across files), so shared route constants get precise locations.
import path from "node:path";
import type { CallExpression, Expression, Node, Program, PropertyName, SourceFile, TypeChecker } from "typescript";
import type { SourceLocation } from "../diagnostics/diagnostic.ts";
import { relativePolicyPath } from "./policy-files.ts";
import { ts } from "./typescript.ts";

/** Value path (keys and indices joined by "/") → where that value was written. "" is the whole spec. */
export type LocationIndex = Record<string, SourceLocation>;

function locationOf(root: string, node: Node): SourceLocation {
  const file = node.getSourceFile();
  const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
  return { file: relativePolicyPath(root, file.fileName), line: line + 1, column: character + 1 };
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

/** Follows `x` (or `{ x }`) to the literal `const x = …` was declared with. */
function followIdentifier(node: Expression, checker: TypeChecker): Expression {
  let current = node;
  for (let hops = 0; hops < 8 && ts.isIdentifier(current); hops++) {
    let symbol = checker.getSymbolAtLocation(current);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const declaration = symbol?.valueDeclaration;
    if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) break;
    current = declaration.initializer;
  }
  while (ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isParenthesizedExpression(current)) {
    current = current.expression;
  }
  return current;
}

function indexLiteral(
  root: string, node: Expression, prefix: string, checker: TypeChecker, index: LocationIndex, depth: number,
): void {
  index[prefix] = locationOf(root, node);
  if (depth > 12) return;
  const value = followIdentifier(node, checker);
  const join = (key: string) => (prefix === "" ? key : `${prefix}/${key}`);
  if (ts.isObjectLiteralExpression(value)) {
    for (const property of value.properties) {
      if (ts.isPropertyAssignment(property)) {
        const key = propertyName(property.name);
        if (key !== undefined) indexLiteral(root, property.initializer, join(key), checker, index, depth + 1);
      } else if (ts.isShorthandPropertyAssignment(property)) {
        indexLiteral(root, property.name, join(property.name.text), checker, index, depth + 1);
        index[join(property.name.text)] = locationOf(root, property);
      }
    }
  } else if (ts.isArrayLiteralExpression(value)) {
    // After a spread the indices of the literal no longer match the value's.
    for (const [i, element] of value.elements.entries()) {
      if (ts.isSpreadElement(element)) break;
      indexLiteral(root, element, join(String(i)), checker, index, depth + 1);
    }
  }
}

export interface DeclarationSite {
  at: SourceLocation;
  locations: LocationIndex;
}

/** Locations for the declaration whose call the sandbox saw at `call`. */
export function locateDeclaration(root: string, program: Program, call: SourceLocation): DeclarationSite {
  const file = program.getSourceFile(path.resolve(root, call.file));
  if (!file) return { at: call, locations: { "": call } };
  const position = file.getPositionOfLineAndCharacter(call.line - 1, call.column - 1);
  const expression = findCallAt(file, position);
  const spec = expression?.arguments[0];
  if (!expression || !spec) return { at: call, locations: { "": call } };
  const locations: LocationIndex = {};
  indexLiteral(root, spec, "", program.getTypeChecker(), locations, 0);
  return { at: locationOf(root, expression), locations };
}

/** The location of a value path, or of its nearest written ancestor. */
export function locate(site: DeclarationSite, valuePath: readonly (string | number)[]): SourceLocation {
  for (let n = valuePath.length; n >= 0; n--) {
    const found = site.locations[valuePath.slice(0, n).join("/")];
    if (found) return found;
  }
  return site.at;
}
