/**
 * Where a command's output goes and which environment it reads. A command run from the shell
 * writes to the process's stdout and stderr and reads process.env; `main(argv, io)` can give it
 * others (the tests run every command in-process this way), through AsyncLocalStorage so each
 * concurrent run keeps its own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Writable } from 'node:stream';

export interface CliIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

const current = new AsyncLocalStorage<CliIo>();

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** The I/O of the command running now. */
export function cliIo(): CliIo {
  return current.getStore() ?? processIo();
}

export function runWithIo<T>(io: CliIo, work: () => Promise<T>): Promise<T> {
  // The process's own I/O is what cliIo() answers outside any run, so a command run from the
  // shell (serve above all) does not enter the storage: once entered, its hooks run for every
  // promise the process makes, about 1.5% of a busy server's time.
  if (!current.getStore() && io.stdout === process.stdout && io.stderr === process.stderr && io.env === process.env) return work();
  return current.run(io, work);
}

/** A result line on stdout. */
export function out(text: string): void {
  cliIo().stdout.write(text + '\n');
}
