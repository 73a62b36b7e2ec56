// Validates Kubernetes manifests (a JSON array on stdin) against the schemas of the npm package kubernetes-models,
// which are generated from the Kubernetes OpenAPI spec. argv[2] is the node_modules folder holding it.
// Prints one line per document ("ok Kind/name" or "invalid Kind/name: errors") and exits 1 if any is invalid or unknown.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.argv[2];
const documents = JSON.parse(readFileSync(0, "utf8"));
const packages = { "monitoring.coreos.com": "@kubernetes-models/prometheus-operator" };
let failed = false;
for (const doc of documents) {
  const [group, version] = doc.apiVersion.includes("/") ? doc.apiVersion.split("/") : ["", doc.apiVersion];
  const pkg = packages[group] ?? "kubernetes-models";
  const file = join(modules, pkg, ...(group ? [group] : []), version, `${doc.kind}.js`);
  const label = `${doc.kind}/${doc.metadata?.name}`;
  let model;
  try {
    model = (await import(pathToFileURL(file).href))[doc.kind];
  } catch (e) {
    console.log(`unknown ${label}: no schema for ${doc.apiVersion} ${doc.kind} (${e.code ?? e.message})`);
    failed = true;
    continue;
  }
  try {
    new model(doc).validate();
    console.log(`ok ${label}`);
  } catch (e) {
    console.log(`invalid ${label}: ${e.message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
