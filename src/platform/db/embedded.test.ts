import assert from 'node:assert/strict';
import { test } from 'node:test';
import { socketUrlFor } from './embedded.ts';

test('the embedded database is reached over its Unix socket when the path fits, with the password kept', () => {
  const url = socketUrlFor('/home/ana/.socialgov/pg', 54321, 'p@ss/word');
  assert.ok(url);
  const u = new URL(url);
  assert.equal(u.searchParams.get('host'), '/home/ana/.socialgov/pg', 'the host parameter names the socket folder (it wins over the host name)');
  assert.equal(u.port, '54321');
  assert.equal(decodeURIComponent(u.password), 'p@ss/word');
  assert.equal(u.pathname, '/socialgov');
  // a folder with spaces and non-ASCII letters
  assert.equal(new URL(socketUrlFor('/srv/données sociales/pg', 5, 'x')!).searchParams.get('host'), '/srv/données sociales/pg');
});

test('a socket path over 107 bytes cannot be used: none (the platform connects over TCP)', () => {
  const dir = `/srv/${'a'.repeat(90)}/pg`;
  assert.equal(socketUrlFor(dir, 54321, 'x'), undefined, `${dir}/.s.PGSQL.54321 is over 107 bytes`);
  const fits = `/srv/${'a'.repeat(80)}/pg`;
  assert.ok(socketUrlFor(fits, 54321, 'x'));
});
