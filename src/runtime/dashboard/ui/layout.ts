// Places the topology left to right, callers before callees (a layered, Sugiyama-style layout): layer =
// longest call path from a service nobody calls; an edge that skips layers gets waypoints in the layers
// between, so it bends around the services there instead of crossing them; the order within a layer
// follows the neighbours' positions (barycenters) to keep crossings few. Deterministic: same graph, same
// picture.
export interface LayoutInput {
  nodes: string[];
  edges: { key: string; source: string; destination: string }[];
}

export interface Point { x: number; y: number }

export interface Layout {
  width: number;
  height: number;
  /** Top-left corner of each node's box. */
  nodes: Map<string, Point>;
  /** Each edge's points: the source's right side, waypoints, the destination's left side. */
  edges: Map<string, Point[]>;
}

export const NODE = { width: 188, height: 76 };
const GAP = { column: 150, row: 44, waypoint: 40, margin: 24 };

export function layout(input: LayoutInput): Layout {
  const ids = [...input.nodes].sort();
  const out = new Map(ids.map((id) => [id, [] as string[]]));
  for (const e of input.edges) if (e.source !== e.destination) out.get(e.source)?.push(e.destination);
  // Longest path from the roots; an edge back into a service on the current path is a cycle, ignored.
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    if (layer.has(id)) return layer.get(id)!;
    visiting.add(id);
    let d = 0;
    for (const [other, targets] of out) if (targets.includes(id) && !visiting.has(other)) d = Math.max(d, depth(other) + 1);
    visiting.delete(id);
    layer.set(id, d);
    return d;
  };
  ids.forEach(depth);
  // Services with no edge at all go in a column of their own at the end, not among the callers.
  const connected = new Set(input.edges.flatMap((e) => [e.source, e.destination]));
  const lastLayer = Math.max(0, ...[...layer].filter(([id]) => connected.has(id)).map(([, l]) => l));
  for (const id of ids) if (!connected.has(id)) layer.set(id, connected.size > 0 ? lastLayer + 1 : 0);

  // Slots per layer: real nodes and waypoints of edges that skip layers.
  const columns: string[][] = [];
  const put = (slot: string, l: number) => (columns[l] ??= []).push(slot);
  for (const id of ids) put(id, layer.get(id)!);
  const chains = new Map<string, string[]>();
  for (const e of input.edges) {
    const from = layer.get(e.source) ?? 0;
    const to = layer.get(e.destination) ?? 0;
    const chain = [e.source];
    for (let l = from + 1; l < to; l++) {
      const waypoint = `\u0000${e.key}\u0000${l}`;
      put(waypoint, l);
      chain.push(waypoint);
    }
    chain.push(e.destination);
    chains.set(e.key, chain);
  }
  for (let l = 0; l < columns.length; l++) columns[l] ??= [];
  const neighbours = new Map<string, { up: string[]; down: string[] }>();
  const link = (a: string, b: string) => {
    if (!neighbours.has(a)) neighbours.set(a, { up: [], down: [] });
    if (!neighbours.has(b)) neighbours.set(b, { up: [], down: [] });
    neighbours.get(a)!.down.push(b);
    neighbours.get(b)!.up.push(a);
  };
  for (const chain of chains.values()) for (let i = 1; i < chain.length; i++) link(chain[i - 1]!, chain[i]!);
  const index = new Map<string, number>();
  const reindex = () => columns.forEach((c) => c.forEach((slot, i) => index.set(slot, i)));
  reindex();
  for (let sweep = 0; sweep < 6; sweep++) {
    const down = sweep % 2 === 0;
    const order = down ? columns.keys() : [...columns.keys()].reverse();
    for (const l of order) {
      const centre = (slot: string) => {
        const around = down ? neighbours.get(slot)?.up : neighbours.get(slot)?.down;
        if (!around || around.length === 0) return index.get(slot)!;
        return around.reduce((a, s) => a + index.get(s)!, 0) / around.length;
      };
      const keyed = columns[l]!.map((slot) => ({ slot, at: centre(slot) }));
      keyed.sort((a, b) => a.at - b.at || a.slot.localeCompare(b.slot));
      columns[l] = keyed.map((k) => k.slot);
      reindex();
    }
  }
  // Coordinates: each column stacked and centred on the tallest.
  const isWaypoint = (slot: string) => slot.startsWith("\u0000");
  const heightOf = (slot: string) => (isWaypoint(slot) ? GAP.waypoint : NODE.height);
  const columnHeight = (c: string[]) => c.reduce((a, s) => a + heightOf(s), 0) + Math.max(0, c.length - 1) * GAP.row;
  const tallest = Math.max(NODE.height, ...columns.map(columnHeight));
  const centres = new Map<string, Point>();
  columns.forEach((column, l) => {
    let y = GAP.margin + (tallest - columnHeight(column)) / 2;
    const x = GAP.margin + l * (NODE.width + GAP.column);
    for (const slot of column) {
      centres.set(slot, { x: x + NODE.width / 2, y: y + heightOf(slot) / 2 });
      y += heightOf(slot) + GAP.row;
    }
  });
  const nodes = new Map(ids.map((id) => {
    const c = centres.get(id)!;
    return [id, { x: c.x - NODE.width / 2, y: c.y - NODE.height / 2 }];
  }));
  const edges = new Map<string, Point[]>();
  for (const [key, chain] of chains) edges.set(key, chain.map((slot) => ({ ...centres.get(slot)! })));
  // Ports: a node's outgoing edges leave its right side and incoming ones enter its left side spread
  // out, in the order of where they go or come from, so they do not all start at one point.
  const PORT_GAP = 12;
  const spread = (id: string, side: "out" | "in") => {
    const mine = [...edges.entries()].filter(([key]) => {
      const chain = chains.get(key)!;
      return chain.length > 1 && (side === "out" ? chain[0] === id : chain.at(-1) === id);
    });
    const neighbour = (points: Point[]) => (side === "out" ? points[1]! : points.at(-2)!);
    mine.sort(([a, pa], [b, pb]) => neighbour(pa).y - neighbour(pb).y || a.localeCompare(b));
    const centre = centres.get(id)!;
    mine.forEach(([, points], i) => {
      const forward = points.at(-1)!.x > points[0]!.x;
      const dy = forward ? (i - (mine.length - 1) / 2) * Math.min(PORT_GAP, (NODE.height - 16) / Math.max(1, mine.length - 1)) : 0;
      const at = side === "out" ? 0 : points.length - 1;
      const dx = forward ? (side === "out" ? NODE.width / 2 : -NODE.width / 2) : 0;
      points[at] = { x: centre.x + dx, y: centre.y + (forward ? dy : NODE.height / 2) };
    });
  };
  for (const id of ids) {
    spread(id, "out");
    spread(id, "in");
  }
  return { width: GAP.margin * 2 + Math.max(1, columns.length) * NODE.width + Math.max(0, columns.length - 1) * GAP.column, height: tallest + GAP.margin * 2, nodes, edges };
}

/** A smooth SVG path through the points, leaving and entering each one horizontally. */
export function pathThrough(points: Point[]): string {
  const [first, ...rest] = points;
  if (!first) return "";
  let d = `M${first.x},${first.y}`;
  let previous = first;
  for (const p of rest) {
    const dx = Math.max(40, Math.abs(p.x - previous.x) / 2);
    d += ` C${previous.x + dx},${previous.y} ${p.x - dx},${p.y} ${p.x},${p.y}`;
    previous = p;
  }
  return d;
}

/**
 * Where an edge's label goes: on its middle waypoint, a slot of its own in a column (so it meets neither
 * a service nor another edge's label); without waypoints, halfway between the two columns.
 */
export function labelPoint(points: Point[]): Point {
  if (points.length > 2) return points[Math.floor((points.length - 1) / 2)]!;
  const a = points[0]!;
  const b = points.at(-1)!;
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}
