// Reading the plan model's JSON Schema (GET /api/plans/schema: pydantic's, with x-label, x-help and x-options
// beside its keys) to draw a form, and turning the form's document into what the server checks.

/** The property's schema with its $ref followed and `anyOf: [X, null]` taken as X (the label the property
 * carries wins over its model's). */
export function resolve(node, root) {
  let n = { ...node };
  if (Array.isArray(n.anyOf)) {
    const other = n.anyOf.find((x) => x.type !== "null") ?? {};
    n = { ...other, ...n, anyOf: undefined, nullable: true };
  }
  if (n.$ref) {
    const def = root.$defs[n.$ref.split("/").pop()] ?? {};
    const own = Object.fromEntries(Object.entries(n).filter(([k, v]) => v !== undefined && k !== "$ref"));
    n = { ...def, ...own };
  }
  return n;
}

/** How a field is drawn. */
export function kindOf(n, root) {
  if (n.const !== undefined) return "const";
  if (n["x-options"]) return "enum";
  if (n.type === "object" || n.properties) return "object";
  if (n.type === "array") {
    const item = resolve(n.items ?? {}, root);
    if (item["x-options"]) return "multi";
    if (item.type === "object" || item.properties) return "list";
    return "tags";
  }
  if (n.type === "boolean") return "boolean";
  if (n.type === "integer" || n.type === "number") return "number";
  if (n.format === "date") return "date";
  if ((n.maxLength ?? 0) >= 2000) return "prose";
  return "text";
}

/** The document with an empty object wherever the schema has one, so the form can bind every field. */
export function normalize(value, node, root) {
  const n = resolve(node, root);
  const kind = kindOf(n, root);
  if (kind === "object") {
    const obj = value && typeof value === "object" && !Array.isArray(value) ? value : {};
    for (const [key, prop] of Object.entries(n.properties ?? {})) {
      const p = resolve(prop, root);
      const k = kindOf(p, root);
      if (k === "object") obj[key] = normalize(obj[key], p, root);
      else if (k === "list" && Array.isArray(obj[key])) obj[key] = obj[key].map((x) => normalize(x, p.items, root));
      else if (obj[key] === undefined && k === "boolean" && p.default !== undefined) obj[key] = p.default;
    }
    return obj;
  }
  return value;
}

/** What the form sends: blanks, nulls and empty objects and lists left out (the contract reads them as absent). */
export function prune(value) {
  if (Array.isArray(value)) {
    const items = value.map(prune).filter((x) => x !== undefined);
    return items.length ? items : undefined;
  }
  if (value && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      const p = prune(v);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length ? out : undefined;
  }
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string" && !value.trim()) return undefined;
  return value;
}

/** A number typed in a text box: a number when it reads as one, "" as absent, anything else as typed (the server
 * says what is wrong with it, in its place). */
export function asNumber(text) {
  if (text === "" || text === null || text === undefined) return null;
  const n = Number(String(text).trim());
  return Number.isFinite(n) && String(text).trim() !== "" ? n : text;
}

/** An id for the element of a field path (systems[0].security.mlps_level → f-systems-0-security-mlps_level). */
export function fieldId(path) {
  return "f-" + path.replace(/\[(\d+)\]/g, "-$1").replace(/[^A-Za-z0-9_-]+/g, "-");
}

/** Problems by the field each is pinned to: path → ["中文 English", ...]. */
export function pins(problems) {
  const out = {};
  for (const p of problems ?? []) {
    const field = p.place?.field;
    if (!field) continue;
    (out[field] ??= []).push(`${p.zh} ${p.en}`);
  }
  return out;
}

/** The problems at `path` or inside it. */
export function within(errors, path) {
  return Object.entries(errors).filter(([k]) => k === path || k.startsWith(path + ".") || k.startsWith(path + "["))
    .flatMap(([, v]) => v);
}
