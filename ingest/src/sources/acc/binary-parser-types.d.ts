// binary-parser 2.3.0 ships its types for the CommonJS build only, which NodeNext resolution does not
// pick for the ESM entry; this points the module name at those types (applies to the whole package).
declare module "binary-parser" {
  export * from "binary-parser/dist/binary_parser.js";
}
