// Keeps typemesh's first-match-wins order on targets that rank matches by specificity (gamma/precedence).
// Whenever a later route's match outranks an earlier route's match and both can hold for one request,
// the earlier route also gets their intersection — at least as specific as the later match, so it wins
// (a tie goes to the earlier rule). Routes are processed last to first, so intersections added to a
// later route are themselves outranked in turn. What cannot be written down is returned as a problem.
import { comparePaths, comparePrecedence, type PrecedenceModel } from "./precedence.ts";
import { EMPTY, UNKNOWN, atomKey, intersectAtoms } from "./intersect.ts";
import type { Atom } from "./atoms.ts";

export interface OrderProblem {
  earlier: number;
  later: number;
  why: "regex-rank" | "no-single-match" | "too-many-matches";
}

/** Two routes whose overlap is decided by a tie: the earlier wins within one resource only. */
export interface OrderTie { earlier: number; later: number }

export interface OrderedAtoms {
  atoms: Atom[][];
  problems: OrderProblem[];
  ties: OrderTie[];
}

/** A route gets at most this many atoms, so a pathological table cannot blow up. */
const MAX_ATOMS = 128;

/**
 * An atom inside `m` that outranks `n` on their overlap: `m` plus `n`'s method, headers and query —
 * keeping `m`'s path when it already ranks at least as high (it need not lie inside `n`), else their
 * intersection's path.
 */
function outranking(m: Atom, n: Atom, model: PrecedenceModel): Atom | typeof UNKNOWN | typeof EMPTY {
  const order = comparePaths(m, n, model);
  if (order === "gt" || order === "eq" || order === "ge") {
    const { path: _path, ...rest } = n;
    return intersectAtoms(m, rest);
  }
  return intersectAtoms(m, n);
}

/**
 * `resolveTies`: also add an outranking intersection where two routes only tie — for targets that put
 * routes in separate resources, where a tie is not decided by declared order.
 */
export function preserveFirstMatch(routes: readonly (readonly Atom[])[], model: PrecedenceModel, resolveTies = false): OrderedAtoms {
  const atoms: Atom[][] = routes.map(() => []);
  const problems = new Map<string, OrderProblem>();
  const ties = new Map<string, OrderTie>();
  const problem = (earlier: number, later: number, why: OrderProblem["why"]) => problems.set(`${earlier}/${later}`, { earlier, later, why });
  const tie = (earlier: number, later: number) => ties.set(`${earlier}/${later}`, { earlier, later });

  for (let i = routes.length - 1; i >= 0; i--) {
    const own = [...routes[i]!];
    const extra: Atom[] = [];
    const known = new Set(own.map(atomKey));
    for (let j = i + 1; j < routes.length; j++) {
      for (const n of atoms[j]!) {
        for (const m of own) {
          const x = intersectAtoms(m, n);
          if (x === EMPTY) continue;
          const rank = comparePrecedence(m, n, model);
          if (rank === undefined) { problem(i, j, "regex-rank"); continue; }
          if (rank > 0) continue;
          if (rank === 0 && !resolveTies) { tie(i, j); continue; }
          const y = outranking(m, n, model);
          if (rank === 0 && (y === UNKNOWN || y === EMPTY || (comparePrecedence(y, n, model) ?? 0) <= 0)) { tie(i, j); continue; }
          if (y === UNKNOWN || y === EMPTY) { problem(i, j, "no-single-match"); continue; }
          const xRank = comparePrecedence(y, n, model);
          if (xRank === undefined) { problem(i, j, "regex-rank"); continue; }
          if (xRank === 0) tie(i, j);
          if (xRank < 0) { problem(i, j, "no-single-match"); continue; }
          if (known.has(atomKey(y))) continue;
          if (own.length + extra.length >= MAX_ATOMS) { problem(i, j, "too-many-matches"); continue; }
          extra.push(y);
          known.add(atomKey(y));
        }
      }
    }
    atoms[i] = [...own, ...extra];
  }
  const byPair = (a: { earlier: number; later: number }, b: { earlier: number; later: number }) => a.earlier - b.earlier || a.later - b.later;
  return { atoms, problems: [...problems.values()].sort(byPair), ties: [...ties.values()].sort(byPair) };
}
