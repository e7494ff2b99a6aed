import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { belongsTo, pairsFromFederalRows, parseAgenciesFile, slugify, withDescendants, type Agency } from './agencies.ts';

const TREE: Agency[] = [
  { id: 1, name: 'Department of Agriculture', parentId: null, level: 'department', slug: 'usda', path: 'Department of Agriculture' },
  { id: 2, name: 'Forest Service', parentId: 1, level: 'bureau', slug: 'fs', path: 'Department of Agriculture › Forest Service' },
  { id: 3, name: 'Region 5', parentId: 2, level: 'office', slug: 'r5', path: 'Department of Agriculture › Forest Service › Region 5' },
  {
    id: 4,
    name: 'Food Safety and Inspection Service',
    parentId: 1,
    level: 'bureau',
    slug: 'fsis',
    path: 'Department of Agriculture › Food Safety and Inspection Service',
  },
  { id: 5, name: 'General Services Administration', parentId: null, level: 'department', slug: 'gsa', path: 'General Services Administration' },
];

describe('agencies', () => {
  test('agencies-and-subs.csv: header, quoted names, problems by line', () => {
    const ok = parseAgenciesFile('Agency,Bureau\n"Department of Commerce, Office","Census Bureau"\nAccess Board,\n');
    assert.ok(ok.ok);
    assert.deepEqual(ok.pairs, [
      { line: 2, department: 'Department of Commerce, Office', bureau: 'Census Bureau' },
      { line: 3, department: 'Access Board' },
    ]);
    const badHeader = parseAgenciesFile('Name,Sub\nX,\n');
    assert.ok(!badHeader.ok && /Agency,Bureau/.test(badHeader.problems[0]!.message));
    const empty = parseAgenciesFile('Agency,Bureau\n,Orphan bureau\n');
    assert.ok(!empty.ok && empty.problems[0]!.line === 2);
  });

  test('current-federal rows become department and bureau pairs', () => {
    assert.deepEqual(pairsFromFederalRows([{ line: 2, organization: 'GSA', suborganization: 'FAS' }, { line: 3 }, { line: 4, organization: 'GSA' }]), [
      { line: 2, department: 'GSA', bureau: 'FAS' },
      { line: 4, department: 'GSA' },
    ]);
  });

  test('the tree: descendants, and who belongs to a sponsoring agency', () => {
    assert.deepEqual([...withDescendants(TREE, [1])].sort(), [1, 2, 3, 4]);
    assert.deepEqual([...withDescendants(TREE, [2])].sort(), [2, 3]);
    assert.equal(belongsTo(TREE, 2, 1), true, 'Forest Service staff belong to the department');
    assert.equal(belongsTo(TREE, 1, 3), true, 'department staff belong to its offices');
    assert.equal(belongsTo(TREE, 4, 2), false, 'a sibling bureau does not');
    assert.equal(belongsTo(TREE, 5, 1), false);
    assert.equal(belongsTo(TREE, undefined, 1), false);
  });

  test('slugs are ASCII and readable', () => {
    assert.equal(slugify('Bureau of Land Management'), 'bureau-of-land-management');
    assert.equal(slugify('Office of Science & Technology Policy'), 'office-of-science-and-technology-policy');
    assert.equal(slugify('Défense — Nationale'), 'defense-nationale');
  });
});
