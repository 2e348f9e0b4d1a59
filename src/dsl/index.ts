// The authoring API: what `import … from "typemesh"` gives a policy file.
export { defineService } from "./service.ts";
export type {
  Authorization, AuthorizationRule, LazyServiceRef, Mirror, RolloutSpec, Route, ServiceDefinition, ServiceRef, ServiceReference,
  ServiceSpec, SplitWeights, VersionRef, VersionSpec,
} from "./service.ts";
export { defineMesh } from "./mesh.ts";
export type { MeshDefinition, MeshSpec } from "./mesh.ts";
export type * from "./types.ts";
