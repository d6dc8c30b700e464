#!/usr/bin/env node
// Entry point of the `spindle` binary (dist/cli.js); everything else lives in cli.ts, so importing the CLI's
// modules never runs it.
import { run } from './cli.ts';

process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
