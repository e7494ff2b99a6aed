import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { buildProgram, COMMAND_GROUPS } from './main.ts';
import { loadAppConfig } from '../app/settings.ts';

const getConfig = () => loadAppConfig({});

test('the top-level help lists each group with the description its own module gives it', async () => {
  for (const group of COMMAND_GROUPS) {
    const full = new Command('socialgov');
    (await group.load())(full, getConfig);
    const real = full.commands.find((c) => c.name() === group.name);
    assert.ok(real, `${group.name}: its module registers no such command`);
    assert.equal(group.description, real.description(), group.name);
  }
  // and every command a module registers is in the table (else --help would not list it)
  const all = await buildProgram(getConfig);
  for (const c of all.commands) {
    if (c.name() === 'serve' || c.name() === 'migrate') continue;
    assert.ok(
      COMMAND_GROUPS.some((g) => g.name === c.name()),
      `${c.name()} is missing from COMMAND_GROUPS`,
    );
  }
});

test('only the group asked for is loaded in full; the others are one line each', async () => {
  const program = await buildProgram(getConfig, ['members', 'list', '--help']);
  const members = program.commands.find((c) => c.name() === 'members')!;
  assert.ok(members.commands.some((c) => c.name() === 'list'));
  const registry = program.commands.find((c) => c.name() === 'registry')!;
  assert.equal(registry.commands.length, 0);
  const viaHelp = await buildProgram(getConfig, ['help', 'registry']);
  assert.ok(viaHelp.commands.find((c) => c.name() === 'registry')!.commands.length > 0);
});
