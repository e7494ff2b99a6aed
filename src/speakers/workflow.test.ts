import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkConsultationStep, checkRequestStep, consultationStepsFor, isOpenRequest, REQUEST_STATUSES, requestStepsFor } from './workflow.ts';

test('the whole happy path is allowed, each step for the right person', () => {
  const path: Array<[Parameters<typeof checkRequestStep>[0], Parameters<typeof checkRequestStep>[1], Parameters<typeof checkRequestStep>[2]]> = [
    ['new', 'in_review', 'coordinator'],
    ['in_review', 'matched', 'coordinator'],
    ['matched', 'accepted', 'speaker'],
    ['accepted', 'confirmed', 'coordinator'],
    ['confirmed', 'completed', 'coordinator'],
  ];
  for (const [from, to, role] of path) assert.deepEqual(checkRequestStep(from, to, role), { ok: true }, `${from} → ${to} by ${role}`);
});

test('a declined proposal goes back to the coordinator, who proposes someone else', () => {
  assert.equal(checkRequestStep('matched', 'declined', 'speaker').ok, true);
  assert.equal(checkRequestStep('declined', 'matched', 'coordinator').ok, true);
  assert.deepEqual(requestStepsFor('declined', 'coordinator'), ['matched', 'in_review', 'withdrawn']);
});

test('skipping steps is refused with a message naming the steps that are possible', () => {
  const r = checkRequestStep('new', 'confirmed', 'coordinator');
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.code === 'ILLEGAL_STEP');
  assert.match(!r.ok ? r.message : '', /cannot become “Confirmed”\. It can become: in review, withdrawn/);
  assert.equal(checkRequestStep('in_review', 'accepted', 'speaker').ok, false, 'no acceptance before a proposal');
});

test('only the speaker accepts or declines; only coordinators confirm; requesters may only withdraw', () => {
  const c = checkRequestStep('matched', 'accepted', 'coordinator');
  assert.ok(!c.ok && c.code === 'NOT_ALLOWED');
  assert.match(!c.ok ? c.message : '', /Only the proposed speaker/);
  assert.equal(checkRequestStep('accepted', 'confirmed', 'speaker').ok, false);
  assert.equal(checkRequestStep('accepted', 'confirmed', 'requester').ok, false);
  assert.deepEqual(requestStepsFor('matched', 'requester'), ['withdrawn']);
  assert.deepEqual(requestStepsFor('matched', 'speaker'), ['accepted', 'declined']);
});

test('completed and withdrawn requests are final', () => {
  for (const from of ['completed', 'withdrawn'] as const) {
    assert.equal(isOpenRequest(from), false);
    for (const to of REQUEST_STATUSES) {
      const r = checkRequestStep(from, to, 'coordinator');
      assert.equal(r.ok, false);
      assert.match(!r.ok ? r.message : '', /nothing more can change/);
    }
  }
  assert.equal(isOpenRequest('confirmed'), true);
});

test('consultations: experts take and answer, askers close, nothing reopens a closed one', () => {
  assert.equal(checkConsultationStep('open', 'taken', 'expert').ok, true);
  assert.equal(checkConsultationStep('open', 'taken', 'asker').ok, false);
  assert.equal(checkConsultationStep('taken', 'answered', 'expert').ok, true);
  assert.equal(checkConsultationStep('taken', 'answered', 'coordinator').ok, false);
  assert.equal(checkConsultationStep('answered', 'closed', 'asker').ok, true);
  assert.equal(checkConsultationStep('open', 'answered', 'expert').ok, false, 'take it first');
  assert.equal(checkConsultationStep('closed', 'open', 'coordinator').ok, false);
  assert.deepEqual(consultationStepsFor('open', ['asker']), ['closed']);
  assert.deepEqual(consultationStepsFor('open', ['expert', 'coordinator']), ['taken', 'closed']);
});
