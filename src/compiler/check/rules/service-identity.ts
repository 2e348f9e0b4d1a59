// TM1016: names and namespaces become DNS labels, Kubernetes names and SPIFFE path segments, so they
// follow RFC 1123; the port is a TCP port.
import type { Rule } from "../rule.ts";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export const serviceIdentity: Rule = {
  name: "service-identity",
  scope: "service",
  check(ctx) {
    for (const service of ctx.services) {
      const { name, namespace, port } = service.spec;
      if (!DNS_LABEL.test(name)) {
        ctx.report("TM1016", service, ["name"], `service name ${JSON.stringify(name)} is not a DNS label (lower-case letters, digits, dashes; at most 63)`);
      }
      if (namespace !== undefined && !DNS_LABEL.test(namespace)) {
        ctx.report("TM1016", service, ["namespace"], `namespace ${JSON.stringify(namespace)} is not a DNS label`);
      }
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        ctx.report("TM1016", service, ["port"], `port ${port} is not a TCP port (1–65535)`);
      }
      for (const version of Object.keys(service.spec.versions)) {
        if (!DNS_LABEL.test(version)) {
          ctx.report("TM1016", service, ["versions", version], `version name ${JSON.stringify(version)} is not a DNS label`);
        }
      }
    }
  },
};
