// TM1014: a mirror must go to a declared service (and version). TM1010: mirroring to where the route
// already sends would double the load on that destination and compare nothing.
import { destinationsOf } from "../context.ts";
import type { Rule } from "../rule.ts";

export const mirrorTarget: Rule = {
  name: "mirror-target",
  scope: "universe", // reads other services' keys and versions (the first declaration's)
  check(ctx) {
    for (const service of ctx.services) {
      service.spec.routes?.forEach((route, r) => {
        const mirror = route.mirror;
        if (!mirror) return;
        const path = ["routes", r, "mirror", "to"];
        const target = mirror.to.$service;
        const targets = target === undefined ? undefined : ctx.byKey.get(target);
        if (!target || !targets) {
          ctx.report("TM1014", service, path, `mirror target ${target ?? mirror.to.$invalid ?? "(not a service)"} is not a declared service`);
          return;
        }
        const version = mirror.to.$version;
        if (version !== undefined && !(version in targets[0]!.spec.versions)) {
          ctx.report("TM1014", service, path, `mirror target ${target} has no version "${version}"`);
          return;
        }
        if (target !== service.key) return;
        const own = destinationsOf(route).map(([v]) => v);
        if (version === undefined || own.includes(version)) {
          ctx.report("TM1010", service, path,
            `route ${route.name ?? `#${r + 1}`} mirrors to ${target}${version ? ` ${version}` : ""}, where it already sends`,
            "mirror to a version the route does not send to, e.g. a shadow deployment");
        }
      });
    }
  },
};
