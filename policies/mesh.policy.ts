// Mesh-wide defaults of the demo mesh.
import { defineMesh } from "typemesh";

export const mesh = defineMesh({ trustDomain: "typemesh.local", mtls: "strict" });
