/**
 * Speaker requests for the metrics dashboard (src/metrics): per day and community, requests
 * received and the steps they reached (matched, accepted, confirmed ...), read from the
 * request history, so "by status" is the flow through the workflow over time.
 */
import type { MetricSource } from '../metrics/index.ts';
import { REQUEST_STATUSES, REQUEST_STATUS_TEXT } from './workflow.ts';

export const speakerRequestsSource: MetricSource = {
  name: 'speaker-requests',
  title: 'Speaker requests per week, by status reached',
  description: 'Received counts new requests; each other column counts requests that reached that step in the week (a request can reach several).',
  metrics: REQUEST_STATUSES.map((s) => ({ metric: `speakers.${s}`, label: s === 'new' ? 'Received' : REQUEST_STATUS_TEXT[s], combine: 'sum' as const })),
  async daily(db, w) {
    const { rows } = await db.query<{ community_id: string; metric: string; value: string }>(
      `select r.community_id, 'speakers.' || h.to_status as metric, count(distinct h.request_id) as value
         from speaker_request_history h join speaker_requests r on r.id = h.request_id
        where h.at >= $1 and h.at < $2
        group by r.community_id, h.to_status`,
      [w.start, w.end],
    );
    return rows.map((r) => ({ communityId: Number(r.community_id), metric: r.metric, value: Number(r.value) }));
  },
};
