import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DateTime } from '../../platform/luxon.ts';
import {
  BouncePolicyError,
  DEFAULT_BOUNCE_POLICY,
  dueWarning,
  NO_BOUNCES,
  recordBounce,
  resetOnSuccess,
  type BounceAction,
  type BouncePolicy,
  type BounceState,
} from './score.ts';

const P: BouncePolicy = { ...DEFAULT_BOUNCE_POLICY };
const day = (offset: number, from = '2026-11-02') => DateTime.fromISO(from, { zone: 'utc' }).plus({ days: offset }).toISODate()!;
const kinds = (actions: BounceAction[]) => actions.map((a) => a.kind);

/** Feed bounces in order; returns the final state and every action taken. */
function run(bounces: Array<{ temporary: boolean; day: string }>, policy = P, start: BounceState = { ...NO_BOUNCES }) {
  let state = start;
  const actions: BounceAction[] = [];
  for (const b of bounces) {
    const r = recordBounce(state, b, policy);
    state = r.state;
    actions.push(...r.actions.filter((a) => a.kind !== 'none'));
  }
  return { state, actions };
}
const hard = (d: string) => ({ temporary: false, day: d });
const soft = (d: string) => ({ temporary: true, day: d });

describe('recordBounce: thresholds', () => {
  test('a first hard bounce scores hardScore, a first soft one softScore, and nothing else happens', () => {
    const h = recordBounce(NO_BOUNCES, hard(day(0)), P);
    assert.deepEqual(h.state, { ...NO_BOUNCES, score: 1, lastBounceOn: day(0), lastBounceTemporary: false });
    assert.deepEqual(h.actions, [{ kind: 'none' }]);
    const s = recordBounce(NO_BOUNCES, soft(day(0)), P);
    assert.equal(s.state.score, 0.5);
    assert.equal(s.state.lastBounceTemporary, true);
  });

  test('four hard days stay enabled; the fifth reaches 5.0 and disables with the first warning', () => {
    const four = run([0, 1, 2, 3].map((d) => hard(day(d))));
    assert.equal(four.state.score, 4);
    assert.deepEqual(four.actions, []);
    assert.equal(four.state.disabledAt, null);
    const r = recordBounce(four.state, hard(day(4)), P);
    assert.equal(r.state.score, 5);
    assert.equal(r.state.disabledAt, day(4));
    assert.equal(r.state.warningsSent, 1);
    assert.equal(r.state.lastWarningAt, day(4));
    assert.deepEqual(kinds(r.actions), ['disable', 'warn']);
    assert.deepEqual(r.actions[1], { kind: 'warn', number: 1 });
    const disable = r.actions[0] as { kind: 'disable'; reason: string };
    assert.match(disable.reason, /bounce score 5 reached the limit of 5/);
  });

  test('soft bounces alone need twice as many days (10 × 0.5)', () => {
    const nine = run([...Array(9).keys()].map((d) => soft(day(d))));
    assert.equal(nine.state.score, 4.5);
    assert.deepEqual(nine.actions, []);
    const r = recordBounce(nine.state, soft(day(9)), P);
    assert.equal(r.state.score, 5);
    assert.deepEqual(kinds(r.actions), ['disable', 'warn']);
  });

  test('a score above the threshold also disables (3 hard + 1 soft with threshold 3.2)', () => {
    const r = run([hard(day(0)), hard(day(1)), hard(day(2)), soft(day(3))], { ...P, threshold: 3.2 });
    assert.equal(r.state.score, 3.5);
    assert.deepEqual(kinds(r.actions), ['disable', 'warn']);
  });

  test('decimal scores do not drift (0.1 × 30 reaches 3.0)', () => {
    const r = run(
      [...Array(30).keys()].map((d) => soft(day(d))),
      { ...P, softScore: 0.1, threshold: 3, staleAfterDays: 1 },
    );
    assert.equal(r.state.score, 3);
    assert.deepEqual(kinds(r.actions), ['disable', 'warn']);
    assert.equal(r.state.disabledAt, day(29));
  });

  test('with warnings = 0 disabling sends no notice', () => {
    const r = run(
      [0, 1, 2, 3, 4].map((d) => hard(day(d))),
      { ...P, warnings: 0 },
    );
    assert.deepEqual(kinds(r.actions), ['disable']);
    assert.equal(r.state.warningsSent, 0);
    assert.equal(r.state.lastWarningAt, null);
  });

  test('bounces for a member already disabled are not counted', () => {
    const disabled = run([0, 1, 2, 3, 4].map((d) => hard(day(d)))).state;
    const r = recordBounce(disabled, hard(day(5)), P);
    assert.deepEqual(r.state, disabled);
    assert.deepEqual(r.actions, [{ kind: 'none' }]);
  });
});

describe('recordBounce: one bounce per day', () => {
  test('ten hard bounces on one day count once', () => {
    const r = run(Array(10).fill(hard(day(0))));
    assert.equal(r.state.score, 1);
    assert.deepEqual(r.actions, []);
  });

  test('hard beats soft on the same day: soft then hard counts as one hard day', () => {
    const r = run([soft(day(0)), hard(day(0))]);
    assert.equal(r.state.score, 1);
    assert.equal(r.state.lastBounceTemporary, false);
  });

  test('hard then soft on the same day stays one hard day', () => {
    const r = run([hard(day(0)), soft(day(0))]);
    assert.equal(r.state.score, 1);
    assert.equal(r.state.lastBounceTemporary, false);
  });

  test('several soft bounces then several hard ones on one day: still one hard day', () => {
    const r = run([soft(day(0)), soft(day(0)), hard(day(0)), hard(day(0)), soft(day(0))]);
    assert.equal(r.state.score, 1);
  });

  test('the same-day upgrade can cross the threshold', () => {
    const start: BounceState = { ...NO_BOUNCES, score: 4.5, lastBounceOn: day(0), lastBounceTemporary: true };
    const r = recordBounce(start, hard(day(0)), P);
    assert.equal(r.state.score, 5);
    assert.deepEqual(kinds(r.actions), ['disable', 'warn']);
  });

  test('a stored state without lastBounceTemporary treats the counted bounce as hard', () => {
    const start: BounceState = { score: 2, lastBounceOn: day(0), disabledAt: null, warningsSent: 0, lastWarningAt: null };
    assert.equal(recordBounce(start, hard(day(0)), P).state.score, 2);
  });

  test('a late report about an earlier day than the last counted one changes nothing', () => {
    const start = run([hard(day(0)), hard(day(3))]).state;
    const r = recordBounce(start, hard(day(1)), P);
    assert.deepEqual(r.state, start);
    assert.deepEqual(r.actions, [{ kind: 'none' }]);
  });
});

describe('recordBounce: stale scores', () => {
  test(`a gap of exactly staleAfterDays (${P.staleAfterDays}) keeps the score`, () => {
    const r = run([hard(day(0)), hard(day(7))]);
    assert.equal(r.state.score, 2);
  });

  test('a longer gap starts the score over before adding the new bounce', () => {
    const r = run([hard(day(0)), hard(day(1)), hard(day(2)), hard(day(3)), soft(day(11))]);
    assert.equal(r.state.score, 0.5);
    assert.equal(r.state.lastBounceOn, day(11));
    assert.deepEqual(r.actions, []);
  });

  test('a bounce every 8 days never adds up with staleAfterDays 7', () => {
    const r = run([...Array(20).keys()].map((i) => hard(day(i * 8))));
    assert.equal(r.state.score, 1);
    assert.deepEqual(r.actions, []);
  });

  test('gaps are counted in calendar days across months and leap days', () => {
    const r = run([hard('2028-02-25'), hard('2028-03-03')]); // 7 days, 2028 is a leap year
    assert.equal(r.state.score, 2);
    const s = run([hard('2028-02-25'), hard('2028-03-04')]); // 8 days
    assert.equal(s.state.score, 1);
  });
});

describe('dueWarning: cadence and removal', () => {
  const disabledOn = day(4);
  const disabled = run([0, 1, 2, 3, 4].map((d) => hard(day(d)))).state;

  test('nothing for a member who is not disabled', () => {
    const state = run([hard(day(0))]).state;
    assert.deepEqual(dueWarning(state, day(30), P), { state, actions: [{ kind: 'none' }] });
  });

  test('warning 2 and 3 a week apart, removal a week after the last', () => {
    let state = disabled;
    const log: string[] = [];
    for (let d = 5; d <= 40; d++) {
      const r = dueWarning(state, day(d), P);
      state = r.state;
      for (const a of r.actions) if (a.kind !== 'none') log.push(`${day(d)} ${a.kind}${a.kind === 'warn' ? a.number : ''}`);
      if (r.actions.some((a) => a.kind === 'remove')) break;
    }
    assert.deepEqual(log, [`${day(11)} warn2`, `${day(18)} warn3`, `${day(25)} remove`]);
    assert.equal(disabled.disabledAt, disabledOn);
  });

  test('no warning before the interval is up', () => {
    assert.deepEqual(dueWarning(disabled, day(10), P).actions, [{ kind: 'none' }]);
    assert.deepEqual(dueWarning(disabled, day(11), P).actions, [{ kind: 'warn', number: 2 }]);
  });

  test('after missed checks, one step per check: the next warning, not a removal', () => {
    const r = dueWarning(disabled, day(60), P);
    assert.deepEqual(r.actions, [{ kind: 'warn', number: 2 }]);
    assert.equal(r.state.lastWarningAt, day(60));
    assert.deepEqual(dueWarning(r.state, day(61), P).actions, [{ kind: 'none' }]);
  });

  test('removal repeats on later checks until the caller removes the member', () => {
    const last: BounceState = { ...disabled, warningsSent: 3, lastWarningAt: day(18) };
    assert.deepEqual(dueWarning(last, day(24), P).actions, [{ kind: 'none' }]);
    assert.deepEqual(dueWarning(last, day(25), P).actions, [{ kind: 'remove' }]);
    assert.deepEqual(dueWarning(last, day(26), P).actions, [{ kind: 'remove' }]);
  });

  test('with warnings = 0 the member is removed one interval after being disabled', () => {
    const policy = { ...P, warnings: 0 };
    const state = run(
      [0, 1, 2, 3, 4].map((d) => hard(day(d))),
      policy,
    ).state;
    assert.deepEqual(dueWarning(state, day(10), policy).actions, [{ kind: 'none' }]);
    assert.deepEqual(dueWarning(state, day(11), policy).actions, [{ kind: 'remove' }]);
  });

  test('with warnings = 1 the notice sent on disabling is the last one', () => {
    const policy = { ...P, warnings: 1 };
    const state = run(
      [0, 1, 2, 3, 4].map((d) => hard(day(d))),
      policy,
    ).state;
    assert.equal(state.warningsSent, 1);
    assert.deepEqual(dueWarning(state, day(11), policy).actions, [{ kind: 'remove' }]);
  });
});

describe('resetOnSuccess', () => {
  test('clears the score of an enabled member', () => {
    const state = run([hard(day(0)), soft(day(1))]).state;
    assert.deepEqual(resetOnSuccess(state), NO_BOUNCES);
  });

  test('clears disabling and warnings when the member turns delivery back on, so scoring starts fresh', () => {
    const disabled = run([0, 1, 2, 3, 4].map((d) => hard(day(d)))).state;
    const fresh = resetOnSuccess(disabled);
    assert.deepEqual(fresh, NO_BOUNCES);
    assert.deepEqual(dueWarning(fresh, day(30), P).actions, [{ kind: 'none' }]);
    assert.equal(recordBounce(fresh, hard(day(5)), P).state.score, 1);
  });

  test('does not change the state it was given', () => {
    const state = run([hard(day(0))]).state;
    const copy = structuredClone(state);
    resetOnSuccess(state);
    assert.deepEqual(state, copy);
  });
});

describe('bad input', () => {
  test('a malformed day is a RangeError that says the format', () => {
    assert.throws(() => recordBounce(NO_BOUNCES, hard('2026-13-01'), P), { name: 'RangeError', message: /YYYY-MM-DD/ });
    assert.throws(() => recordBounce(NO_BOUNCES, hard('23/11/2026'), P), RangeError);
    assert.throws(() => dueWarning(NO_BOUNCES, '2026-11-23T10:00:00Z', P), RangeError);
  });

  test('a bad policy names the setting', () => {
    assert.throws(() => recordBounce(NO_BOUNCES, hard(day(0)), { ...P, threshold: 0 }), { name: 'BouncePolicyError', message: /threshold/ });
    assert.throws(() => recordBounce(NO_BOUNCES, hard(day(0)), { ...P, warnings: 1.5 }), BouncePolicyError);
    assert.throws(() => recordBounce(NO_BOUNCES, hard(day(0)), { ...P, staleAfterDays: -1 }), /staleAfterDays/);
    assert.throws(() => recordBounce(NO_BOUNCES, hard(day(0)), { ...P, softScore: 2 }), /softScore/);
    assert.throws(() => dueWarning(NO_BOUNCES, day(0), { ...P, warningIntervalDays: Number.NaN }), /warningIntervalDays/);
  });
});

describe('the bounce settings (lists/settings.ts)', () => {
  test('default to this policy, and refuse what checkBouncePolicy refuses, naming the setting', async () => {
    const { ConfigError, loadConfig: loadPlatformConfig } = await import('../../platform/config.ts');
    const { listsSettings } = await import('../settings.ts');
    const loadConfig = (env: Record<string, string>) => loadPlatformConfig(env, [listsSettings]);
    const c = loadConfig({});
    assert.deepEqual(
      [c.bounceThreshold, c.bounceWarnings, c.bounceWarningDays],
      [DEFAULT_BOUNCE_POLICY.threshold, DEFAULT_BOUNCE_POLICY.warnings, DEFAULT_BOUNCE_POLICY.warningIntervalDays],
    );
    const refused = (env: Record<string, string>, message: RegExp) =>
      assert.throws(
        () => loadConfig(env),
        (err: unknown) => err instanceof ConfigError && message.test(err.message),
        JSON.stringify(env),
      );
    refused({ BOUNCE_THRESHOLD: '0' }, /^BOUNCE_THRESHOLD: it must be a number greater than 0 \(it is 0\)\. Write a number such as 5 or 2\.5\.$/);
    refused({ BOUNCE_THRESHOLD: '-1' }, /^BOUNCE_THRESHOLD: "-1" is not a number; write a number such as 5 or 2\.5\.$/);
    refused({ BOUNCE_WARNINGS: '1.5' }, /^BOUNCE_WARNINGS: "1\.5" is not a whole number; write a whole number such as 3\.$/);
    assert.equal(loadConfig({ BOUNCE_WARNINGS: '0', BOUNCE_THRESHOLD: '2.5' }).bounceThreshold, 2.5);
  });
});
