import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { choosePlan, WALK_COST } from './search.ts';

describe('how a search finds its newest matches', () => {
  test('dense matches are walked: 301 of 100,000 rows where a fifth match', () => {
    const plan = choosePlan(20_000, 100_000, 301, WALK_COST.words);
    assert.equal(plan.walk, true);
    assert.equal(plan.budget, 4000, 'the walk may read as many rows as the bitmap scan costs');
  });
  test('sparse matches are read through the index: a word in 2% of the rows', () => {
    assert.equal(choosePlan(2_000, 100_000, 301, WALK_COST.words).walk, false);
  });
  test('a cheap test walks further: a sender on 1 post in 10', () => {
    assert.equal(choosePlan(10_000, 100_000, 301, WALK_COST.words).walk, false);
    assert.equal(choosePlan(10_000, 100_000, 301, WALK_COST.sender).walk, true);
  });
  test('the budget never passes the rows there are; too few matches for a page is never walked', () => {
    assert.equal(choosePlan(900, 1000, 301, 1).budget, 900);
    assert.equal(choosePlan(250, 100_000, 301, 1).walk, false);
    assert.equal(choosePlan(0, 0, 301, 1).walk, false);
  });
});
