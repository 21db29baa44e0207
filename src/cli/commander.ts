// commander, loaded as the CommonJS package it is. Through `require` a cold start (`--help`) is
// about 6 ms shorter than through its ESM wrapper, which Node parses anew on every start to find
// the named exports (https://nodejs.org/docs/latest-v20.x/api/esm.html#commonjs-namespaces).

import { createRequire } from 'node:module';
import type * as Commander from 'commander';

const commander = createRequire(import.meta.url)('commander') as typeof Commander;

export const { Command, CommanderError, Help, Option } = commander;
export type Command = Commander.Command;
export type CommanderError = Commander.CommanderError;
export type Option = Commander.Option;
