#!/usr/bin/env node
// bin `racetel-rpc`.
import { runRpc } from "./cli.js";

process.exitCode = await runRpc(process.argv.slice(2));
