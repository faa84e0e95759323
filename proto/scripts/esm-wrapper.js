// protobufjs/minimal is CommonJS: Node ESM exposes it as the default import only.
import $protobuf from $DEPENDENCY;

$OUTPUT;

export { $root as default };
