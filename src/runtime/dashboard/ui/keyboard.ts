// Arrow keys between the topology's services: from the focused node to the nearest one in that
// direction (Tab and Shift+Tab also walk them, in a stable order).
const DIRECTIONS: Record<string, [number, number]> = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };

/** Moves focus; true when the key was an arrow and focus moved. */
export function moveFocus(scope: Element, from: Element, key: string): boolean {
  const direction = DIRECTIONS[key];
  if (!direction) return false;
  const centre = (el: Element) => {
    const r = el.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  };
  const origin = centre(from);
  let best: { el: Element; score: number } | undefined;
  for (const el of scope.querySelectorAll("[data-node]")) {
    if (el === from) continue;
    const c = centre(el);
    const along = (c.x - origin.x) * direction[0] + (c.y - origin.y) * direction[1];
    if (along <= 1) continue;
    const across = Math.abs((c.x - origin.x) * direction[1]) + Math.abs((c.y - origin.y) * direction[0]);
    const score = along + across * 2;
    if (!best || score < best.score) best = { el, score };
  }
  if (!best) return false;
  (best.el as HTMLElement | SVGElement).focus();
  return true;
}
